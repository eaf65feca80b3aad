#include "proxy/metrics/counters.hpp"

namespace dg::proxy::metrics {

void WorkerCounters::count_query(uint64_t plan_generation, int rule_index, const rules::Rule* rule,
                                 rules::Action action, decision_log::Proto proto) {
  const uint64_t key = plan_generation << 32 | uint64_t(uint32_t(rule_index + 1)) << 8 |
                       uint64_t(action) << 1 | uint64_t(proto);
  if (auto it = by_key_.find(key); it != by_key_.end()) return bump(it->second->value);

  // A label set seen for the first time in this plan: find or make its series.
  std::string action_name(rules::action_name(action));
  std::string rule_name = rule ? rule->name : "";
  std::string proto_name = proto == decision_log::Proto::Tcp ? "tcp" : "udp";
  std::string labels = action_name + '\0' + rule_name + '\0' + proto_name;
  std::lock_guard lock(series_mutex_);
  auto [it, fresh] = by_labels_.try_emplace(labels, nullptr);
  if (fresh) {
    auto& series = series_.emplace_back();
    series.action = std::move(action_name);
    series.rule = std::move(rule_name);
    series.proto = std::move(proto_name);
    it->second = &series;
  }
  by_key_[key] = it->second;
  bump(it->second->value);
}

void WorkerCounters::count_label_score(uint64_t plan_generation, int rule_index,
                                       const rules::Rule& rule, double score) {
  const uint64_t key = plan_generation << 32 | uint64_t(uint32_t(rule_index));
  ScoreSeries* series;
  if (auto it = scores_by_key_.find(key); it != scores_by_key_.end()) {
    series = it->second;
  } else {
    std::lock_guard lock(series_mutex_);
    auto [named, fresh] = scores_by_rule_.try_emplace(rule.name, nullptr);
    if (fresh) {
      named->second = &scores_.emplace_back();
      named->second->rule = rule.name;
    }
    series = scores_by_key_[key] = named->second;
  }
  std::size_t i = 0;
  while (i < ScoreSeries::kBounds.size() && score > ScoreSeries::kBounds[i]) ++i;
  bump(series->buckets[i]);
  const auto micro = series->sum_micro.load(std::memory_order_relaxed) + uint64_t(score * 1e6);
  series->sum_micro.store(micro, std::memory_order_relaxed);  // single writer
}

std::vector<WorkerCounters::ScoreSample> WorkerCounters::score_samples() const {
  std::lock_guard lock(series_mutex_);
  std::vector<ScoreSample> out;
  for (const auto& s : scores_) {
    ScoreSample sample{s.rule, {}, s.sum_micro.load(std::memory_order_relaxed)};
    for (std::size_t i = 0; i < s.buckets.size(); ++i)
      sample.buckets[i] = s.buckets[i].load(std::memory_order_relaxed);
    out.push_back(std::move(sample));
  }
  return out;
}

std::vector<WorkerCounters::Sample> WorkerCounters::query_samples() const {
  std::lock_guard lock(series_mutex_);
  std::vector<Sample> out;
  for (const auto& s : series_)
    out.push_back({s.action, s.rule, s.proto, s.value.load(std::memory_order_relaxed)});
  return out;
}

}  // namespace dg::proxy::metrics
