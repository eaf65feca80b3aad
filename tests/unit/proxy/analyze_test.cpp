// analyze's pieces as data: debug-log packets → events (pairing, forwards, the .2 heuristic),
// Route 53 records and decision-log lines → events, devolution splits, SRV suffixes, format
// detection, and the detector + report on small streams.
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "proxy/decision_log/line.hpp"
#include "proxy/investigate/devoguard_events.hpp"
#include "proxy/investigate/input_format.hpp"
#include "proxy/investigate/names.hpp"
#include "proxy/investigate/report.hpp"
#include "proxy/investigate/route53.hpp"
#include "proxy/investigate/windows_events.hpp"

namespace dg::proxy::investigate {
namespace {

struct Collect : EventSink {
  std::vector<Event> events;
  void on_event(const Event& e) override { events.push_back(e); }
};

// The shared sample with consistent (14) lengths.
const std::vector<std::string> kSample = {
    "2025/10/01 9:30:50 0D28 PACKET  00000292D65BCC80 UDP Rcv 10.143.100.80   3aee   Q [0001   D   NOERROR] A      (14)dglvrrerxokcxc(7)example(2)co(2)jp(0)",
    "2025/10/01 9:30:50 0D28 PACKET  00000292D56DCD10 UDP Snd 10.143.0.2      5810   Q [0001   D   NOERROR] A      (14)dglvrrerxokcxc(7)example(2)co(2)jp(0)",
    "2025/10/01 9:30:50 0D28 PACKET  00000292D5A0AD90 UDP Rcv 10.143.0.2      5810 R Q [8381   DR NXDOMAIN] A      (14)dglvrrerxokcxc(7)example(2)co(2)jp(0)",
    "2025/10/01 9:30:50 0D28 PACKET  00000292D65BCC80 UDP Snd 10.143.100.80   3aee R Q [8381   DR NXDOMAIN] A      (14)dglvrrerxokcxc(7)example(2)co(2)jp(0)",
    "2025/10/01 9:30:50 0D28 PACKET  00000292D6CCB920 UDP Rcv 10.143.100.80   cae2   Q [0001   D   NOERROR] A      (14)dglvrrerxokcxc(2)co(2)jp(0)",
    "2025/10/01 9:30:50 0D28 PACKET  00000292D65BCC80 UDP Snd 10.143.0.2      7bf9   Q [0001   D   NOERROR] A      (14)dglvrrerxokcxc(2)co(2)jp(0)",
    "2025/10/01 9:30:50 0D28 PACKET  00000292D76FD570 UDP Rcv 10.143.0.2      7bf9 R Q [8381   DR NXDOMAIN] A      (14)dglvrrerxokcxc(2)co(2)jp(0)",
    "2025/10/01 9:30:50 0D28 PACKET  00000292D6CCB920 UDP Snd 10.143.100.80   cae2 R Q [8381   DR NXDOMAIN] A      (14)dglvrrerxokcxc(2)co(2)jp(0)",
};

std::vector<Event> run_windows(const std::vector<std::string>& lines, AwsResolvers& aws) {
  Collect sink;
  auto zone = Zone::parse("UTC");
  WindowsEvents events(0, *zone, aws, sink);
  DateOrder order = DateOrder::Auto;
  Packet p;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto kind = parse_windows_line(lines[i], order, p);
    EXPECT_TRUE(kind) << lines[i];
    if (kind && *kind == LineKind::Packet) events.on_packet(i + 1, p);
  }
  events.finish();
  return sink.events;
}

TEST(WindowsEvents, SampleGivesTwoClientQueriesThatReachedAws) {
  AwsResolvers aws({});
  auto ev = run_windows(kSample, aws);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].qname, "dglvrrerxokcxc.example.co.jp");
  EXPECT_EQ(ev[0].client, "10.143.100.80");
  EXPECT_EQ(ev[0].line, 1u);
  EXPECT_EQ(ev[0].rcode, "NXDOMAIN");
  EXPECT_EQ(ev[0].with_data, false);
  EXPECT_EQ(ev[0].reached_aws, true);
  EXPECT_EQ(ev[0].transport, "udp");
  EXPECT_EQ(ev[1].qname, "dglvrrerxokcxc.co.jp");
  EXPECT_EQ(ev[1].line, 5u);
  ASSERT_EQ(aws.seen().size(), 1u);
  EXPECT_EQ(aws.seen()[0].address, "10.143.0.2");
  EXPECT_EQ(aws.seen()[0].source, "heuristic");
}

