#include "proxy/investigate/route53.hpp"

#include <nlohmann/json.hpp>

namespace dg::proxy::investigate {
namespace {

std::expected<std::string, std::string> text(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::unexpected(std::string(key) + ": expected a string");
  return it->get<std::string>();
}

std::string lower_without_dot(std::string s) {
  if (!s.empty() && s.back() == '.') s.pop_back();
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return s;
}

}  // namespace

std::expected<void, std::string> route53_event(const nlohmann::json& j, Event& out) {
  if (!j.is_object()) return std::unexpected("expected a JSON object");
  auto ts = text(j, "query_timestamp");
  if (!ts) return std::unexpected(ts.error());
  auto when = decision_log::parse_timestamp(*ts);
  if (!when) return std::unexpected("query_timestamp: not an ISO 8601 time: " + *ts);
  auto name = text(j, "query_name");
  if (!name) return std::unexpected(name.error());
  auto src = text(j, "srcaddr");
  if (!src) return std::unexpected(src.error());
  out.ts = *when;
  out.qname = lower_without_dot(std::move(*name));
  out.client = std::move(*src);
  auto type = text(j, "query_type");
  out.qtype = type ? *type : std::string();
  auto transport = text(j, "transport");
  out.transport = transport ? lower_without_dot(*transport) : std::string();
  auto rcode = text(j, "rcode");
  if (rcode) out.rcode = *rcode; else out.rcode.reset();
  bool answers = false;
  if (auto it = j.find("answers"); it != j.end() && it->is_array()) answers = !it->empty();
  out.with_data = rcode && *rcode == "NOERROR" && answers;
  out.reached_aws = true;  // every record reached the resolver by definition
  out.label_score = -1;
  return {};
}

std::expected<void, std::string> route53_event(std::string_view line, Event& out) {
  nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded()) return std::unexpected("not a JSON object");
  return route53_event(j, out);
}

}  // namespace dg::proxy::investigate
