#include "rules/random_label/matchers.hpp"

#include <algorithm>
#include <cstdio>

#include "rules/random_label/model.hpp"

namespace dg::rules {

DevolutionParentMatcher::DevolutionParentMatcher(const std::vector<std::string>& suffixes,
                                                 std::vector<std::string> parents,
                                                 int max_prefix_labels)
    : suffixes_(suffixes),
      parents_(std::move(parents)),
      parent_set_(parents_),
      max_prefix_labels_(max_prefix_labels) {}

bool DevolutionParentMatcher::matches(const Subject& s) const {
  if (parent_set_.empty() || suffixes_.covers(s.qname)) return false;
  bool found = false;
  parent_set_.for_each_strict_ancestor(s.qname, [&](std::string_view parent, std::size_t) {
    if (found) return;
    const auto prefix = s.qname.substr(0, s.qname.size() - parent.size() - 1);
    const int labels = 1 + int(std::count(prefix.begin(), prefix.end(), '.'));
    found = labels <= max_prefix_labels_;
  });
  return found;
}

std::string DevolutionParentMatcher::describe() const {
  std::string out = "devolution_parent in [";
  for (std::size_t i = 0; i < parents_.size(); ++i) {
    if (i) out.append(", ");
    out.append(parents_[i]);
  }
  out.append("] (prefix ≤ ").append(std::to_string(max_prefix_labels_));
  return out.append(max_prefix_labels_ == 1 ? " label)" : " labels)");
}

bool RandomLabelMatcher::matches(const Subject& s) const {
  const double score = random_label::label_score(random_label::first_label(s.qname),
                                                 std::size_t(config_.min_length),
                                                 std::size_t(config_.max_length));
  if (s.label_score) *s.label_score = score;
  return score >= config_.min_score;
}

std::string RandomLabelMatcher::describe() const {
  char buf[96];
  std::snprintf(buf, sizeof buf, "random_label(min_score=%.2f, len %d-%d)", config_.min_score,
                config_.min_length, config_.max_length);
  return buf;
}

}  // namespace dg::rules
