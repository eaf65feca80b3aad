// The decision-log fields INVESTIGATE.md adds, `ancount` and `label_score`: read back by the
// scanner (number, null, absent, malformed) and shown by `devoguard log`'s table detail.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "proxy/decision_log/line.hpp"
#include "proxy/decision_log/record.hpp"
#include "proxy/decision_log/table.hpp"

namespace dg::proxy::decision_log {
namespace {

const std::string kHead = R"({"ts":"2026-11-23T07:30:50.123456Z","client":"10.0.0.1",)"
                          R"("qname":"x.co.jp","action":"forward")";

struct Case {
  std::string name;
  std::string tail;  // appended before the closing brace
  std::optional<uint64_t> ancount;
  std::optional<double> label_score;
  std::string detail;
  std::string error;  // empty: scans
};

class AdditionsTest : public testing::TestWithParam<Case> {};

TEST_P(AdditionsTest, Scan) {
  const auto& c = GetParam();
  Line line;
  auto ok = line.scan(kHead + c.tail + "}");
  if (!c.error.empty()) {
    ASSERT_FALSE(ok);
    EXPECT_EQ(ok.error(), c.error);
    return;
  }
  ASSERT_TRUE(ok) << ok.error();
  EXPECT_EQ(line.ancount, c.ancount);
  EXPECT_EQ(line.label_score, c.label_score);
  EXPECT_EQ(detail_of(line), c.detail);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AdditionsTest,
    testing::Values(
        Case{"absent", "", std::nullopt, std::nullopt, "", ""},
        Case{"ancount_zero", R"(,"ancount":0)", 0, std::nullopt, "ancount=0", ""},
        Case{"ancount_three", R"(,"ancount":3)", 3, std::nullopt, "ancount=3", ""},
        Case{"ancount_null", R"(,"ancount":null)", std::nullopt, std::nullopt, "", ""},
        Case{"label_score", R"(,"ancount":0,"label_score":0.998)", 0, 0.998,
             "ancount=0 label_score=0.998", ""},
        Case{"label_score_zero", R"(,"label_score":0.000)", std::nullopt, 0.0,
             "label_score=0.000", ""},
        Case{"ancount_text", R"(,"ancount":"1")", std::nullopt, std::nullopt, "",
             "ancount: expected a number at column 104"},
        Case{"label_score_text", R"(,"label_score":"x")", std::nullopt, std::nullopt, "",
             "label_score: expected a number at column 108"}),
    [](const auto& info) { return info.param.name; });

TEST(Additions, ReadsWhatRecordWrites) {
  Record r;
  r.ts = std::chrono::system_clock::time_point{};
  r.client = *conf::IpAddress::parse("10.0.0.1");
  r.qname = "dglvrrerxokcxc.co.jp";
  r.action = "nxdomain";
  r.rcode = 3;
  r.ancount = 0;
  r.label_score = 0.9994f;
  const std::string text = to_json(r);
  Line line;
  ASSERT_TRUE(line.scan(text)) << text;
  EXPECT_EQ(line.ancount, 0u);
  ASSERT_TRUE(line.label_score);
  EXPECT_DOUBLE_EQ(*line.label_score, 0.999);
}

}  // namespace
}  // namespace dg::proxy::decision_log
