#pragma once
// Dates and times of the Windows DNS server debug log (INVESTIGATE.md §1a, columns 1–2):
// the server's local clock in its locale's format ("2025/10/01 9:30:50" ja-JP,
// "4/11/2026 3:29:17 PM" en-US), 1-second resolution, converted to UTC with --tz.
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "proxy/decision_log/timestamp.hpp"

namespace dg::proxy::investigate {

enum class DateOrder { Auto, Ymd, Mdy, Dmy };

// "auto", "ymd", "mdy", "dmy".
std::optional<DateOrder> parse_date_order(std::string_view text);

// The date order a line's date shows: 4-digit first field → ymd; AM/PM → mdy; a first field
// above 12 → dmy; none when it cannot tell ("03/04/2025" in 24-hour time).
std::optional<DateOrder> detect_date_order(std::string_view date, bool am_pm);

// The zone of the server clock: "UTC", "±HH:MM", or an IANA name (/usr/share/zoneinfo).
class Zone {
 public:
  // Error: "--tz: unknown zone \"X\" (an IANA name such as Asia/Tokyo, or ±HH:MM)".
  static std::expected<Zone, std::string> parse(std::string_view text);
  const std::string& name() const { return name_; }
  // Local wall-clock seconds since 1970-01-01 (as if UTC) → UTC seconds.
  int64_t to_utc(int64_t local) const;

 private:
  std::string name_ = "UTC";
  std::optional<int64_t> fixed_offset_;  // seconds east of UTC; none: an IANA zone via TZ
  // The last local hour converted and its offset: a log's lines come in time order, so one
  // mktime per hour of log.
  mutable int64_t cached_hour_ = INT64_MIN;
  mutable int64_t cached_offset_ = 0;
};

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

// Columns 1–2: date token and time token (plus "AM"/"PM" when present) in the given order
// (never Auto) → local seconds since the epoch. Error says what is wrong.
std::expected<int64_t, std::string> parse_local_time(std::string_view date, std::string_view time,
                                                     std::string_view am_pm, DateOrder order);

}  // namespace dg::proxy::investigate
