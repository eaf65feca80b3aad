#pragma once
// Matchers on the rest of the Subject (`qtype`, `client`, `devolved`) and the two combinators:
// `not: {…}` and the implicit AND of the keys in one `match`.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "conf/address.hpp"
#include "rules/rule_set.hpp"

namespace dg::rules {

class QtypeMatcher final : public Matcher {
 public:
  explicit QtypeMatcher(std::vector<uint16_t> qtypes) : qtypes_(std::move(qtypes)) {}
  bool matches(const Subject& s) const override;
  std::string describe() const override;  // "qtype in [A, AAAA]"

 private:
  std::vector<uint16_t> qtypes_;  // a handful: a scan beats hashing
};

class ClientMatcher final : public Matcher {
 public:
  explicit ClientMatcher(std::vector<conf::Cidr> cidrs) : cidrs_(std::move(cidrs)) {}
  bool matches(const Subject& s) const override;
  std::string describe() const override;

 private:
  std::vector<conf::Cidr> cidrs_;
};

// `devolved: true` holds when the tracker found the earlier name; `false` when it did not.
class DevolvedMatcher final : public Matcher {
 public:
  explicit DevolvedMatcher(bool devolved) : devolved_(devolved) {}
  bool matches(const Subject& s) const override { return s.devolved_from.empty() != devolved_; }
  std::string describe() const override;

 private:
  bool devolved_;
};

class NotMatcher final : public Matcher {
 public:
  // A null inner matcher is an empty `match` (matches everything), so `not` matches nothing.
  explicit NotMatcher(std::unique_ptr<Matcher> inner) : inner_(std::move(inner)) {}
  bool matches(const Subject& s) const override { return inner_ && !inner_->matches(s); }
  std::string describe() const override;

 private:
  std::unique_ptr<Matcher> inner_;
};

// All keys of one `match` must hold. Cheap matchers should come first: evaluation stops at the
// first that fails.
class AllOfMatcher final : public Matcher {
 public:
  explicit AllOfMatcher(std::vector<std::unique_ptr<Matcher>> parts) : parts_(std::move(parts)) {}
  bool matches(const Subject& s) const override;
  std::string describe() const override;  // "a and b and c"

 private:
  std::vector<std::unique_ptr<Matcher>> parts_;
};

}  // namespace dg::rules
