#include "proxy/decision_log/live_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "proxy/decision_log/rotation.hpp"

namespace dg::proxy::decision_log {
namespace {

// Writes all of `data`; returns the bytes written before an error (errno set) or all of them.
std::size_t write_all(int fd, std::string_view data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  return done;
}

// A crash may have left a half line at the end of an existing file; the caller ends it, so
// that our first line stays whole. (fd_ is write-only so that a FIFO or device path works.)
bool ends_with_newline(const std::string& path, uint64_t size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return true;
  char last = '\n';
  const bool ok = ::pread(fd, &last, 1, static_cast<off_t>(size - 1)) != 1 || last == '\n';
  ::close(fd);
  return ok;
}

}  // namespace

LiveFile::LiveFile(std::string path, uint64_t max_size, int keep)
    : path_(std::move(path)), max_size_(max_size), keep_(keep) {}

LiveFile::~LiveFile() { close(); }

std::expected<void, std::string> LiveFile::open() {
  close();
  // Client addresses and names: not for every local user to read.
  const int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0)
    return std::unexpected("decision_log.path: cannot open " + path_ + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return std::unexpected("decision_log.path: cannot open " + path_ + ": " + std::strerror(err));
  }
  fd_ = fd;
  size_ = static_cast<uint64_t>(st.st_size);
  regular_ = S_ISREG(st.st_mode);
  if (regular_ && size_ > 0 && !ends_with_newline(path_, size_) && write_all(fd_, "\n") == 1) ++size_;
  return {};
}

void LiveFile::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::expected<void, std::string> LiveFile::rotate() {
  close();
  auto rotated = decision_log::rotate(path_, keep_);
  auto opened = open();
  if (!rotated) return rotated;
  return opened;
}

std::size_t LiveFile::fitting(std::string_view lines) const {
  if (fd_ < 0 || !regular_ || size_ + lines.size() <= max_size_) return lines.size();
  const uint64_t room = size_ < max_size_ ? max_size_ - size_ : 0;
  const std::size_t last = lines.substr(0, room).rfind('\n');
  if (last != std::string_view::npos) return last + 1;
  return size_ == 0 ? lines.find('\n') + 1 : 0;
}

std::size_t LiveFile::write(std::string_view lines, std::size_t count) {
  if (fd_ < 0) return 0;
  const std::size_t done = write_all(fd_, lines);
  if (done == lines.size()) {
    size_ += done;
    return count;
  }
  // Keep the whole lines that made it and cut off the rest: never a half line in the file.
  const std::size_t last_newline = lines.substr(0, done).rfind('\n');
  const std::size_t kept = last_newline == std::string_view::npos ? 0 : last_newline + 1;
  if (kept < done) (void)::ftruncate(fd_, static_cast<off_t>(size_ + kept));
  size_ += kept;
  close();
  return static_cast<std::size_t>(std::count(lines.begin(), lines.begin() + kept, '\n'));
}

}  // namespace dg::proxy::decision_log
