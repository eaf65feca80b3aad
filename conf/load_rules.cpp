// `rules:`: name, match, one action, dry_run; and the warnings about rules and groups.
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "conf/ldns.hpp"
#include "conf/load_parts.hpp"

namespace dg::conf {
namespace {

// What each rule's reading leaves behind for the warnings, beyond the model.
struct RuleNotes {
  std::vector<YamlValue> devolved;  // every `devolved:` key, nested ones included
};

std::expected<uint16_t, Error> read_qtype(const YamlValue& value) {
  auto text = value.string();
  if (!text) return std::unexpected(text.error());
  std::string upper = *text;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  // TYPEnnn (RFC 3597) is read here: ldns would accept "TYPE99999" and wrap it.
  if (upper.starts_with("TYPE") && upper.size() > 4) {
    unsigned n = 0;
    auto [end, ec] = std::from_chars(upper.data() + 4, upper.data() + upper.size(), n);
    if (ec == std::errc() && end == upper.data() + upper.size() && n >= 1 && n <= 65535)
      return static_cast<uint16_t>(n);
  } else if (auto type = ldns_get_rr_type_by_name(upper.c_str()); type != 0) {
    return static_cast<uint16_t>(type);
  }
  return std::unexpected(value.error("unknown qtype \"" + *text +
                                     "\": expected a mnemonic (A, AAAA, SRV, …) or TYPEnnn"));
}

std::expected<Pattern, Error> read_pattern(const YamlValue& value) {
  auto text = value.string();
  if (!text) return std::unexpected(text.error());
  if (text->empty()) return std::unexpected(value.error("empty regex"));
  // The options rules/name_matchers.cpp compiles with: what passes here compiles there.
  RE2::Options options;
  options.set_log_errors(false);
  options.set_never_capture(true);
  options.set_encoding(RE2::Options::EncodingLatin1);
  RE2 re(*text, options);
  if (!re.ok())
    return std::unexpected(value.error("invalid regex \"" + *text + "\": " + re.error()));
  return Pattern{*text, value.where()};
}

// Each value of a list-valued match key through `read`; an empty list would match nothing.
template <class T, class Read>
Status read_each(const YamlMap& map, std::string_view key, std::vector<T>& out, Read read) {
  auto value = map.get(key);
  if (!value) return {};
  auto items = value->list();
  if (!items) return std::unexpected(items.error());
  if (items->empty())
    return std::unexpected(value->error("an empty list matches nothing; remove the key instead"));
  for (const auto& item : *items) {
    auto one = read(item);
    if (!one) return std::unexpected(one.error());
    out.push_back(std::move(*one));
  }
  return {};
}

bool is_empty(const Match& m) {
  return m.qname.empty() && m.suffix.empty() && m.regex.empty() && m.qtype.empty() &&
         m.client.empty() && !m.devolved && !m.devolution_parent && !m.random_label &&
         m.negated.empty();
}

// `true` (the defaults) or a mapping of `keys` read by `read_map(map, defaults)`. `false`
// is refused: it would read as "the opposite", which `not: {…}` already says.
template <class T, class ReadMap>
std::expected<T, Error> read_true_or_map(const YamlValue& value,
                                         std::initializer_list<std::string_view> keys, T defaults,
                                         ReadMap read_map) {
  if (!value.node().IsMap()) {
    auto b = value.boolean();
    if (!b) return std::unexpected(b.error());
    if (!*b) return std::unexpected(value.error("expected true or a mapping; for the opposite "
                                                "use not: {…}"));
    return defaults;
  }
  auto map = value.map(keys);
  if (!map) return std::unexpected(map.error());
  return read_map(*map, std::move(defaults));
}

// `devolution_parent: true` (at most one prefix label) or `{max_prefix_labels: N}`.
std::expected<int, Error> read_devolution_parent(const YamlValue& value) {
  return read_true_or_map(value, {"max_prefix_labels"}, 1,
                          [](const YamlMap& map, int) -> std::expected<int, Error> {
                            auto v = map.require("max_prefix_labels");
                            if (!v) return std::unexpected(v.error());
                            auto i = v->integer(1, 126);
                            if (!i) return std::unexpected(i.error());
                            return int(*i);
                          });
}

std::expected<double, Error> read_score(const YamlValue& value) {
  auto text = value.string();
  if (!text) return std::unexpected(text.error());
  double score = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), score);
  if (ec != std::errc() || end != text->data() + text->size() || !(score > 0 && score <= 1))
    return std::unexpected(
        value.error("expected a number with 0 < min_score <= 1, got \"" + *text + "\""));
  return score;
}

