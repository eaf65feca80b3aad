// source_addresses: the per-source packet counters and the choice of the quietest source
// (DEPLOY.md §1), and `check`'s warnings from a fake host (interfaces and routes).
#include <gtest/gtest.h>

#include <thread>

#include "conf/load.hpp"
#include "proxy/aws/packet_counters.hpp"
#include "proxy/aws/source_check.hpp"
#include "proxy/aws/source_choice.hpp"

namespace dg::proxy::aws {
namespace {

conf::IpAddress ip(const char* text) { return *conf::IpAddress::parse(text); }

TEST(PacketCounters, SlotsPerSourceAddress) {
  PacketCounters c;
  EXPECT_EQ(c.slot_for(ip("10.0.1.10")), 1u);
  EXPECT_EQ(c.slot_for(ip("10.0.1.11")), 2u);
  EXPECT_EQ(c.slot_for(ip("10.0.1.10")), 1u);  // the same address keeps its slot
  auto slots = c.slots();
  ASSERT_EQ(slots.size(), 3u);
  EXPECT_FALSE(slots[0].second);  // the kernel's choice
  EXPECT_EQ(slots[2].second->str(), "10.0.1.11");
  for (int i = 2; i <= 8; ++i) c.slot_for(ip(("10.0.2." + std::to_string(i)).c_str()));
  EXPECT_EQ(c.slot_for(ip("10.0.3.1")), PacketCounters::kDefaultSlot);  // full
}

TEST(PacketCounters, ThreadsAddToTheirShardsAndTheSumIsExact) {
  PacketCounters c;
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t)  // more threads than shards: shared shards stay exact
    threads.emplace_back([&c] {
      for (int i = 0; i < 10000; ++i) c.add(1, 1);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.total(1), 120000u);
  EXPECT_EQ(c.total(0), 0u);
}

TEST(PacketCounters, RecentCountsSinceTheMarkOfASecondAgo) {
  PacketCounters c;
  c.add(0, 500);
  EXPECT_EQ(c.recent(0), 500u);
  c.mark_second(0, 500);  // the main loop's tick: the total one second ago
  c.add(0, 20);
  EXPECT_EQ(c.recent(0), 20u);
}

struct ChoiceCase {
  std::string name;
  std::vector<uint64_t> recent;
  std::vector<bool> usable;
  std::size_t expected;
};

class QuietestTest : public testing::TestWithParam<ChoiceCase> {};

TEST_P(QuietestTest, Choice) {
  const auto& c = GetParam();
  EXPECT_EQ(quietest(
                c.recent.size(), [&](std::size_t i) { return bool(c.usable[i]); },
                [&](std::size_t i) { return c.recent[i]; }),
            c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Sources, QuietestTest,
    testing::Values(ChoiceCase{"fewest_wins", {300, 120, 500}, {true, true, true}, 1},
                    ChoiceCase{"tie_first", {7, 7}, {true, true}, 0},
                    ChoiceCase{"unusable_skipped", {0, 90}, {false, true}, 1},
                    ChoiceCase{"none_usable", {0, 0}, {false, false}, 2},
                    ChoiceCase{"one", {1000}, {true}, 0}),
    [](const auto& info) { return info.param.name; });

// Alternating by count: two sources fed one batch at a time by the choice stay within a
// batch of each other.
TEST(Quietest, SpreadsBatchesEvenly) {
  PacketCounters c;
  const std::size_t slots[] = {c.slot_for(ip("10.0.1.10")), c.slot_for(ip("10.0.1.11"))};
  for (int batch = 0; batch < 101; ++batch) {
    auto i = quietest(
        2, [](std::size_t) { return true; }, [&](std::size_t k) { return c.recent(slots[k]); });
    c.add(slots[i], 32);
  }
  EXPECT_EQ(c.total(slots[0]), 51u * 32);
  EXPECT_EQ(c.total(slots[1]), 50u * 32);
}

conf::Config load(const std::string& yaml) {
  auto c = conf::load_string(yaml, "test.yaml");
  EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().str());
  return *c;
}

const InterfaceTable kHost({{"lo", ip("127.0.0.1"), 8, true},
                            {"ens5", ip("10.0.1.10"), 24, false},
                            {"ens5", ip("10.0.1.11"), 24, false},
                            {"ens5", ip("10.0.1.12"), 24, false},
                            {"ens6", ip("10.0.2.10"), 24, false}});

// Routes as the kernel would give them without source-based routing: by destination only,
// everything to 10.0.0.0/16 leaves by ens5.
std::optional<Route> main_table(const conf::IpAddress& to, const std::optional<conf::IpAddress>&) {
  if (to.is_loopback()) return Route{"lo", ip("127.0.0.1")};
  return Route{"ens5", ip("10.0.1.10")};
}
// With a rule per source: each leaves by its own interface.
std::optional<Route> by_source(const conf::IpAddress& to, const std::optional<conf::IpAddress>& from) {
  if (from && kHost.interface_of(*from)) return Route{*kHost.interface_of(*from), from};
  return main_table(to, from);
}

std::string config_with(const std::string& sources) {
  return "aws: {packet_limit: 1024}\nupstreams:\n  aws:\n    servers: [10.0.0.2]\n"
         "    source_addresses: " + sources + "\n";
}

struct CheckCase {
  std::string name;
  std::string sources;
  RouteLookup route;
  std::vector<std::string> warnings;
};

class SourceCheckTest : public testing::TestWithParam<CheckCase> {};

TEST_P(SourceCheckTest, Warnings) {
  auto config = load(config_with(GetParam().sources));
  EXPECT_EQ(source_warnings(config, kHost, GetParam().route), GetParam().warnings);
}

const std::string kAt = "test.yaml:5:23: upstreams.aws.source_addresses: ";

INSTANTIATE_TEST_SUITE_P(
    Host, SourceCheckTest,
    testing::Values(
        CheckCase{"two_share_ens5", "[10.0.1.10, 10.0.1.11]", by_source,
                  {kAt + "10.0.1.10 and 10.0.1.11 share ens5: one 1024 pps budget"}},
        CheckCase{"three_share_ens5", "[10.0.1.10, 10.0.1.11, 10.0.1.12]", by_source,
                  {kAt + "10.0.1.10, 10.0.1.11 and 10.0.1.12 share ens5: one 1024 pps budget"}},
        CheckCase{"own_interfaces_routed_by_source", "[10.0.1.10, 10.0.2.10]", by_source, {}},
        CheckCase{"own_interfaces_but_main_table_route", "[10.0.1.10, 10.0.2.10]", main_table,
                  {kAt + "the route from 10.0.2.10 to 10.0.0.2 leaves by ens5, not ens6: packets "
                         "count against ens5's budget (add source-based routing)"}},
        CheckCase{"not_on_this_host", "[10.9.9.9]", by_source,
                  {kAt + "10.9.9.9 is not an address of this host: sockets bound to it will "
                         "fail"}},
        // 127.0.0.0/8 is all local on lo, though only 127.0.0.1 is listed.
        CheckCase{"loopback_prefix", "[127.0.0.2, 127.0.0.3]", [](auto&, auto&) {
                    return std::optional<Route>(Route{"lo", std::nullopt}); },
                  {kAt + "127.0.0.2 and 127.0.0.3 share lo: one 1024 pps budget"}},
        CheckCase{"no_route_known", "[10.0.2.10]", [](auto&, auto&) {
                    return std::optional<Route>(); }, {}}),
    [](const auto& info) { return info.param.name; });

TEST(SourceCheck, NoSourceAddressesNoWarnings) {
  auto config = load("upstreams:\n  aws:\n    servers: [10.0.0.2]\n");
  EXPECT_TRUE(source_warnings(config, kHost, main_table).empty());
}

}  // namespace
}  // namespace dg::proxy::aws
