// The ENA linklocal_allowance_exceeded reader through a fake stats provider (the ETHTOOL_GSTATS
// implementation needs an ENA interface, which this machine does not have).
#include <gtest/gtest.h>

#include <deque>
#include <map>

#include "proxy/aws/ena_stats.hpp"

namespace dg::proxy::aws {
namespace {

// Readings scripted per interface: a value, or an error text.
class FakeStats final : public StatsProvider {
 public:
  std::map<std::string, std::deque<std::expected<uint64_t, std::string>>> script;
  std::vector<std::string> asked;
  std::expected<uint64_t, std::string> read(const std::string& interface,
                                            std::string_view stat) override {
    asked.push_back(interface + ":" + std::string(stat));
    auto& q = script[interface];
    if (q.empty()) return std::unexpected(std::string("no more readings"));
    auto v = q.front();
    q.pop_front();
    return v;
  }
};

std::string describe(const std::vector<EnaReader::Event>& events) {
  std::string out;
  for (const auto& e : events) {
    if (!out.empty()) out += "; ";
    out += e.kind == EnaReader::Event::Rose
               ? e.interface + " rose " + std::to_string(e.rise) + " to " + std::to_string(e.value)
               : e.interface + " failed: " + e.why;
  }
  return out;
}

using R = std::expected<uint64_t, std::string>;
R fail(const char* why) { return std::unexpected(std::string(why)); }

TEST(EnaReader, AsksForTheStatByName) {
  FakeStats fake;
  fake.script["ens5"] = {R(0)};
  EnaReader reader({"ens5"}, fake);
  reader.poll();
  EXPECT_EQ(fake.asked, std::vector<std::string>{"ens5:linklocal_allowance_exceeded"});
}

struct Case {
  std::string name;
  std::vector<R> readings;            // of ens5, one a poll
  std::vector<std::string> expected;  // events of each poll
  std::optional<uint64_t> value;      // for the metric after the last poll
};

class EnaReaderTest : public testing::TestWithParam<Case> {};

TEST_P(EnaReaderTest, Events) {
  FakeStats fake;
  for (const auto& r : GetParam().readings) fake.script["ens5"].push_back(r);
  EnaReader reader({"ens5"}, fake);
  std::vector<std::string> got;
  for (std::size_t i = 0; i < GetParam().readings.size(); ++i) got.push_back(describe(reader.poll()));
  EXPECT_EQ(got, GetParam().expected);
  auto it = reader.values().find("ens5");
  EXPECT_EQ(it == reader.values().end() ? std::nullopt : std::optional(it->second),
            GetParam().value);
}

INSTANTIATE_TEST_SUITE_P(
    Readings, EnaReaderTest,
    testing::Values(
        // The first reading is the baseline: drops before devoguard started are not news.
        Case{"first_reading_is_baseline", {R(42)}, {""}, 42},
        Case{"unchanged_is_quiet", {R(42), R(42)}, {"", ""}, 42},
        Case{"each_rise_is_an_event", {R(0), R(5), R(5), R(12)},
             {"", "ens5 rose 5 to 5", "", "ens5 rose 7 to 12"}, 12},
        // A driver reset (lower value) is a new baseline, and rises count from it.
        Case{"reset_is_new_baseline", {R(100), R(3), R(4)}, {"", "", "ens5 rose 1 to 4"}, 4},
        // A failure is reported once, not every 10 s; a success re-arms it.
        Case{"failure_reported_once", {fail("No such device"), fail("No such device"), R(7),
                                       fail("No such device")},
             {"ens5 failed: No such device", "", "", "ens5 failed: No such device"}, 7},
        Case{"never_read", {fail("no statistic")}, {"ens5 failed: no statistic"}, std::nullopt},
        // A failed reading in between keeps the baseline.
        Case{"failure_keeps_baseline", {R(10), fail("EIO"), R(11)},
             {"", "ens5 failed: EIO", "ens5 rose 1 to 11"}, 11}),
    [](const auto& info) { return info.param.name; });

TEST(EnaReader, InterfacesAreIndependent) {
  FakeStats fake;
  fake.script["ens5"] = {R(1), R(2)};
  fake.script["ens6"] = {R(10), R(10)};
  EnaReader reader({"ens5", "ens6"}, fake);
  EXPECT_EQ(describe(reader.poll()), "");
  EXPECT_EQ(describe(reader.poll()), "ens5 rose 1 to 2");
  EXPECT_EQ(reader.values().at("ens6"), 10u);
}

}  // namespace
}  // namespace dg::proxy::aws
