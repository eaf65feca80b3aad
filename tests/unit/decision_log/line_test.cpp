// The decision-log line scanner: every field type, escapes, key order, unknown keys, the
// malformed cases with their reasons, and agreement with record.cpp and nlohmann::json.
#include "proxy/decision_log/line.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "proxy/decision_log/record.hpp"

namespace dg::proxy::decision_log {
namespace {

using namespace std::chrono;
using nlohmann::json;

// A Line's fields as owned values, to compare in one EXPECT_EQ.
struct Fields {
  std::string ts;
  std::string client;
  std::string proto;
  std::optional<uint64_t> id;
  std::string qname;
  std::string qtype;
  std::optional<std::string> rule;
  std::string action;
  std::string upstream;
  std::optional<std::string> rcode;
  std::optional<uint64_t> latency_us;
  std::string devolved_from;
  std::vector<std::string> dry_run;
  bool operator==(const Fields&) const = default;
};

std::optional<std::string> own(std::optional<std::string_view> v) {
  return v ? std::optional<std::string>(*v) : std::nullopt;
}

Fields fields_of(const Line& l) {
  return {std::string(l.ts_text), std::string(l.client), std::string(l.proto), l.id,
          std::string(l.qname), std::string(l.qtype), own(l.rule), std::string(l.action),
          std::string(l.upstream), own(l.rcode), l.latency_us, std::string(l.devolved_from),
          std::vector<std::string>(l.dry_run.begin(), l.dry_run.end())};
}

void PrintTo(const Fields& f, std::ostream* os) {
  const auto opt = [](const auto& o) {
    return o ? nlohmann::json(*o).dump() : std::string("null");
  };
  *os << "{ts=" << f.ts << " client=" << f.client << " proto=" << f.proto << " id=" << opt(f.id)
      << " qname=" << json(f.qname).dump() << " qtype=" << f.qtype << " rule=" << opt(f.rule)
      << " action=" << f.action << " upstream=" << f.upstream << " rcode=" << opt(f.rcode)
      << " latency_us=" << opt(f.latency_us) << " devolved_from=" << f.devolved_from
      << " dry_run=" << json(f.dry_run).dump() << "}";
}

constexpr const char* kTs = "2026-11-23T07:30:50.123456Z";

// The required fields with a given qname; the rest absent.
Fields minimal(std::string qname = "x.example.co.jp") {
  Fields f;
  f.ts = kTs;
  f.client = "10.0.0.1";
  f.qname = std::move(qname);
  f.action = "forward";
  return f;
}

struct GoodCase {
  std::string name;
  std::string line;
  Fields want;
};

class ScanGood : public testing::TestWithParam<GoodCase> {};

TEST_P(ScanGood, Fields) {
  const auto& c = GetParam();
  Line line;
  auto ok = line.scan(c.line);
  ASSERT_TRUE(ok) << ok.error() << "\n" << c.line;
  EXPECT_EQ(fields_of(line), c.want);
  EXPECT_EQ(line.text, c.line);
}

GoodCase with(std::string name, std::string line, auto&& edit) {
  Fields f = minimal();
  edit(f);
  return {std::move(name), std::move(line), std::move(f)};
}

const std::string kReq = R"("ts":"2026-11-23T07:30:50.123456Z","client":"10.0.0.1",)"
                         R"("action":"forward")";

std::vector<GoodCase> good_cases() {
  Fields example;
  example.ts = kTs;
  example.client = "10.143.100.80";
  example.proto = "udp";
  example.id = 14830;
  example.qname = "dglvrrerxokcxc.co.jp";
  example.qtype = "A";
  example.rule = "devolved";
  example.action = "nxdomain";
  example.rcode = "NXDOMAIN";
  example.latency_us = 41;
  example.devolved_from = "dglvrrerxokcxc.example.co.jp";
  example.dry_run = {"probes"};
  const auto q = [](const std::string& qname_json) {
    return "{" + kReq + R"(,"qname":)" + qname_json + "}";
  };
  return {
      {"product_example",
       R"({"ts":"2026-11-23T07:30:50.123456Z","client":"10.143.100.80","proto":"udp",)"
       R"("id":14830,"qname":"dglvrrerxokcxc.co.jp","qtype":"A","rule":"devolved",)"
       R"("action":"nxdomain","rcode":"NXDOMAIN","latency_us":41,)"
       R"("devolved_from":"dglvrrerxokcxc.example.co.jp","dry_run":["probes"]})",
       example},
      {"required_only", q(R"("x.example.co.jp")"), minimal()},
      with("forwarded", "{" + kReq + R"(,"qname":"x.example.co.jp","upstream":"169.254.169.253:53",)"
                                     R"("rcode":"NOERROR","latency_us":0,"id":0})",
           [](Fields& f) {
             f.upstream = "169.254.169.253:53";
             f.rcode = "NOERROR";
             f.latency_us = 0;
             f.id = 0;
           }),
      with("nulls", "{" + kReq + R"(,"qname":"x.example.co.jp","rule":null,"rcode":null})",
           [](Fields&) {}),
      with("strings_where_null_may_be",
           "{" + kReq + R"(,"qname":"x.example.co.jp","rule":"","rcode":"SERVFAIL"})",
           [](Fields& f) {
             f.rule = "";
             f.rcode = "SERVFAIL";
           }),
      with("dry_run_several",
           "{" + kReq + R"(,"qname":"x.example.co.jp","dry_run":["a","b\"c", "d"]})",
           [](Fields& f) { f.dry_run = {"a", "b\"c", "d"}; }),
      with("dry_run_empty", "{" + kReq + R"(,"qname":"x.example.co.jp","dry_run":[ ]})",
           [](Fields&) {}),
      with("largest_id", "{" + kReq + R"(,"qname":"x.example.co.jp","id":18446744073709551615})",
           [](Fields& f) { f.id = UINT64_MAX; }),
      {"escaped_backslash_and_quote", q(R"("a\\.b\"c.example.co.jp")"),
       minimal(R"(a\.b"c.example.co.jp)")},
      {"short_escapes", q(R"("\/\b\f\n\r\t")"), minimal("/\b\f\n\r\t")},
      {"unicode_escape", q(R"("caf\u00e9\u00E9")"), minimal("caf\xc3\xa9\xc3\xa9")},
      {"control_escape", q(R"("a\u0001b")"), minimal("a\x01" "b")},
      {"surrogate_pair", q(R"("\ud83d\ude00")"), minimal("\xf0\x9f\x98\x80")},
      {"lone_high_surrogate", q(R"("\ud83dx")"), minimal("\xef\xbf\xbdx")},
      {"lone_low_surrogate", q(R"("\ude00")"), minimal("\xef\xbf\xbd")},
      {"high_then_non_low", q(R"("\ud83d\u0041")"), minimal("\xef\xbf\xbd" "A")},
      {"replacement_char", q(R"("\ufffd")"), minimal("\xef\xbf\xbd")},
      {"raw_utf8", q("\"\xe4\xbe\x8b.jp\""), minimal("\xe4\xbe\x8b.jp")},
      {"escape_at_start_and_end", q(R"("\\x\\")"), minimal(R"(\x\)")},
      {"long_plain_string", q("\"" + std::string(300, 'a') + "\""), minimal(std::string(300, 'a'))},
      {"whitespace_everywhere",
       " { \"ts\" : \"2026-11-23T07:30:50.123456Z\" ,\t\"client\":\"10.0.0.1\" , \"action\" : "
       "\"forward\" , \"qname\" : \"x.example.co.jp\" , \"dry_run\" : [ \"a\" , \"b\" ] } \r",
       [] {
         Fields f = minimal();
         f.dry_run = {"a", "b"};
         return f;
       }()},
      {"keys_in_any_order",
       R"({"qname":"x.example.co.jp","action":"forward","client":"10.0.0.1",)"
       R"("ts":"2026-11-23T07:30:50.123456Z"})",
       minimal()},
      {"unknown_keys_skipped",
       "{" + kReq + R"(,"future":{"a":[1,2.5e3,-3,{"b":null}],"c":true},"flag":false,)"
                    R"("n":-1.5E-3,"s":"x\"y","arr":[],"obj":{},"qname":"x.example.co.jp"})",
       minimal()},
      {"escaped_key", "{" + kReq + R"(,"q\u006eame":"x.example.co.jp"})", minimal()},
      with("duplicate_key_last_wins",
           "{" + kReq + R"(,"qname":"a.example.co.jp","qname":"x.example.co.jp"})",
           [](Fields&) {}),
      with("ipv6_client",
           R"({"ts":"2026-11-23T07:30:50.123456Z","client":"2001:db8::1","action":"forward",)"
           R"("qname":"x.example.co.jp"})",
           [](Fields& f) { f.client = "2001:db8::1"; }),
      with("offset_timestamp",
           R"({"ts":"2026-11-23T16:30:50.123456+09:00","client":"10.0.0.1","action":"forward",)"
           R"("qname":"x.example.co.jp"})",
           [](Fields& f) { f.ts = "2026-11-23T16:30:50.123456+09:00"; }),
  };
}

