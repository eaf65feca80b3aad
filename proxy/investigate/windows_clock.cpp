#include "proxy/investigate/windows_clock.hpp"

#include <sys/stat.h>

#include <charconv>
#include <cstdlib>
#include <ctime>

namespace dg::proxy::investigate {
namespace {

bool number(std::string_view s, unsigned& out) {
  if (s.empty() || s.size() > 4) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// "2025/10/01", "4/11/2026", "01.10.2025", "2025-10-01": three numbers and two separators.
bool split_date(std::string_view date, std::string_view (&parts)[3]) {
  std::size_t start = 0;
  for (int i = 0; i < 3; ++i) {
    std::size_t end = i < 2 ? date.find_first_of("/.-", start) : date.size();
    if (end == std::string_view::npos) return false;
    parts[i] = date.substr(start, end - start);
    start = end + 1;
  }
  return true;
}

}  // namespace

std::optional<DateOrder> parse_date_order(std::string_view text) {
  if (text == "auto") return DateOrder::Auto;
  if (text == "ymd") return DateOrder::Ymd;
  if (text == "mdy") return DateOrder::Mdy;
  if (text == "dmy") return DateOrder::Dmy;
  return std::nullopt;
}

std::optional<DateOrder> detect_date_order(std::string_view date, bool am_pm) {
  std::string_view parts[3];
  if (!split_date(date, parts)) return std::nullopt;
  if (parts[0].size() == 4) return DateOrder::Ymd;
  if (am_pm) return DateOrder::Mdy;
  unsigned first = 0;
  if (number(parts[0], first) && first > 12) return DateOrder::Dmy;
  return std::nullopt;
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int64_t(doe) - 719468;
}

std::expected<int64_t, std::string> parse_local_time(std::string_view date, std::string_view time,
                                                     std::string_view am_pm, DateOrder order) {
  std::string_view parts[3];
  if (!split_date(date, parts)) return std::unexpected("bad date \"" + std::string(date) + "\"");
  unsigned a = 0, b = 0, c = 0;
  if (!number(parts[0], a) || !number(parts[1], b) || !number(parts[2], c))
    return std::unexpected("bad date \"" + std::string(date) + "\"");
  unsigned y = 0, m = 0, d = 0;
  switch (order) {
    case DateOrder::Ymd: y = a, m = b, d = c; break;
    case DateOrder::Mdy: m = a, d = b, y = c; break;
    case DateOrder::Dmy: d = a, m = b, y = c; break;
    case DateOrder::Auto: return std::unexpected("date order not set");
  }
  if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
    return std::unexpected("bad date \"" + std::string(date) + "\" for the date order");
  unsigned hh = 0, mm = 0, ss = 0;
  const auto c1 = time.find(':'), c2 = time.rfind(':');
  if (c1 == std::string_view::npos || c1 == c2 || !number(time.substr(0, c1), hh) ||
      !number(time.substr(c1 + 1, c2 - c1 - 1), mm) || !number(time.substr(c2 + 1), ss) ||
      mm > 59 || ss > 60)
    return std::unexpected("bad time \"" + std::string(time) + "\"");
  if (!am_pm.empty()) {
    if (hh < 1 || hh > 12) return std::unexpected("bad 12-hour time \"" + std::string(time) + "\"");
    const bool pm = am_pm == "PM" || am_pm == "pm";
    hh = hh % 12 + (pm ? 12 : 0);
  } else if (hh > 23) {
    return std::unexpected("bad time \"" + std::string(time) + "\"");
  }
  return days_from_civil(y, m, d) * 86400 + int64_t(hh) * 3600 + mm * 60 + ss;
}

std::expected<Zone, std::string> Zone::parse(std::string_view text) {
  Zone z;
  z.name_ = std::string(text);
  if (text == "UTC" || text == "Z" || text == "utc") {
    z.name_ = "UTC";
    z.fixed_offset_ = 0;
    return z;
  }
  const auto bad = [&] {
    return std::unexpected("--tz: unknown zone \"" + std::string(text) +
                           "\" (an IANA name such as Asia/Tokyo, or ±HH:MM)");
  };
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    unsigned h = 0, m = 0;
    if (text.size() != 6 || text[3] != ':' || !number(text.substr(1, 2), h) ||
        !number(text.substr(4, 2), m) || h > 23 || m > 59)
      return bad();
    z.fixed_offset_ = (text[0] == '-' ? -1 : 1) * int64_t(h * 3600 + m * 60);
    return z;
  }
  // An IANA name: it must name a zone file (the same check glibc makes, but loud).
  struct stat st{};
  if (text.find("..") != std::string_view::npos ||
      ::stat(("/usr/share/zoneinfo/" + std::string(text)).c_str(), &st) != 0 ||
      !S_ISREG(st.st_mode))
    return bad();
  // The process converts with one zone: analyze runs once per invocation.
  ::setenv("TZ", z.name_.c_str(), 1);
  ::tzset();
  return z;
}

int64_t Zone::to_utc(int64_t local) const {
  if (fixed_offset_) return local - *fixed_offset_;
  const int64_t hour = local / 3600;
  if (hour != cached_hour_) {
    // mktime reads the broken-down local time in TZ; the difference is the offset (DST aware;
    // in the repeated hour of a DST end mktime picks one, the log cannot tell which).
    const int64_t at = hour * 3600;
    const int64_t days = at >= 0 ? at / 86400 : (at - 86399) / 86400;
    std::tm tm{};
    int64_t rest = at - days * 86400;
    // civil_from_days
    int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = unsigned(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    const int64_t y = int64_t(yoe) + era * 400 + (m <= 2);
    tm.tm_year = int(y - 1900);
    tm.tm_mon = int(m - 1);
    tm.tm_mday = int(d);
    tm.tm_hour = int(rest / 3600);
    tm.tm_isdst = -1;
    const int64_t utc = int64_t(std::mktime(&tm));
    cached_offset_ = at - utc;
    cached_hour_ = hour;
  }
  return local - cached_offset_;
}

}  // namespace dg::proxy::investigate
