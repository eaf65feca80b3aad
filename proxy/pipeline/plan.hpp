#pragma once
// The running form of a configuration: immutable once built, shared by every worker through a
// std::shared_ptr<const Plan>. A reload builds a new Plan and hands it to each worker; a query
// keeps the plan it started with. State that must survive a reload (server health, the
// devolution table) is carried over from the previous plan when its settings did not change.
#include <chrono>
#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "conf/load.hpp"
#include "conf/model.hpp"
#include "proxy/cache/cache.hpp"
#include "proxy/pipeline/rate_limit.hpp"
#include "proxy/upstream/group_load.hpp"
#include "proxy/upstream/server_state.hpp"
#include "rules/devolution/tracker.hpp"
#include "rules/rule_set.hpp"

namespace dg::proxy::pipeline {

struct GroupPlan {
  std::string name;
  std::vector<std::shared_ptr<upstream::ServerState>> servers;  // in the order they are tried
  std::chrono::milliseconds timeout;
  int max_failures;
  std::chrono::milliseconds probe_interval;
  bool used = false;  // some rule forwards to it
  std::size_t max_outstanding = 0;
  std::shared_ptr<upstream::GroupLoad> load{};  // never null; kept across reloads by name
};

struct Plan {
  uint64_t generation = 0;  // 1 for the first plan, +1 on each reload
  conf::Config config;
  rules::RuleSet rules;
  std::vector<GroupPlan> groups;            // same order as config.upstreams
  std::shared_ptr<rules::Tracker> tracker;  // null without domain.suffixes
  std::shared_ptr<RateLimiter> rate_limiter;  // null without clients.rate_limit
  std::shared_ptr<cache::Cache> cache;        // null unless cache.enabled; shared by workers

  // Compiles `config`; `previous` (may be null) donates server health, group loads, the
  // tracker, the rate limiter and the answer cache.
  static std::expected<std::shared_ptr<const Plan>, conf::Error> build(
      conf::Config config, const Plan* previous);

  // The longest time a forwarded query can take (every server of its group timing out).
  std::chrono::milliseconds longest_forward() const;
};

}  // namespace dg::proxy::pipeline
