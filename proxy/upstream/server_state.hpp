#pragma once
// Health of one upstream server, shared by every worker loop and the prober (atomics only).
// A server is marked down after `max_failures` consecutive timeouts; the prober on the main
// loop asks it a question every `probe_interval` and marks it up on the first valid reply.
#include <atomic>
#include <cstdint>
#include <string>

#include "conf/address.hpp"
#include "proxy/aws/packet_counters.hpp"
#include "proxy/metrics/histogram.hpp"

namespace dg::proxy::upstream {

struct ServerState {
  explicit ServerState(conf::Endpoint e) : endpoint(e), name(e.str()) {}

  const conf::Endpoint endpoint;
  const std::string name;  // "169.254.169.253:53", as in logs and metrics
  std::atomic<bool> up{true};
  std::atomic<int> consecutive_failures{0};
  std::atomic<uint64_t> queries{0};
  std::atomic<uint64_t> timeouts{0};
  std::atomic<uint64_t> ignored_replies{0};  // wrong ID, question or source (RFC 5452)
  metrics::Histogram latency;                // of accepted replies
  aws::PacketCounters packets;               // by source address (DEPLOY.md §1)

  // Returns true when this failure marked the server down.
  bool record_failure(int max_failures) {
    timeouts.fetch_add(1, std::memory_order_relaxed);
    int n = consecutive_failures.fetch_add(1, std::memory_order_relaxed) + 1;
    return n >= max_failures && up.exchange(false, std::memory_order_relaxed);
  }
  // Returns true when this success brought the server back up.
  bool record_success() {
    consecutive_failures.store(0, std::memory_order_relaxed);
    return !up.exchange(true, std::memory_order_relaxed);
  }
};

}  // namespace dg::proxy::upstream
