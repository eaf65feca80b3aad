// The story of one query, from the listener to the reply and its decision-log line.
#include "proxy/pipeline/pipeline.hpp"

#include <spdlog/spdlog.h>

#include "proxy/dns/answer.hpp"
#include "proxy/dnstap/tap.hpp"
#include "proxy/pipeline/local_answer.hpp"
#include "proxy/pipeline/rate_limit.hpp"

namespace dg::proxy::pipeline {
namespace {

bool client_allowed(const conf::Config& config, const conf::IpAddress& a) {
  for (const auto& c : config.allow)
    if (c.contains(a)) return true;
  return false;
}

// "Answered with data" in the sense of devolution: NOERROR with at least one answer record.
bool answered_with_data(std::span<const uint8_t> reply) {
  return reply.size() >= dns::kHeaderSize && dns::rcode_of(reply) == dns::kNoError &&
         dns::ancount_of(reply) > 0;
}

}  // namespace

Pipeline::Pipeline(uv_loop_t* loop, std::shared_ptr<const Plan> plan, decision_log::Writer* log,
                   uv::FlushList& flush_list)
    : plan_(std::move(plan)), flush_list_(flush_list), forwarder_(loop, *this, flush_list) {
  if (log) log_.emplace(*log);
  uv_timer_init(loop, stale_timer_.get());
  stale_timer_.get()->data = this;
}

void Pipeline::on_query(QueryPtr q) {
  q->plan = plan_;
  auto parsed = dns::parse_query(q->wire);
  if (!parsed) return reject(std::move(q), parsed.error());
  q->msg = *parsed;
  if (dnstap_) dnstap::client_query(*dnstap_, *q);  // before an upstream rewrites the ID
  if (auto reply = over_rate_limit(*q, answer_)) return finish(std::move(q), *reply);

  if (!client_allowed(q->plan->config, q->client.address())) {
    dns::AnswerSpec spec{.rcode = dns::kRefused,
                         .ede = dns::Ede{dns::EdeCode::Prohibited, "client not allowed"}};
    dns::build_answer(q->msg, q->wire, spec, answer_);
    return finish(std::move(q), answer_);
  }

  classify(*q);
  switch (q->decision.action) {
    case rules::Action::Forward:
      if (q->plan->cache && answer_from_cache(q)) return;  // one branch with the cache off
      return forwarder_.send(std::move(q));  // comes back through finish()
    case rules::Action::Drop:
      return finish(std::move(q), {});
    default:
      return answer_locally(std::move(q));
  }
}

void Pipeline::reject(QueryPtr q, dns::Reject why) {
  counters_.count_malformed();  // not a query: counted, not logged
  if (why == dns::Reject::Drop) return;
  dns::build_error(q->wire, why == dns::Reject::NotImp ? dns::kNotImp : dns::kFormErr, answer_);
  q->sink->send(q->client, answer_);
}

void Pipeline::classify(Query& q) {
  const auto& plan = *q.plan;
  const auto name = q.msg.qname.view();
  if (plan.tracker && plan.rules.uses_devolved() && plan.tracker->under_parent(name)) {
    if (auto from = plan.tracker->devolved_from(q.client.address(), name, q.msg.qtype, q.received))
      q.devolved_from = std::move(*from);
  }
  rules::Subject subject{name, q.msg.qtype, q.client.address(), q.devolved_from};
  q.decision = plan.rules.classify(subject);
}

void Pipeline::answer_locally(QueryPtr q) {
  // The EDE text names the rule: an operator reading a client's dig output finds the rule.
  const std::string_view text =
      q->decision.rule ? std::string_view(q->decision.rule->ede_text) : "devoguard: no rule matched";
  dns::build_answer(q->msg, q->wire, local_answer(*q, text), answer_);
  finish(std::move(q), answer_);
}

void Pipeline::fail_upstream(QueryPtr q) {
  if (q->cache.result != CacheResult::None && fail_to_stale(q)) return;
  dns::AnswerSpec spec{.rcode = dns::kServFail,
                       .ede = dns::Ede{dns::EdeCode::NoReachableAuthority, ""}};
  dns::build_answer(q->msg, q->wire, spec, answer_);
  finish(std::move(q), answer_);
}

void Pipeline::finish(QueryPtr q, std::span<uint8_t> reply) {
  if (q->cache.result != CacheResult::None) return finish_cached(std::move(q), reply);
  complete(*q, reply);
}

void Pipeline::complete(Query& q, std::span<uint8_t> reply) {
  // The tracker learns the outcome before the client does: the client's devolved retry can
  // only come after it has this reply. A cached NXDOMAIN is "no data" like a forwarded one.
  if (q.plan->tracker)
    q.plan->tracker->observe(q.client.address(), q.msg.qname.view(), q.msg.qtype,
                             answered_with_data(reply), q.received);
  if (!reply.empty()) q.sink->send(q.client, reply);
  count(q, reply);
  record(q, reply);
  if (dnstap_) dnstap::client_response(*dnstap_, q, reply);
}

void Pipeline::count(const Query& q, std::span<const uint8_t> reply) {
  const auto* rule = q.decision.rule;
  const int index = rule ? int(rule - q.plan->rules.rules().data()) : -1;
  counters_.count_query(q.plan->generation, index, rule, q.decision.action, q.proto);
  if (const auto* scorer = q.decision.label_score_rule)
    counters_.count_label_score(q.plan->generation, int(scorer - q.plan->rules.rules().data()),
                                *scorer, q.decision.label_score);
  if (q.cache.result != CacheResult::None) counters_.count_cache(q.cache.result);
  if (reply.empty())
    counters_.count_no_answer();
  else
    counters_.count_rcode(dns::rcode_of(reply));
}

void Pipeline::record(const Query& q, std::span<const uint8_t> reply) {
  if (!log_) return;
  decision_log::Record r;
  r.ts = q.received_wall;
  r.client = q.client.address();
  r.proto = q.proto;
  r.id = q.msg.id;
  r.qname = q.msg.qname.view();
  r.qtype = q.msg.qtype;
  if (q.decision.rule) r.rule = q.decision.rule->name;
  r.action = rules::action_name(q.decision.action);
  if (q.upstream) r.upstream = q.upstream->name;
  r.cache = q.cache.result;
  if (!reply.empty()) {
    r.rcode = dns::rcode_of(reply);
    if (reply.size() >= dns::kHeaderSize) r.ancount = dns::ancount_of(reply);
  }
  r.latency_us = uint32_t(std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::steady_clock::now() - q.received)
                              .count());
  r.devolved_from = q.devolved_from;
  dry_run_names_.clear();
  for (const auto* d : q.decision.dry_run) dry_run_names_.push_back(d->name);
  r.dry_run = dry_run_names_;
  if (q.decision.label_score >= 0) r.label_score = float(q.decision.label_score);
  log_->add(r);
  flush_list_.enlist(*log_);
}

}  // namespace dg::proxy::pipeline
