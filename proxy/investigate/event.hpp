#pragma once
// The normalised event of `devoguard analyze` (INVESTIGATE.md §1): one client query as any of
// the three log formats tells it, with what the client got and whether it reached the AWS
// resolver. Parsers produce them; the Detector consumes them.
#include <cstdint>
#include <optional>
#include <string>

#include "proxy/decision_log/timestamp.hpp"

namespace dg::proxy::investigate {

using decision_log::Micros;

struct Event {
  Micros ts{};
  uint32_t file = 0;  // index into the inputs
  uint64_t line = 0;  // where the query was seen, from 1
  std::string client;
  std::string qname;  // lower case, no final dot
  std::string qtype;  // mnemonic ("A") or "TYPE65280"
  std::string transport;  // "udp" / "tcp" ("" when the log does not say)
  std::optional<std::string> rcode;  // what the client got; none when nothing was seen
  std::optional<bool> with_data;     // answered with data; none when the log cannot tell
  std::optional<bool> reached_aws;   // none when the log cannot tell
  float label_score = -1;            // devoguard logs: the logged score, else -1
};

// Receives events in the order their outcome became known (per client, that is query order
// for the devolution case: a client devolves only after the NXDOMAIN).
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_event(const Event& e) = 0;
};

}  // namespace dg::proxy::investigate
