#pragma once
// One worker loop's query pipeline: parse → classify → act (forward or answer) → finish.
// finish() is the only exit: it tells the devolution tracker the outcome, sends the reply and
// writes one decision record, so every query gets exactly one log line by construction.
#include <uv.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "proxy/decision_log/line_batch.hpp"
#include "proxy/decision_log/writer.hpp"
#include "proxy/metrics/counters.hpp"
#include "proxy/pipeline/finisher.hpp"
#include "proxy/pipeline/query.hpp"
#include "proxy/pipeline/stale_waits.hpp"
#include "proxy/upstream/forwarder.hpp"
#include "proxy/uv/flush_list.hpp"
#include "proxy/uv/handle.hpp"

namespace dg::proxy::pipeline {

class Pipeline final : public Finisher {
 public:
  // `log` may be null (no decision_log configured).
  Pipeline(uv_loop_t* loop, std::shared_ptr<const Plan> plan, decision_log::Writer* log,
           uv::FlushList& flush_list);

  // A blank query from this worker's pool, for a listener to fill.
  QueryPtr new_query() { return pool_.take(); }
  void on_query(QueryPtr q);
  // Shutdown: closes the upstream sockets and timers (queries still in flight are dropped).
  void close() {
    stale_timer_.close();
    forwarder_.close();
  }
  void set_plan(std::shared_ptr<const Plan> plan) { plan_ = std::move(plan); }
  const Plan& plan() const { return *plan_; }
  std::size_t in_flight() const { return forwarder_.in_flight(); }
  const metrics::WorkerCounters& counters() const { return counters_; }
  // dnstap output (null: off); set before the first query, for the worker's lifetime.
  void set_dnstap(dnstap::Writer* w) {
    dnstap_ = w;
    forwarder_.set_dnstap(w);
  }

  void finish(QueryPtr q, std::span<uint8_t> reply) override;
  void fail_upstream(QueryPtr q) override;

 private:
  void reject(QueryPtr q, dns::Reject why);
  void classify(Query& q);
  void answer_locally(QueryPtr q);
  // Tracker, reply, counters, decision record: the end of every query's story.
  void complete(Query& q, std::span<uint8_t> reply);
  void count(const Query& q, std::span<const uint8_t> reply);
  void record(const Query& q, std::span<const uint8_t> reply);

  // The answer cache (pipeline_cache.cpp); only with plan.cache, only for forwarded queries.
  bool answer_from_cache(QueryPtr& q);  // true: answered (hit or stale), q is gone
  void finish_cached(QueryPtr q, std::span<uint8_t> reply);
  bool fail_to_stale(QueryPtr& q);  // true: the stale answer replaced the failure
  void answer_stale(Query& q);      // sends the stale answer; the query may go on upstream
  void wait_for_stale(Query& q);
  void leave_stale_waits(Query& q);
  void on_stale_timer();

  QueryPool pool_;  // first: queries owned by the members below return to it
  StaleWaits stale_waits_;  // before forwarder_: the queries it holds leave it when dropped
  std::shared_ptr<const Plan> plan_;
  uv::FlushList& flush_list_;
  std::optional<decision_log::LineBatch> log_;  // none without a decision_log
  std::vector<std::string_view> dry_run_names_;  // reused by record()
  dnstap::Writer* dnstap_ = nullptr;
  upstream::Forwarder forwarder_;
  std::vector<uint8_t> answer_;  // reused buffer for local answers
  metrics::WorkerCounters counters_;
  uv::UvHandle<uv_timer_t> stale_timer_;  // the first client_timeout of stale_waits_
};

}  // namespace dg::proxy::pipeline
