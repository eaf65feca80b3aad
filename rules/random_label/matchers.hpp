#pragma once
// The stateless fallback of INVESTIGATE.md §3, for devoguard behind domain controllers that
// answer the AD zone themselves (it never sees P.S, so `devolved` cannot fire):
// `devolution_parent` (qname is P.D, D a devolution parent) and `random_label` (P's first label
// looks random to the trigram model).
#include <string>
#include <vector>

#include "conf/model.hpp"
#include "rules/name_set.hpp"
#include "rules/rule_set.hpp"

namespace dg::rules {

// qname = P.D where D is a devolution parent of a configured suffix and P holds 1…N labels.
// Names at or under a suffix never match: `x.example.co.jp` is P.D with D = co.jp, but it is
// an AD name, not a devolved one.
class DevolutionParentMatcher final : public Matcher {
 public:
  DevolutionParentMatcher(const std::vector<std::string>& suffixes,
                          std::vector<std::string> parents, int max_prefix_labels);
  bool matches(const Subject& s) const override;
  std::string describe() const override;  // "devolution_parent in [co.jp] (prefix ≤ 1 label)"

 private:
  NameSet suffixes_;
  std::vector<std::string> parents_;  // for describe()
  NameSet parent_set_;
  int max_prefix_labels_;
};

// The first label scores at least min_score (rules/random_label/model.hpp). The score is
// written to Subject::label_score whether or not it passes, so the log can show it.
class RandomLabelMatcher final : public Matcher {
 public:
  explicit RandomLabelMatcher(const conf::RandomLabel& config) : config_(config) {}
  bool matches(const Subject& s) const override;
  std::string describe() const override;  // "random_label(min_score=0.90, len 7-15)"

 private:
  conf::RandomLabel config_;
};

}  // namespace dg::rules
