#include "proxy/pipeline/query.hpp"

#include "proxy/pipeline/stale_waits.hpp"

namespace dg::proxy::pipeline {

void QueryRecycler::operator()(Query* q) const {
  // A query dropped while it waited for a stale answer (shutdown drops what is in flight).
  if (q->cache.ticket) q->cache.waits->forget(q->cache.ticket);
  if (pool)
    pool->give_back(q);
  else
    delete q;
}

QueryPool::~QueryPool() {
  for (auto* q : free_) delete q;
}

QueryPtr QueryPool::take() {
  if (free_.empty()) return QueryPtr(new Query, QueryRecycler{this});
  Query* q = free_.back();
  free_.pop_back();
  return QueryPtr(q, QueryRecycler{this});
}

void QueryPool::give_back(Query* q) {
  if (free_.size() >= kMaxFree) {
    delete q;
    return;
  }
  // Reset what a later query must not see; the wire buffer keeps its capacity.
  q->wire.clear();
  q->sink.reset();
  q->plan.reset();
  q->devolved_from.clear();
  q->decision.rule = nullptr;
  q->decision.action = rules::Action::Refused;  // as a new Query: a path that decides nothing
  q->decision.group = -1;                       // (ACL refusal) must not log a stale action
  q->decision.dry_run.clear();
  q->upstream = nullptr;
  q->cache = {};
  free_.push_back(q);
}

}  // namespace dg::proxy::pipeline
