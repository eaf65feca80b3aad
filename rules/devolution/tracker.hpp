#pragma once
// Remembers recent failed queries under an AD suffix so that their devolved twins can be
// recognised: after client C asked P.S (type T) and got no data, a query P.D of type T from C
// within the correlation window is devolved, for each devolution parent D of S.
//
// Thread-safe: worker loops observe and look up concurrently (sharded locks). Memory is bounded
// by max_tracked; the oldest entries go first, and expiry needs no scan (insertion order is
// expiry order because the window is fixed).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/address.hpp"
#include "rules/devolution/parents.hpp"
#include "rules/devolution/siphash.hpp"
#include "rules/name_set.hpp"

namespace dg::rules {

class Tracker {
 public:
  using Clock = std::chrono::steady_clock;

  Tracker(std::vector<SuffixParents> parents, std::chrono::milliseconds window,
          std::size_t max_tracked);
  ~Tracker();

  // A query finished. `answered_with_data`: NOERROR with at least one answer record.
  // Names not strictly under a suffix are ignored. A name that resolved forgets its twins.
  void observe(const conf::IpAddress& client, std::string_view qname, uint16_t qtype,
               bool answered_with_data, Clock::time_point now);

  // The earlier name P.S when `qname` (P.D) is devolved for this client and type.
  std::optional<std::string> devolved_from(const conf::IpAddress& client, std::string_view qname,
                                           uint16_t qtype, Clock::time_point now) const;

  // True when qname is strictly under some devolution parent (cheap pre-check).
  bool under_parent(std::string_view qname) const;

  std::size_t size() const;
  uint64_t evictions() const;  // entries dropped because the table was full

  const std::vector<SuffixParents>& parents() const { return parents_; }

 private:
  struct Shard;
  std::vector<SuffixParents> parents_;
  std::chrono::milliseconds window_;
  NameSet suffixes_;    // S → index into parents_
  NameSet parent_set_;  // every D, for under_parent()
  SipHash hash_;        // keyed per process: the table stores only hashes of its keys
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace dg::rules
