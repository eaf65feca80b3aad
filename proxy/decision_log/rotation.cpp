#include "proxy/decision_log/rotation.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace dg::proxy::decision_log {
namespace {

// Level 1: compression runs on the writer thread and the queue fills while it runs, so speed
// matters more than the last few percent of size (JSON lines compress well at any level).
constexpr const char* kGzipMode = "wb1";
constexpr std::size_t kChunk = 256 << 10;

std::string failure(const std::string& what, const std::string& file, int err) {
  return "decision_log: " + what + " " + file + ": " + std::strerror(err);
}

// Copies every byte of `in` into `gz`; errno-style error or 0.
int copy_into(int in, gzFile gz) {
  std::vector<char> buf(kChunk);
  for (;;) {
    const ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return 0;
    if (gzwrite(gz, buf.data(), static_cast<unsigned>(n)) != static_cast<int>(n)) {
      int zerr = 0;
      gzerror(gz, &zerr);
      return zerr == Z_ERRNO && errno != 0 ? errno : EIO;
    }
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
  gzFile gz = gzdopen(out, kGzipMode);  // owns `out` from here on
  if (gz == nullptr) {
    ::close(out);
    ::close(in);
    ::unlink(tmp.c_str());
    return std::unexpected(failure("cannot compress into", tmp, ENOMEM));
  }
  gzbuffer(gz, kChunk);
  int err = copy_into(in, gz);
  ::close(in);
  // gzclose flushes the last block and the trailer: its failure (disk full) loses the file too.
  if (gzclose(gz) != Z_OK && err == 0) err = errno != 0 ? errno : EIO;
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
