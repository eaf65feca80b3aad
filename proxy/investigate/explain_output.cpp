#include "proxy/investigate/explain_output.hpp"

#include "proxy/investigate/report.hpp"
#include "proxy/investigate/text_table.hpp"

namespace dg::proxy::investigate {
namespace {

using Json = nlohmann::ordered_json;

std::string short_type(const std::string& t) {
  if (t == kDgaB) return "DGA.B";
  if (t == kDgaC) return "DGA.C";
  return t;
}

std::string join(const std::vector<std::string>& v, const char* sep = ",") {
  std::string out;
  for (const auto& s : v) out.append(out.empty() ? "" : sep).append(s);
  return out;
}

std::string ts_or_dash(const std::optional<Micros>& t) { return t ? format_ts(*t) : "-"; }

}  // namespace

std::string explain_table(const std::vector<Explained>& rows) {
  std::vector<TableRow> table;
  for (const auto& [f, v] : rows)
    table.push_back({f.id.size() > 8 ? f.id.substr(f.id.size() - 8) : f.id, short_type(f.type),
                     f.domain, f.instance_id.empty() ? "-" : f.instance_id,
                     f.addresses.empty() ? "-" : join(f.addresses), ts_or_dash(f.first_seen),
                     ts_or_dash(f.last_seen), f.count ? std::to_string(*f.count) : "-", v.verdict,
                     v.confidence.value_or("-"), join(v.reasons)});
  std::string text = render_table("FINDINGS", {"FINDING", "TYPE", "DOMAIN", "INSTANCE", "ADDR",
                                               "FIRST_SEEN", "LAST_SEEN", "N", "VERDICT", "CONF",
                                               "WHY"},
                                  table);
  // Evidence and notes per finding, in row order.
  for (const auto& [f, v] : rows) {
    if (v.evidence.empty() && v.notes.empty() && v.recommendations.empty()) continue;
    text += "\n  " + (f.id.size() > 8 ? f.id.substr(f.id.size() - 8) : f.id) + " " + f.domain + "\n";
    for (const auto& n : v.notes) text += "    note: " + n + "\n";
    for (const auto& e : v.evidence)
      text += "    " + format_ts(e.line.ts) + " " + e.line.client + " " + e.line.qtype + " " +
              e.line.qname + " " + e.line.rcode.value_or("-") + " " + e.line.action + " " +
              (e.line.rule.empty() ? "-" : e.line.rule) + "  (" + e.role + ")\n";
    if (!v.origin_clients.empty()) text += "    origin clients: " + join(v.origin_clients, ", ") + "\n";
    if (!v.recommendations.empty())
      text += "    recommendations: " + join(v.recommendations, ", ") +
              " (devoguard analyze prints their text)\n";
  }
  return text;
}

Json explain_json(const std::vector<Explained>& rows) {
  Json out = Json::array();
  for (const auto& [f, v] : rows) {
    Json evidence = Json::array();
    for (const auto& e : v.evidence)
      evidence.push_back({{"ts", format_ts(e.line.ts)}, {"client", e.line.client},
                          {"qname", e.line.qname}, {"qtype", e.line.qtype},
                          {"rcode", e.line.rcode ? Json(*e.line.rcode) : Json(nullptr)},
                          {"ancount", e.line.ancount ? Json(*e.line.ancount) : Json(nullptr)},
                          {"action", e.line.action},
                          {"rule", e.line.rule.empty() ? Json(nullptr) : Json(e.line.rule)},
                          {"role", e.role}});
    out.push_back({{"id", f.id}, {"arn", f.arn}, {"format", f.format}, {"type", f.type},
                   {"domain", f.domain}, {"domain_with_suffix", f.domain_with_suffix},
                   {"protocol", f.protocol},
                   {"blocked", f.blocked ? Json(*f.blocked) : Json(nullptr)},
                   {"severity", f.severity},
                   {"instance_id", f.instance_id}, {"addresses", f.addresses},
                   {"first_seen", f.first_seen ? Json(format_ts(*f.first_seen)) : Json(nullptr)},
                   {"last_seen", f.last_seen ? Json(format_ts(*f.last_seen)) : Json(nullptr)},
                   {"count", f.count ? Json(*f.count) : Json(nullptr)},
                   {"on_devoguard", v.on_devoguard}, {"verdict", v.verdict},
                   {"confidence", v.confidence ? Json(*v.confidence) : Json(nullptr)},
                   {"reasons", v.reasons}, {"evidence", evidence},
                   {"origin_clients", v.origin_clients},
                   {"recommendations", v.recommendations}, {"notes", v.notes}});
  }
  return out;
}

}  // namespace dg::proxy::investigate
