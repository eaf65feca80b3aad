// The answer cache in a query's story (DEPLOY.md §1; the table itself is proxy/cache/).
// Consulted for forwarded queries after rule evaluation, so rules, devolution and the decision
// log see every query as before; a hit or a stale answer ends in complete() like any answer.
//
//   lookup  fresh entry ─────────────────────────────> hit: reply from the entry
//           stale entry, upstream failed < recheck ago > stale: reply from the entry
//           stale entry ──> upstream, and a client_timeout wait: the upstream reply if it
//                           comes first, else the stale answer (the upstream query goes on
//                           and refreshes the entry)
//           nothing, RD=0 ──> upstream (miss / bypass)
//   upstream reply  stored when the store rules allow; SERVFAIL or REFUSED, or every server
//                   failing, fall back to the stale entry when there is one.
#include <uv.h>

#include "proxy/cache/reply.hpp"
#include "proxy/pipeline/pipeline.hpp"

namespace dg::proxy::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

cache::KeyFields key_of(const Query& q) {
  return cache::key_fields(q.msg, q.wire, q.plan->groups[q.decision.group].name);
}

bool upstream_failed(std::span<const uint8_t> reply) {
  if (reply.size() < dns::kHeaderSize) return true;
  const auto rcode = dns::rcode_of(reply);
  return rcode == dns::kServFail || rcode == dns::kRefused;
}

}  // namespace

bool Pipeline::answer_from_cache(QueryPtr& q) {
  if (!q->msg.rd) {  // a client asking for no recursion wants what the upstream has now
    q->cache.result = CacheResult::Bypass;
    return false;
  }
  auto& table = *q->plan->cache;
  const auto now = Clock::now();
  auto found = table.lookup(key_of(*q), now);
  q->cache.result = CacheResult::Miss;
  if (!found) return false;
  if (found->fresh) {
    q->cache.result = CacheResult::Hit;
    cache::build_reply(*found->entry, q->msg, q->wire, now,
                       {.udp = q->proto == Proto::Udp}, answer_);
    complete(*q, answer_);
    q.reset();
    return true;
  }
  q->cache.stale = std::move(found->entry);
  if (found->recheck) {  // the upstream failed for this key a moment ago: do not ask again
    answer_stale(*q);
    q.reset();
    return true;
  }
  wait_for_stale(*q);
  return false;
}

void Pipeline::wait_for_stale(Query& q) {
  const auto due = Clock::now() + q.plan->config.cache.serve_stale.client_timeout;
  q.cache.waits = &stale_waits_;
  q.cache.ticket = stale_waits_.add(&q, due);
  if (uv_is_active(stale_timer_.base())) return;  // due no later than this one
  on_stale_timer();
}

void Pipeline::leave_stale_waits(Query& q) {
  if (!q.cache.ticket) return;
  stale_waits_.forget(q.cache.ticket);
  q.cache.ticket = 0;
}

void Pipeline::on_stale_timer() {
  const auto now = Clock::now();
  stale_waits_.expire(now, [this](Query& q) {
    q.cache.ticket = 0;
    answer_stale(q);  // the query stays with the forwarder: its reply refreshes the entry
  });
  const auto next = stale_waits_.next_due();
  if (!next) return;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(*next - now).count();
  uv_timer_start(
      stale_timer_.get(),
      [](uv_timer_t* t) {
        if (auto* self = uv::owner_of<Pipeline>(t)) self->on_stale_timer();
      },
      uint64_t(std::max<int64_t>(ms, 0)), 0);
}

void Pipeline::answer_stale(Query& q) {
  const auto& stale = q.plan->config.cache.serve_stale;
  q.cache.result = CacheResult::Stale;
  q.cache.answered = true;
  cache::build_reply(*q.cache.stale, q.msg, q.wire, Clock::now(),
                     {.udp = q.proto == Proto::Udp, .stale_ttl = uint32_t(stale.answer_ttl.count())},
                     answer_);
  complete(q, answer_);
}

bool Pipeline::fail_to_stale(QueryPtr& q) {
  leave_stale_waits(*q);
  if (!q->cache.stale) return false;
  q->plan->cache->note_failure(key_of(*q), Clock::now());
  if (!q->cache.answered) answer_stale(*q);
  q.reset();
  return true;
}

void Pipeline::finish_cached(QueryPtr q, std::span<uint8_t> reply) {
  leave_stale_waits(*q);
  if (q->upstream && q->cache.result != CacheResult::Bypass) {
    if (upstream_failed(reply)) {
      if (fail_to_stale(q)) return;
    } else {
      q->plan->cache->store(key_of(*q), reply, Clock::now());
    }
  }
  if (q->cache.answered) return;  // the client has had its stale answer and its log line
  complete(*q, reply);
}

}  // namespace dg::proxy::pipeline