TEST(WindowsEvents, ForwardToANonAwsServerIsNotAws) {
  auto lines = kSample;
  for (auto& l : lines)
    for (auto at = l.find("10.143.0.2 "); at != std::string::npos; at = l.find("10.143.0.2 "))
      l.replace(at, 10, "10.143.0.9");
  AwsResolvers aws({});
  auto ev = run_windows(lines, aws);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].reached_aws, false);
  EXPECT_TRUE(aws.seen().empty());
  AwsResolvers given({"10.143.0.9"});
  ev = run_windows(lines, given);
  EXPECT_EQ(ev[0].reached_aws, true);
}

TEST(WindowsEvents, UnansweredQueryIsEmittedWithoutRcode) {
  AwsResolvers aws({});
  auto ev = run_windows({kSample[0]}, aws);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_FALSE(ev[0].rcode);
  EXPECT_EQ(ev[0].reached_aws, false);
}

TEST(WindowsEvents, NoerrorAnswerLeavesWithDataUnknown) {
  AwsResolvers aws({});
  std::string answer = kSample[3];
  answer.replace(answer.find("[8381   DR NXDOMAIN]"), 20, "[8081   DR  NOERROR]");
  auto ev = run_windows({kSample[0], answer}, aws);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].rcode, "NOERROR");
  EXPECT_FALSE(ev[0].with_data.has_value());
}

TEST(Route53, RecordFields) {
  Event e;
  auto ok = route53_event(
      R"({"version":"1.100000","query_timestamp":"2025-10-01T09:30:50Z","query_name":"X.Example.co.jp.","query_type":"AAAA","query_class":"IN","rcode":"NOERROR","answers":[{"Rdata":"::1","Type":"AAAA","Class":"IN"}],"srcaddr":"172.31.20.100","srcport":"5353","transport":"TCP","srcids":{"instance":"i-1"},"firewall_rule_action":"ALERT"})",
      e);
  ASSERT_TRUE(ok) << ok.error();
  EXPECT_EQ(e.qname, "x.example.co.jp");
  EXPECT_EQ(e.qtype, "AAAA");
  EXPECT_EQ(e.client, "172.31.20.100");
  EXPECT_EQ(e.transport, "tcp");
  EXPECT_EQ(e.rcode, "NOERROR");
  EXPECT_EQ(e.with_data, true);
  EXPECT_EQ(e.reached_aws, true);
  EXPECT_EQ(format_ts(e.ts), "2025-10-01T09:30:50Z");
}

TEST(Route53, NodataAndErrors) {
  Event e;
  ASSERT_TRUE(route53_event(
      R"({"query_timestamp":"2025-10-01T09:30:50Z","query_name":"x.","query_type":"A","rcode":"NOERROR","answers":[],"srcaddr":"10.0.0.1"})",
      e));
  EXPECT_EQ(e.with_data, false);
  EXPECT_FALSE(route53_event(R"({"query_name":"x.","srcaddr":"10.0.0.1"})", e));
  EXPECT_FALSE(route53_event(R"({"query_timestamp":"yesterday","query_name":"x.","srcaddr":"a"})", e));
  EXPECT_FALSE(route53_event("not json", e));
}

// The flat scanner and the nlohmann::json fallback read records alike.
TEST(Route53, FastPathAndFallbackAgree) {
  const std::string fast =
      R"({"query_timestamp":"2025-10-01T09:30:50Z","query_name":"x.co.jp.","query_type":"A","rcode":"NXDOMAIN","answers":[ ],"srcaddr":"10.0.0.1","srcids":{"instance":"i-1","x":[1,2,{"y":null}]},"n":1.5})";
  const std::string escaped =  // an escape sends the line to nlohmann::json
      R"({"query_timestamp":"2025-10-01T09:30:50Z","query_name":"x.co.jp.","query_type":"A","rcode":"NXDOMAIN","answers":[],"srcaddr":"10.0.0.1","note":"a\"b"})";
  Event a, b;
  ASSERT_TRUE(route53_event(fast, a));
  ASSERT_TRUE(route53_event(escaped, b));
  for (const Event* e : {&a, &b}) {
    EXPECT_EQ(e->qname, "x.co.jp");
    EXPECT_EQ(e->client, "10.0.0.1");
    EXPECT_EQ(e->rcode, "NXDOMAIN");
    EXPECT_EQ(e->with_data, false);
  }
  EXPECT_FALSE(route53_event(R"({"query_timestamp":"2025-10-01T09:30:50Z","query_name":"x.")", a));
}

