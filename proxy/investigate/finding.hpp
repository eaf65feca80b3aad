#pragma once
// A GuardDuty DGA finding in any of the shapes INVESTIGATE.md §2 accepts: GuardDuty CLI
// (PascalCase), GuardDuty API / S3 export (camelCase), the EventBridge envelope, Security Hub
// ASFF and OCSF — normalised to the fields `explain` reasons about.
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "proxy/investigate/event.hpp"

namespace dg::proxy::investigate {

inline constexpr const char* kDgaB = "Trojan:EC2/DGADomainRequest.B";
inline constexpr const char* kDgaC = "Trojan:EC2/DGADomainRequest.C!DNS";

struct Finding {
  std::string id, arn;
  std::string format;  // guardduty-cli, guardduty-api, eventbridge, asff, ocsf
  std::string type;    // GuardDuty spelling: Trojan:EC2/DGADomainRequest.B
  std::string domain, domain_with_suffix, protocol;
  std::optional<bool> blocked;
  std::string severity;
  std::string instance_id;
  std::vector<std::string> addresses;
  std::optional<Micros> first_seen, last_seen;
  std::optional<uint64_t> count;
};

// One JSON value → a Finding; error "not a GuardDuty finding" when it has none of the shapes.
std::expected<Finding, std::string> parse_finding(const nlohmann::json& value);

// A file's text → its JSON values: one object, an array, {"Findings":[…]}, {"findings":[…]},
// or NDJSON (one value per line). Error when the text is not JSON at all.
std::expected<std::vector<nlohmann::json>, std::string> finding_values(const std::string& text);

// "TTPs/Command and Control/Trojan:EC2-DGADomainRequest.B" → "Trojan:EC2/DGADomainRequest.B".
std::string normalise_type(std::string_view type);

}  // namespace dg::proxy::investigate
