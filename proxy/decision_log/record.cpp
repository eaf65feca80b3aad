// JSON for one decision record. Runs on a DNS thread for every query, so it writes into a
// caller-owned string (reused batch after batch) and avoids iostreams and temporaries.
#include "proxy/decision_log/record.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <system_error>

#include "conf/ldns.hpp"

namespace dg::proxy::decision_log {
namespace {

using std::chrono::microseconds;
using std::chrono::seconds;

template <class Int>
char* put_int(char* p, Int v) {
  return std::to_chars(p, p + 24, v).ptr;  // 24: room for any 64-bit value
}

char* put(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// Writes `v` as exactly `width` digits (0 <= v < 10^width).
void put_fixed(char* at, int width, unsigned v) {
  for (int i = width - 1; i >= 0; --i) {
    at[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

// Bytes from `s` at `i` that form one valid UTF-8 sequence (RFC 3629), or 0.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const auto cont = [&](std::size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
  const unsigned c = b(0);
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;  // overlong
    if (c == 0xF4 && b(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

// Bytes copied into a JSON string as they are: printable ASCII other than quote and backslash.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[c] = c != '"' && c != '\\';
  return t;
}();

// A JSON string. Qnames carry \DDD escapes (backslashes) and rule names come from YAML, so
// both quote and backslash occur in practice. Bytes that are not UTF-8 become U+FFFD: the line
// must stay valid JSON whatever a client sent. Writes at most escaped_bound(s) bytes.
char* put_string(char* p, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  *p++ = '"';
  std::size_t plain = 0;  // start of the run of bytes copied as they are
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 1;
    if (kPlain[c]) {
      ++i;
      continue;
    }
    if (c >= 0x80 && (len = utf8_length(s, i)) != 0) {
      i += len;
      continue;
    }
    p = put(p, s.substr(plain, i - plain));
    if (c == '"' || c == '\\') {
      *p++ = '\\';
      *p++ = static_cast<char>(c);
    } else if (c < 0x20) {
      p = put(p, {"\\u00", 4});
      *p++ = kHex[c >> 4];
      *p++ = kHex[c & 0xF];
    } else {
      p = put(p, "\\ufffd");
    }
    plain = ++i;
  }
  p = put(p, s.substr(plain));
  *p++ = '"';
  return p;
}

// Room put_string may need: every byte escaped to six ("\u0000", "\ufffd"), and the quotes.
constexpr std::size_t escaped_bound(std::string_view s) { return 6 * s.size() + 2; }

// The client address without inet_ntop's printf machinery for the common IPv4 case.
char* put_ipv4(char* p, const conf::IpAddress& client) {
  *p++ = '"';
  const auto b = client.bytes();
  for (std::size_t i = 0; i < 4; ++i) {
    if (i != 0) *p++ = '.';
    p = put_int(p, b[i]);
  }
  *p++ = '"';
  return p;
}

// "2026-11-23T07:30:50.123456Z". The date and time of day change once a second while a busy
// server logs thousands of lines a second, so the part up to the seconds is cached per thread.
char* put_timestamp(char* p, std::chrono::system_clock::time_point ts) {
  struct Prefix {
    int64_t second = INT64_MIN;
    std::array<char, 32> text{};
    std::size_t size = 0;
  };
  thread_local Prefix cache;

  const auto us = std::chrono::floor<microseconds>(ts).time_since_epoch().count();
  const int64_t second = us >= 0 ? us / 1'000'000 : -((-us + 999'999) / 1'000'000);
  const auto fraction = static_cast<unsigned>(us - second * 1'000'000);
  if (cache.second != second) {
    const std::chrono::sys_seconds t{seconds(second)};
    const auto day = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss hms{t - day};
    char* q = cache.text.data();
    const int year = static_cast<int>(ymd.year());
    if (year >= 0 && year <= 9999) {
      put_fixed(q, 4, static_cast<unsigned>(year));
      q += 4;
    } else {
      q = std::to_chars(q, q + 8, year).ptr;
    }
    *q++ = '-';
    put_fixed(q, 2, static_cast<unsigned>(ymd.month()));
    q[2] = '-';
    put_fixed(q + 3, 2, static_cast<unsigned>(ymd.day()));
    q[5] = 'T';
    put_fixed(q + 6, 2, static_cast<unsigned>(hms.hours().count()));
    q[8] = ':';
    put_fixed(q + 9, 2, static_cast<unsigned>(hms.minutes().count()));
    q[11] = ':';
    put_fixed(q + 12, 2, static_cast<unsigned>(hms.seconds().count()));
    q[14] = '.';
    cache.size = static_cast<std::size_t>(q + 15 - cache.text.data());
    cache.second = second;
  }
  *p++ = '"';
  p = put(p, {cache.text.data(), cache.size});
  put_fixed(p, 6, fraction);
  p += 6;
  *p++ = 'Z';
  *p++ = '"';
  return p;
}

// Mnemonic from ldns's table, which also holds "TYPE54"-style names for some unassigned codes;
// anything it does not know is written the RFC 3597 way. The table has no entries for the
// query-only types (RFC 1035 3.2.3, RFC 1995), which are common in a query log. The name is
// ldns's or ours (static): "" means "TYPE<n>".
std::string_view qtype_name(uint16_t qtype) {
  static constexpr std::string_view kQueryTypes[] = {"IXFR", "AXFR", "MAILB", "MAILA", "ANY"};
  if (qtype >= 251 && qtype <= 255) return kQueryTypes[qtype - 251];
  const ldns_rr_descriptor* d = ldns_rr_descript(qtype);
  if (d != nullptr && d->_name != nullptr && d->_type == qtype) return d->_name;
  return {};
}

char* put_qtype(char* p, std::string_view name, uint16_t qtype) {
  *p++ = '"';
  p = name.empty() ? put_int(put(p, "TYPE"), qtype) : put(p, name);
  *p++ = '"';
  return p;
}

// RFC 1035 and RFC 2136/8490 names (IANA "DNS RCODEs"); ldns spells 4 "NOTIMPL", so not ldns.
char* put_rcode(char* p, std::optional<uint8_t> rcode) {
  static constexpr std::string_view kNames[] = {
      "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",   "REFUSED",
      "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI"};
  if (!rcode) return put(p, "null");
  *p++ = '"';
  p = *rcode < std::size(kNames) ? put(p, kNames[*rcode]) : put_int(put(p, "RCODE"), *rcode);
  *p++ = '"';
  return p;
}

// Upper bound of the bytes append_json writes for `r`: the keys, numbers, timestamp and names
// from tables fit in kFixedRoom (about 330 at most); each string may escape to escaped_bound.
constexpr std::size_t kFixedRoom = 512;

std::size_t line_bound(const Record& r, std::string_view client_v6, std::string_view qtype) {
  std::size_t n = kFixedRoom + escaped_bound(client_v6) + qtype.size() +
                  escaped_bound(r.qname) + escaped_bound(r.rule) + escaped_bound(r.action) +
                  escaped_bound(r.upstream) + escaped_bound(r.devolved_from);
  for (const auto d : r.dry_run) n += escaped_bound(d) + 1;
  return n;
}

char* put_record(char* p, const Record& r, std::string_view client_v6, std::string_view qtype) {
  p = put_timestamp(put(p, R"({"ts":)"), r.ts);
  p = put(p, R"(,"client":)");
  p = r.client.is_v4() ? put_ipv4(p, r.client) : put_string(p, client_v6);
  p = put(p, r.proto == Proto::Tcp ? R"(,"proto":"tcp")" : R"(,"proto":"udp")");
  p = put_int(put(p, R"(,"id":)"), r.id);
  p = put_string(put(p, R"(,"qname":)"), r.qname);
  p = put_qtype(put(p, R"(,"qtype":)"), qtype, r.qtype);
  p = put(p, R"(,"rule":)");
  p = r.rule.empty() ? put(p, "null") : put_string(p, r.rule);  // null: ACL refusal, bad query
  p = put_string(put(p, R"(,"action":)"), r.action);
  if (!r.upstream.empty()) {
    p = put_string(put(p, R"(,"upstream":)"), r.upstream);
  } else if (r.cache == CacheResult::Hit || r.cache == CacheResult::Stale) {
    p = put(p, R"(,"upstream":null)");
  }
  if (r.cache != CacheResult::None) {
    constexpr std::string_view kNames[] = {"", "hit", "miss", "stale", "bypass"};
    p = put(put(p, R"(,"cache":")"), kNames[std::size_t(r.cache)]);
    *p++ = '"';
  }
  p = put_rcode(put(p, R"(,"rcode":)"), r.rcode);
  p = put(p, R"(,"ancount":)");
  p = r.ancount ? put_int(p, *r.ancount) : put(p, "null");
  p = put_int(put(p, R"(,"latency_us":)"), r.latency_us);
  if (!r.devolved_from.empty()) p = put_string(put(p, R"(,"devolved_from":)"), r.devolved_from);
  if (!r.dry_run.empty()) {
    p = put(p, R"(,"dry_run":[)");
    for (std::size_t i = 0; i < r.dry_run.size(); ++i) {
      if (i != 0) *p++ = ',';
      p = put_string(p, r.dry_run[i]);
    }
    *p++ = ']';
  }
  if (r.label_score) {
    p = put(p, R"(,"label_score":)");
    char buf[32];
    auto [end, ec] =
        std::to_chars(buf, buf + sizeof buf, *r.label_score, std::chars_format::fixed, 3);
    p = ec == std::errc{} ? put(p, {buf, std::size_t(end - buf)}) : put(p, "null");
  }
  *p++ = '}';
  return p;
}

}  // namespace

// Runs on a DNS thread for every query: the line is written straight into `out`'s memory
// (room for the worst case reserved once, no per-field append and its capacity check).
void append_json(const Record& r, std::string& out) {
  const std::string client_v6 = r.client.is_v4() ? std::string() : r.client.str();
  const std::string_view qtype = qtype_name(r.qtype);
  const std::size_t start = out.size();
  out.resize_and_overwrite(start + line_bound(r, client_v6, qtype), [&](char* data, std::size_t) {
    return static_cast<std::size_t>(put_record(data + start, r, client_v6, qtype) - data);
  });
}

std::string to_json(const Record& r) {
  std::string out;
  append_json(r, out);
  return out;
}

}  // namespace dg::proxy::decision_log
