#pragma once
// Durations ("1500ms", "30s", "5m", "2h", "1d") and sizes ("512", "64KiB", "100MiB", "1GiB").
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dg::conf {

// A number with a unit; no unit is an error (a bare "30" is ambiguous). `d` is accepted for
// `devoguard log --since 1d`.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
// Bytes; a bare number is bytes.
std::optional<uint64_t> parse_size(std::string_view text);
// "1500ms", "30s", "5m": the largest unit that divides the value exactly.
std::string format_duration(std::chrono::milliseconds d);

}  // namespace dg::conf
