#pragma once
// What a rule's local answer looks like: rcode, SOA owner and EDE for each action.
#include <string_view>

#include "proxy/dns/answer.hpp"
#include "proxy/pipeline/query.hpp"

namespace dg::proxy::pipeline {

// The SOA owner of a negative answer: the devolution parent for a devolved query (co.jp for
// x.co.jp and x.y.co.jp alike), otherwise the parent of the name asked.
std::string_view soa_owner(const Query& q);

// The answer spec for a rule-decided local answer (action other than forward and drop), or
// for a query no rule matched. `ede_text` must outlive the spec.
dns::AnswerSpec local_answer(const Query& q, std::string_view ede_text);

}  // namespace dg::proxy::pipeline
