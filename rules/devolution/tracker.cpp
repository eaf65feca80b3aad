#include "rules/devolution/tracker.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <deque>
#include <mutex>
#include <unordered_map>

#include <sys/random.h>

#include "rules/name_set.hpp"

namespace dg::rules {
namespace {

// Large tables are split into shards so that worker loops rarely wait on one another. Small
// tables (tests, tiny configs) use one shard, so "oldest first" is exact across the table; in
// a sharded table it holds per shard.
constexpr std::size_t kShards = 16;
constexpr std::size_t kMinShardedTable = 1024;

// The table key: address length, address bytes, qtype (big-endian) and the devolved name P.D.
// The length byte keeps an IPv4 key from ever equalling an IPv6 one.
//
// Lookups build it in a stack buffer (no allocation on the query path); only names longer than
// any real DNS name fall back to the heap.
class KeyBuilder {
 public:
  KeyBuilder(const conf::IpAddress& client, uint16_t qtype, std::string_view head,
             std::string_view tail) {
    auto addr = client.bytes();
    std::size_t size = 1 + addr.size() + 2 + head.size() + (tail.empty() ? 0 : 1 + tail.size());
    char* out = buf_.data();
    if (size > buf_.size()) {
      heap_.resize(size);
      out = heap_.data();
    }
    char* p = out;
    *p++ = static_cast<char>(addr.size());
    p = std::copy(addr.begin(), addr.end(), p);
    *p++ = static_cast<char>(qtype >> 8);
    *p++ = static_cast<char>(qtype & 0xff);
    p = std::copy(head.begin(), head.end(), p);
    if (!tail.empty()) {
      *p++ = '.';
      p = std::copy(tail.begin(), tail.end(), p);
    }
    key_ = std::string_view(out, size);
  }
  KeyBuilder(const KeyBuilder&) = delete;  // key_ may point into buf_
  KeyBuilder& operator=(const KeyBuilder&) = delete;
  std::string_view key() const { return key_; }

 private:
  std::array<char, 320> buf_;
  std::string heap_;
  std::string_view key_;
};

}  // namespace

std::array<uint64_t, 2> random_key() {
  std::array<uint64_t, 2> key{};
  if (getrandom(key.data(), sizeof key, 0) != sizeof key)
    key = {uint64_t(Tracker::Clock::now().time_since_epoch().count()), uint64_t(&key)};
  return key;
}

// One shard. The table holds, per key, only its keyed 64-bit hash and what is needed to rebuild
// P.S (P is the asked name minus D; S and D are two indexes): 16 bytes of value, about 80 bytes
// a key in all. `order` lists (hash, seq) in insertion order, so its front is the oldest entry
// and the first to expire; a refresh appends a new seq, and the old position goes stale (its
// seq no longer matches the table) and is skipped when it reaches the front.
struct Tracker::Shard {
  struct Slot {
    Clock::time_point ts;
    uint32_t seq = 0;
    uint16_t suffix = 0;  // index into parents_: S
    uint16_t parent = 0;  // index into parents_[suffix].parents: D
  };
  struct Position {
    uint64_t hash;
    uint32_t seq;
  };

  mutable std::mutex mutex;
  std::unordered_map<uint64_t, Slot> index;
  std::deque<Position> order;
  uint32_t next_seq = 0;
  std::size_t capacity = 0;
  uint64_t evictions = 0;

  bool live(const Position& p) const {
    auto it = index.find(p.hash);
    return it != index.end() && it->second.seq == p.seq;
  }
  // Drops stale positions and expired entries from the front.
  void expire(Clock::time_point now, std::chrono::milliseconds window) {
    while (!order.empty()) {
      const Position& p = order.front();
      auto it = index.find(p.hash);
      if (it != index.end() && it->second.seq == p.seq) {
        if (now - it->second.ts <= window) return;
        index.erase(it);
      }
      order.pop_front();
    }
  }
  // Forgets the oldest live entry (the table is full).
  void evict_oldest() {
    while (!order.empty()) {
      const Position p = order.front();
      order.pop_front();
      if (live(p)) {
        index.erase(p.hash);
        ++evictions;
        return;
      }
    }
  }

