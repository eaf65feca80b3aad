#include "proxy/investigate/finding.hpp"

#include <sstream>

namespace dg::proxy::investigate {
namespace {

using nlohmann::json;

// j[key], trying the PascalCase key and its camelCase twin; null json when absent.
const json& at(const json& j, std::string key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  if (auto it = j.find(key); it != j.end()) return *it;
  key[0] = char(std::tolower(static_cast<unsigned char>(key[0])));
  if (auto it = j.find(key); it != j.end()) return *it;
  return kNull;
}

const json& path(const json& j, std::initializer_list<const char*> keys) {
  const json* p = &j;
  for (const char* k : keys) p = &at(*p, k);
  return *p;
}

std::string str(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_number_integer()) return std::to_string(j.get<int64_t>());
  if (j.is_number()) {
    std::ostringstream s;
    s << j.get<double>();
    return s.str();
  }
  return {};
}

std::optional<Micros> time_of(const json& j) {
  if (!j.is_string()) return std::nullopt;
  return decision_log::parse_timestamp(j.get<std::string>());
}

std::optional<uint64_t> count_of(const json& j) {
  if (j.is_number_unsigned() || j.is_number_integer()) return j.get<uint64_t>();
  if (j.is_string()) {
    try {
      return std::stoull(j.get<std::string>());
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<bool> bool_of(const json& j) {
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_string()) {
    if (j == "true") return true;
    if (j == "false") return false;
  }
  return std::nullopt;
}

void add_address(std::vector<std::string>& out, const json& j) {
  const std::string a = str(j);
  if (!a.empty() && std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
}

std::string instance_from_arn(const std::string& arn) {
  const auto at = arn.find("instance/");
  return at == std::string::npos ? arn : arn.substr(at + 9);
}

std::string id_from_arn(const std::string& arn) {
  const auto at = arn.rfind("/finding/");
  return at == std::string::npos ? arn : arn.substr(at + 9);
}

Finding guardduty(const json& j, std::string format) {
  Finding f;
  f.format = std::move(format);
  f.id = str(at(j, "Id"));
  f.arn = str(at(j, "Arn"));
  f.type = str(at(j, "Type"));
  f.severity = str(at(j, "Severity"));
  const json& service = at(j, "Service");
  const json& dns = path(service, {"Action", "DnsRequestAction"});
  f.domain = str(at(dns, "Domain"));
  f.domain_with_suffix = str(at(dns, "DomainWithSuffix"));
  f.protocol = str(at(dns, "Protocol"));
  f.blocked = bool_of(at(dns, "Blocked"));
  const json& instance = path(j, {"Resource", "InstanceDetails"});
  f.instance_id = str(at(instance, "InstanceId"));
  const json& enis = at(instance, "NetworkInterfaces");
  if (enis.is_array())
    for (const auto& eni : enis) {
      add_address(f.addresses, at(eni, "PrivateIpAddress"));
      const json& more = at(eni, "PrivateIpAddresses");
      if (more.is_array())
        for (const auto& a : more) add_address(f.addresses, at(a, "PrivateIpAddress"));
    }
  f.first_seen = time_of(at(service, "EventFirstSeen"));
  f.last_seen = time_of(at(service, "EventLastSeen"));
  f.count = count_of(at(service, "Count"));
  return f;
}

std::string first_type(const json& types) {
  if (types.is_array())
    for (const auto& t : types)
      if (t.is_string() && t.get<std::string>().find("Trojan:") != std::string::npos)
        return t.get<std::string>();
  if (types.is_array() && !types.empty()) return str(types.front());
  return {};
}

Finding asff(const json& j) {
  Finding f;
  f.format = "asff";
  f.arn = str(at(j, "Id"));
  f.id = id_from_arn(f.arn);
  std::string type = first_type(path(j, {"FindingProviderFields", "Types"}));
  if (type.empty()) type = first_type(at(j, "Types"));
  f.type = normalise_type(type);
  f.severity = str(path(j, {"Severity", "Label"}));
  const json& dns = path(j, {"Action", "DnsRequestAction"});
  f.domain = str(at(dns, "Domain"));
  f.protocol = str(at(dns, "Protocol"));
  f.blocked = bool_of(at(dns, "Blocked"));
  const json& pf = at(j, "ProductFields");
  f.domain_with_suffix = str(at(pf, "aws/guardduty/service/action/dnsRequestAction/domainWithSuffix"));
  if (!f.blocked) f.blocked = bool_of(at(pf, "aws/guardduty/service/action/dnsRequestAction/blocked"));
  f.count = count_of(at(pf, "aws/guardduty/service/count"));
  const json& resources = at(j, "Resources");
  if (resources.is_array())
    for (const auto& r : resources) {
      if (str(at(r, "Type")) != "AwsEc2Instance") continue;
      f.instance_id = instance_from_arn(str(at(r, "Id")));
      const json& ips = path(r, {"Details", "AwsEc2Instance", "IpV4Addresses"});
      if (ips.is_array())
        for (const auto& a : ips) add_address(f.addresses, a);
    }
  f.first_seen = time_of(at(j, "FirstObservedAt"));
  f.last_seen = time_of(at(j, "LastObservedAt"));
  return f;
}

Finding ocsf(const json& j) {
  Finding f;
  f.format = "ocsf";
  const json& info = at(j, "finding_info");
  f.arn = str(at(info, "uid"));
  f.id = id_from_arn(f.arn);
  f.type = normalise_type(first_type(at(info, "types")));
  f.severity = str(at(j, "severity"));
  const json& evidences = at(j, "evidences");
  if (evidences.is_array())
    for (const auto& e : evidences) {
      if (f.domain.empty()) f.domain = str(path(e, {"query", "hostname"}));
      if (f.protocol.empty()) f.protocol = str(path(e, {"connection_info", "protocol_name"}));
    }
  const json& unmapped = at(j, "unmapped");
  f.count = count_of(at(unmapped, "ProductFields.aws/guardduty/service/count"));
  f.blocked =
      bool_of(at(unmapped, "ProductFields.aws/guardduty/service/action/dnsRequestAction/blocked"));
  f.domain_with_suffix = str(
      at(unmapped, "ProductFields.aws/guardduty/service/action/dnsRequestAction/domainWithSuffix"));
  const json& resources = at(j, "resources");
  if (resources.is_array())
    for (const auto& r : resources) {
      if (f.instance_id.empty()) f.instance_id = instance_from_arn(str(at(r, "uid")));
      const json& ips = path(r, {"data", "AwsEc2Instance", "IpV4Addresses"});
      if (ips.is_array())
        for (const auto& a : ips) add_address(f.addresses, a);
    }
  // The *_dt strings, never the epoch numbers (the sample's `time` disagrees with `time_dt`).
  f.first_seen = time_of(at(info, "first_seen_time_dt"));
  f.last_seen = time_of(at(info, "last_seen_time_dt"));
  return f;
}

}  // namespace

std::string normalise_type(std::string_view type) {
  if (const auto slash = type.rfind('/'); slash != std::string_view::npos &&
                                          type.find("Trojan:") < slash)
    return std::string(type);  // already GuardDuty's spelling
  std::string t(type.substr(type.rfind('/') == std::string_view::npos ? 0 : type.rfind('/') + 1));
  if (const auto colon = t.find(':'); colon != std::string::npos)
    if (const auto dash = t.find('-', colon); dash != std::string::npos) t[dash] = '/';
  return t;
}

std::expected<Finding, std::string> parse_finding(const json& v) {
  if (!v.is_object()) return std::unexpected("not a GuardDuty finding");
  if (v.value("source", json()) == "aws.guardduty" && v.contains("detail")) {
    auto f = parse_finding(v["detail"]);
    if (f) f->format = "eventbridge";
    return f;
  }
  if (v.contains("SchemaVersion") && v.contains("Service"))
    return guardduty(v, "guardduty-cli");
  if (v.contains("schemaVersion") && v.contains("service")) return guardduty(v, "guardduty-api");
  if (v.value("SchemaVersion", json()) == "2018-10-08" && v.contains("ProductArn")) return asff(v);
  if (v.value("class_uid", json()) == 2004) return ocsf(v);
  return std::unexpected("not a GuardDuty finding");
}

std::expected<std::vector<json>, std::string> finding_values(const std::string& text) {
  std::vector<json> out;
  json whole = json::parse(text, nullptr, false);
  if (!whole.is_discarded()) {
    const json* list = nullptr;
    if (whole.is_array()) list = &whole;
    else if (whole.is_object() && whole.contains("Findings")) list = &whole["Findings"];
    else if (whole.is_object() && whole.contains("findings")) list = &whole["findings"];
    if (list && list->is_array()) {
      for (const auto& v : *list) out.push_back(v);
    } else {
      out.push_back(std::move(whole));
    }
    return out;
  }
  std::istringstream in(text);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json v = json::parse(line, nullptr, false);
    if (v.is_discarded()) return std::unexpected("line " + std::to_string(n) + ": not JSON");
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace dg::proxy::investigate
