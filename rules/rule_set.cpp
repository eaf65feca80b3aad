#include "rules/rule_set.hpp"

#include <variant>

#include "rules/compile.hpp"

namespace dg::rules {
namespace {

Action action_of(conf::Answer a) {
  switch (a) {
    case conf::Answer::NxDomain: return Action::NxDomain;
    case conf::Answer::NoData: return Action::NoData;
    case conf::Answer::Refused: return Action::Refused;
    case conf::Answer::ServFail: return Action::ServFail;
    case conf::Answer::Drop: return Action::Drop;
  }
  return Action::Refused;  // unreachable: every enumerator is handled above
}

int group_index(const conf::Config& config, std::string_view name) {
  for (std::size_t i = 0; i < config.upstreams.size(); ++i)
    if (config.upstreams[i].name == name) return static_cast<int>(i);
  return -1;
}

}  // namespace

std::string_view action_name(Action a) {
  switch (a) {
    case Action::Forward: return "forward";
    case Action::NxDomain: return "nxdomain";
    case Action::NoData: return "nodata";
    case Action::Refused: return "refused";
    case Action::ServFail: return "servfail";
    case Action::Drop: return "drop";
  }
  return "?";
}

std::expected<RuleSet, conf::Error> RuleSet::compile(const conf::Config& config) {
  RuleSet set;
  for (const auto& g : config.upstreams) set.group_names_.push_back(g.name);
  const MatchContext context = MatchContext::of(config.domain);
  for (std::size_t i = 0; i < config.rules.size(); ++i) {
    const conf::Rule& in = config.rules[i];
    const std::string key = "rules[" + std::to_string(i) + "]";
    auto match = compile_match(in.match, key + ".match", context);
    if (!match) return std::unexpected(std::move(match.error()));
    Rule out{in.name, std::move(*match), Action::Forward, -1, in.dry_run,
             "devoguard rule " + in.name};
    if (const auto* fwd = std::get_if<conf::Forward>(&in.action)) {
      out.group = group_index(config, fwd->group);
      // conf validates group names; this guards a Config built by hand.
      if (out.group < 0)
        return std::unexpected(conf::Error{in.where, key + ".forward",
                                           "unknown upstream group \"" + fwd->group + "\""});
    } else {
      out.action = action_of(std::get<conf::Answer>(in.action));
    }
    set.uses_devolved_ = set.uses_devolved_ || rules::uses_devolved(in.match);
    set.rules_.push_back(std::move(out));
  }
  return set;
}

// Hot path: no allocation unless a dry-run rule matches.
Decision RuleSet::classify(const Subject& subject) const {
  Decision d;
  Subject s = subject;
  s.label_score = &d.label_score;  // only used during this call
  for (const Rule& r : rules_) {
    const bool scored_before = d.label_score >= 0;
    const bool hit = !r.match || r.match->matches(s);
    if (!scored_before && d.label_score >= 0) d.label_score_rule = &r;
    if (!hit) continue;
    if (r.dry_run) {
      d.dry_run.push_back(&r);
      continue;
    }
    d.rule = &r;
    d.action = r.action;
    d.group = r.group;
    break;
  }
  return d;
}

std::vector<std::string> RuleSet::describe() const {
  std::vector<std::string> lines;
  for (const Rule& r : rules_) {
    std::string line = r.name + ": " + (r.match ? r.match->describe() : "any") + " → " +
                       std::string(action_name(r.action));
    if (r.action == Action::Forward) line += " " + group_names_[r.group];
    if (r.dry_run) line += " (dry run)";
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace dg::rules
