#pragma once
// What rules look at: the facts of one query, never a socket. Views are valid for the
// duration of one classify() call.
#include <cstdint>
#include <string_view>

#include "conf/address.hpp"

namespace dg::rules {

struct Subject {
  std::string_view qname;  // lower case, no final dot; "" is the root
  uint16_t qtype = 0;
  conf::IpAddress client;
  std::string_view devolved_from;  // the earlier name when the query is devolved, else empty
  // Out: a `random_label` matcher writes the score it computed here (RuleSet::classify points
  // it at Decision::label_score); null when nobody asks.
  double* label_score = nullptr;
};

}  // namespace dg::rules
