#pragma once
// clients.rate_limit: a token bucket per client address, shared by every worker thread. A
// client earns `qps` tokens a second and saves at most `burst`; a query without a token is
// answered REFUSED (EDE 18, when the client sent EDNS) or dropped, as configured, and counted.
//
// The table is bounded (kMaxClients) without a per-entry clock: each shard keeps two
// generations, and when the current one is full the previous one is forgotten. A forgotten
// client starts again with a full bucket, so under a flood of spoofed sources the limit errs on
// the side of answering. Keys are a keyed hash of the address (rules::SipHash), so a client
// cannot aim its entries at one shard or one hash chain.
//
// Thread: admit() from any worker (a mutex per shard, held for one lookup).
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "conf/address.hpp"
#include "conf/model.hpp"
#include "rules/devolution/siphash.hpp"

namespace dg::proxy::pipeline {

struct Query;

class RateLimiter {
 public:
  static constexpr std::size_t kShards = 16;
  static constexpr std::size_t kMaxClients = 1 << 17;  // all shards, both generations

  // `limited_before`: the count of a limiter this one replaces (the metric goes on counting).
  explicit RateLimiter(conf::RateLimit limit, uint64_t limited_before = 0);

  // Takes a token of `client` at `now`; false (and counted) when there is none.
  bool admit(const conf::IpAddress& client, std::chrono::steady_clock::time_point now);

  const conf::RateLimit& limit() const { return limit_; }
  uint64_t limited() const { return limited_.load(std::memory_order_relaxed); }
  std::size_t clients() const;  // entries in the table (for the metrics)

 private:
  struct Bucket {
    double tokens;
    int64_t last_ns;  // steady clock
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<uint64_t, Bucket> current, previous;  // keyed hash → bucket
  };

  conf::RateLimit limit_;
  rules::SipHash hash_;
  std::array<Shard, kShards> shards_;
  std::atomic<uint64_t> limited_{0};
};

// The hook in Pipeline::on_query. std::nullopt when `q` may go on; otherwise q.decision says
// refused or drop and the result is the reply to finish() with (empty: nothing is sent),
// built in `buffer`.
std::optional<std::span<uint8_t>> over_rate_limit(Query& q, std::vector<uint8_t>& buffer);

}  // namespace dg::proxy::pipeline
