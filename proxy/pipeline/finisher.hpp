#pragma once
// The one exit of a query: whoever produced the outcome (a local answer, an upstream reply,
// a failure) hands the query here. `reply` empty means nothing is sent to the client.
#include <cstdint>
#include <span>

#include "proxy/pipeline/query.hpp"

namespace dg::proxy::pipeline {

class Finisher {
 public:
  virtual ~Finisher() = default;
  virtual void finish(QueryPtr q, std::span<uint8_t> reply) = 0;
  // Every server of the query's group failed: SERVFAIL with EDE 22, then finish().
  virtual void fail_upstream(QueryPtr q) = 0;
};

}  // namespace dg::proxy::pipeline
