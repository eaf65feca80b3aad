#pragma once
// Matchers on the query name: `qname` (exact), `suffix` (a name and everything under it) and
// `regex` (RE2, searched). Subject.qname is already lower case without the final dot, and so
// are configured names (conf normalises them), so matching here is plain byte comparison.
#include <expected>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "rules/name_set.hpp"
#include "rules/rule_set.hpp"

namespace re2 {
class RE2;
}

namespace dg::rules {

class QnameMatcher final : public Matcher {
 public:
  explicit QnameMatcher(std::vector<std::string> names);
  bool matches(const Subject& s) const override { return set_.contains(s.qname); }
  std::string describe() const override;

 private:
  std::vector<std::string> names_;  // config order, for describe()
  NameSet set_;
};

// By labels: `example.co.jp` matches itself and `a.example.co.jp`, never `badexample.co.jp`.
class SuffixMatcher final : public Matcher {
 public:
  explicit SuffixMatcher(std::vector<std::string> suffixes);
  bool matches(const Subject& s) const override { return set_.covers(s.qname); }
  std::string describe() const override;

 private:
  std::vector<std::string> suffixes_;
  NameSet set_;
};

// Any of the patterns is found somewhere in the name (anchor with ^…$ for a whole match).
class RegexMatcher final : public Matcher {
 public:
  // The RE2 error text for the first pattern that does not compile.
  struct BadPattern {
    std::size_t index;
    std::string message;
  };
  static std::expected<std::unique_ptr<RegexMatcher>, BadPattern> compile(
      const std::vector<std::string>& patterns);
  ~RegexMatcher() override;

  bool matches(const Subject& s) const override;
  std::string describe() const override;

 private:
  RegexMatcher() = default;
  std::vector<std::unique_ptr<const re2::RE2>> res_;  // compiled once, shared by all threads
};

}  // namespace dg::rules
