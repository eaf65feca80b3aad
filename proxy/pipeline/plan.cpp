#include "proxy/pipeline/plan.hpp"

#include <algorithm>
#include <atomic>

namespace dg::proxy::pipeline {
namespace {

std::shared_ptr<upstream::ServerState> find_server(const Plan* previous, const conf::Endpoint& e) {
  if (!previous) return nullptr;
  for (const auto& g : previous->groups)
    for (const auto& s : g.servers)
      if (s->endpoint == e) return s;
  return nullptr;
}

std::shared_ptr<upstream::GroupLoad> find_load(const Plan* previous, const std::string& group) {
  if (previous)
    for (const auto& g : previous->groups)
      if (g.name == group) return g.load;
  return std::make_shared<upstream::GroupLoad>();
}

// The buckets survive a reload that keeps the same limit; a new limit starts afresh.
std::shared_ptr<RateLimiter> make_rate_limiter(const conf::Config& config, const Plan* previous) {
  if (!config.rate_limit) return nullptr;
  const auto& limit = *config.rate_limit;
  const auto* old = previous ? previous->rate_limiter.get() : nullptr;
  if (old && old->limit().qps == limit.qps && old->limit().burst == limit.burst &&
      old->limit().action == limit.action)
    return previous->rate_limiter;
  return std::make_shared<RateLimiter>(limit, old ? old->limited() : 0);
}

// The entries survive a reload that keeps every cache setting (they were stored under them).
std::shared_ptr<cache::Cache> make_cache(const conf::Config& config, const Plan* previous) {
  if (!config.cache.enabled) return nullptr;
  if (previous && previous->cache && previous->cache->settings() == config.cache)
    return previous->cache;
  return std::make_shared<cache::Cache>(config.cache);
}

bool same_domain(const conf::Domain& a, const conf::Domain& b) {
  return a.suffixes == b.suffixes && a.devolution_level == b.devolution_level &&
         a.correlation_window == b.correlation_window && a.max_tracked == b.max_tracked;
}

}  // namespace

std::expected<std::shared_ptr<const Plan>, conf::Error> Plan::build(conf::Config config,
                                                                     const Plan* previous) {
  auto rules = rules::RuleSet::compile(config);
  if (!rules) return std::unexpected(rules.error());

  auto plan = std::make_shared<Plan>();
  static std::atomic<uint64_t> generations{0};
  plan->generation = ++generations;
  for (const auto& g : config.upstreams) {
    GroupPlan gp{g.name, {}, g.timeout, g.max_failures, g.probe_interval};
    gp.max_outstanding = g.max_outstanding;
    gp.load = find_load(previous, g.name);
    for (const auto& e : g.servers) {
      auto s = find_server(previous, e);
      gp.servers.push_back(s ? s : std::make_shared<upstream::ServerState>(e));
    }
    plan->groups.push_back(std::move(gp));
  }
  for (const auto& r : rules->rules())
    if (r.action == rules::Action::Forward) plan->groups[r.group].used = true;

  const auto& d = config.domain;
  if (!d.suffixes.empty()) {
    if (previous && previous->tracker && same_domain(previous->config.domain, d)) {
      plan->tracker = previous->tracker;
    } else {
      plan->tracker = std::make_shared<rules::Tracker>(
          rules::devolution_parents(d.suffixes, d.devolution_level), d.correlation_window,
          d.max_tracked);
    }
  }
  plan->rate_limiter = make_rate_limiter(config, previous);
  plan->cache = make_cache(config, previous);
  plan->rules = std::move(*rules);
  plan->config = std::move(config);
  return plan;
}

std::chrono::milliseconds Plan::longest_forward() const {
  std::chrono::milliseconds longest{0};
  for (const auto& g : groups) longest = std::max(longest, g.timeout * long(g.servers.size()));
  return longest;
}

}  // namespace dg::proxy::pipeline
