#include "proxy/pipeline/local_answer.hpp"

namespace dg::proxy::pipeline {
namespace {

bool ends_with_label(std::string_view name, std::string_view zone) {
  return name.size() > zone.size() && name.ends_with(zone) &&
         name[name.size() - zone.size() - 1] == '.';
}

}  // namespace

std::string_view soa_owner(const Query& q) {
  const auto name = q.msg.qname.view();
  if (!q.devolved_from.empty() && q.plan->tracker) {
    // qname is P.D and devolved_from is P.S: D is the parent for which that holds.
    for (const auto& sp : q.plan->tracker->parents()) {
      if (!ends_with_label(q.devolved_from, sp.suffix)) continue;
      auto p = std::string_view(q.devolved_from).substr(0, q.devolved_from.size() - sp.suffix.size());
      for (const auto& d : sp.parents)
        if (name.size() == p.size() + d.size() && name.starts_with(p) && name.ends_with(d)) return d;
    }
  }
  return dns::parent_of(name);
}

dns::AnswerSpec local_answer(const Query& q, std::string_view ede_text) {
  dns::AnswerSpec spec;
  spec.negative_ttl = q.plan->config.answers.negative_ttl;
  spec.ede = dns::Ede{dns::EdeCode::Blocked, ede_text};
  switch (q.decision.action) {
    case rules::Action::NxDomain:
      spec.rcode = dns::kNxDomain;
      spec.soa_owner = soa_owner(q);
      break;
    case rules::Action::NoData:
      spec.rcode = dns::kNoError;
      spec.soa_owner = soa_owner(q);
      break;
    case rules::Action::ServFail:
      spec.rcode = dns::kServFail;
      break;
    case rules::Action::Refused:
    case rules::Action::Forward:
    case rules::Action::Drop:
      spec.rcode = dns::kRefused;
      break;
  }
  return spec;
}

}  // namespace dg::proxy::pipeline
