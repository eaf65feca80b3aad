#include "rules/devolution/tracker.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <list>
#include <mutex>
#include <unordered_map>

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
  std::size_t hash() const { return std::hash<std::string_view>{}(key_); }

 private:
  std::array<char, 320> buf_;
  std::string heap_;
  std::string_view key_;
};

}  // namespace

// One shard: entries in insertion order (refresh moves an entry to the back), so the front is
// both the oldest and the first to expire. The map's keys view the strings held by the list
// nodes, which never move, so each key is stored once.
struct Tracker::Shard {
  struct Entry {
    std::string key;
    // P.S is not stored: P is the key's name minus D, and (S, D) are two indexes.
    uint32_t suffix = 0;  // index into parents_: S
    uint32_t parent = 0;  // index into parents_[suffix].parents: D
    Clock::time_point ts;
  };
  using List = std::list<Entry>;

  mutable std::mutex mutex;
  List order;
  std::unordered_map<std::string_view, List::iterator> index;
  std::size_t capacity = 0;
  uint64_t evictions = 0;

  void expire(Clock::time_point now, std::chrono::milliseconds window) {
    while (!order.empty() && now - order.front().ts > window) pop_front();
  }
  void pop_front() {
    index.erase(order.front().key);
    order.pop_front();
  }

  // Caller holds `mutex`. Inserts or refreshes key → (S, D) at `now`.
  void remember(std::string_view key, uint32_t si, uint32_t pi, Clock::time_point now,
                std::chrono::milliseconds window) {
    if (capacity == 0) return;
    if (auto it = index.find(key); it != index.end()) {
      auto node = it->second;
      node->suffix = si;
      node->parent = pi;
      node->ts = now;
      order.splice(order.end(), order, node);
      return;
    }
    expire(now, window);
    if (order.size() >= capacity) {  // full of live entries: the oldest goes
      pop_front();
      ++evictions;
    }
    auto& e = order.emplace_back(Entry{std::string(key), si, pi, now});
    index.emplace(e.key, std::prev(order.end()));
  }

  // Caller holds `mutex`.
  void forget(std::string_view key) {
    auto it = index.find(key);
    if (it == index.end()) return;
    auto node = it->second;
    index.erase(it);
    order.erase(node);
  }
};

Tracker::Tracker(std::vector<SuffixParents> parents, std::chrono::milliseconds window,
                 std::size_t max_tracked)
    : parents_(std::move(parents)), window_(window) {
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
      Shard& shard = *shards_[k.hash() % shards_.size()];
      std::lock_guard lock(shard.mutex);
      if (answered_with_data)
        shard.forget(k.key());  // the client asked P.D on purpose, if it asks
      else
        shard.remember(k.key(), static_cast<uint32_t>(si), static_cast<uint32_t>(pi), now,
                       window_);
    }
  });
}

std::optional<std::string> Tracker::devolved_from(const conf::IpAddress& client,
                                                  std::string_view qname, uint16_t qtype,
                                                  Clock::time_point now) const {
  KeyBuilder k(client, qtype, qname, {});
  Shard& shard = *shards_[k.hash() % shards_.size()];
  uint32_t si, pi;
  {
    std::lock_guard lock(shard.mutex);
    auto it = shard.index.find(k.key());
    if (it == shard.index.end()) return std::nullopt;
    const auto& e = *it->second;
    if (now - e.ts > window_) return std::nullopt;
    si = e.suffix;
    pi = e.parent;
  }
  // qname is P.D: put S back in place of D.
  const auto& d = parents_[si].parents[pi];
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
    n += shard->order.size();
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
