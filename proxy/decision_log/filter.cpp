#include "proxy/decision_log/filter.hpp"

#include <algorithm>

#include "conf/units.hpp"

namespace dg::proxy::decision_log {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equal_ci(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

// Whether the character at `i` is escaped: an odd run of backslashes before it.
bool escaped(std::string_view s, std::size_t i) {
  std::size_t n = 0;
  while (i > n && s[i - n - 1] == '\\') ++n;
  return n % 2 == 1;
}

std::string_view without_final_dot(std::string_view name) {
  if (!name.empty() && name.back() == '.' && !escaped(name, name.size() - 1))
    name.remove_suffix(1);
  return name;
}

bool contains(const std::vector<std::string>& set, std::string_view value) {
  return std::find(set.begin(), set.end(), value) != set.end();
}

}  // namespace

std::expected<Micros, std::string> parse_time_bound(std::string_view text, Micros now) {
  if (auto t = parse_timestamp(text)) return *t;
  if (auto d = conf::parse_duration(text)) return now - *d;
  return std::unexpected("not an RFC 3339 time (2026-11-23T07:30:00Z) or a duration (15m, 2h, "
                         "1d): " + std::string(text));
}

bool in_domain(std::string_view name, std::string_view suffix) {
  name = without_final_dot(name);
  suffix = without_final_dot(suffix);
  if (suffix.empty()) return true;
  if (name.size() < suffix.size()) return false;
  if (!equal_ci(name.substr(name.size() - suffix.size()), suffix)) return false;
  if (name.size() == suffix.size()) return true;
  const std::size_t dot = name.size() - suffix.size() - 1;
  return name[dot] == '.' && !escaped(name, dot);
}

std::expected<Filter, std::string> Filter::build(const FilterSpec& spec, Micros now) {
  Filter f;
  if (!spec.since.empty()) {
    auto t = parse_time_bound(spec.since, now);
    if (!t) return std::unexpected("--since: " + t.error());
    f.since_ = *t;
  }
  if (!spec.until.empty()) {
    auto t = parse_time_bound(spec.until, now);
    if (!t) return std::unexpected("--until: " + t.error());
    f.until_ = *t;
  }
  if (f.since_ && f.until_ && *f.since_ > *f.until_)
    return std::unexpected("--since " + spec.since + " is after --until " + spec.until);
  for (const auto& c : spec.clients) {
    auto cidr = conf::Cidr::parse(c);
    if (!cidr) return std::unexpected("--client: not an address or CIDR: " + c);
    f.clients_.push_back(*cidr);
  }
  for (const auto& a : spec.actions) {
    if (std::find(std::begin(kActions), std::end(kActions), a) == std::end(kActions))
      return std::unexpected("--action: unknown action " + a +
                             " (forward, nxdomain, nodata, refused, servfail, drop)");
    f.actions_.push_back(a);
  }
  for (const auto& r : spec.rules) {
    if (r.empty()) return std::unexpected("--rule: empty rule name");
    f.rules_.push_back(r);
  }
  for (const auto& q : spec.qnames) {
    if (q.empty()) return std::unexpected("--qname: empty name (the root is \".\")");
    f.qnames_.emplace_back(without_final_dot(q));
  }
  f.devolved_ = spec.devolved;
  return f;
}

bool Filter::empty() const {
  return !since_ && !until_ && clients_.empty() && actions_.empty() && rules_.empty() &&
         qnames_.empty() && !devolved_;
}

// Cheapest tests first; the client address is parsed only when a --client was given.
bool Filter::matches(const Line& line) const {
  if (since_ && line.ts < *since_) return false;
  if (until_ && line.ts > *until_) return false;
  if (devolved_ && line.devolved_from.empty()) return false;
  if (!actions_.empty() && !contains(actions_, line.action)) return false;
  if (!rules_.empty() && (!line.rule || !contains(rules_, *line.rule))) return false;
  if (!qnames_.empty() &&
      std::none_of(qnames_.begin(), qnames_.end(),
                   [&](const std::string& s) { return in_domain(line.qname, s); }))
    return false;
  if (!clients_.empty()) {
    const auto address = conf::IpAddress::parse(line.client);
    if (!address || std::none_of(clients_.begin(), clients_.end(), [&](const conf::Cidr& c) {
          return c.contains(*address);
        }))
      return false;
  }
  return true;
}

}  // namespace dg::proxy::decision_log
