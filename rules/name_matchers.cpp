#include "rules/name_matchers.hpp"

#include <re2/re2.h>

namespace dg::rules {
namespace {

std::string list(std::string_view key, std::string_view verb,
                 const std::vector<std::string>& items, bool quote = false) {
  std::string out(key);
  out.append(" ").append(verb).append(" [");
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out.append(", ");
    if (quote) out.append("\"");
    out.append(items[i]);
    if (quote) out.append("\"");
  }
  return out.append("]");
}

}  // namespace

QnameMatcher::QnameMatcher(std::vector<std::string> names)
    : names_(std::move(names)), set_(names_) {}

std::string QnameMatcher::describe() const { return list("qname", "in", names_); }

SuffixMatcher::SuffixMatcher(std::vector<std::string> suffixes)
    : suffixes_(std::move(suffixes)), set_(suffixes_) {}

std::string SuffixMatcher::describe() const { return list("suffix", "in", suffixes_); }

std::expected<std::unique_ptr<RegexMatcher>, RegexMatcher::BadPattern> RegexMatcher::compile(
    const std::vector<std::string>& patterns) {
  RE2::Options options;
  options.set_log_errors(false);  // the caller reports the error with its position
  options.set_never_capture(true);
  // Latin-1: match bytes, so an unusual byte in a name can never make the text invalid UTF-8.
  options.set_encoding(RE2::Options::EncodingLatin1);
  std::unique_ptr<RegexMatcher> m(new RegexMatcher);
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    auto re = std::make_unique<const RE2>(patterns[i], options);
    if (!re->ok()) return std::unexpected(BadPattern{i, re->error()});
    m->res_.push_back(std::move(re));
  }
  return m;
}

RegexMatcher::~RegexMatcher() = default;

bool RegexMatcher::matches(const Subject& s) const {
  for (const auto& re : res_)
    if (RE2::PartialMatch(s.qname, *re)) return true;
  return false;
}

std::string RegexMatcher::describe() const {
  std::vector<std::string> patterns;
  for (const auto& re : res_) patterns.push_back(re->pattern());
  return list("regex", "matches", patterns, true);
}

}  // namespace dg::rules
