#include "proxy/upstream/random.hpp"

#include <stdlib.h>  // arc4random_buf
#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstddef>

namespace dg::proxy::upstream {
namespace {

struct Pool {
  std::array<uint32_t, 1024> words{};
  std::size_t next = words.size();  // empty until the first draw

  void refill() {
    auto* bytes = reinterpret_cast<unsigned char*>(words.data());
    std::size_t got = 0;
    while (got < sizeof words) {
      const ssize_t n = ::getrandom(bytes + got, sizeof words - got, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {  // no getrandom (seccomp, old kernel): glibc's fallback, which aborts rather
        ::arc4random_buf(bytes + got, sizeof words - got);  // than return predictable bytes
        break;
      }
      got += static_cast<std::size_t>(n);
    }
    next = 0;
  }
};

thread_local Pool pool;

}  // namespace

uint32_t random_u32() {
  if (pool.next == pool.words.size()) pool.refill();
  const uint32_t v = pool.words[pool.next];
  pool.words[pool.next++] = 0;  // a used number does not stay in memory to be read later
  return v;
}

uint32_t random_below(uint32_t bound) {
  if (bound < 2) return 0;
  // Draws below 2^32 mod bound would make the low residues likelier: draw again.
  const uint32_t skip = static_cast<uint32_t>(-bound) % bound;
  for (;;) {
    const uint32_t r = random_u32();
    if (r >= skip) return r % bound;
  }
}

}  // namespace dg::proxy::upstream
