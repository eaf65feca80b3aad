#include "proxy/aws/packet_counters.hpp"

namespace dg::proxy::aws {

std::size_t PacketCounters::shard() {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t mine = next.fetch_add(1, std::memory_order_relaxed) % kShards;
  return mine;
}

std::size_t PacketCounters::slot_for(const conf::IpAddress& address) {
  std::lock_guard lock(slots_mutex_);
  for (std::size_t i = 1; i < kSlots; ++i)
    if (addresses_[i] == address) return i;
  for (std::size_t i = 1; i < kSlots; ++i)
    if (!addresses_[i]) {
      addresses_[i] = address;
      return i;
    }
  return kDefaultSlot;  // more addresses over reloads than slots: counted as the default
}

std::vector<std::pair<std::size_t, std::optional<conf::IpAddress>>> PacketCounters::slots() const {
  std::lock_guard lock(slots_mutex_);
  std::vector<std::pair<std::size_t, std::optional<conf::IpAddress>>> out{{kDefaultSlot, {}}};
  for (std::size_t i = 1; i < kSlots; ++i)
    if (addresses_[i]) out.emplace_back(i, addresses_[i]);
  return out;
}

}  // namespace dg::proxy::aws