INSTANTIATE_TEST_SUITE_P(Cases, ScanGood, testing::ValuesIn(good_cases()),
                         [](const auto& info) { return info.param.name; });

struct BadCase {
  std::string name;
  std::string line;
  std::string why;  // the whole error message
};

class ScanMalformed : public testing::TestWithParam<BadCase> {};

TEST_P(ScanMalformed, Reason) {
  const auto& c = GetParam();
  Line line;
  auto ok = line.scan(c.line);
  ASSERT_FALSE(ok) << c.line;
  EXPECT_EQ(ok.error(), c.why) << c.line;
}

// `rest` after the required fields and a qname: columns in the messages count from there.
std::string after_req(const std::string& rest) {
  return "{" + kReq + R"(,"qname":"x")" + rest;
}
const int kRestColumn = static_cast<int>(after_req("").size()) + 1;
std::string at(int offset) { return " at column " + std::to_string(kRestColumn + offset); }

INSTANTIATE_TEST_SUITE_P(
    Cases, ScanMalformed,
    testing::ValuesIn(std::vector<BadCase>{
        {"empty", "", "empty line at column 1"},
        {"blank", "   ", "empty line at column 4"},
        {"not_json", "not json", "expected '{' at column 1"},
        {"array", "[1]", "expected '{' at column 1"},
        {"cut_in_a_string", R"({"ts":"2026-11-23T07:30)", "unterminated string at column 7"},
        {"cut_after_value", after_req(""), "unexpected end of line" + at(0)},
        {"cut_after_comma", after_req(","), "expected a key" + at(1)},
        {"missing_ts", R"({"client":"10.0.0.1","action":"forward","qname":"x"})", "missing ts"},
        {"missing_client", R"({"ts":"2026-11-23T07:30:50Z","action":"forward","qname":"x"})",
         "missing client"},
        {"missing_qname", R"({"ts":"2026-11-23T07:30:50Z","client":"1.2.3.4","action":"drop"})",
         "missing qname"},
        {"missing_action", R"({"ts":"2026-11-23T07:30:50Z","client":"1.2.3.4","qname":"x"})",
         "missing action"},
        {"empty_object", "{}", "missing ts"},
        {"bad_ts", R"({"ts":"yesterday","client":"1.2.3.4","action":"drop","qname":"x"})",
         "ts: not an RFC 3339 timestamp at column 7"},
        {"ts_number", R"({"ts":12,"client":"1.2.3.4","action":"drop","qname":"x"})",
         "ts: expected a string at column 7"},
        {"qname_number", after_req(R"(,"qname":5})"), "qname: expected a string" + at(9)},
        {"qname_null", after_req(R"(,"qname":null})"), "qname: expected a string" + at(9)},
        {"id_string", after_req(R"(,"id":"7"})"), "id: expected a number" + at(6)},
        {"id_negative", after_req(R"(,"id":-1})"), "id: expected a number" + at(6)},
        {"id_fraction", after_req(R"(,"id":1.5})"), "id: expected a whole number" + at(7)},
        {"id_exponent", after_req(R"(,"id":1e3})"), "id: expected a whole number" + at(7)},
        {"id_leading_zero", after_req(R"(,"id":01})"), "id: leading zero" + at(6)},
        {"id_too_large", after_req(R"(,"id":18446744073709551616})"),
         "id: number too large" + at(25)},
        {"latency_null", after_req(R"(,"latency_us":null})"),
         "latency_us: expected a number" + at(14)},
        {"rule_true", after_req(R"(,"rule":true})"), "rule: expected a string or null" + at(8)},
        {"rcode_number", after_req(R"(,"rcode":3})"), "rcode: expected a string or null" + at(9)},
        // null is allowed: answered from the cache (DEPLOY.md §1).
        {"upstream_number", after_req(R"(,"upstream":53})"),
         "upstream: expected a string or null" + at(12)},
        {"dry_run_string", after_req(R"(,"dry_run":"probes"})"),
         "dry_run: expected an array of strings" + at(11)},
        {"dry_run_number", after_req(R"(,"dry_run":["a",1]})"),
         "dry_run: expected a string" + at(16)},
        {"dry_run_unclosed", after_req(R"(,"dry_run":["a"})"),
         "dry_run: expected ',' or ']'" + at(15)},
        {"bad_escape", after_req(R"(,"upstream":"a\x"})"), "bad escape" + at(14)},
        {"bad_unicode_escape", after_req(R"(,"upstream":"\u12G4"})"), "bad \\u escape" + at(13)},
        {"short_unicode_escape", after_req(R"(,"upstream":"\u12)"), "bad \\u escape" + at(13)},
        {"escape_at_end", after_req(R"(,"upstream":"abc\)"), "unterminated string" + at(12)},
        {"raw_tab_in_string", after_req(",\"upstream\":\"a\tb\"}"),
         "control character in a string" + at(14)},
        {"raw_newline_in_escaped_string", after_req(",\"upstream\":\"\\\\a\nb\"}"),
         "control character in a string" + at(16)},
        {"missing_colon", after_req(R"(,"id" 5})"), "expected ':'" + at(6)},
        {"missing_comma", after_req(R"( "id":5})"), "expected ',' or '}'" + at(1)},
        {"key_not_string", after_req(",id:5}"), "expected a key" + at(1)},
        {"text_after_object", after_req("} x"), "text after the object" + at(2)},
        {"second_object", after_req("}{}"), "text after the object" + at(1)},
        {"unknown_bad_literal", after_req(R"(,"x":tru})"), "expected a value" + at(5)},
        {"unknown_bare_word", after_req(R"(,"x":abc})"), "expected a value" + at(5)},
        {"unknown_unclosed_array", after_req(R"(,"x":[1,2})"), "expected ',' or ']'" + at(9)},
        {"unknown_object_bad_key", after_req(R"(,"x":{1:2}})"), "expected a key" + at(6)},
        {"unknown_too_deep", after_req(R"(,"x":)" + std::string(40, '[') + std::string(40, ']') + "}"),
         "nested too deeply" + at(38)},
    }),
    [](const auto& info) { return info.param.name; });

// Fields of an earlier line must not leak into the next one scanned with the same Line.
TEST(LineScan, ReuseClearsEveryField) {
  Line line;
  const std::string first = good_cases()[0].line, second = after_req("}");
  ASSERT_TRUE(line.scan(first));
  ASSERT_TRUE(line.scan(second));
  Fields want = minimal("x");
  EXPECT_EQ(fields_of(line), want);
}

TEST(LineScan, TimestampValue) {
  Line line;
  const std::string text = good_cases()[0].line;
  ASSERT_TRUE(line.scan(text));
  EXPECT_EQ(line.ts, Micros{sys_days{2026y / 11 / 23} + 7h + 30min + 50s} + 123456us);
}

// Views into the unescaping buffer stay valid across all the strings of one line.
TEST(LineScan, ManyEscapedStringsInOneLine) {
  std::string dry = "[";
  std::vector<std::string> want;
  for (int i = 0; i < 50; ++i) {
    dry += std::string(i ? "," : "") + "\"r\\u00e9" + std::to_string(i) + "\"";
    want.push_back("r\xc3\xa9" + std::to_string(i));
  }
  Line line;
  const std::string text = after_req(R"(,"upstream":"\"u\"","dry_run":)" + dry + "]}");
  ASSERT_TRUE(line.scan(text));
  EXPECT_EQ(line.upstream, "\"u\"");
  EXPECT_EQ(std::vector<std::string>(line.dry_run.begin(), line.dry_run.end()), want);
}

