#include "proxy/cache/cache.hpp"

#include <stdlib.h>  // arc4random_buf

#include <algorithm>
#include <array>

namespace dg::proxy::cache {
namespace {

// One shard per 1024 entries, at most 64: a small cache is one exact LRU (the tests rely on
// it); a large one spreads the lock over the shards.
std::size_t shard_count(std::size_t max_entries) {
  return std::clamp<std::size_t>(max_entries / 1024, 1, 64);
}

std::array<uint64_t, 2> random_key() {
  std::array<uint64_t, 2> key;
  arc4random_buf(key.data(), sizeof key);
  return key;
}

}  // namespace

Cache::Cache(const conf::Cache& settings) : settings_(settings), hash_(random_key()) {
  const std::size_t n = shard_count(settings.max_entries);
  per_shard_ = std::max<std::size_t>(1, settings.max_entries / n);
  for (std::size_t i = 0; i < n; ++i) shards_.push_back(std::make_unique<Shard>());
}

Cache::Shard& Cache::shard_of(std::string_view key) {
  return *shards_[hash_(key) % shards_.size()];
}

Clock::time_point Cache::stale_end(const Entry& e) const {
  return settings_.serve_stale.enabled ? e.expires() + settings_.serve_stale.max_stale
                                       : e.expires();
}

void Cache::unlink(Shard& s, std::list<Node>::iterator it) {
  (it->entry->negative ? negative_ : positive_).fetch_sub(1, std::memory_order_relaxed);
  s.index.erase(it->key);
  s.lru.erase(it);
}

std::optional<Found> Cache::find(std::string_view key, Clock::time_point now) {
  auto& s = shard_of(key);
  std::lock_guard lock(s.mutex);
  auto at = s.index.find(key);
  if (at == s.index.end()) return std::nullopt;
  auto it = at->second;
  if (now >= stale_end(*it->entry)) {
    unlink(s, it);
    evicted_expired_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  s.lru.splice(s.lru.begin(), s.lru, it);
  Found f{it->entry, now < it->entry->expires(), false};
  f.recheck = !f.fresh && now < it->recheck_until;
  return f;
}

std::optional<Found> Cache::lookup(const KeyFields& fields, Clock::time_point now) {
  // The entry for this type, else the name's NXDOMAIN; a fresh one of either before a stale
  // one (a name that stopped existing has a fresh NXDOMAIN beside its stale records).
  auto exact = find(make_key(fields).view(), now);
  if (exact && exact->fresh) return exact;
  auto any = find(make_key(fields, true).view(), now);
  if (any && (any->fresh || !exact)) return any;
  return exact;
}

bool Cache::store(const KeyFields& fields, std::span<const uint8_t> reply, Clock::time_point now) {
  auto made = make_entry(reply, settings_, now);
  if (!made) return false;
  auto entry = std::make_shared<const Entry>(std::move(*made));
  const auto key = make_key(fields, entry->any_type);
  auto& s = shard_of(key.view());
  std::lock_guard lock(s.mutex);
  if (auto at = s.index.find(key.view()); at != s.index.end()) {
    auto it = at->second;
    (it->entry->negative ? negative_ : positive_).fetch_sub(1, std::memory_order_relaxed);
    it->entry = std::move(entry);
    it->recheck_until = {};
    (it->entry->negative ? negative_ : positive_).fetch_add(1, std::memory_order_relaxed);
    s.lru.splice(s.lru.begin(), s.lru, it);
    return true;
  }
  if (s.lru.size() >= per_shard_) {
    auto last = std::prev(s.lru.end());
    (now >= stale_end(*last->entry) ? evicted_expired_ : evicted_lru_)
        .fetch_add(1, std::memory_order_relaxed);
    unlink(s, last);
  }
  (entry->negative ? negative_ : positive_).fetch_add(1, std::memory_order_relaxed);
  s.lru.push_front(Node{std::string(key.view()), std::move(entry)});
  s.index.emplace(s.lru.front().key, s.lru.begin());
  return true;
}

void Cache::note_failure(const KeyFields& fields, Clock::time_point now) {
  for (bool any_type : {false, true}) {
    const auto key = make_key(fields, any_type);
    auto& s = shard_of(key.view());
    std::lock_guard lock(s.mutex);
    if (auto at = s.index.find(key.view()); at != s.index.end())
      at->second->recheck_until = now + settings_.serve_stale.recheck;
  }
}

}  // namespace dg::proxy::cache
