#include "proxy/decision_log/tally.hpp"

#include <algorithm>
#include <bit>
#include <functional>

namespace dg::proxy::decision_log {
namespace {

constexpr std::size_t kMinSlots = 64;

uint64_t hash_of(std::string_view key) { return std::hash<std::string_view>{}(key); }

void sort_top(Tally::Entries& all, std::size_t n) {
  const auto before = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  if (n == 0 || n >= all.size()) {
    std::sort(all.begin(), all.end(), before);
  } else {
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(),
                      before);
    all.resize(n);
  }
}

}  // namespace

Tally::Tally(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 2)) {
  slots_.resize(kMinSlots);
}

std::size_t Tally::find(std::string_view key, uint64_t hash) const {
  // Triangular probing (+1, +2, +3, …) visits every slot of a power-of-two table and, unlike
  // linear probing, does not let neighbouring chains merge into long runs.
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask, step = 1;; i = (i + step++) & mask) {
    const Slot& s = slots_[i];
    if (s.count == 0 || (s.hash == hash && key_of(s) == key)) return i;
  }
}

void Tally::insert(std::string_view key, uint64_t hash, uint64_t count) {
  insert_at(find(key, hash), key, hash, count);
}

void Tally::insert_at(std::size_t slot, std::string_view key, uint64_t hash, uint64_t count) {
  slots_[slot] = Slot{hash, count, static_cast<uint32_t>(arena_.size()), static_cast<uint32_t>(key.size())};
  arena_.append(key);
  ++size_;
}

void Tally::add(std::string_view key, uint64_t n) {
  if (n == 0) return;
  const uint64_t hash = hash_of(key);
  const std::size_t slot = find(key, hash);
  if (slots_[slot].count != 0) {
    slots_[slot].count += n;
    return;
  }
  if (size_ >= capacity_) {
    prune();
  } else if ((size_ + 1) * 2 > slots_.size()) {
    rebuild(slots_.size() * 2, 0, 0);
  } else {
    return insert_at(slot, key, hash, n);  // the common case: the slot found is still free
  }
  insert(key, hash, n);
}

uint64_t Tally::count(std::string_view key) const { return slots_[find(key, hash_of(key))].count; }

// Moves the entries with a count above `keep_above`, and `keep_equal` of those equal to it,
// into a fresh table of `slots` slots and a fresh arena (which drops the keys of the others).
void Tally::rebuild(std::size_t slots, uint64_t keep_above, std::size_t keep_equal) {
  std::vector<Slot> old(slots, Slot{});
  old.swap(slots_);
  std::string old_arena;
  old_arena.swap(arena_);
  arena_.reserve(old_arena.size());
  size_ = 0;
  for (const Slot& s : old) {
    if (s.count == 0 || s.count < keep_above) continue;
    if (s.count == keep_above && keep_above != 0) {
      if (keep_equal == 0) continue;
      --keep_equal;
    }
    insert(std::string_view(old_arena.data() + s.offset, s.length), s.hash, s.count);
  }
}

// Keeps the more frequent half: the median count is found in O(size), and a prune happens
// once per capacity/2 new strings at most, so the cost per line stays constant.
void Tally::prune() {
  std::vector<uint64_t> counts;
  counts.reserve(size_);
  for (const Slot& s : slots_)
    if (s.count != 0) counts.push_back(s.count);
  const std::size_t keep = capacity_ / 2;
  // The keep-th largest count: those above it stay, and as many equal to it as fit.
  auto kth = counts.begin() + static_cast<std::ptrdiff_t>(counts.size() - keep);
  std::nth_element(counts.begin(), kth, counts.end());
  const uint64_t threshold = *kth;
  const auto above = static_cast<std::size_t>(
      std::count_if(counts.begin(), counts.end(), [&](uint64_t c) { return c > threshold; }));
  rebuild(slots_.size(), threshold, keep - above);
  pruned_ = true;
}

Tally::Entries Tally::top(std::size_t n) const { return top_with_prefix({}, n); }

Tally::Entries Tally::top_with_prefix(std::string_view prefix, std::size_t n) const {
  Entries all;
  for (const Slot& s : slots_)
    if (s.count != 0 && key_of(s).starts_with(prefix)) all.emplace_back(key_of(s), s.count);
  sort_top(all, n);
  return all;
}

}  // namespace dg::proxy::decision_log
