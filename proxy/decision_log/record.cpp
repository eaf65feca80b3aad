// JSON for one decision record. Runs on the writer thread for every query, so it appends into
// a caller-owned string (reused batch after batch) and avoids iostreams and temporaries.
#include "proxy/decision_log/record.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <string_view>

#include "conf/ldns.hpp"

namespace dg::proxy::decision_log {
namespace {

using std::chrono::microseconds;
using std::chrono::seconds;

template <class Int>
void append_int(std::string& out, Int v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

// Appends `v` as exactly `width` digits (0 <= v < 10^width).
void append_fixed(char* at, int width, unsigned v) {
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
// must stay valid JSON whatever a client sent.
void append_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
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
    out.append(s.substr(plain, i - plain));
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      const char esc[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out.append(esc, sizeof esc);
    } else {
      out.append("\\ufffd");
    }
    plain = ++i;
  }
  out.append(s.substr(plain));
  out.push_back('"');
}

// The client address without inet_ntop's printf machinery for the common IPv4 case.
void append_client(std::string& out, const conf::IpAddress& client) {
  if (!client.is_v4()) {
    append_string(out, client.str());
    return;
  }
  out.push_back('"');
  const auto b = client.bytes();
  for (std::size_t i = 0; i < 4; ++i) {
    if (i != 0) out.push_back('.');
    append_int(out, b[i]);
  }
  out.push_back('"');
}

// "2026-11-23T07:30:50.123456Z". The date and time of day change once a second while a busy
// server logs thousands of lines a second, so the part up to the seconds is cached per thread.
void append_timestamp(std::string& out, std::chrono::system_clock::time_point ts) {
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
    char* p = cache.text.data();
    const int year = static_cast<int>(ymd.year());
    if (year >= 0 && year <= 9999) {
      append_fixed(p, 4, static_cast<unsigned>(year));
      p += 4;
    } else {
      p = std::to_chars(p, p + 8, year).ptr;
    }
    *p++ = '-';
    append_fixed(p, 2, static_cast<unsigned>(ymd.month()));
    p[2] = '-';
    append_fixed(p + 3, 2, static_cast<unsigned>(ymd.day()));
    p[5] = 'T';
    append_fixed(p + 6, 2, static_cast<unsigned>(hms.hours().count()));
    p[8] = ':';
    append_fixed(p + 9, 2, static_cast<unsigned>(hms.minutes().count()));
    p[11] = ':';
    append_fixed(p + 12, 2, static_cast<unsigned>(hms.seconds().count()));
    p[14] = '.';
    cache.size = static_cast<std::size_t>(p + 15 - cache.text.data());
    cache.second = second;
  }
  char tail[8];
  append_fixed(tail, 6, fraction);
  tail[6] = 'Z';
  out.push_back('"');
  out.append(cache.text.data(), cache.size);
  out.append(tail, 7);
  out.push_back('"');
}

// Mnemonic from ldns's table, which also holds "TYPE54"-style names for some unassigned codes;
// anything it does not know is written the RFC 3597 way. The table has no entries for the
// query-only types (RFC 1035 3.2.3, RFC 1995), which are common in a query log.
void append_qtype(std::string& out, uint16_t qtype) {
  static constexpr std::string_view kQueryTypes[] = {"IXFR", "AXFR", "MAILB", "MAILA", "ANY"};
  const ldns_rr_descriptor* d = ldns_rr_descript(qtype);
  out.push_back('"');
  if (qtype >= 251 && qtype <= 255) {
    out.append(kQueryTypes[qtype - 251]);
  } else if (d != nullptr && d->_name != nullptr && d->_type == qtype) {
    out.append(d->_name);
  } else {
    out.append("TYPE");
    append_int(out, qtype);
  }
  out.push_back('"');
}

// RFC 1035 and RFC 2136/8490 names (IANA "DNS RCODEs"); ldns spells 4 "NOTIMPL", so not ldns.
void append_rcode(std::string& out, std::optional<uint8_t> rcode) {
  static constexpr std::string_view kNames[] = {
      "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",   "REFUSED",
      "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI"};
  if (!rcode) {
    out.append("null");
    return;
  }
  out.push_back('"');
  if (*rcode < std::size(kNames)) {
    out.append(kNames[*rcode]);
  } else {
    out.append("RCODE");
    append_int(out, *rcode);
  }
  out.push_back('"');
}

}  // namespace

void append_json(const Record& r, std::string& out) {
  out.append(R"({"ts":)");
  append_timestamp(out, r.ts);
  out.append(R"(,"client":)");
  append_client(out, r.client);
  out.append(r.proto == Proto::Tcp ? R"(,"proto":"tcp")" : R"(,"proto":"udp")");
  out.append(R"(,"id":)");
  append_int(out, r.id);
  out.append(R"(,"qname":)");
  append_string(out, r.qname);
  out.append(R"(,"qtype":)");
  append_qtype(out, r.qtype);
  out.append(R"(,"rule":)");
  if (r.rule.empty()) {
    out.append("null");  // no rule decided: ACL refusal, bad query
  } else {
    append_string(out, r.rule);
  }
  out.append(R"(,"action":)");
  append_string(out, r.action);
  if (!r.upstream.empty()) {
    out.append(R"(,"upstream":)");
    append_string(out, r.upstream);
  } else if (r.cache == CacheResult::Hit || r.cache == CacheResult::Stale) {
    out.append(R"(,"upstream":null)");
  }
  if (r.cache != CacheResult::None) {
    constexpr std::string_view kNames[] = {"", "hit", "miss", "stale", "bypass"};
    out.append(R"(,"cache":")").append(kNames[std::size_t(r.cache)]).push_back('"');
  }
  out.append(R"(,"rcode":)");
  append_rcode(out, r.rcode);
  out.append(R"(,"ancount":)");
  if (r.ancount) {
    append_int(out, *r.ancount);
  } else {
    out.append("null");
  }
  out.append(R"(,"latency_us":)");
  append_int(out, r.latency_us);
  if (!r.devolved_from.empty()) {
    out.append(R"(,"devolved_from":)");
    append_string(out, r.devolved_from);
  }
  if (!r.dry_run.empty()) {
    out.append(R"(,"dry_run":[)");
    for (std::size_t i = 0; i < r.dry_run.size(); ++i) {
      if (i != 0) out.push_back(',');
      append_string(out, r.dry_run[i]);
    }
    out.push_back(']');
  }
  if (r.label_score) {
    char buf[16];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *r.label_score,
                                   std::chars_format::fixed, 3);
    out.append(R"(,"label_score":)").append(buf, end);
  }
  out.push_back('}');
}

std::string to_json(const Record& r) {
  std::string out;
  out.reserve(256);
  append_json(r, out);
  return out;
}

}  // namespace dg::proxy::decision_log
