#pragma once
// Which source address the next queries leave from (DEPLOY.md §1: "the source with the lowest
// current pps"): the usable candidate with the fewest recent packets, the first on a tie.
// UdpUpstream asks once per loop iteration, with PacketCounters::recent as `recent`.
#include <cstddef>
#include <cstdint>

namespace dg::proxy::aws {

// `usable(i)`: candidate i can send (it has sockets); `recent(i)`: its packets lately.
// Returns n when no candidate is usable.
template <class Usable, class Recent>
std::size_t quietest(std::size_t n, Usable usable, Recent recent) {
  std::size_t best = n;
  uint64_t fewest = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!usable(i)) continue;
    const uint64_t r = recent(i);
    if (best == n || r < fewest) {
      best = i;
      fewest = r;
    }
  }
  return best;
}

}  // namespace dg::proxy::aws
