// The random-label scorer (INVESTIGATE.md §3): the targets of its evaluation, held as a
// deterministic test (seeded positives, fixed Debian lists, no timing), and its edge cases.
#include "rules/random_label/model.hpp"

#include <gtest/gtest.h>

#include <set>

#include "rules/random_label/corpus.hpp"
#include "rules/random_label/evaluation.hpp"

namespace dg::rules::random_label {
namespace {

const Evaluation& evaluation() {
  static const Evaluation e = [] {
    EvaluationInputs in;
    in.ad_hostnames = std::string(DG_SOURCE_DIR) + "/tests/fixtures/ad_hostnames.txt";
    auto r = evaluate(in);
    if (!r) {
      ADD_FAILURE() << r.error();
      return Evaluation{};
    }
    return *r;
  }();
  return e;
}

TEST(Evaluation, SetSizes) {
  const auto& e = evaluation();
  EXPECT_EQ(e.positives, 100001u);  // 100 000 seeded + dglvrrerxokcxc
  EXPECT_GT(e.n1, 100u);            // PSL .jp held out (165 with the 2023-02-09 list)
  EXPECT_GT(e.n2, 1000u);
  EXPECT_GT(e.n3, 200u);
  EXPECT_GE(e.ad_hostnames.size(), 60u);
}

TEST(Evaluation, OverallTprAtOnePercentFpr) {
  const auto& e = evaluation();
  EXPECT_LE(e.fpr, 0.01);
  EXPECT_GE(e.tpr, 0.97);
}

TEST(Evaluation, PerLengthTpr) {
  const auto& e = evaluation();
  ASSERT_EQ(e.rows.size(), 9u);
  EXPECT_EQ(e.rows.front().length, 7u);
  EXPECT_GE(e.rows.front().tpr, 0.90) << "length 7";
  EXPECT_GE(e.tpr_long, 0.99) << "length >= 12";
}

TEST(Evaluation, DefaultMinScoreKeepsFprUnderOnePercent) {
  EXPECT_LE(evaluation().fpr_default, 0.01);
}

TEST(Evaluation, SampleProbeScoresAtLeast099) {
  EXPECT_GE(evaluation().probe_score, 0.99);
  EXPECT_GE(label_score("dglvrrerxokcxc"), 0.99);
}

// Known misses, measured and kept in the fixture rather than quietly dropped from it: names
// glued from IT abbreviations ("ctx", "esxi") look random to a model of English words and
// romaji. The test pins them so that any change (better or worse) is seen.
TEST(Evaluation, AdHostnamesBelowDefaultThreshold) {
  const std::set<std::string> known_misses = {"citrixctx", "esxihost"};
  for (const auto& [name, score] : evaluation().ad_hostnames) {
    if (known_misses.contains(name))
      EXPECT_GE(score, kDefaultMinScore) << name << " (known miss) now scores " << score;
    else
      EXPECT_LT(score, kDefaultMinScore) << name;
  }
}

struct ScoreCase {
  const char* name;
  const char* label;
  double min, max;  // expected score range
};

class LabelScoreTest : public testing::TestWithParam<ScoreCase> {};

TEST_P(LabelScoreTest, InRange) {
  const auto& c = GetParam();
  const double s = label_score(c.label);
  EXPECT_GE(s, c.min) << c.label;
  EXPECT_LE(s, c.max) << c.label;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LabelScoreTest,
    testing::Values(ScoreCase{"sample_probe", "dglvrrerxokcxc", 0.99, 1},
                    ScoreCase{"upper_case_same", "DGLVRRERXOKCXC", 0.99, 1},
                    ScoreCase{"english_word", "exchange", 0, 0.5},
                    ScoreCase{"romaji_place", "mercari", 0, 0.9},
                    ScoreCase{"romaji_city", "kawasaki", 0, 0.5},
                    ScoreCase{"too_short", "xqzvk", 0, 0},
                    ScoreCase{"too_long", "dglvrrerxokcxcdglvrr", 0, 0},
                    ScoreCase{"digits", "srv01abcdefg", 0, 0},
                    ScoreCase{"hyphen", "tokyo-fs", 0, 0}, ScoreCase{"empty", "", 0, 0}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(LabelScore, LengthBoundsAreInclusive) {
  EXPECT_GT(label_score("qxzjvkw", 7, 7), 0);
  EXPECT_EQ(label_score("qxzjvkw", 8, 15), 0);
  EXPECT_GT(label_score("xqzvk", 5, 15), 0);  // min_length 5 lets a 5-letter label in
}

TEST(LabelScore, FirstLabel) {
  EXPECT_EQ(first_label("dglvrrerxokcxc.co.jp"), "dglvrrerxokcxc");
  EXPECT_EQ(first_label("host"), "host");
  EXPECT_EQ(first_label(""), "");
}

// No allocation: checked through RuleSet::classify in rule_set_test.cpp, where the binary's
// counting operator new lives.

TEST(LabelScore, ModelIdIsASha256Prefix) {
  const auto id = model_id();
  ASSERT_EQ(id.size(), 12u);
  for (char c : id) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << id;
}

TEST(Corpus, Crc32MatchesZlib) {
  EXPECT_EQ(crc32(""), 0u);
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);  // the standard check value
}

TEST(Corpus, FoldsAreDisjointAndOnlyProbeLengths) {
  int held = 0, calib = 0;
  for (const char* w : {"kawasaki", "yokohama", "shinjuku", "sapporo", "fukuoka", "nagasaki",
                        "hiroshima", "kumamoto", "kagoshima", "okayama"}) {
    EXPECT_FALSE(held_out(w) && calibration_fold(w)) << w;
    held += held_out(w);
    calib += calibration_fold(w);
  }
  EXPECT_FALSE(held_out("tokyo"));  // 5 letters: never in a fold
  EXPECT_FALSE(calibration_fold("tokyo"));
  EXPECT_LT(held + calib, 10);
}

TEST(Corpus, RandomLabelsAreSeededAndShaped) {
  std::mt19937_64 a(kEvaluationSeed), b(kEvaluationSeed);
  for (int i = 0; i < 100; ++i) {
    const auto x = random_label(a);
    EXPECT_EQ(x, random_label(b));
    EXPECT_GE(x.size(), 7u);
    EXPECT_LE(x.size(), 15u);
    for (char c : x) EXPECT_TRUE(c >= 'a' && c <= 'z');
  }
}

}  // namespace
}  // namespace dg::rules::random_label
