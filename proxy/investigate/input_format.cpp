#include "proxy/investigate/input_format.hpp"

#include <nlohmann/json.hpp>

namespace dg::proxy::investigate {

std::string_view format_name(InputFormat f) {
  switch (f) {
    case InputFormat::WindowsDebug: return "windows-debug";
    case InputFormat::Route53:
    case InputFormat::Route53Events: return "route53";
    case InputFormat::Devoguard: return "devoguard";
  }
  return "?";
}

std::optional<InputFormat> parse_format(std::string_view text, bool& ok) {
  ok = true;
  if (text == "auto") return std::nullopt;
  if (text == "windows-debug") return InputFormat::WindowsDebug;
  if (text == "route53") return InputFormat::Route53;
  if (text == "devoguard") return InputFormat::Devoguard;
  ok = false;
  return std::nullopt;
}

std::optional<InputFormat> detect_format(std::string_view line) {
  if (line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);  // UTF-8 BOM
  if (line.find(" PACKET ") != std::string_view::npos || line.starts_with("DNS Server log file"))
    return InputFormat::WindowsDebug;
  std::size_t i = line.find_first_not_of(" \t\r");
  if (i == std::string_view::npos || line[i] != '{') return std::nullopt;
  const auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded()) {
    // Not a whole object on one line: a pretty-printed `aws logs filter-log-events` document.
    const auto rest = line.substr(i + 1);
    if (rest.find_first_not_of(" \t\r") == std::string_view::npos ||
        rest.find("\"events\"") != std::string_view::npos)
      return InputFormat::Route53Events;
    return std::nullopt;
  }
  if (!j.is_object()) return std::nullopt;
  if (j.contains("query_name") && j.contains("srcaddr")) return InputFormat::Route53;
  if (j.contains("events") && j["events"].is_array()) return InputFormat::Route53Events;
  if (j.contains("ts") && j.contains("action")) return InputFormat::Devoguard;
  return std::nullopt;
}

}  // namespace dg::proxy::investigate
