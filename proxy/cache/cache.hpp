#pragma once
// The answer cache (DEPLOY.md §1): one table shared by every worker thread, split into shards
// that each hold an LRU list under their own mutex (why shared and not per worker: README.md).
// Entries are immutable and handed out as shared_ptr, so a reply is built outside the lock.
// Freshness, stale life (serve_stale.max_stale) and the recheck hold-off after an upstream
// failure are decided here; the pipeline decides what to do with them.
#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "conf/model.hpp"
#include "proxy/cache/entry.hpp"
#include "proxy/cache/key.hpp"
#include "rules/devolution/siphash.hpp"

namespace dg::proxy::cache {

struct Found {
  std::shared_ptr<const Entry> entry;
  bool fresh = true;      // false: expired, within max_stale (only with serve_stale)
  bool recheck = false;   // stale and an upstream failure less than `recheck` ago
};

class Cache {
 public:
  explicit Cache(const conf::Cache& settings);

  // The entry for these key fields (an NXDOMAIN for the name answers any type); none when
  // nothing usable is stored. Entries past their stale life are removed (evictions{expired}).
  std::optional<Found> lookup(const KeyFields& key, Clock::time_point now);
  // Stores `reply` (an accepted upstream reply) when the store rules allow; false otherwise.
  bool store(const KeyFields& key, std::span<const uint8_t> reply, Clock::time_point now);
  // The upstream failed for this key (timeout, SERVFAIL, …): no new upstream try for
  // serve_stale.recheck while a stale answer can be served.
  void note_failure(const KeyFields& key, Clock::time_point now);

  const conf::Cache& settings() const { return settings_; }
  std::size_t shards() const { return shards_.size(); }
  uint64_t entries(bool negative) const {
    return (negative ? negative_ : positive_).load(std::memory_order_relaxed);
  }
  uint64_t evictions_lru() const { return evicted_lru_.load(std::memory_order_relaxed); }
  uint64_t evictions_expired() const { return evicted_expired_.load(std::memory_order_relaxed); }

 private:
  struct Node {
    std::string key;
    std::shared_ptr<const Entry> entry;
    Clock::time_point recheck_until{};
  };
  struct Shard {
    std::mutex mutex;
    std::list<Node> lru;  // front: most recently used
    std::unordered_map<std::string_view, std::list<Node>::iterator> index;  // views into lru
  };

  Shard& shard_of(std::string_view key);
  Clock::time_point stale_end(const Entry& e) const;
  void unlink(Shard& s, std::list<Node>::iterator it);  // s.mutex held
  std::optional<Found> find(std::string_view key, Clock::time_point now);

  conf::Cache settings_;
  rules::SipHash hash_;  // keyed per process: clients cannot aim names at one shard
  std::vector<std::unique_ptr<Shard>> shards_;
  std::size_t per_shard_;
  std::atomic<uint64_t> positive_{0}, negative_{0};
  std::atomic<uint64_t> evicted_lru_{0}, evicted_expired_{0};
};

}  // namespace dg::proxy::cache
