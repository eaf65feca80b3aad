#pragma once
// The Prometheus text exposition of /metrics and the verdict of /healthz, computed on scrape
// from the workers' counters and the shared state (server health, tracker, decision log).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "proxy/decision_log/writer.hpp"
#include "proxy/dnstap/writer.hpp"
#include "proxy/listen/tcp_limits.hpp"
#include "proxy/metrics/counters.hpp"
#include "proxy/pipeline/plan.hpp"

namespace dg::proxy::metrics {

struct Sources {
  std::vector<const WorkerCounters*> workers;
  std::shared_ptr<const pipeline::Plan> plan;
  const decision_log::Writer* log = nullptr;  // null: no decision log
  uint64_t reloads = 0;
  uint64_t reload_failures = 0;
  const listen::TcpLimits* tcp = nullptr;  // null: not serving (tests)
  const dnstap::Writer* dnstap = nullptr;  // null: no dnstap output
};

std::string render(const Sources& s);

// Healthy when every upstream group that a rule forwards to has a server marked up.
bool healthy(const pipeline::Plan& plan, std::string* why = nullptr);

}  // namespace dg::proxy::metrics
