#pragma once
// Unpredictable numbers for upstream query IDs and socket choices (RFC 5452: an off-path
// spoofer must not guess them). glibc 2.36's arc4random makes one getrandom(2) call per number,
// 2.7 % of a DNS thread forwarding at full rate (perf, 2026-12-06); these take the kernel's
// random bytes 4 KiB at a time per thread instead: the same source, one syscall per 1024 draws.
#include <cstdint>

namespace dg::proxy::upstream {

uint32_t random_u32();
// Uniform in [0, bound) without modulo bias; 0 when bound < 2.
uint32_t random_below(uint32_t bound);

}  // namespace dg::proxy::upstream
