#pragma once
// One client query on its way through the pipeline. A listener creates it; it is moved (as a
// QueryPtr, one owner at a time) through classify → act → finish, where it becomes a reply and
// one decision-log record.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "conf/address.hpp"
#include "proxy/cache/entry.hpp"
#include "proxy/decision_log/record.hpp"
#include "proxy/dns/message.hpp"
#include "proxy/pipeline/plan.hpp"
#include "rules/rule_set.hpp"

namespace dg::proxy::pipeline {

using Proto = decision_log::Proto;
using CacheResult = decision_log::CacheResult;
class StaleWaits;

// The answer cache's part of a forwarded query (proxy/cache/, Pipeline's cache steps); stays
// blank (result None) when the cache is off.
struct CacheUse {
  CacheResult result = CacheResult::None;
  std::shared_ptr<const cache::Entry> stale;  // an expired entry to fall back on (serve_stale)
  StaleWaits* waits = nullptr;  // set with `ticket`: waiting for its client_timeout there
  uint64_t ticket = 0;
  bool answered = false;  // the client got the stale answer; the upstream reply only refreshes
};

// Where the reply goes: the UDP listener the query came in on, or its TCP connection. A TCP
// connection may have closed by the time the reply is ready; send() then does nothing.
class ReplySink {
 public:
  virtual ~ReplySink() = default;
  virtual void send(const conf::Endpoint& client, std::span<const uint8_t> reply) = 0;
};

struct Query {
  // Set by the listener.
  std::vector<uint8_t> wire;  // the client's message as received
  conf::Endpoint client;
  Proto proto = Proto::Udp;
  std::shared_ptr<ReplySink> sink;
  std::chrono::steady_clock::time_point received;
  std::chrono::system_clock::time_point received_wall;

  // Set by the pipeline (valid from classify on).
  std::shared_ptr<const Plan> plan;  // the plan the query started with
  dns::Query msg;
  std::string devolved_from;
  rules::Decision decision;

  // The outcome, set by whoever answered.
  const upstream::ServerState* upstream = nullptr;  // the server that answered
  CacheUse cache;
};

// Queries are recycled by their worker's pool: the deleter hands the object back (its buffers
// keep their capacity), so the hot path does not allocate a query per packet.
class QueryPool;
struct QueryRecycler {
  QueryPool* pool = nullptr;
  void operator()(Query* q) const;
};
using QueryPtr = std::unique_ptr<Query, QueryRecycler>;

// One worker's free queries. Only the worker's thread uses it; it must outlive the queries.
class QueryPool {
 public:
  ~QueryPool();
  QueryPtr take();
  void give_back(Query* q);

 private:
  static constexpr std::size_t kMaxFree = 4096;
  std::vector<Query*> free_;
};

}  // namespace dg::proxy::pipeline
