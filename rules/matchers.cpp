#include "rules/matchers.hpp"

#include <algorithm>
#include <cstdlib>

#include "conf/ldns.hpp"

namespace dg::rules {
namespace {

// "A", "AAAA", "SRV", or "TYPE65280" for types ldns does not know.
std::string qtype_name(uint16_t qtype) {
  char* s = ldns_rr_type2str(static_cast<ldns_rr_type>(qtype));
  if (!s) return "TYPE" + std::to_string(qtype);
  std::string out(s);
  std::free(s);
  return out;
}

}  // namespace

bool QtypeMatcher::matches(const Subject& s) const {
  return std::find(qtypes_.begin(), qtypes_.end(), s.qtype) != qtypes_.end();
}

std::string QtypeMatcher::describe() const {
  std::string out = "qtype in [";
  for (std::size_t i = 0; i < qtypes_.size(); ++i) {
    if (i) out.append(", ");
    out.append(qtype_name(qtypes_[i]));
  }
  return out.append("]");
}

bool ClientMatcher::matches(const Subject& s) const {
  return std::any_of(cidrs_.begin(), cidrs_.end(),
                     [&](const conf::Cidr& c) { return c.contains(s.client); });
}

std::string ClientMatcher::describe() const {
  std::string out = "client in [";
  for (std::size_t i = 0; i < cidrs_.size(); ++i) {
    if (i) out.append(", ");
    out.append(cidrs_[i].str());
  }
  return out.append("]");
}

std::string DevolvedMatcher::describe() const {
  return devolved_ ? "devolved = true" : "devolved = false";
}

std::string NotMatcher::describe() const {
  return "not (" + (inner_ ? inner_->describe() : std::string("any")) + ")";
}

bool AllOfMatcher::matches(const Subject& s) const {
  return std::all_of(parts_.begin(), parts_.end(),
                     [&](const auto& m) { return m->matches(s); });
}

std::string AllOfMatcher::describe() const {
  std::string out;
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    if (i) out.append(" and ");
    out.append(parts_[i]->describe());
  }
  return out;
}

}  // namespace dg::rules
