#include "conf/units.hpp"

#include <array>
#include <cctype>
#include <limits>

namespace dg::conf {
namespace {

struct Unit {
  std::string_view name;
  uint64_t factor;
};

// Longest names first where one is a prefix of another ("ms" before "m").
constexpr std::array<Unit, 5> kDurationUnits{{
    {"ms", 1},
    {"s", 1000},
    {"m", 60 * 1000},
    {"h", 60 * 60 * 1000},
    {"d", 24 * 60 * 60 * 1000},
}};

constexpr std::array<Unit, 5> kSizeUnits{{
    {"KiB", 1ull << 10},
    {"MiB", 1ull << 20},
    {"GiB", 1ull << 30},
    {"TiB", 1ull << 40},
    {"B", 1},
}};

constexpr uint64_t kMax = std::numeric_limits<int64_t>::max();

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Reads leading digits into `value`; false on none or on overflow past kMax.
bool take_digits(std::string_view& text, uint64_t& value, std::size_t& count) {
  value = 0;
  count = 0;
  while (count < text.size() && is_digit(text[count])) {
    value = value * 10 + static_cast<uint64_t>(text[count] - '0');
    if (value > kMax) return false;
    ++count;
  }
  text.remove_prefix(count);
  return count > 0;
}

std::optional<uint64_t> multiply(uint64_t a, uint64_t b) {
  if (b != 0 && a > kMax / b) return std::nullopt;
  return a * b;
}

}  // namespace

// Grammar: one or more NUMBER UNIT terms, "1500ms", "1.5s", "1h30m"; NUMBER is digits with an
// optional decimal fraction, as long as the term comes to whole milliseconds.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  uint64_t total = 0;
  while (!text.empty()) {
    uint64_t whole = 0;
    std::size_t digits = 0;
    if (!take_digits(text, whole, digits)) return std::nullopt;
    uint64_t fraction = 0, scale = 1;
    if (text.starts_with('.')) {
      text.remove_prefix(1);
      if (!take_digits(text, fraction, digits) || digits > 9) return std::nullopt;
      for (std::size_t i = 0; i < digits; ++i) scale *= 10;
    }
    const Unit* unit = nullptr;
    for (const auto& u : kDurationUnits) {
      if (text.starts_with(u.name)) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return std::nullopt;  // a bare "30" is ambiguous
    text.remove_prefix(unit->name.size());
    auto ms = multiply(whole, unit->factor);
    if (!ms) return std::nullopt;
    // fraction * factor fits: fraction < 10^9 and factor <= 8.64e7.
    uint64_t part = fraction * unit->factor;
    if (part % scale != 0) return std::nullopt;  // "0.0005s": not a whole millisecond
    total += *ms + part / scale;
    if (total > kMax) return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<int64_t>(total));
}

std::optional<uint64_t> parse_size(std::string_view text) {
  uint64_t value = 0;
  std::size_t digits = 0;
  if (!take_digits(text, value, digits)) return std::nullopt;
  if (text.empty()) return value;  // bare bytes
  for (const auto& u : kSizeUnits) {
    if (text == u.name) return multiply(value, u.factor);
  }
  return std::nullopt;  // "100MB", "100 MiB", "1.5GiB"
}

std::string format_duration(std::chrono::milliseconds d) {
  auto count = d.count();
  std::string sign;
  if (count < 0) {
    sign = "-";
    count = -count;
  }
  if (count == 0) return "0ms";
  for (auto it = kDurationUnits.rbegin(); it != kDurationUnits.rend(); ++it) {
    auto factor = static_cast<int64_t>(it->factor);
    if (count % factor == 0) return sign + std::to_string(count / factor) + std::string(it->name);
  }
  return sign + std::to_string(count) + "ms";  // unreachable: ms divides everything
}

}  // namespace dg::conf
