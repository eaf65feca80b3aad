#include "conf/units.hpp"

#include <gtest/gtest.h>

namespace dg::conf {
namespace {

using std::chrono::milliseconds;

struct DurationCase {
  std::string name;
  std::string text;
  std::optional<int64_t> ms;  // nullopt: refused
};

class DurationTest : public testing::TestWithParam<DurationCase> {};

TEST_P(DurationTest, Parse) {
  const auto& c = GetParam();
  auto d = parse_duration(c.text);
  ASSERT_EQ(d.has_value(), c.ms.has_value());
  if (d) {
    EXPECT_EQ(d->count(), *c.ms);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DurationTest,
    testing::Values(DurationCase{"ms", "1500ms", 1500}, DurationCase{"s", "30s", 30000},
                    DurationCase{"m", "5m", 300000}, DurationCase{"h", "2h", 7200000},
                    DurationCase{"d", "1d", 86400000}, DurationCase{"zero", "0s", 0},
                    DurationCase{"fraction", "1.5s", 1500},
                    DurationCase{"fraction_ms_exact", "0.001s", 1},
                    DurationCase{"compound", "1h30m", 5400000},
                    DurationCase{"compound_ms", "1s500ms", 1500},
                    DurationCase{"bare_number", "30", std::nullopt},
                    DurationCase{"empty", "", std::nullopt},
                    DurationCase{"unknown_unit", "30x", std::nullopt},
                    DurationCase{"us", "30us", std::nullopt},
                    DurationCase{"upper", "30S", std::nullopt},
                    DurationCase{"negative", "-1s", std::nullopt},
                    DurationCase{"space", "30 s", std::nullopt},
                    DurationCase{"sub_ms", "0.0005s", std::nullopt},
                    DurationCase{"fraction_of_ms", "1.5ms", std::nullopt},
                    DurationCase{"dot_only", "1.s", std::nullopt},
                    DurationCase{"leading_dot", ".5s", std::nullopt},
                    DurationCase{"unit_only", "s", std::nullopt},
                    DurationCase{"trailing_number", "1h30", std::nullopt},
                    DurationCase{"overflow", "99999999999999999999s", std::nullopt},
                    DurationCase{"overflow_unit", "9999999999999999d", std::nullopt}),
    [](const auto& info) { return info.param.name; });

struct SizeCase {
  std::string name;
  std::string text;
  std::optional<uint64_t> bytes;  // nullopt: refused
};

class SizeTest : public testing::TestWithParam<SizeCase> {};

TEST_P(SizeTest, Parse) {
  const auto& c = GetParam();
  auto s = parse_size(c.text);
  ASSERT_EQ(s.has_value(), c.bytes.has_value());
  if (s) {
    EXPECT_EQ(*s, *c.bytes);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SizeTest,
    testing::Values(SizeCase{"bare", "512", 512}, SizeCase{"bytes", "512B", 512},
                    SizeCase{"kib", "64KiB", 65536}, SizeCase{"mib", "100MiB", 100ull << 20},
                    SizeCase{"gib", "1GiB", 1ull << 30}, SizeCase{"tib", "2TiB", 2ull << 40},
                    SizeCase{"zero", "0", 0}, SizeCase{"empty", "", std::nullopt},
                    SizeCase{"decimal_unit", "100MB", std::nullopt},
                    SizeCase{"lower", "100mib", std::nullopt},
                    SizeCase{"space", "100 MiB", std::nullopt},
                    SizeCase{"fraction", "1.5GiB", std::nullopt},
                    SizeCase{"negative", "-1", std::nullopt},
                    SizeCase{"unit_only", "MiB", std::nullopt},
                    SizeCase{"overflow", "99999999999GiB", std::nullopt}),
    [](const auto& info) { return info.param.name; });

struct FormatCase {
  std::string name;
  int64_t ms;
  std::string text;
};

class FormatDurationTest : public testing::TestWithParam<FormatCase> {};

TEST_P(FormatDurationTest, Format) {
  const auto& c = GetParam();
  EXPECT_EQ(format_duration(milliseconds(c.ms)), c.text);
  if (c.ms >= 0) {
    EXPECT_EQ(parse_duration(c.text), milliseconds(c.ms));  // round trip
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, FormatDurationTest,
                         testing::Values(FormatCase{"ms", 1500, "1500ms"},
                                         FormatCase{"s", 30000, "30s"},
                                         FormatCase{"m", 300000, "5m"},
                                         FormatCase{"m_not_h", 5400000, "90m"},
                                         FormatCase{"h", 7200000, "2h"},
                                         FormatCase{"d", 86400000, "1d"},
                                         FormatCase{"zero", 0, "0ms"},
                                         FormatCase{"negative", -2000, "-2s"}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace dg::conf
