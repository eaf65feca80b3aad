#pragma once
// Internal to conf/: the loader split by section. load.cpp reads the document and calls these
// in dependency order (listen before upstreams for the loop check, domain and upstreams before
// rules). Each fills its part of `config` or returns the first error.
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "conf/load.hpp"
#include "conf/model.hpp"
#include "conf/yaml_value.hpp"

namespace dg::conf {

using Status = std::expected<void, Error>;

Status read_listen(const YamlValue& value, Config& config);
Status read_threads(const YamlValue& value, Config& config);
Status read_clients(const std::optional<YamlValue>& value, Config& config);  // default if absent
Status read_domain(const YamlValue& value, Config& config);
Status read_tcp(const YamlValue& value, Config& config);
Status read_answers(const YamlValue& value, Config& config);
Status read_cache(const YamlValue& value, Config& config);  // conf/load_cache.cpp
Status read_aws(const YamlValue& value, Config& config);    // conf/load_aws.cpp
// An IP address (no port) at `value`'s position (conf/load_aws.cpp).
std::expected<IpAddress, Error> read_ip(const YamlValue& value);
// `upstreams.NAME.source_addresses`; needs group.servers (family check).
Status read_source_addresses(const YamlValue& value, UpstreamGroup& group);
Status read_decision_log(const YamlValue& value, Config& config);
Status read_metrics(const YamlValue& value, Config& config);
Status read_dnstap(const YamlValue& value, Config& config);  // conf/load_dnstap.cpp
Status read_user(const YamlValue& value, Config& config);  // the user must exist
// Needs config.listen (an upstream that is our own listener is refused).
Status read_upstreams(const YamlValue& value, const LoadOptions& options, Config& config);
// Needs config.upstreams and config.domain; also adds the rule and group warnings.
Status read_rules(const std::optional<YamlValue>& value, Config& config);

// A domain name (conf/name.hpp) at `value`'s position.
std::expected<std::string, Error> read_name(const YamlValue& value);
// A list (or one scalar) of names; empty allowed.
std::expected<std::vector<std::string>, Error> read_names(const YamlValue& value);
// A list (or one scalar) of CIDRs.
std::expected<std::vector<Cidr>, Error> read_cidrs(const YamlValue& value);

// "FILE:LINE:COL: key: message", as Error::str() words it.
std::string warning(const Position& where, const std::string& key, const std::string& message);

// Reads `key` of `map` with `read` (a YamlValue member or a callable) into `out` when present;
// absent keys leave the default in `out`.
template <class T, class Read>
Status read_key(const YamlMap& map, std::string_view key, T& out, Read read) {
  auto value = map.get(key);
  if (!value) return {};
  auto result = std::invoke(read, *value);
  if (!result) return std::unexpected(result.error());
  out = static_cast<T>(*result);
  return {};
}

}  // namespace dg::conf