// `random_label: true` (defaults) or `{min_score: F, min_length: N, max_length: N}`.
std::expected<RandomLabel, Error> read_random_label(const YamlValue& value) {
  return read_true_or_map(
      value, {"min_score", "min_length", "max_length"}, RandomLabel{},
      [](const YamlMap& map, RandomLabel r) -> std::expected<RandomLabel, Error> {
        if (auto s = read_key(map, "min_score", r.min_score, read_score); !s)
          return std::unexpected(s.error());
        auto length = [](const YamlValue& n) { return n.integer(1, 63); };
        if (auto s = read_key(map, "min_length", r.min_length, length); !s)
          return std::unexpected(s.error());
        if (auto s = read_key(map, "max_length", r.max_length, length); !s)
          return std::unexpected(s.error());
        if (r.min_length > r.max_length) {
          auto at = map.get("max_length") ? *map.get("max_length") : *map.get("min_length");
          return std::unexpected(at.error("min_length " + std::to_string(r.min_length) +
                                          " exceeds max_length " + std::to_string(r.max_length)));
        }
        return r;
      });
}

std::expected<Match, Error> read_match(const YamlValue& value, RuleNotes& notes) {
  auto map = value.map({"qname", "suffix", "regex", "qtype", "client", "devolved",
                         "devolution_parent", "random_label", "not"});
  if (!map) return std::unexpected(map.error());
  Match m;
  if (auto s = read_each(*map, "qname", m.qname, read_name); !s) return std::unexpected(s.error());
  if (auto s = read_each(*map, "suffix", m.suffix, read_name); !s)
    return std::unexpected(s.error());
  if (auto s = read_each(*map, "regex", m.regex, read_pattern); !s)
    return std::unexpected(s.error());
  if (auto s = read_each(*map, "qtype", m.qtype, read_qtype); !s)
    return std::unexpected(s.error());
  if (auto client = map->get("client")) {
    auto cidrs = read_cidrs(*client);
    if (!cidrs) return std::unexpected(cidrs.error());
    if (cidrs->empty())
      return std::unexpected(client->error("an empty list matches nothing; remove the key instead"));
    m.client = std::move(*cidrs);
  }
  if (auto devolved = map->get("devolved")) {
    auto b = devolved->boolean();
    if (!b) return std::unexpected(b.error());
    m.devolved = *b;
    notes.devolved.push_back(*devolved);
  }
  if (auto s = read_key(*map, "devolution_parent", m.devolution_parent, read_devolution_parent);
      !s)
    return std::unexpected(s.error());
  if (auto s = read_key(*map, "random_label", m.random_label, read_random_label); !s)
    return std::unexpected(s.error());
  if (auto negated = map->get("not")) {
    auto inner = read_match(*negated, notes);
    if (!inner) return std::unexpected(inner.error());
    if (is_empty(*inner))
      return std::unexpected(negated->error("an empty `not` matches nothing; remove it instead"));
    m.negated.push_back(std::move(*inner));
  }
  return m;
}

std::expected<Answer, Error> read_answer(const YamlValue& value) {
  auto text = value.string();
  if (!text) return std::unexpected(text.error());
  std::string lower = *text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "nxdomain") return Answer::NxDomain;
  if (lower == "nodata") return Answer::NoData;
  if (lower == "refused") return Answer::Refused;
  if (lower == "servfail") return Answer::ServFail;
  if (lower == "drop") return Answer::Drop;
  return std::unexpected(value.error("unknown answer \"" + *text +
                                     "\": expected nxdomain, nodata, refused, servfail or drop"));
}

