// Hand-written rather than std::chrono::parse: it runs once per log line when `devoguard log`
// reads millions of them, and the fixed layout needs no locale or stream.
#include "proxy/decision_log/timestamp.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>

namespace dg::proxy::decision_log {
namespace {

using namespace std::chrono;

// `n` digits at `p` as a number, or -1 when one is not a digit.
int digits(const char* p, int n) {
  int v = 0;
  for (int i = 0; i < n; ++i) {
    const unsigned d = static_cast<unsigned char>(p[i]) - '0';
    if (d > 9) return -1;
    v = v * 10 + static_cast<int>(d);
  }
  return v;
}

// "YYYY-MM-DDTHH:MM:SS" as a time, without checking the offset after it.
std::optional<sys_seconds> parse_seconds(const char* p) {
  const int y = digits(p, 4), mo = digits(p + 5, 2), d = digits(p + 8, 2);
  const int h = digits(p + 11, 2), mi = digits(p + 14, 2), sec = digits(p + 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return std::nullopt;
  if (p[4] != '-' || p[7] != '-' || p[13] != ':' || p[16] != ':') return std::nullopt;
  if (p[10] != 'T' && p[10] != 't' && p[10] != ' ') return std::nullopt;
  if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                           day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec};
}

// Whether the 19 bytes "YYYY-MM-DDTHH:MM:SS" at `a` and `b` are equal; three overlapping
// 8-byte loads (memcmp of an odd size is a library call).
bool same_second(const char* a, const char* b) {
  uint64_t x[3], y[3];
  for (int i = 0; i < 3; ++i) {
    std::memcpy(&x[i], a + i * 8 - (i == 2 ? 5 : 0), 8);
    std::memcpy(&y[i], b + i * 8 - (i == 2 ? 5 : 0), 8);
  }
  return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2])) == 0;
}

}  // namespace

std::optional<Micros> parse_timestamp(std::string_view s) {
  // The fixed part: "YYYY-MM-DDTHH:MM:SS" is 19 characters. A log has thousands of lines in
  // each second, so the last one parsed is kept (per thread).
  constexpr std::size_t kFixed = 19;
  struct Cache {
    char text[kFixed] = {};
    sys_seconds value{};
    bool valid = false;
  };
  thread_local Cache cache;
  if (s.size() < kFixed + 1) return std::nullopt;
  sys_seconds local;
  if (cache.valid && same_second(cache.text, s.data())) {
    local = cache.value;
  } else {
    auto t = parse_seconds(s.data());
    if (!t) return std::nullopt;
    std::memcpy(cache.text, s.data(), kFixed);
    cache.value = local = *t;
    cache.valid = true;
  }

  std::size_t i = kFixed;
  int64_t fraction_us = 0;
  if (s[i] == '.') {
    int n = 0;
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++n) {
      if (n < 6) fraction_us = fraction_us * 10 + (s[i] - '0');
    }
    if (n == 0) return std::nullopt;
    for (; n < 6; ++n) fraction_us *= 10;
  }
  if (i >= s.size()) return std::nullopt;  // the offset is not optional in RFC 3339
  minutes offset{0};
  const std::string_view zone = s.substr(i);
  if (zone == "Z" || zone == "z") {
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    const int oh = digits(zone.data() + 1, 2), om = digits(zone.data() + 4, 2);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return std::nullopt;
    offset = hours{oh} + minutes{om};
    if (zone[0] == '-') offset = -offset;
  } else {
    return std::nullopt;
  }
  // Local time minus its offset is UTC.
  return Micros{local - offset} + microseconds{fraction_us};
}

std::string format_timestamp(Micros t) {
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char buf[40];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ",
                              static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                              static_cast<unsigned>(ymd.day()),
                              static_cast<int>(hms.hours().count()),
                              static_cast<int>(hms.minutes().count()),
                              static_cast<int>(hms.seconds().count()),
                              static_cast<int>(hms.subseconds().count()));
  return std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace dg::proxy::decision_log