// Lines damaged at random (bytes changed, cut anywhere, also inside an escape) are read or
// refused with a reason, and never read past their end (ASan builds check that); an
// undamaged line is also valid JSON to nlohmann.
TEST(LineScan, DamagedLinesNeverCrash) {
  std::mt19937 rng(11);
  const std::string example = good_cases()[0].line;
  const std::string base = example.substr(0, example.size() - 1) +
                           R"(,"upstream":"a\\b\"c\u00e9\ud83d\ude00","x":[{"y":null}]})";
  static constexpr char kBytes[] = "\\\"{}[],:u0x \x01\xff";
  Line line;
  for (int i = 0; i < 20000; ++i) {
    std::string text = base;
    const unsigned edits = rng() % 4;
    for (unsigned e = 0; e < edits; ++e) text[rng() % text.size()] = kBytes[rng() % (sizeof kBytes - 1)];
    const bool cut = rng() % 2 == 0;
    if (cut) text.resize(rng() % (text.size() + 1));
    // A copy exactly as long as the line, so that ASan sees any read past its end.
    auto owned = std::make_unique<char[]>(text.size() + 1);
    std::memcpy(owned.get(), text.data(), text.size());
    auto ok = line.scan(std::string_view(owned.get(), text.size()));
    if (!ok) { EXPECT_FALSE(ok.error().empty()); }  // braces: EXPECT_* hides an if/else
    if (edits == 0 && !cut) { EXPECT_TRUE(ok && json::accept(text)) << text; }
  }
}

