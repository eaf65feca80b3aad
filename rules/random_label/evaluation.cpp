#include "rules/random_label/evaluation.hpp"

#include <algorithm>
#include <fstream>
#include <random>
#include <set>

#include "rules/random_label/model.hpp"

namespace dg::rules::random_label {
namespace {

inline constexpr const char* kSampleProbe = "dglvrrerxokcxc";
inline constexpr double kMaxFpr = 0.01;

std::expected<std::vector<std::string>, std::string> read_names(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::unexpected(path + ": cannot read");
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    line = line.substr(0, line.find('#'));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

double ratio(std::size_t a, std::size_t b) { return b ? double(a) / double(b) : 0; }

}  // namespace

std::expected<Evaluation, std::string> evaluate(const EvaluationInputs& in) {
  auto american = read_words(in.american);
  if (!american) return std::unexpected(american.error());
  auto british = read_words(in.british);
  if (!british) return std::unexpected(british.error());
  auto psl = read_psl(in.psl);
  if (!psl) return std::unexpected(psl.error());
  auto hosts = read_names(in.ad_hostnames);
  if (!hosts) return std::unexpected(hosts.error());

  Evaluation e;
  std::vector<std::pair<double, std::string>> negatives;
  auto add = [&](const std::string& w, std::size_t& n) {
    negatives.emplace_back(label_score(w), w);
    ++n;
  };
  for (const auto& w : psl->jp)
    if (held_out(w)) add(w, e.n1);
  const std::set<std::string> american_set(american->begin(), american->end());
  for (const auto& w : *british)
    if (w.size() >= kProbeMin && w.size() <= kProbeMax && !american_set.contains(w)) add(w, e.n2);
  for (const auto& w : psl->other)
    if (held_out(w)) add(w, e.n3);
  std::sort(negatives.begin(), negatives.end(), std::greater<>());

  // At most 1 % of the negatives strictly above the threshold.
  const std::size_t allowed = std::size_t(kMaxFpr * double(negatives.size()));
  e.threshold = allowed < negatives.size() ? negatives[allowed].first : 0;
  std::size_t fp = 0, fp_default = 0;
  for (const auto& [score, w] : negatives) {
    fp += score > e.threshold;
    fp_default += score >= kDefaultMinScore;
  }
  e.fpr = ratio(fp, negatives.size());
  e.fpr_default = ratio(fp_default, negatives.size());
  for (std::size_t i = 0; i < negatives.size() && i < 10; ++i)
    e.worst_negatives.emplace_back(negatives[i].second, negatives[i].first);

  for (std::size_t len = kProbeMin; len <= kProbeMax; ++len) e.rows.push_back({.length = len});
  std::vector<std::size_t> hit(e.rows.size()), hit_default(e.rows.size());
  for (const auto& [score, w] : negatives) {
    auto& row = e.rows[w.size() - kProbeMin];
    ++row.negatives;
    row.fpr_default += score >= kDefaultMinScore;
  }
  std::mt19937_64 rng(kEvaluationSeed);
  std::size_t tp = 0, tp_default = 0, long_total = 0, long_hit = 0;
  auto score_positive = [&](const std::string& label) {
    const double score = label_score(label);
    const std::size_t i = label.size() - kProbeMin;
    ++e.rows[i].positives;
    ++e.positives;
    if (score > e.threshold) {
      ++hit[i];
      ++tp;
      if (label.size() >= 12) ++long_hit;
    }
    if (score >= kDefaultMinScore) {
      ++hit_default[i];
      ++tp_default;
    }
    if (label.size() >= 12) ++long_total;
  };
  for (std::size_t i = 0; i < in.positives; ++i) score_positive(random_label(rng));
  score_positive(kSampleProbe);

  for (std::size_t i = 0; i < e.rows.size(); ++i) {
    auto& row = e.rows[i];
    row.tpr = ratio(hit[i], row.positives);
    row.tpr_default = ratio(hit_default[i], row.positives);
    row.fpr_default = row.negatives ? row.fpr_default / double(row.negatives) : 0;
  }
  e.tpr = ratio(tp, e.positives);
  e.tpr_default = ratio(tp_default, e.positives);
  e.tpr_long = ratio(long_hit, long_total);
  e.probe_score = label_score(kSampleProbe);
  for (const auto& h : *hosts) e.ad_hostnames.emplace_back(h, label_score(h));
  return e;
}

}  // namespace dg::rules::random_label
