#include "proxy/investigate/devoguard_events.hpp"

namespace dg::proxy::investigate {

std::optional<bool> with_data_of(std::optional<std::string_view> rcode,
                                 std::optional<uint64_t> ancount) {
  if (!rcode || *rcode != "NOERROR") return false;
  if (!ancount) return std::nullopt;
  return *ancount > 0;
}

void devoguard_event(const decision_log::Line& line, AwsResolvers& aws, Event& out) {
  out.ts = line.ts;
  out.client.assign(line.client);
  out.qname.assign(line.qname);
  out.qtype.assign(line.qtype);
  out.transport.assign(line.proto);
  if (line.rcode) out.rcode.emplace(*line.rcode); else out.rcode.reset();
  out.with_data = with_data_of(line.rcode, line.ancount);
  out.reached_aws = line.action == "forward" && !line.upstream.empty() &&
                    aws.is_aws(strip_port(line.upstream), true);
  out.label_score = line.label_score ? float(*line.label_score) : -1.f;
}

}  // namespace dg::proxy::investigate
