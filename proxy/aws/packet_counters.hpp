#pragma once
// Packets sent to one upstream server, per source address (DEPLOY.md §1: UDP query 1; TCP 3 per
// new connection + 1 per message). Lives in upstream::ServerState, so it is shared by every
// worker: each thread adds to its own shard (a cache line of its own; relaxed atomics, no lock),
// the main loop sums the shards once a second (aws::Monitor) and on scrape.
//
// Slot 0 is "the kernel chose the source" (no source_addresses, and TCP); slots 1..8 belong to
// bound source addresses, claimed on first use (under a mutex: once per UdpUpstream, never per
// query) and kept for the life of the ServerState.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "conf/address.hpp"
#include "conf/model.hpp"

namespace dg::proxy::aws {

class PacketCounters {
 public:
  static constexpr std::size_t kSlots = 1 + conf::kMaxSourceAddresses;
  static constexpr std::size_t kShards = 8;  // threads beyond 8 share shards (still atomic)
  static constexpr std::size_t kDefaultSlot = 0;

  void add(std::size_t slot, uint64_t n) {
    shards_[shard()].packets[slot].fetch_add(n, std::memory_order_relaxed);
  }
  uint64_t total(std::size_t slot) const {
    uint64_t sum = 0;
    for (const auto& s : shards_) sum += s.packets[slot].load(std::memory_order_relaxed);
    return sum;
  }

  // The slot of bound source `address`: its own when one is free, else the default slot.
  std::size_t slot_for(const conf::IpAddress& address);
  // Slots in use: (slot, bound address or none for the default slot).
  std::vector<std::pair<std::size_t, std::optional<conf::IpAddress>>> slots() const;

  // The current rate of a slot, for choosing a source: packets over the last one to two
  // seconds. The main loop stores each second's total (`mark_second`); workers read.
  uint64_t recent(std::size_t slot) const {
    return total(slot) - second_mark_[slot].load(std::memory_order_relaxed);
  }
  void mark_second(std::size_t slot, uint64_t total_a_second_ago) {
    second_mark_[slot].store(total_a_second_ago, std::memory_order_relaxed);
  }

 private:
  static std::size_t shard();

  struct alignas(64) Shard {
    std::array<std::atomic<uint64_t>, kSlots> packets{};
  };
  std::array<Shard, kShards> shards_{};
  std::array<std::atomic<uint64_t>, kSlots> second_mark_{};
  mutable std::mutex slots_mutex_;
  std::array<std::optional<conf::IpAddress>, kSlots> addresses_{};  // [0] stays empty
};

}  // namespace dg::proxy::aws