// Whatever record.cpp writes is read back as it was meant: the writer is the contract.
TEST(LineScan, ReadsWhatRecordWrites) {
  std::mt19937 rng(7);
  const auto random_string = [&rng](std::size_t max) {
    std::string s(rng() % max, '\0');
    for (char& c : s) c = static_cast<char>(rng() % 256);  // any byte: escapes, non-UTF-8
    return s;
  };
  Line line;
  for (int i = 0; i < 2000; ++i) {
    // A Record only points at its strings: they live here for the iteration.
    const std::string qname = random_string(40), rule = random_string(10);
    const std::string devolved_from = i % 2 ? random_string(20) : "";
    std::vector<std::string> dry_run(rng() % 3);
    for (auto& d : dry_run) d = random_string(8);
    const std::vector<std::string_view> dry_run_views(dry_run.begin(), dry_run.end());
    Record r;
    r.ts = system_clock::time_point{} + microseconds(static_cast<int64_t>(rng()) * 1000 + rng() % 1000);
    r.client = *conf::IpAddress::parse(i % 2 ? "10.1.2.3" : "2001:db8::7");
    r.proto = i % 3 ? Proto::Udp : Proto::Tcp;
    r.id = static_cast<uint16_t>(rng());
    r.qname = qname;
    r.qtype = static_cast<uint16_t>(rng() % 300);
    r.rule = rule;
    r.action = "nxdomain";
    r.upstream = i % 4 ? "" : "169.254.169.253:53";
    if (i % 5) r.rcode = static_cast<uint8_t>(rng() % 24);
    r.latency_us = static_cast<uint32_t>(rng());
    r.devolved_from = devolved_from;
    r.dry_run = dry_run_views;
    const std::string text = to_json(r);

    auto ok = line.scan(text);
    ASSERT_TRUE(ok) << ok.error() << "\n" << text;
    const json j = json::parse(text);  // the reference reading
    Fields want;
    want.ts = j["ts"];
    want.client = j["client"];
    want.proto = j["proto"];
    want.id = j["id"].get<uint64_t>();
    want.qname = j["qname"];
    want.qtype = j["qtype"];
    if (!j["rule"].is_null()) want.rule = j["rule"].get<std::string>();
    want.action = j["action"];
    want.upstream = j.value("upstream", "");
    if (!j["rcode"].is_null()) want.rcode = j["rcode"].get<std::string>();
    want.latency_us = j["latency_us"].get<uint64_t>();
    want.devolved_from = j.value("devolved_from", "");
    if (j.contains("dry_run")) want.dry_run = j["dry_run"].get<std::vector<std::string>>();
    ASSERT_EQ(fields_of(line), want) << text;
    ASSERT_EQ(line.ts, time_point_cast<microseconds>(r.ts)) << text;
  }
}

}  // namespace
}  // namespace dg::proxy::decision_log
