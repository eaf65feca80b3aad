// explain's pieces as data: every finding shape (GuardDuty CLI, API, EventBridge, ASFF, OCSF,
// containers, NDJSON) and the verdict rules, one case per rule in their order.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "proxy/investigate/finding.hpp"
#include "proxy/investigate/verdict.hpp"

namespace dg::proxy::investigate {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string kFixtures = std::string(DG_SOURCE_DIR) + "/tests/fixtures/investigate/";
const std::string kSamples = std::string(DG_SOURCE_DIR) + "/tests/fixtures/samples/";

struct ShapeCase {
  const char* name;
  std::string file;
  const char* format;
  std::size_t count;
};
class Shapes : public testing::TestWithParam<ShapeCase> {};
TEST_P(Shapes, SameFindingEveryWay) {
  const auto& c = GetParam();
  auto values = finding_values(read(c.file));
  ASSERT_TRUE(values) << values.error();
  ASSERT_EQ(values->size(), c.count);
  for (const auto& v : *values) {
    auto f = parse_finding(v);
    ASSERT_TRUE(f) << f.error();
    EXPECT_EQ(f->type, kDgaB);
    EXPECT_EQ(f->domain, "dglvrrerxokcxc.co.jp");
    EXPECT_EQ(f->protocol, "UDP");
    EXPECT_EQ(f->blocked, false);
    EXPECT_EQ(f->instance_id, "i-1234567890abcdef0");
    EXPECT_EQ(f->addresses, std::vector<std::string>{"172.31.20.100"});
    EXPECT_EQ(f->id, "samplefindingid1234567890");
    EXPECT_EQ(f->count, 5u);
    ASSERT_TRUE(f->first_seen && f->last_seen);
    EXPECT_EQ(decision_log::format_timestamp(*f->first_seen), "2025-10-01T09:30:00.000000Z");
    EXPECT_EQ(decision_log::format_timestamp(*f->last_seen), "2025-10-01T10:00:00.000000Z");
  }
  if (c.count == 1) {
    EXPECT_EQ(parse_finding(values->front())->format, c.format);
  }
}
INSTANTIATE_TEST_SUITE_P(
    Cases, Shapes,
    testing::Values(ShapeCase{"asff", kSamples + "finding-asff.json", "asff", 1},
                    ShapeCase{"ocsf", kSamples + "finding-ocsf.json", "ocsf", 1},
                    ShapeCase{"cli_findings_wrapper", kFixtures + "finding-guardduty-cli.json",
                              "guardduty-cli", 1},
                    ShapeCase{"api_camel", kFixtures + "finding-guardduty-api.json",
                              "guardduty-api", 1},
                    ShapeCase{"eventbridge", kFixtures + "finding-eventbridge.json", "eventbridge",
                              1},
                    ShapeCase{"ndjson", kFixtures + "findings.ndjson", "", 2}),
    [](const auto& i) { return std::string(i.param.name); });

TEST(Findings, ContainersAndRejects) {
  auto one = read(kFixtures + "finding-guardduty-api.json");
  auto arr = finding_values("[" + one + "," + one + "]");
  ASSERT_TRUE(arr);
  EXPECT_EQ(arr->size(), 2u);
  auto lower = finding_values("{\"findings\":[" + one + "]}");
  ASSERT_TRUE(lower);
  EXPECT_EQ(lower->size(), 1u);
  EXPECT_FALSE(parse_finding(nlohmann::json::parse(R"({"hello":"world"})")));
  EXPECT_FALSE(parse_finding(nlohmann::json::parse("42")));
  EXPECT_FALSE(finding_values("{not json\n"));
}

// Shaped like a finding but damaged: parsed as far as it goes, never a crash or a throw.
TEST(Findings, DamagedFindingsDoNotThrow) {
  for (const char* text : {
           R"({"SchemaVersion":"2.0","Service":null,"Resource":7})",
           R"({"schemaVersion":"2.0","service":{"action":[1,2]},"resource":{"instanceDetails":"x"}})",
           R"({"SchemaVersion":"2018-10-08","ProductArn":"p","Resources":[{"Type":"AwsEc2Instance","Details":[]}]})",
           R"({"class_uid":2004,"finding_info":null,"evidences":{"query":1},"resources":[3],"unmapped":[]})",
           R"({"class_uid":2004})",
           R"({"source":"aws.guardduty","detail":"nope"})"}) {
    const auto v = nlohmann::json::parse(text);
    EXPECT_NO_THROW({
      auto f = parse_finding(v);
      if (f) {
        EXPECT_TRUE(f->domain.empty()) << text;
      }
    }) << text;
  }
}

TEST(Findings, NormaliseType) {
  EXPECT_EQ(normalise_type("TTPs/Command and Control/Trojan:EC2-DGADomainRequest.B"), kDgaB);
  EXPECT_EQ(normalise_type("TTPs/Command and Control/Trojan:EC2-DGADomainRequest.C!DNS"), kDgaC);
  EXPECT_EQ(normalise_type(kDgaB), kDgaB);
}

Finding sample() {
  Finding f;
  f.id = "samplefindingid1234567890";
  f.type = kDgaB;
  f.domain = "dglvrrerxokcxc.co.jp";
  f.protocol = "UDP";
  f.addresses = {"172.31.20.100"};
  f.first_seen = decision_log::parse_timestamp("2025-10-01T09:30:00Z");
  f.last_seen = decision_log::parse_timestamp("2025-10-01T10:00:00Z");
  return f;
}

LogLine line(const char* ts, const char* client, const char* qname, const char* rcode,
             std::optional<uint64_t> ancount, const char* action = "forward",
             const char* devolved_from = "") {
  return LogLine{*decision_log::parse_timestamp(ts), client, qname, "A", action, "r",
                 devolved_from, std::string(rcode), ancount};
}

LogView log_of(std::vector<LogLine> lines, const char* first = "2025-10-01T09:00:00Z",
               const char* last = "2025-10-01T11:00:00Z") {
  LogView v;
  v.any = true;
  v.lines = std::move(lines);
  v.first_ts = decision_log::parse_timestamp(first);
  v.last_ts = decision_log::parse_timestamp(last);
  for (const auto& l : v.lines)
    if (l.client == "172.31.20.100") v.clients_seen = {"172.31.20.100"};
  return v;
}

VerdictContext ctx() {
  VerdictContext c;
  c.suffixes = {"example.co.jp"};
  return c;
}

const LogLine kAsked = line("2025-10-01T09:30:50Z", "172.31.20.100", "dglvrrerxokcxc.example.co.jp",
                            "NXDOMAIN", 0);
const LogLine kDevolved = line("2025-10-01T09:30:50.5Z", "172.31.20.100", "dglvrrerxokcxc.co.jp",
                               "NXDOMAIN", 0);

struct RuleCase {
  const char* name;
  Finding finding;
  LogView log;
  VerdictContext ctx;
  const char* verdict;
  std::optional<std::string> confidence;
  const char* reason;
};

Finding with(auto edit) {
  Finding f = sample();
  edit(f);
  return f;
}

class Rules : public testing::TestWithParam<RuleCase> {};
TEST_P(Rules, FirstThatAppliesWins) {
  const auto& c = GetParam();
  const Verdict v = judge(c.finding, c.log, c.ctx);
  EXPECT_EQ(v.verdict, c.verdict);
  EXPECT_EQ(v.confidence, c.confidence);
  ASSERT_FALSE(v.reasons.empty());
  EXPECT_EQ(v.reasons.front(), c.reason);
}
INSTANTIATE_TEST_SUITE_P(
    InOrder, Rules,
    testing::Values(
        RuleCase{"r1_type", with([](Finding& f) { f.type = "Backdoor:EC2/C&CActivity.B"; }),
                 log_of({kAsked, kDevolved}), ctx(), "investigate", std::nullopt,
                 "type-out-of-scope"},
        RuleCase{"r2_tcp", with([](Finding& f) { f.protocol = "TCP"; }), log_of({kAsked, kDevolved}),
                 ctx(), "investigate", std::nullopt, "not-udp"},
        RuleCase{"r3_resolved", sample(),
                 log_of({line("2025-10-01T09:31:00Z", "172.31.20.100", "dglvrrerxokcxc.co.jp",
                              "NOERROR", 1)}),
                 ctx(), "investigate", std::nullopt, "resolved"},
        RuleCase{"r3_noerror_without_ancount", sample(),
                 log_of({line("2025-10-01T09:31:00Z", "172.31.20.100", "dglvrrerxokcxc.co.jp",
                              "NOERROR", std::nullopt)}),
                 ctx(), "investigate", std::nullopt, "resolved"},
        RuleCase{"r4_probe_shape", with([](Finding& f) { f.domain = "dglvrrerxokcxc.com"; }), {},
                 ctx(), "probe-shape", "low", "probe-shape"},
        RuleCase{"r4_not_under_parent", with([](Finding& f) { f.domain = "exchange.com"; }), {},
                 ctx(), "investigate", std::nullopt, "not-under-devolution-parent"},
        RuleCase{"r5_pair_in_log", sample(), log_of({kAsked, kDevolved}), ctx(),
                 "benign-devolution", "high", "devolution-pair-in-log"},
        RuleCase{"r6_known_dga_feed", with([](Finding& f) { f.type = kDgaC; }), {}, ctx(),
                 "investigate", std::nullopt, "known-dga-feed"},
        RuleCase{"r7_bypassed", sample(),
                 log_of({line("2025-10-01T09:30:50Z", "172.31.20.100", "www.example.co.jp",
                              "NOERROR", 1)}),
                 ctx(), "benign-devolution", "low", "bypassed-devoguard"},
        RuleCase{"r8_random_one_label", sample(), {}, ctx(), "benign-devolution", "medium",
                 "random-label-under-parent"},
        RuleCase{"r8_word_one_label", with([](Finding& f) { f.domain = "mercari.co.jp"; }), {},
                 ctx(), "benign-devolution", "low", "label-under-parent"},
        RuleCase{"r8_multi_label", with([](Finding& f) { f.domain = "www.dglvrrerxokcxc.co.jp"; }),
                 {}, ctx(), "investigate", std::nullopt, "multi-label-no-evidence"}),
    [](const auto& i) { return std::string(i.param.name); });

TEST(Verdict, PairOutsideTheWindowIsNoEvidence) {
  auto late = kDevolved;
  late.ts = kAsked.ts + std::chrono::seconds(31);
  const Verdict v = judge(sample(), log_of({kAsked, late}), ctx());
  EXPECT_NE(v.confidence, "high");
}

TEST(Verdict, BypassWhenDevoguardAnsweredLocally) {
  auto local = line("2025-10-01T09:30:50.5Z", "172.31.20.100", "dglvrrerxokcxc.co.jp", "NXDOMAIN",
                    0, "nxdomain", "dglvrrerxokcxc.example.co.jp");
  const Verdict v = judge(sample(), log_of({kAsked, local}), ctx());
  EXPECT_EQ(v.confidence, "high");
  EXPECT_EQ(v.reasons, (std::vector<std::string>{"devolution-pair-in-log", "bypass"}));
  EXPECT_EQ(v.recommendations.back(), "R4");
  ASSERT_EQ(v.evidence.size(), 2u);
  EXPECT_EQ(v.evidence[0].role, "asked-under-suffix");
  EXPECT_EQ(v.evidence[1].role, "devolved");
}

TEST(Verdict, SelfGivesOriginClients) {
  auto asked = kAsked, devolved = kDevolved;
  asked.client = devolved.client = "10.0.5.7";
  VerdictContext c = ctx();
  c.self = {"172.31.20.100"};
  const Verdict v = judge(sample(), log_of({asked, devolved}), c);
  EXPECT_TRUE(v.on_devoguard);
  EXPECT_EQ(v.origin_clients, std::vector<std::string>{"10.0.5.7"});
  EXPECT_EQ(v.confidence, "high");
}

TEST(Verdict, TreatsTheFindingAsDevoguardWhenItsAddressNeverAsks) {
  auto asked = kAsked, devolved = kDevolved;
  asked.client = devolved.client = "10.0.5.7";
  LogView log = log_of({asked, devolved});
  log.clients_seen.clear();
  const Verdict v = judge(sample(), log, ctx());
  EXPECT_TRUE(v.on_devoguard);
  ASSERT_FALSE(v.notes.empty());
  EXPECT_EQ(v.notes.front(), "treating 172.31.20.100 as devoguard (use --self)");
}

}  // namespace
}  // namespace dg::proxy::investigate