TEST(DevoguardEvents, ReachedAwsAndWithData) {
  AwsResolvers aws({});
  decision_log::Line line;
  Event e;
  ASSERT_TRUE(line.scan(R"({"ts":"2025-10-01T09:30:50Z","client":"10.0.0.1","proto":"udp","qname":"x.co.jp","qtype":"A","rule":"default","action":"forward","upstream":"169.254.169.253:53","rcode":"NOERROR","ancount":0})"));
  devoguard_event(line, aws, e);
  EXPECT_EQ(e.reached_aws, true);
  EXPECT_EQ(e.with_data, false);  // NODATA
  ASSERT_TRUE(line.scan(R"({"ts":"2025-10-01T09:30:50Z","client":"10.0.0.1","qname":"x.co.jp","qtype":"A","rule":"devolved","action":"nxdomain","rcode":"NXDOMAIN","ancount":0,"devolved_from":"x.example.co.jp"})"));
  devoguard_event(line, aws, e);
  EXPECT_EQ(e.reached_aws, false);
  ASSERT_TRUE(line.scan(R"({"ts":"2025-10-01T09:30:50Z","client":"10.0.0.1","qname":"x.co.jp","action":"forward","upstream":"10.0.0.10:53","rcode":"NOERROR"})"));
  devoguard_event(line, aws, e);
  EXPECT_EQ(e.reached_aws, false);
  EXPECT_FALSE(e.with_data.has_value());  // no ancount (older log): cannot tell
  EXPECT_EQ(with_data_of(std::string_view("NOERROR"), 2), true);
  EXPECT_EQ(with_data_of(std::nullopt, std::nullopt), false);
}

struct SplitCase {
  const char* name;
  const char* n1;
  const char* n2;
  int level;
  const char* suffix;  // nullptr: no split
  const char* prefix;
};
class Split : public testing::TestWithParam<SplitCase> {};
TEST_P(Split, Cases) {
  const auto& c = GetParam();
  auto s = devolution_split(c.n1, c.n2, c.level);
  if (!c.suffix) {
    EXPECT_FALSE(s) << s->suffix;
    return;
  }
  ASSERT_TRUE(s);
  EXPECT_EQ(s->suffix, c.suffix);
  EXPECT_EQ(s->prefix, c.prefix);
}
INSTANTIATE_TEST_SUITE_P(
    Cases, Split,
    testing::Values(
        SplitCase{"sample", "dglvrrerxokcxc.example.co.jp", "dglvrrerxokcxc.co.jp", 2,
                  "example.co.jp", "dglvrrerxokcxc"},
        SplitCase{"multi_label_p", "a.b.corp.example.com", "a.b.example.com", 2,
                  "corp.example.com", "a.b"},
        SplitCase{"two_x_labels", "x.corp.example.co.jp", "x.co.jp", 2, "corp.example.co.jp", "x"},
        SplitCase{"d_too_short", "x.example.jp", "x.jp", 2, nullptr, nullptr},
        SplitCase{"level1_allows", "x.example.jp", "x.jp", 1, "example.jp", "x"},
        SplitCase{"same_name", "x.co.jp", "x.co.jp", 2, nullptr, nullptr},
        SplitCase{"different_p", "y.example.co.jp", "x.co.jp", 2, nullptr, nullptr},
        SplitCase{"label_not_substring", "ab.example.co.jp", "b.co.jp", 2, nullptr, nullptr},
        SplitCase{"different_tail", "x.example.co.jp", "x.example.com", 2, nullptr, nullptr}),
    [](const auto& i) { return std::string(i.param.name); });

