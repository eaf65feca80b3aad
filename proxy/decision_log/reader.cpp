#include "proxy/decision_log/reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

namespace dg::proxy::decision_log {
namespace {

constexpr std::size_t kChunk = 1u << 20;
constexpr std::size_t kInflateInput = 256u << 10;
constexpr unsigned char kGzipMagic[] = {0x1f, 0x8b};  // RFC 1952 section 2.3.1

}  // namespace

bool is_gzip_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  unsigned char magic[sizeof kGzipMagic] = {};
  const bool gzip = ::read(fd, magic, sizeof magic) == static_cast<ssize_t>(sizeof magic) &&
                    std::memcmp(magic, kGzipMagic, sizeof magic) == 0;
  ::close(fd);
  return gzip;
}

// zlib state for a gzip file; several gzip members one after another (`cat a.gz b.gz`) are
// read as one stream, as gzip -d does.
struct Reader::Inflate {
  z_stream z{};
  std::vector<unsigned char> input = std::vector<unsigned char>(kInflateInput);
  bool in_member = false;  // between a member's header and its end

  Inflate() { inflateInit2(&z, 16 + MAX_WBITS); }  // 16: gzip wrapper only
  ~Inflate() { inflateEnd(&z); }
};

Reader::Reader(int fd, std::string path, std::string name, bool tail)
    : fd_(fd), path_(std::move(path)), name_(std::move(name)), tail_(tail), buf_(kChunk) {}

Reader::~Reader() {
  if (path_ != "-") ::close(fd_);  // never close stdin: other files may follow "-"
}

std::expected<std::unique_ptr<Reader>, std::string> Reader::open(const std::string& path) {
  std::unique_ptr<Reader> r;
  if (path == "-") {
    r.reset(new Reader(STDIN_FILENO, path, "(stdin)", false));
  } else {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::unexpected(path + ": cannot open: " + std::strerror(errno));
    r.reset(new Reader(fd, path, path, false));
  }
  if (auto ok = r->detect_gzip(); !ok) return std::unexpected(ok.error());
  return r;
}

std::expected<std::unique_ptr<Reader>, std::string> Reader::open_tail(const std::string& path,
                                                                       bool from_end) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::unexpected(path + ": cannot open: " + std::strerror(errno));
  std::unique_ptr<Reader> r(new Reader(fd, path, path, true));
  if (from_end) {
    const off_t end = ::lseek(fd, 0, SEEK_END);
    if (end < 0) return std::unexpected(path + ": cannot seek: " + std::strerror(errno));
    r->offset_ = static_cast<uint64_t>(end);
  }
  return r;
}

// Reads until two bytes are there (or the input ends) and looks at them. The bytes read stay
// in the window for a plain file and become the first input of zlib for a gzip one.
std::expected<void, std::string> Reader::detect_gzip() {
  while (end_ < sizeof kGzipMagic) {
    auto n = read_raw(buf_.data() + end_, buf_.size() - end_);
    if (!n) return std::unexpected(n.error());
    if (*n == 0) break;
    end_ += *n;
  }
  if (end_ < sizeof kGzipMagic || std::memcmp(buf_.data(), kGzipMagic, sizeof kGzipMagic) != 0)
    return {};
  inflate_ = std::make_unique<Inflate>();
  // Up to a whole chunk may have been read: more than zlib's usual input buffer.
  if (inflate_->input.size() < end_) inflate_->input.resize(end_);
  std::memcpy(inflate_->input.data(), buf_.data(), end_);
  inflate_->z.next_in = inflate_->input.data();
  inflate_->z.avail_in = static_cast<uInt>(end_);
  end_ = 0;
  return {};
}

std::expected<std::size_t, std::string> Reader::read_raw(char* to, std::size_t size) {
  for (;;) {
    const ssize_t n = ::read(fd_, to, size);
    if (n >= 0) {
      offset_ += static_cast<uint64_t>(n);
      return static_cast<std::size_t>(n);
    }
    if (errno != EINTR) return std::unexpected(name_ + ": cannot read: " + std::strerror(errno));
  }
}

std::expected<std::size_t, std::string> Reader::inflate_into(char* to, std::size_t size) {
  z_stream& z = inflate_->z;
  z.next_out = reinterpret_cast<Bytef*>(to);
  z.avail_out = static_cast<uInt>(size);
  while (z.avail_out == size) {
    if (z.avail_in == 0) {
      auto n = read_raw(reinterpret_cast<char*>(inflate_->input.data()), inflate_->input.size());
      if (!n) return std::unexpected(n.error());
      if (*n == 0) {
        if (inflate_->in_member) return std::unexpected(name_ + ": gzip data ends early");
        break;
      }
      z.next_in = inflate_->input.data();
      z.avail_in = static_cast<uInt>(*n);
    }
    inflate_->in_member = true;
    const int rc = ::inflate(&z, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      inflate_->in_member = false;
      inflateReset(&z);  // another member may follow
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return std::unexpected(name_ + ": gzip data error: " + (z.msg ? z.msg : "corrupt data"));
    }
  }
  return size - z.avail_out;
}

std::expected<std::size_t, std::string> Reader::fill() {
  char* to = buf_.data() + end_;
  const std::size_t room = buf_.size() - end_;
  auto n = inflate_ ? inflate_into(to, room) : read_raw(to, room);
  if (n) end_ += *n;
  return n;
}

std::expected<std::optional<std::string_view>, std::string> Reader::next() {
  truncated_ = false;
  for (;;) {
    if (scanned_ < end_) {
      auto* nl = static_cast<char*>(std::memchr(buf_.data() + scanned_, '\n', end_ - scanned_));
      if (nl != nullptr) {
        const auto at = static_cast<std::size_t>(nl - buf_.data());
        const std::size_t start = begin_;
        begin_ = scanned_ = at + 1;
        if (skipping_) {  // the end of an overlong line, already returned
          skipping_ = false;
          continue;
        }
        ++line_number_;
        return std::string_view(buf_.data() + start, at - start);
      }
      scanned_ = end_;
    }
    if (skipping_) begin_ = scanned_ = end_;
    // No whole line in the window: make room and read more.
    if (begin_ > 0) {
      std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      scanned_ -= begin_;
      begin_ = 0;
    }
    if (end_ == buf_.size()) {
      if (buf_.size() < kMaxLine) {
        buf_.resize(std::min(buf_.size() * 2, kMaxLine));
      } else {  // return what fits, skip the rest up to its '\n'
        begin_ = scanned_ = end_;
        skipping_ = truncated_ = true;
        ++line_number_;
        return std::string_view(buf_.data(), end_);
      }
    }
    auto n = fill();
    if (!n) return std::unexpected(n.error());
    if (*n > 0) continue;
    // The end of the input, or of what has been written so far in a tail.
    if (tail_ || skipping_ || begin_ == end_) return std::nullopt;
    const std::size_t start = begin_;
    begin_ = scanned_ = end_;
    ++line_number_;
    return std::string_view(buf_.data() + start, end_ - start);
  }
}

bool Reader::replaced() const {
  struct stat now {}, open {};
  if (::stat(path_.c_str(), &now) != 0) return false;  // mid-rotation: not recreated yet
  if (::fstat(fd_, &open) != 0) return true;
  if (now.st_ino != open.st_ino || now.st_dev != open.st_dev) return true;
  return static_cast<uint64_t>(open.st_size) < offset_;
}

}  // namespace dg::proxy::decision_log
