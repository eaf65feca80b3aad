#pragma once
// The lines of one decision-log file for `devoguard log`: a plain or gzip-compressed file
// (told apart by the gzip magic bytes, not by the name), or standard input for "-". Reads in
// large chunks and holds one chunk plus one line at most, so a multi-gigabyte log is read in
// constant memory.
#include <sys/types.h>

#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dg::proxy::decision_log {

// Whether the file starts with the gzip magic bytes; false when it cannot be read.
bool is_gzip_file(const std::string& path);

class Reader {
 public:
  // A line longer than this is cut here and the rest of it skipped (truncated() says so).
  static constexpr std::size_t kMaxLine = 16u << 20;

  // The whole file from its start; "-" is standard input. A final line without '\n' counts.
  // Error: "PATH: cannot open: reason".
  static std::expected<std::unique_ptr<Reader>, std::string> open(const std::string& path);
  // A live (plain) log from its current end, for --follow: next() returns only lines that are
  // appended later and holds a half-written last line back until its '\n' arrives.
  static std::expected<std::unique_ptr<Reader>, std::string> open_tail(const std::string& path,
                                                                        bool from_end);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // The next line without its '\n'; nullopt when there is nothing more (for now, in a tail).
  // The view is valid until the next call. Error: "PATH: cannot read: reason" or a gzip error.
  std::expected<std::optional<std::string_view>, std::string> next();

  const std::string& name() const { return name_; }  // the path, or "(stdin)"
  uint64_t line_number() const { return line_number_; }  // of the last line returned, from 1
  bool truncated() const { return truncated_; }  // the last line was cut at kMaxLine
  // For --follow: whether the path now names another file than the one open (rotated away
  // and recreated) or the file shrank below what was read (truncated in place).
  bool replaced() const;

 private:
  struct Inflate;
  Reader(int fd, std::string path, std::string name, bool tail);
  std::expected<void, std::string> detect_gzip();
  std::expected<std::size_t, std::string> fill();  // appends to the window; 0 at the end
  std::expected<std::size_t, std::string> read_raw(char* to, std::size_t size);
  std::expected<std::size_t, std::string> inflate_into(char* to, std::size_t size);

  int fd_;
  std::string path_;
  std::string name_;
  bool tail_;
  std::vector<char> buf_;
  std::size_t begin_ = 0;    // start of the line not yet returned
  std::size_t scanned_ = 0;  // no '\n' in [begin_, scanned_)
  std::size_t end_ = 0;      // end of the bytes read
  uint64_t offset_ = 0;      // bytes read from fd_
  uint64_t line_number_ = 0;
  bool truncated_ = false;
  bool skipping_ = false;  // dropping the rest of an overlong line up to its '\n'
  std::unique_ptr<Inflate> inflate_;  // set for a gzip file
};

}  // namespace dg::proxy::decision_log
