// Record → JSON line: every field parsed back, exact text of a full line, field order.
#include "proxy/decision_log/record.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dg::proxy::decision_log {
namespace {

using namespace std::chrono;
using nlohmann::json;

sys_time<nanoseconds> at(year_month_day day, hours h, minutes m, seconds s, nanoseconds ns) {
  return sys_days{day} + h + m + s + ns;
}

conf::IpAddress ip(const char* text) { return *conf::IpAddress::parse(text); }

constexpr std::string_view kProbes[] = {"probes"};
constexpr std::string_view kThreeRules[] = {"probes", "wpad", "isatap"};

// The PRODUCT.md example line.
Record example() {
  Record r;
  r.ts = time_point_cast<system_clock::duration>(
      at(2026y / 11 / 23, 7h, 30min, 50s, 123456us));
  r.client = ip("10.143.100.80");
  r.proto = Proto::Udp;
  r.id = 14830;
  r.qname = "dglvrrerxokcxc.co.jp";
  r.qtype = 1;
  r.rule = "devolved";
  r.action = "nxdomain";
  r.rcode = 3;
  r.ancount = 0;
  r.latency_us = 41;
  r.devolved_from = "dglvrrerxokcxc.example.co.jp";
  r.dry_run = kProbes;
  return r;
}

TEST(RecordJson, ExampleLineExactly) {
  EXPECT_EQ(to_json(example()),
            R"({"ts":"2026-11-23T07:30:50.123456Z","client":"10.143.100.80","proto":"udp",)"
            R"("id":14830,"qname":"dglvrrerxokcxc.co.jp","qtype":"A","rule":"devolved",)"
            R"("action":"nxdomain","rcode":"NXDOMAIN","ancount":0,"latency_us":41,)"
            R"("devolved_from":"dglvrrerxokcxc.example.co.jp","dry_run":["probes"]})");
}

TEST(RecordJson, FieldOrderAsInProduct) {
  Record r = example();
  r.upstream = "169.254.169.253:53";
  r.label_score = 0.5f;
  const auto parsed = nlohmann::ordered_json::parse(to_json(r));
  std::vector<std::string> keys;
  for (const auto& [key, value] : parsed.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"ts", "client", "proto", "id", "qname", "qtype",
                                            "rule", "action", "upstream", "rcode", "ancount",
                                            "latency_us", "devolved_from", "dry_run",
                                            "label_score"}));
}

TEST(RecordJson, AppendsWithoutNewline) {
  std::string out = "before|";
  append_json(example(), out);
  EXPECT_TRUE(out.starts_with("before|{"));
  EXPECT_EQ(out.back(), '}');
  EXPECT_EQ(out.substr(7), to_json(example()));
}

struct Case {
  std::string name;
  Record record;
  json expected;  // the fields that differ from, or are missing in, example()
  std::vector<std::string> absent;
};

Record with(auto change) {
  Record r = example();
  change(r);
  return r;
}

