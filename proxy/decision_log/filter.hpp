#pragma once
// Which decision-log lines `devoguard log` shows: --since/--until, --client, --action, --rule,
// --qname and --devolved. All given filters must hold; the values repeated under one option
// are alternatives (as the keys and values of a rule's `match`).
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/address.hpp"
#include "proxy/decision_log/line.hpp"

namespace dg::proxy::decision_log {

// The options as typed on the command line.
struct FilterSpec {
  std::string since;  // RFC 3339, or a duration back from now ("15m", "2h", "1d")
  std::string until;
  std::vector<std::string> clients;  // CIDRs; a bare address is a host
  std::vector<std::string> actions;  // forward, nxdomain, nodata, refused, servfail, drop
  std::vector<std::string> rules;
  std::vector<std::string> qnames;  // the name and everything under it
  bool devolved = false;  // only lines with devolved_from
};

// The actions a decision can have (PRODUCT.md, "Decision log").
inline constexpr std::string_view kActions[] = {"forward", "nxdomain", "nodata",
                                                "refused", "servfail", "drop"};

// --since/--until: an RFC 3339 time or a duration before `now`. Error names the value.
std::expected<Micros, std::string> parse_time_bound(std::string_view text, Micros now);

// Whether `name` is `suffix` or under it: label-aware (an escaped "\." inside a label is no
// boundary), case-insensitive, the final dot of either ignored. "" (the root) holds every name.
bool in_domain(std::string_view name, std::string_view suffix);

class Filter {
 public:
  // Error: "--client: not an address or CIDR: 10.0.0.0/33" and the like.
  static std::expected<Filter, std::string> build(const FilterSpec& spec, Micros now);

  bool matches(const Line& line) const;
  bool empty() const;  // no filter given: every line matches

 private:
  std::optional<Micros> since_;
  std::optional<Micros> until_;
  std::vector<conf::Cidr> clients_;
  std::vector<std::string> actions_;
  std::vector<std::string> rules_;
  std::vector<std::string> qnames_;  // without the final dot
  bool devolved_ = false;
};

}  // namespace dg::proxy::decision_log
