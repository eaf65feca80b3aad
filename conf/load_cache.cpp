// `cache:` (DEPLOY.md §1): the answer cache and its serve-stale part (RFC 8767).
#include <limits>

#include "conf/load_parts.hpp"
#include "conf/units.hpp"

namespace dg::conf {
namespace {

constexpr int64_t kTtlMax = std::numeric_limits<int32_t>::max();  // RFC 2181 section 8
constexpr std::chrono::seconds kMaxStaleCap{7 * 86400};            // RFC 8767 section 5

// A TTL bound: a duration in whole seconds, 0 allowed ("0s": no lower bound).
std::expected<uint32_t, Error> read_ttl(const YamlValue& value) {
  auto text = value.string();
  if (!text) return std::unexpected(text.error());
  auto d = parse_duration(*text);
  if (!d)
    return std::unexpected(value.error(
        "expected a duration with a unit (ms, s, m, h, d), e.g. 30s, got \"" + *text + "\""));
  if (d->count() % 1000 != 0)
    return std::unexpected(value.error("a TTL is whole seconds, got \"" + *text + "\""));
  if (d->count() / 1000 > kTtlMax)
    return std::unexpected(value.error("must be at most 2147483647s (RFC 2181)"));
  return uint32_t(d->count() / 1000);
}

// A positive duration in whole seconds.
std::expected<std::chrono::seconds, Error> read_seconds(const YamlValue& value) {
  auto d = value.duration();
  if (!d) return std::unexpected(d.error());
  if (d->count() % 1000 != 0)
    return std::unexpected(value.error("must be whole seconds, got \"" + format_duration(*d) + "\""));
  return std::chrono::duration_cast<std::chrono::seconds>(*d);
}

Status read_serve_stale(const YamlValue& value, ServeStale& stale) {
  auto map = value.map({"enabled", "max_stale", "answer_ttl", "client_timeout", "recheck"});
  if (!map) return std::unexpected(map.error());
  if (auto s = read_key(*map, "enabled", stale.enabled, &YamlValue::boolean); !s) return s;
  if (auto s = read_key(*map, "max_stale", stale.max_stale, read_seconds); !s) return s;
  if (stale.max_stale > kMaxStaleCap)
    return std::unexpected(map->get("max_stale")->error(
        "must be at most 7d (RFC 8767 caps stale data at 7 days)"));
  if (auto s = read_key(*map, "answer_ttl", stale.answer_ttl, read_seconds); !s) return s;
  if (auto s = read_key(*map, "client_timeout", stale.client_timeout, &YamlValue::duration); !s)
    return s;
  return read_key(*map, "recheck", stale.recheck, &YamlValue::duration);
}

}  // namespace

Status read_cache(const YamlValue& value, Config& config) {
  auto map = value.map({"enabled", "max_entries", "min_ttl", "max_ttl", "negative_min_ttl",
                        "negative_max_ttl", "serve_stale"});
  if (!map) return std::unexpected(map.error());
  auto& c = config.cache;
  if (auto s = read_key(*map, "enabled", c.enabled, &YamlValue::boolean); !s) return s;
  auto count = [](const YamlValue& v) { return v.integer(1, 100000000); };
  if (auto s = read_key(*map, "max_entries", c.max_entries, count); !s) return s;
  for (auto [key, out] : {std::pair{"min_ttl", &c.min_ttl}, std::pair{"max_ttl", &c.max_ttl},
                          std::pair{"negative_min_ttl", &c.negative_min_ttl},
                          std::pair{"negative_max_ttl", &c.negative_max_ttl}})
    if (auto s = read_key(*map, key, *out, read_ttl); !s) return s;
  // A lower bound above its upper bound: the error stands at the upper bound when it is
  // written, else at the lower one (the other is a default the operator did not write).
  auto order = [&map](const char* lo_key, uint32_t lo, const char* hi_key, uint32_t hi) -> Status {
    if (lo <= hi) return {};
    auto at = map->get(hi_key) ? map->get(hi_key) : map->get(lo_key);
    return std::unexpected(at->error(std::string(lo_key) + " (" + std::to_string(lo) +
                                     "s) is above " + hi_key + " (" + std::to_string(hi) + "s)"));
  };
  if (auto s = order("min_ttl", c.min_ttl, "max_ttl", c.max_ttl); !s) return s;
  if (auto s = order("negative_min_ttl", c.negative_min_ttl, "negative_max_ttl",
                     c.negative_max_ttl);
      !s)
    return s;
  if (auto v = map->get("serve_stale"))
    if (auto s = read_serve_stale(*v, c.serve_stale); !s) return s;
  return {};
}

}  // namespace dg::conf
