#include "rules/compile.hpp"

#include <algorithm>

#include "rules/devolution/parents.hpp"

#include "rules/matchers.hpp"
#include "rules/name_matchers.hpp"
#include "rules/random_label/matchers.hpp"

namespace dg::rules {

MatchContext MatchContext::of(const conf::Domain& domain) {
  MatchContext c{domain.suffixes, {}};
  for (const auto& sp : devolution_parents(domain.suffixes, domain.devolution_level))
    for (const auto& p : sp.parents)
      if (std::find(c.parents.begin(), c.parents.end(), p) == c.parents.end())
        c.parents.push_back(p);
  return c;
}

std::expected<std::unique_ptr<Matcher>, conf::Error> compile_match(const conf::Match& match,
                                                                   const std::string& key,
                                                                   const MatchContext& context) {
  std::vector<std::unique_ptr<Matcher>> parts;
  // Cheapest first: AllOf stops at the first key that fails.
  if (match.devolved) parts.push_back(std::make_unique<DevolvedMatcher>(*match.devolved));
  if (!match.qtype.empty()) parts.push_back(std::make_unique<QtypeMatcher>(match.qtype));
  if (!match.qname.empty()) parts.push_back(std::make_unique<QnameMatcher>(match.qname));
  if (!match.client.empty()) parts.push_back(std::make_unique<ClientMatcher>(match.client));
  if (!match.suffix.empty()) parts.push_back(std::make_unique<SuffixMatcher>(match.suffix));
  if (!match.regex.empty()) {
    std::vector<std::string> patterns;
    for (const auto& p : match.regex) patterns.push_back(p.text);
    auto re = RegexMatcher::compile(patterns);
    if (!re) {
      const auto& bad = match.regex[re.error().index];
      return std::unexpected(conf::Error{bad.where, key + ".regex",
                                         "invalid regex \"" + bad.text + "\": " +
                                             re.error().message});
    }
    parts.push_back(std::move(*re));
  }
  if (match.devolution_parent)
    parts.push_back(std::make_unique<DevolutionParentMatcher>(
        context.suffixes, context.parents, *match.devolution_parent));
  if (!match.negated.empty()) {
    auto inner = compile_match(match.negated.front(), key + ".not", context);
    if (!inner) return std::unexpected(std::move(inner.error()));
    parts.push_back(std::make_unique<NotMatcher>(std::move(*inner)));
  }
  // Last: the only key that computes (a table walk over the first label), so it runs only
  // when everything else held.
  if (match.random_label)
    parts.push_back(std::make_unique<RandomLabelMatcher>(*match.random_label));
  if (parts.empty()) return nullptr;
  if (parts.size() == 1) return std::move(parts.front());
  return std::make_unique<AllOfMatcher>(std::move(parts));
}

bool uses_devolved(const conf::Match& match) {
  if (match.devolved) return true;
  for (const auto& m : match.negated)
    if (uses_devolved(m)) return true;
  return false;
}

}  // namespace dg::rules