TEST(Names, SrvSuffixes) {
  EXPECT_EQ(suffix_from_srv("_ldap._tcp.dc._msdcs.example.co.jp"), "example.co.jp");
  EXPECT_EQ(suffix_from_srv("_kerberos._tcp.example.co.jp"), "example.co.jp");
  EXPECT_EQ(suffix_from_srv("_ldap._tcp.example.co.jp"), "example.co.jp");
  EXPECT_FALSE(suffix_from_srv("_ldap._tcp.tokyo._sites.dc._msdcs.example.co.jp"));
  EXPECT_FALSE(suffix_from_srv("www.example.co.jp"));
  EXPECT_TRUE(in_zone("a.example.co.jp", "example.co.jp"));
  EXPECT_FALSE(in_zone("badexample.co.jp", "example.co.jp"));
}

TEST(InputFormat, Detection) {
  EXPECT_EQ(detect_format(kSample[0]), InputFormat::WindowsDebug);
  EXPECT_EQ(detect_format("DNS Server log file creation at 10/1/2025"), InputFormat::WindowsDebug);
  EXPECT_EQ(detect_format(R"({"query_name":"x.","srcaddr":"10.0.0.1"})"), InputFormat::Route53);
  EXPECT_EQ(detect_format(R"({"events":[{"message":"{}"}]})"), InputFormat::Route53Events);
  EXPECT_EQ(detect_format("{"), InputFormat::Route53Events);
  EXPECT_EQ(detect_format(R"({"ts":"2025-10-01T09:30:50Z","action":"forward"})"),
            InputFormat::Devoguard);
  EXPECT_FALSE(detect_format("hello world"));
  EXPECT_FALSE(detect_format(R"({"something":"else"})"));
}

Event event(const char* client, const char* qname, int second, const char* rcode, bool reached) {
  Event e;
  e.ts = Micros{std::chrono::seconds(1759311000 + second)};
  e.client = client;
  e.qname = qname;
  e.qtype = "A";
  e.rcode = rcode;
  e.with_data = std::string(rcode) == "NOERROR" ? std::optional<bool>(true) : false;
  e.reached_aws = reached;
  e.line = std::size_t(second) + 1;
  return e;
}

TEST(Detector, DetectsSuffixPairAndKinds) {
  Detector d({});
  d.on_event(event("10.0.0.1", "dglvrrerxokcxc.example.co.jp", 0, "NXDOMAIN", true));
  d.on_event(event("10.0.0.1", "dglvrrerxokcxc.co.jp", 0, "NXDOMAIN", true));
  d.on_event(event("10.0.0.2", "_ldap._tcp.dc._msdcs.example.co.jp", 1, "NOERROR", true));
  AwsResolvers aws({});
  auto r = build_report(d, {}, {InputStats{"x", "devoguard"}}, aws, "UTC");
  ASSERT_EQ(r.suffixes.size(), 1u);
  EXPECT_EQ(r.suffixes[0].name, "example.co.jp");
  EXPECT_EQ(r.suffixes[0].evidence, 2u);  // one pair prefix, one SRV name
  ASSERT_EQ(r.pairs.size(), 1u);
  ASSERT_EQ(r.reached.size(), 3u);
  std::map<std::string, std::string> kinds;
  for (const auto& x : r.reached) kinds[x.qname] = x.kind;
  EXPECT_EQ(kinds["dglvrrerxokcxc.co.jp"], "devolved");
  EXPECT_EQ(kinds["dglvrrerxokcxc.example.co.jp"], "probe");
  EXPECT_EQ(kinds["_ldap._tcp.dc._msdcs.example.co.jp"], "ad-zone");
  std::vector<std::string> ids;
  for (const auto& rec : r.recommendations) ids.push_back(rec.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"R1", "R2", "R3", "R4"}));
}

TEST(Detector, WindowAndAnsweredFirstQuery) {
  Detector d({});
  d.on_event(event("10.0.0.1", "x.example.co.jp", 0, "NXDOMAIN", true));
  d.on_event(event("10.0.0.1", "x.co.jp", 31, "NXDOMAIN", true));  // past 30 s
  d.on_event(event("10.0.0.1", "y.example.co.jp", 40, "NOERROR", true));  // resolved
  d.on_event(event("10.0.0.1", "y.co.jp", 41, "NXDOMAIN", true));
  d.on_event(event("10.0.0.2", "z.example.co.jp", 50, "NXDOMAIN", true));
  d.on_event(event("10.0.0.3", "z.co.jp", 50, "NXDOMAIN", true));  // another client
  EXPECT_TRUE(d.candidates().empty());
}