std::expected<Rule, Error> read_rule(const YamlValue& value, const Config& config,
                                     RuleNotes& notes) {
  auto map = value.map({"name", "match", "forward", "answer", "dry_run"});
  if (!map) return std::unexpected(map.error());
  Rule rule;
  rule.where = value.where();
  auto name = map->require("name");
  if (!name) return std::unexpected(name.error());
  auto text = name->string();
  if (!text) return std::unexpected(text.error());
  if (text->empty()) return std::unexpected(name->error("empty name"));
  for (const auto& seen : config.rules)
    if (seen.name == *text)
      return std::unexpected(name->error("duplicate rule name \"" + *text + "\""));
  rule.name = *text;
  if (auto match = map->get("match")) {
    auto m = read_match(*match, notes);
    if (!m) return std::unexpected(m.error());
    rule.match = std::move(*m);
  }
  auto forward = map->get("forward");
  auto answer = map->get("answer");
  if (forward.has_value() == answer.has_value())
    return std::unexpected(value.error("a rule needs exactly one of forward or answer"));
  if (forward) {
    auto group = forward->string();
    if (!group) return std::unexpected(group.error());
    if (!config.group(*group))
      return std::unexpected(forward->error("unknown upstream group \"" + *group + "\""));
    rule.action = Forward{*group};
  } else {
    auto a = read_answer(*answer);
    if (!a) return std::unexpected(a.error());
    rule.action = *a;
  }
  if (auto s = read_key(*map, "dry_run", rule.dry_run, &YamlValue::boolean); !s)
    return std::unexpected(s.error());
  return rule;
}

std::string rule_key(std::size_t i) { return "rules[" + std::to_string(i) + "]"; }

void warn_about_rules(const std::optional<YamlValue>& value, Config& config) {
  // Rules past one that matches everything and decides never see a query.
  std::optional<std::size_t> catch_all;
  for (std::size_t i = 0; i < config.rules.size(); ++i) {
    const auto& rule = config.rules[i];
    if (catch_all) {
      config.warnings.push_back(
          warning(rule.where, rule_key(i),
                  "unreachable: rule \"" + config.rules[*catch_all].name + "\" (" +
                      rule_key(*catch_all) + ") matches every query"));
    } else if (!rule.dry_run && is_empty(rule.match)) {
      catch_all = i;
    }
  }
  if (!catch_all) {
    // No position when `rules` is absent: str() then prints "FILE: rules: …".
    Position where = value ? value->where() : Position{config.file, 0, 0};
    config.warnings.push_back(warning(where, "rules",
                                      "no catch-all rule (one without match): queries that "
                                      "match no rule are refused"));
  }
  for (const auto& group : config.upstreams) {
    bool used = std::any_of(config.rules.begin(), config.rules.end(), [&](const Rule& r) {
      const auto* f = std::get_if<Forward>(&r.action);
      return f && f->group == group.name;
    });
    if (!used)
      config.warnings.push_back(warning(group.where, "upstreams." + group.name,
                                        "no rule forwards to this group"));
  }
}

}  // namespace

Status read_rules(const std::optional<YamlValue>& value, Config& config) {
  RuleNotes notes;
  if (value) {
    auto items = value->sequence();
    if (!items) return std::unexpected(items.error());
    for (const auto& item : *items) {
      auto rule = read_rule(item, config, notes);
      if (!rule) return std::unexpected(rule.error());
      config.rules.push_back(std::move(*rule));
    }
  }
  if (config.domain.suffixes.empty()) {
    for (const auto& devolved : notes.devolved)
      config.warnings.push_back(warning(devolved.where(), devolved.path(),
                                        "domain.suffixes is empty: no query is ever devolved"));
  }
  warn_about_rules(value, config);
  return {};
}

}  // namespace dg::conf
