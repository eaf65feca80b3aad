#pragma once
// Counts per distinct string for `devoguard log --summary`, in bounded memory and without an
// allocation per new string: an open-addressing table over one arena of key bytes. Past
// `capacity` distinct strings the less frequent half is dropped, so a huge log of unique names
// (random probes) cannot exhaust memory. Counts are exact until then; afterwards strings far
// more frequent than the rest stay with exact counts, while one that was dropped and seen
// again counts from zero (approximate() says this may have happened).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dg::proxy::decision_log {

class Tally {
 public:
  static constexpr std::size_t kCapacity = 100'000;
  using Entries = std::vector<std::pair<std::string_view, uint64_t>>;

  explicit Tally(std::size_t capacity = kCapacity);
  void add(std::string_view key, uint64_t n = 1);
  uint64_t count(std::string_view key) const;
  // The `n` largest counts, ties by name; n = 0: all. Views into the Tally until the next add.
  Entries top(std::size_t n = 0) const;
  // The same among the strings that start with `prefix`.
  Entries top_with_prefix(std::string_view prefix, std::size_t n = 0) const;
  std::size_t size() const { return size_; }
  bool approximate() const { return pruned_; }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint64_t count = 0;  // 0: empty
    uint32_t offset = 0;  // of the key in arena_
    uint32_t length = 0;
  };
  std::string_view key_of(const Slot& s) const { return {arena_.data() + s.offset, s.length}; }
  std::size_t find(std::string_view key, uint64_t hash) const;  // its slot or an empty one
  void insert(std::string_view key, uint64_t hash, uint64_t count);
  void insert_at(std::size_t slot, std::string_view key, uint64_t hash, uint64_t count);
  void rebuild(std::size_t slots, uint64_t keep_above, std::size_t keep_equal);
  void prune();

  std::size_t capacity_;
  std::vector<Slot> slots_;  // a power of two, at most half full
  std::string arena_;        // the keys, back to back
  std::size_t size_ = 0;
  bool pruned_ = false;
};

}  // namespace dg::proxy::decision_log