TEST(Detector, ChainIsTwoPairsAndOneSuffix) {
  Detector d({});
  d.on_event(event("10.0.0.1", "qwzkxvbn.corp.example.co.jp", 0, "NXDOMAIN", false));
  d.on_event(event("10.0.0.1", "qwzkxvbn.example.co.jp", 0, "NXDOMAIN", false));
  d.on_event(event("10.0.0.1", "qwzkxvbn.co.jp", 1, "NXDOMAIN", true));
  AwsResolvers aws({});
  auto r = build_report(d, {}, {}, aws, "UTC");
  ASSERT_EQ(r.suffixes.size(), 1u);
  EXPECT_EQ(r.suffixes[0].name, "corp.example.co.jp");
  EXPECT_EQ(r.pairs.size(), 3u);  // S→D1, D1→D2, and S→D2 directly
}

TEST(Detector, ProbeBurstsOfThreeGiveR5) {
  Detector d({});
  d.on_event(event("10.0.0.1", "qwzkxvbnrt", 0, "NXDOMAIN", true));
  d.on_event(event("10.0.0.1", "pzkqjxwvyh", 1, "NXDOMAIN", true));
  d.on_event(event("10.0.0.1", "xjqzvkwpbn", 2, "NXDOMAIN", true));
  ASSERT_EQ(d.bursts().size(), 1u);
  EXPECT_EQ(d.bursts()[0], 3u);
  AwsResolvers aws({});
  auto r = build_report(d, {{"example.co.jp"}, "given"}, {}, aws, "UTC");
  ASSERT_EQ(r.recommendations.size(), 1u);
  EXPECT_EQ(r.recommendations[0].id, "R5");
}

// A multi-GB log must not be held in memory: past the limits, findings are counted, not kept,
// and the totals, R1's clients and R5 stay whole.
TEST(Detector, FindingsPastTheLimitsAreCountedNotKept) {
  DetectorOptions o;
  o.max_listed = 2;
  o.max_reached = 3;
  Detector d(o);
  const char* labels[] = {"qwzkxvbnrt", "pzkqjxwvyh", "xjqzvkwpbn", "vbzqkxjwpm", "zjxqvkbwtr"};
  for (int i = 0; i < 5; ++i) {
    const std::string client = "10.0.0." + std::to_string(i + 1);
    d.on_event(event(client.c_str(), (std::string(labels[i]) + ".example.co.jp").c_str(), 10 * i,
                     "NXDOMAIN", true));
    d.on_event(event(client.c_str(), (std::string(labels[i]) + ".co.jp").c_str(), 10 * i,
                     "NXDOMAIN", true));
  }
  for (int i = 0; i < 3; ++i)  // one client's burst of three, after the lists are full
    d.on_event(event("10.0.9.9", (std::string(labels[i]) + "x").c_str(), 100 + i, "NXDOMAIN",
                     true));
  EXPECT_EQ(d.candidates().size(), 2u);
  EXPECT_EQ(d.probes().size(), 2u);
  EXPECT_EQ(d.unlisted_probes(), 11u);
  EXPECT_EQ(d.reached().size(), 3u);
  EXPECT_EQ(d.dropped_names(), 10u);
  EXPECT_EQ(d.chromium_bursts(), 1u);

  AwsResolvers aws({});
  auto r = build_report(d, {{"example.co.jp"}, "given"}, {}, aws, "UTC");
  EXPECT_EQ(r.pairs.size(), 2u);
  EXPECT_EQ(r.unlisted_pairs, 3u);
  std::map<std::string, const Recommendation*> recs;
  for (const auto& rec : r.recommendations) recs[rec.id] = &rec;
  ASSERT_TRUE(recs.contains("R1"));
  EXPECT_EQ(recs["R1"]->evidence, 5u);
  EXPECT_EQ(recs["R1"]->clients.size(), 5u);
  ASSERT_TRUE(recs.contains("R5"));
  EXPECT_EQ(recs["R5"]->clients, (std::vector<std::string>{"10.0.9.9"}));
  EXPECT_EQ(r.notes.size(), 3u);  // unlisted pairs, unlisted probes, names not retained
}

}  // namespace
}  // namespace dg::proxy::investigate