std::vector<Case> cases() {
  return {
      {"Example", example(),
       {{"ts", "2026-11-23T07:30:50.123456Z"}, {"client", "10.143.100.80"}, {"proto", "udp"},
        {"id", 14830}, {"qname", "dglvrrerxokcxc.co.jp"}, {"qtype", "A"}, {"rule", "devolved"},
        {"action", "nxdomain"}, {"rcode", "NXDOMAIN"}, {"ancount", 0}, {"latency_us", 41},
        {"devolved_from", "dglvrrerxokcxc.example.co.jp"}, {"dry_run", {"probes"}}},
       {"upstream", "label_score"}},
      {"ForwardedOverTcp", with([](Record& r) {
         r.proto = Proto::Tcp;
         r.rule = "";
         r.action = "forward";
         r.upstream = "169.254.169.253:53";
         r.rcode = 0;
         r.devolved_from = {};
         r.dry_run = {};
         r.id = 65535;
         r.latency_us = 4294967295u;
       }),
       {{"proto", "tcp"}, {"rule", nullptr}, {"action", "forward"},
        {"upstream", "169.254.169.253:53"}, {"rcode", "NOERROR"}, {"id", 65535},
        {"latency_us", 4294967295u}},
       {"devolved_from", "dry_run"}},
      {"DroppedHasNullRcode", with([](Record& r) {
         r.action = "drop";
         r.rcode.reset();
       }),
       {{"action", "drop"}, {"rcode", nullptr}}, {"upstream"}},
      {"NothingSentHasNullAncount", with([](Record& r) {
         r.action = "drop";
         r.rcode.reset();
         r.ancount.reset();
       }),
       {{"action", "drop"}, {"rcode", nullptr}, {"ancount", nullptr}}, {"upstream"}},
      {"ForwardedWithData", with([](Record& r) {
         r.action = "forward";
         r.rcode = 0;
         r.ancount = 3;
       }),
       {{"action", "forward"}, {"rcode", "NOERROR"}, {"ancount", 3}}, {"upstream"}},
      {"LabelScoreThreeDecimals", with([](Record& r) { r.label_score = 0.99871f; }),
       {{"label_score", 0.999}}, {"upstream"}},
      {"LabelScoreZero", with([](Record& r) { r.label_score = 0.0f; }), {{"label_score", 0.0}},
       {"upstream"}},
      {"Ipv6Client", with([](Record& r) { r.client = ip("2001:db8::53"); }),
       {{"client", "2001:db8::53"}}, {}},
      {"Ipv4MappedClientIsIpv4", with([](Record& r) { r.client = ip("::ffff:192.0.2.1"); }),
       {{"client", "192.0.2.1"}}, {}},
      {"UnknownQtype", with([](Record& r) { r.qtype = 65280; }), {{"qtype", "TYPE65280"}}, {}},
      {"QtypeAaaa", with([](Record& r) { r.qtype = 28; }), {{"qtype", "AAAA"}}, {}},
      {"QtypeHttps", with([](Record& r) { r.qtype = 65; }), {{"qtype", "HTTPS"}}, {}},
      {"QtypeAny", with([](Record& r) { r.qtype = 255; }), {{"qtype", "ANY"}}, {}},
      {"QtypeAxfr", with([](Record& r) { r.qtype = 252; }), {{"qtype", "AXFR"}}, {}},
      {"QtypeZero", with([](Record& r) { r.qtype = 0; }), {{"qtype", "TYPE0"}}, {}},
      {"RcodeServfail", with([](Record& r) { r.rcode = 2; }), {{"rcode", "SERVFAIL"}}, {}},
      {"RcodeNotimp", with([](Record& r) { r.rcode = 4; }), {{"rcode", "NOTIMP"}}, {}},
      {"RcodeRefused", with([](Record& r) { r.rcode = 5; }), {{"rcode", "REFUSED"}}, {}},
      {"RcodeFormerr", with([](Record& r) { r.rcode = 1; }), {{"rcode", "FORMERR"}}, {}},
      {"RcodeUnnamed", with([](Record& r) { r.rcode = 15; }), {{"rcode", "RCODE15"}}, {}},
      {"EscapedQname", with([](Record& r) { r.qname = R"(a\032b\"c.\\d.example)"; }),
       {{"qname", R"(a\032b\"c.\\d.example)"}}, {}},
      {"QuoteAndControlChars",
       with([](Record& r) {
         r.rule = "say \"hi\"\t\n\x01\x1f end";
         r.devolved_from = std::string_view("nul\0x", 5);
       }),
       {{"rule", std::string("say \"hi\"\t\n\x01\x1f end")},
        {"devolved_from", std::string("nul\0x", 5)}},
       {}},
      {"Utf8KeptInvalidBytesReplaced",
       with([](Record& r) {
         r.rule = "規則-ß";
         r.qname = "bad\xff\xc3.example";
       }),
       {{"rule", "規則-ß"}, {"qname", "bad\xef\xbf\xbd\xef\xbf\xbd.example"}}, {}},
      {"SeveralDryRunRules", with([](Record& r) { r.dry_run = kThreeRules; }),
       {{"dry_run", {"probes", "wpad", "isatap"}}}, {}},
      {"TimestampUtcMicroseconds", with([](Record& r) {
         r.ts = time_point_cast<system_clock::duration>(
             at(2024y / 2 / 29, 23h, 59min, 59s, 999999999ns));
       }),
       {{"ts", "2024-02-29T23:59:59.999999Z"}}, {}},
      {"TimestampWholeSecond", with([](Record& r) {
         r.ts = time_point_cast<system_clock::duration>(at(2000y / 1 / 1, 0h, 0min, 0s, 7us));
       }),
       {{"ts", "2000-01-01T00:00:00.000007Z"}}, {}},
      {"TimestampBeforeEpoch", with([](Record& r) {
         r.ts = time_point_cast<system_clock::duration>(
             at(1969y / 12 / 31, 23h, 59min, 59s, 500000us));
       }),
       {{"ts", "1969-12-31T23:59:59.500000Z"}}, {}},
  };
}

class RecordJsonCase : public testing::TestWithParam<Case> {};

TEST_P(RecordJsonCase, ParsesBack) {
  const Case& c = GetParam();
  const std::string line = to_json(c.record);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const json parsed = json::parse(line);  // throws, failing the test, on invalid JSON
  json expected = json::parse(to_json(example()));
  expected.erase("upstream");
  for (const auto& [key, value] : c.expected.items()) expected[key] = value;
  for (const auto& key : c.absent) expected.erase(key);
  EXPECT_EQ(parsed, expected) << line;
  for (const auto& key : c.absent) EXPECT_FALSE(parsed.contains(key)) << key;
}

INSTANTIATE_TEST_SUITE_P(Records, RecordJsonCase, testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.name; });

// The per-second cache: lines within one second, then the next second and back.
TEST(RecordJson, TimestampsAcrossSeconds) {
  const std::vector<std::pair<sys_time<nanoseconds>, std::string>> steps = {
      {at(2026y / 11 / 23, 7h, 30min, 50s, 1us), "2026-11-23T07:30:50.000001Z"},
      {at(2026y / 11 / 23, 7h, 30min, 50s, 999998us), "2026-11-23T07:30:50.999998Z"},
      {at(2026y / 11 / 23, 7h, 30min, 51s, 0us), "2026-11-23T07:30:51.000000Z"},
      {at(2026y / 12 / 31, 23h, 59min, 59s, 5us), "2026-12-31T23:59:59.000005Z"},
      {at(2027y / 1 / 1, 0h, 0min, 0s, 5us), "2027-01-01T00:00:00.000005Z"},
      {at(2026y / 11 / 23, 7h, 30min, 50s, 42us), "2026-11-23T07:30:50.000042Z"},
  };
  for (const auto& [ts, text] : steps) {
    Record r = example();
    r.ts = time_point_cast<system_clock::duration>(ts);
    EXPECT_EQ(json::parse(to_json(r))["ts"], text);
  }
}

}  // namespace
}  // namespace dg::proxy::decision_log