  // Caller holds `mutex`. Inserts or refreshes hash → (S, D) at `now`.
  void remember(uint64_t hash, uint16_t si, uint16_t pi, Clock::time_point now,
                std::chrono::milliseconds window) {
    if (capacity == 0) return;
    expire(now, window);
    auto it = index.find(hash);
    if (it == index.end()) {
      if (index.size() >= capacity) evict_oldest();
      it = index.emplace(hash, Slot{}).first;
    }
    it->second = Slot{now, ++next_seq, si, pi};
    order.push_back({hash, next_seq});
    // Refreshes leave stale positions behind; keep the list within twice the table.
    while (order.size() > 2 * capacity) {
      const Position p = order.front();
      order.pop_front();
      if (live(p)) {
        index.erase(p.hash);
        ++evictions;
      }
    }
  }

  // Caller holds `mutex`. Its position goes stale.
  void forget(uint64_t hash) { index.erase(hash); }
};

Tracker::Tracker(std::vector<SuffixParents> parents, std::chrono::milliseconds window,
                 std::size_t max_tracked)
    : parents_(std::move(parents)), window_(window), hash_(random_key()) {
  for (std::size_t i = 0; i < parents_.size(); ++i) {
    suffixes_.insert(parents_[i].suffix, i);
    for (const auto& d : parents_[i].parents) parent_set_.insert(d);
  }
  // Split the bound exactly: the shards' capacities add up to max_tracked.
  std::size_t n = max_tracked >= kMinShardedTable ? kShards : 1;
  for (std::size_t i = 0; i < n; ++i) {
    auto shard = std::make_unique<Shard>();
    shard->capacity = max_tracked / n + (i < max_tracked % n ? 1 : 0);
    shards_.push_back(std::move(shard));
  }
}

Tracker::~Tracker() = default;

void Tracker::observe(const conf::IpAddress& client, std::string_view qname, uint16_t qtype,
                      bool answered_with_data, Clock::time_point now) {
  // A name may sit under several suffixes (x.corp.example.co.jp under corp.example.co.jp and
  // example.co.jp): each gives its own twins.
  suffixes_.for_each_strict_ancestor(qname, [&](std::string_view s, std::size_t si) {
    std::string_view p = qname.substr(0, qname.size() - s.size() - (s.empty() ? 0 : 1));
    const auto& parents = parents_[si].parents;
    for (std::size_t pi = 0; pi < parents.size(); ++pi) {
      KeyBuilder k(client, qtype, p, parents[pi]);
      const uint64_t h = hash_(k.key());
      Shard& shard = *shards_[h % shards_.size()];
      std::lock_guard lock(shard.mutex);
      if (answered_with_data)
        shard.forget(h);  // the client asked P.D on purpose, if it asks
      else
        shard.remember(h, static_cast<uint16_t>(si), static_cast<uint16_t>(pi), now, window_);
    }
  });
}

std::optional<std::string> Tracker::devolved_from(const conf::IpAddress& client,
                                                  std::string_view qname, uint16_t qtype,
                                                  Clock::time_point now) const {
  KeyBuilder k(client, qtype, qname, {});
  const uint64_t h = hash_(k.key());
  Shard& shard = *shards_[h % shards_.size()];
  uint32_t si, pi;
  {
    std::lock_guard lock(shard.mutex);
    auto it = shard.index.find(h);
    if (it == shard.index.end()) return std::nullopt;
    const auto& e = it->second;
    if (now - e.ts > window_) return std::nullopt;
    si = e.suffix;
    pi = e.parent;
  }
  // qname is P.D: put S back in place of D. (A 64-bit hash match on another name is
  // astronomically unlikely; a name not under D is refused all the same.)
  const auto& d = parents_[si].parents[pi];
  if (!(d.empty() || (qname.size() > d.size() && qname.ends_with(d) &&
                      qname[qname.size() - d.size() - 1] == '.')))
    return std::nullopt;
  const auto& s = parents_[si].suffix;
  std::string_view p = qname.substr(0, qname.size() - d.size() - (d.empty() ? 0 : 1));
  std::string out;
  out.reserve(p.size() + 1 + s.size());
  out.append(p);
  if (!s.empty()) out.append(".").append(s);
  return out;
}

bool Tracker::under_parent(std::string_view qname) const { return parent_set_.is_under(qname); }

std::size_t Tracker::size() const {
  std::size_t n = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    n += shard->index.size();
  }
  return n;
}

uint64_t Tracker::evictions() const {
  uint64_t n = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    n += shard->evictions;
  }
  return n;
}

}  // namespace dg::rules
