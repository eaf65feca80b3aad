#include "proxy/decision_log/rotation.hpp"

#include <fcntl.h>
#include <libdeflate.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace dg::proxy::decision_log {
namespace {

// Compression runs on the writer thread and the queue fills while it runs, so speed matters
// more than the last few percent of size: libdeflate at level 1 packs JSON lines ~2.7 times as
// fast as zlib at level 1, and 5 % smaller. libdeflate compresses whole buffers only, so the file
// becomes a series of gzip members of kMember input bytes each; every gzip reader (zlib's gzread,
// our Reader, zcat, Python) reads members back to back as one stream.
constexpr int kLevel = 1;
constexpr std::size_t kMember = 1 << 20;

std::string failure(const std::string& what, const std::string& file, int err) {
  return "decision_log: " + what + " " + file + ": " + std::strerror(err);
}

// Reads until `buf` is full or the file ends; errno-style error or 0.
int read_full(int fd, std::vector<char>& buf, std::size_t& got) {
  got = 0;
  while (got < buf.size()) {
    const ssize_t n = ::read(fd, buf.data() + got, buf.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  return 0;
}

int write_all(int fd, const char* p, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return 0;
}

struct FreeCompressor {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

// Writes `in` to `out` as gzip members; errno-style error or 0. An empty input still gets one
// (empty) member: a zero-byte .gz file is an error to gzip readers.
int compress_members(int in, int out) {
  const std::unique_ptr<libdeflate_compressor, FreeCompressor> compressor(
      libdeflate_alloc_compressor(kLevel));
  if (!compressor) return ENOMEM;
  std::vector<char> plain(kMember);
  std::vector<char> packed(libdeflate_gzip_compress_bound(compressor.get(), kMember));
  for (bool first = true;; first = false) {
    std::size_t got = 0;
    if (const int err = read_full(in, plain, got); err != 0) return err;
    if (got == 0 && !first) return 0;
    const std::size_t size = libdeflate_gzip_compress(compressor.get(), plain.data(), got,
                                                      packed.data(), packed.size());
    if (size == 0) return EIO;  // cannot happen: `packed` holds the bound
    if (const int err = write_all(out, packed.data(), size); err != 0) return err;
    if (got < plain.size()) return 0;
  }
}

}  // namespace

std::string rotated_path(const std::string& path, int n) {
  return path + "." + std::to_string(n) + ".gz";
}

std::expected<void, std::string> gzip_file(const std::string& from, const std::string& to) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return std::unexpected(failure("cannot read", from, errno));
  const std::string tmp = to + ".tmp";
  const int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (out < 0) {
    const int err = errno;
    ::close(in);
    return std::unexpected(failure("cannot create", tmp, err));
  }
  int err = compress_members(in, out);
  ::close(in);
  // A failed close (NFS, quota) loses the file too.
  if (::close(out) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(tmp.c_str(), to.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    return std::unexpected(failure("cannot compress into", to, err));
  }
  return {};
}

std::expected<void, std::string> rotate(const std::string& path, int keep) {
  if (keep < 0) keep = 0;
  // Files beyond `keep` (left by a larger `keep` before a restart) go first.
  for (int n = keep + 1; ::unlink(rotated_path(path, n).c_str()) == 0; ++n) {
  }
  std::expected<void, std::string> result;
  for (int n = keep - 1; n >= 1 && result; --n) {
    const std::string older = rotated_path(path, n + 1);
    if (::rename(rotated_path(path, n).c_str(), older.c_str()) != 0 && errno != ENOENT)
      result = std::unexpected(failure("cannot rename to", older, errno));
  }
  if (keep > 0 && result) result = gzip_file(path, rotated_path(path, 1));
  // Whatever happened, the live file goes: the writer starts a fresh one (a live file that
  // stayed over max_size would be rotated again at every line), and keeping an uncompressed
  // copy on a full disk would only make things worse.
  if (::unlink(path.c_str()) != 0 && errno != ENOENT && result)
    result = std::unexpected(failure("cannot delete", path, errno));
  return result;
}

}  // namespace dg::proxy::decision_log
