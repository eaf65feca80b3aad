#pragma once
// Which kind of log a file is (INVESTIGATE.md §1), from its first non-blank line:
// ` PACKET ` or "DNS Server log file" → windows-debug; a JSON object with query_name and
// srcaddr, or the `aws logs filter-log-events` wrapper {"events":[…]} → route53; a JSON object
// with ts and action → devoguard.
#include <optional>
#include <string_view>

namespace dg::proxy::investigate {

enum class InputFormat { WindowsDebug, Route53, Route53Events, Devoguard };

// "windows-debug", "route53", "devoguard" (the wrapper is route53 too).
std::string_view format_name(InputFormat f);
// --format value; nullopt for "auto"; error: anything else (caller reports).
std::optional<InputFormat> parse_format(std::string_view text, bool& ok);

// The first non-blank line → its format; none when unrecognised. A line that opens a JSON
// document spread over several lines ("{" alone, pretty-printed `aws logs` output) is
// reported as Route53Events when `document_start` and the caller reads the whole document.
std::optional<InputFormat> detect_format(std::string_view first_line);

}  // namespace dg::proxy::investigate
