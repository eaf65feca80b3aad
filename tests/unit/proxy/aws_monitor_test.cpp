// aws::Monitor, the main loop's per-second bookkeeping, on a real Plan with a fake host and a
// fake ENA provider and an injected clock: packets per (server, source), the ratio per
// interface over the Amazon resolver servers only, the warning after five seconds, the ENA
// reads every ten ticks, and the metric families.
#include "proxy/aws/monitor.hpp"

#include <gtest/gtest.h>

namespace dg::proxy::aws {
namespace {

using std::chrono::seconds;

conf::IpAddress ip(const char* text) { return *conf::IpAddress::parse(text); }

std::shared_ptr<const pipeline::Plan> plan_of(const std::string& yaml) {
  auto c = conf::load_string(yaml, "test.yaml");
  EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().str());
  auto p = pipeline::Plan::build(std::move(*c), nullptr);
  EXPECT_TRUE(p.has_value());
  return *p;
}

class FakeEna final : public StatsProvider {
 public:
  uint64_t value = 0;
  int reads = 0;
  std::expected<uint64_t, std::string> read(const std::string&, std::string_view) override {
    ++reads;
    return value;
  }
};

// Every loopback address is on lo; 10.0.1.x on ens5; routes leave by the source's interface.
Monitor::Host fake_host() {
  InterfaceTable table({{"lo", ip("127.0.0.1"), 8, true}, {"ens5", ip("10.0.1.10"), 24, false}});
  return {[table] { return table; },
          [](const conf::IpAddress& to, const std::optional<conf::IpAddress>& from) {
            if (from) return std::optional<Route>(Route{from->is_loopback() ? "lo" : "ens5", from});
            return std::optional<Route>(
                Route{to.is_loopback() ? "lo" : "ens5", ip(to.is_loopback() ? "127.0.0.1" : "10.0.1.10")});
          }};
}

const char* kConfig = R"(
aws: {resolvers: [127.0.0.1], packet_limit: 100, warn_ratio: 0.8, ena_interfaces: [ens5]}
upstreams:
  vpc: { servers: ["127.0.0.1:5300"] }
  other: { servers: ["127.0.0.9:5300"] }
rules:
  - name: default
    forward: vpc
)";

struct Fixture {
  FakeEna ena;
  Monitor monitor{ena, fake_host()};
  std::shared_ptr<const pipeline::Plan> plan = plan_of(kConfig);
  upstream::ServerState& vpc = *plan->groups[0].servers[0];
  upstream::ServerState& other = *plan->groups[1].servers[0];
  Monitor::Clock::time_point t0{};
  int second = 0;
  Fixture() { monitor.set_plan(plan); }
  // One second: `vpc_packets` to the Amazon resolver, `other_packets` elsewhere, then a tick.
  void run(uint64_t vpc_packets, uint64_t other_packets = 0) {
    vpc.packets.add(0, vpc_packets);
    other.packets.add(0, other_packets);
    monitor.tick(t0 + seconds(++second));
  }
};

TEST(AwsMonitor, RatioIsTheBusiestSecondOverTheLimit) {
  Fixture f;
  f.run(50);
  EXPECT_DOUBLE_EQ(f.monitor.ratio("lo"), 0.5);
  f.run(250);
  EXPECT_DOUBLE_EQ(f.monitor.ratio("lo"), 2.5);
  for (int i = 0; i < 9; ++i) f.run(0);  // the busy second stays ten seconds in the gauge
  EXPECT_DOUBLE_EQ(f.monitor.ratio("lo"), 2.5);
  f.run(0);
  EXPECT_DOUBLE_EQ(f.monitor.ratio("lo"), 0.0);
}

TEST(AwsMonitor, OnlyAmazonResolverServersCount) {
  Fixture f;
  f.run(10, 5000);  // 127.0.0.9 is not an Amazon resolver
  EXPECT_DOUBLE_EQ(f.monitor.ratio("lo"), 0.1);
}

TEST(AwsMonitor, WarnsAfterFiveSecondsThenOnceAMinute) {
  Fixture f;
  for (int i = 0; i < 4; ++i) f.run(90);
  EXPECT_EQ(f.monitor.warnings(), 0u);
  f.run(90);
  EXPECT_EQ(f.monitor.warnings(), 1u);
  for (int i = 0; i < 59; ++i) f.run(90);  // up to 59 s after the first
  EXPECT_EQ(f.monitor.warnings(), 1u);
  f.run(90);  // a minute after the first
  EXPECT_EQ(f.monitor.warnings(), 2u);
}

TEST(AwsMonitor, BelowTheRatioNoWarning) {
  Fixture f;
  for (int i = 0; i < 30; ++i) f.run(79);
  EXPECT_EQ(f.monitor.warnings(), 0u);
}

TEST(AwsMonitor, PublishesTheMarkForTheSourceChoice) {
  Fixture f;
  f.run(40);
  f.run(60);
  // The mark is the total a second ago: recent() is the last second plus what follows.
  EXPECT_EQ(f.vpc.packets.recent(0), 60u);
}

TEST(AwsMonitor, ReadsEnaEveryTenTicksAndCountsRises) {
  Fixture f;
  f.ena.value = 7;
  f.run(0);  // first tick: the baseline
  EXPECT_EQ(f.ena.reads, 1);
  f.ena.value = 9;
  for (int i = 0; i < 9; ++i) f.run(0);
  EXPECT_EQ(f.ena.reads, 1);
  EXPECT_EQ(f.monitor.ena_rises(), 0u);
  f.run(0);
  EXPECT_EQ(f.ena.reads, 2);
  EXPECT_EQ(f.monitor.ena_rises(), 1u);
}

TEST(AwsMonitor, MetricFamilies) {
  Fixture f;
  f.run(120);
  f.ena.value = 3;
  std::string text;
  f.monitor.render(text);
  for (const char* line :
       {"devoguard_upstream_packets_total{server=\"127.0.0.1:5300\",source=\"127.0.0.1\"} 120\n",
        "devoguard_upstream_pps{server=\"127.0.0.1:5300\",source=\"127.0.0.1\"} 120\n",
        "devoguard_upstream_packets_total{server=\"127.0.0.9:5300\",source=\"127.0.0.1\"} 0\n",
        "devoguard_aws_pps_ratio{interface=\"lo\"} 1.2\n",
        "devoguard_ena_linklocal_allowance_exceeded_total{interface=\"ens5\"} 0\n",
        "# TYPE devoguard_upstream_pps gauge\n"})
    EXPECT_NE(text.find(line), std::string::npos) << line << "\nin:\n" << text;
}

TEST(AwsMonitor, BoundSourcesAreSeriesOfTheirOwn) {
  Fixture f;
  const auto a = f.vpc.packets.slot_for(ip("127.0.0.2"));
  const auto b = f.vpc.packets.slot_for(ip("127.0.0.3"));
  f.vpc.packets.add(a, 30);
  f.vpc.packets.add(b, 50);
  f.run(0);
  EXPECT_DOUBLE_EQ(f.monitor.ratio("lo"), 0.8);  // both on lo: one budget
  std::string text;
  f.monitor.render(text);
  EXPECT_NE(text.find("devoguard_upstream_pps{server=\"127.0.0.1:5300\",source=\"127.0.0.2\"} 30"),
            std::string::npos) << text;
  EXPECT_NE(text.find("devoguard_upstream_pps{server=\"127.0.0.1:5300\",source=\"127.0.0.3\"} 50"),
            std::string::npos) << text;
}

}  // namespace
}  // namespace dg::proxy::aws
