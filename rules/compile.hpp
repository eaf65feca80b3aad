#pragma once
// conf::Match → Matcher: one matcher per key present, ANDed; cheap keys are tested first.
#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "conf/load.hpp"
#include "conf/model.hpp"
#include "rules/rule_set.hpp"

namespace dg::rules {

// What matchers need beyond their own key: the configured suffixes and their devolution
// parents (`devolution_parent`).
struct MatchContext {
  std::vector<std::string> suffixes;
  std::vector<std::string> parents;  // of all suffixes, distinct
  static MatchContext of(const conf::Domain& domain);
};

// `key` is the path of the match for errors, e.g. "rules[2].match"; a bad regex is reported at
// its own position as "<key>.regex". An empty Match gives null (matches everything).
std::expected<std::unique_ptr<Matcher>, conf::Error> compile_match(
    const conf::Match& match, const std::string& key, const MatchContext& context = {});

// Does the match, or anything nested in it, look at `devolved`?
bool uses_devolved(const conf::Match& match);

}  // namespace dg::rules
