#pragma once
// The live decision log file: appends whole lines with write(2), knows its size, and rotates
// itself when the next line would pass max_size. Owned and used by the writer thread only.
#include <cstddef>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace dg::proxy::decision_log {

class LiveFile {
 public:
  LiveFile(std::string path, uint64_t max_size, int keep);
  ~LiveFile();
  LiveFile(const LiveFile&) = delete;
  LiveFile& operator=(const LiveFile&) = delete;

  // Creates or appends to the path. Error: "decision_log.path: cannot open PATH: reason".
  std::expected<void, std::string> open();
  void close();
  bool is_open() const { return fd_ >= 0; }

  // How many bytes of `lines` (whole lines, each ending in '\n') go into the file before it
  // must rotate: all of them when they fit under max_size, else the whole lines that do, or 0.
  // An empty file always takes the first line, however long: lines are never split. Only
  // regular files rotate: a path like /dev/stdout or a FIFO takes everything.
  std::size_t fitting(std::string_view lines) const;
  // Closes the file, moves it to PATH.1.gz (rotation.hpp) and opens a fresh one. The error
  // says what was lost; the file is open again afterwards unless the reopen failed too.
  std::expected<void, std::string> rotate();

  // Writes `lines` (`count` whole lines, each ending in '\n') and returns how many reached the
  // file. On a failure (disk full, EIO) a partly written line is cut off again and the file is
  // closed; the next open() retries.
  std::size_t write(std::string_view lines, std::size_t count);

 private:
  std::string path_;
  uint64_t max_size_;
  int keep_;
  int fd_ = -1;
  uint64_t size_ = 0;  // bytes in the file, all whole lines
  bool regular_ = false;
};

}  // namespace dg::proxy::decision_log
