#pragma once
// One worker loop's counters. Only the worker's thread writes them (relaxed atomics, no lock
// on the hot path); the metrics scrape on the main thread reads and sums over workers.
#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "proxy/decision_log/record.hpp"
#include "rules/rule_set.hpp"

namespace dg::proxy::metrics {

inline void bump(std::atomic<uint64_t>& c) {
  c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);  // single writer
}

// devoguard_queries_total{action, rule, proto}: one series per label set.
struct QuerySeries {
  std::string action, rule, proto;
  std::atomic<uint64_t> value{0};
};

// devoguard_label_score{rule}: the random_label scores one rule computed, matched or not, so
// that an operator can place min_score from real traffic (INVESTIGATE.md §3).
struct ScoreSeries {
  // Finer near the default threshold 0.90; a score is never above 1, so +Inf is le="1".
  static constexpr std::array<double, 9> kBounds{0.1, 0.25, 0.5, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99};
  std::string rule;
  std::array<std::atomic<uint64_t>, kBounds.size() + 1> buckets{};  // per bucket, last: ≤ 1
  std::atomic<uint64_t> sum_micro{0};                                // Σ score × 10⁶
};

class WorkerCounters {
 public:
  // `plan_generation` and `rule_index` identify the rule cheaply; rule -1: no rule matched.
  void count_query(uint64_t plan_generation, int rule_index, const rules::Rule* rule,
                   rules::Action action, decision_log::Proto proto);
  void count_label_score(uint64_t plan_generation, int rule_index, const rules::Rule& rule,
                         double score);
  void count_rcode(uint8_t rcode) { bump(rcodes_[rcode & 0x0f]); }
  void count_no_answer() { bump(no_answer_); }
  void count_malformed() { bump(malformed_); }
  // devoguard_cache_lookups_total{result}: hit, miss, stale, bypass (CacheResult 1..4).
  void count_cache(decision_log::CacheResult r) { bump(cache_lookups_[std::size_t(r) & 7]); }

  // For the scrape: a copy of the series (labels and values).
  struct Sample {
    std::string action, rule, proto;
    uint64_t value;
  };
  std::vector<Sample> query_samples() const;
  struct ScoreSample {
    std::string rule;
    std::array<uint64_t, ScoreSeries::kBounds.size() + 1> buckets;
    uint64_t sum_micro;
  };
  std::vector<ScoreSample> score_samples() const;
  uint64_t rcode(int i) const { return rcodes_[i].load(std::memory_order_relaxed); }
  uint64_t no_answer() const { return no_answer_.load(std::memory_order_relaxed); }
  uint64_t malformed() const { return malformed_.load(std::memory_order_relaxed); }
  uint64_t cache_lookups(decision_log::CacheResult r) const {
    return cache_lookups_[std::size_t(r) & 7].load(std::memory_order_relaxed);
  }

 private:
  mutable std::mutex series_mutex_;  // guards the containers (not the values): taken on a new
                                     // label set and by the scrape, never per query otherwise
  std::deque<QuerySeries> series_;
  std::unordered_map<std::string, QuerySeries*> by_labels_;
  std::unordered_map<uint64_t, QuerySeries*> by_key_;  // (generation, rule, action, proto)
  std::deque<ScoreSeries> scores_;
  std::unordered_map<std::string, ScoreSeries*> scores_by_rule_;
  std::unordered_map<uint64_t, ScoreSeries*> scores_by_key_;  // (generation, rule)
  std::array<std::atomic<uint64_t>, 16> rcodes_{};
  std::atomic<uint64_t> no_answer_{0};
  std::atomic<uint64_t> malformed_{0};
  std::array<std::atomic<uint64_t>, 8> cache_lookups_{};
};

}  // namespace dg::proxy::metrics
