// The store rules (DEPLOY.md §1): which upstream replies are cached, for how long, and what of
// them is kept. Cases: reply → TTL, negative, any-type; or the reason it is not stored.
#include "proxy/cache/entry.hpp"

#include <gtest/gtest.h>

#include "replies.hpp"

namespace dg::proxy::cache {
namespace {

using test::ReplySpec;

struct StoreCase {
  std::string name;
  ReplySpec reply;
  conf::Cache settings{};
  std::optional<uint32_t> ttl;  // none: not stored, for `skip`
  bool negative = false;
  bool any_type = false;
  Skip skip = Skip::Malformed;
};

conf::Cache with(uint32_t min_ttl, uint32_t max_ttl, uint32_t neg_min = 0, uint32_t neg_max = 900) {
  conf::Cache c;
  c.min_ttl = min_ttl;
  c.max_ttl = max_ttl;
  c.negative_min_ttl = neg_min;
  c.negative_max_ttl = neg_max;
  return c;
}

const char* kA300 = "www.example.com. 300 IN A 192.0.2.1";
const char* kA100 = "www.example.com. 100 IN A 192.0.2.2";

ReplySpec nx(std::vector<std::string> authority, ldns_pkt_rcode rcode = LDNS_RCODE_NXDOMAIN) {
  ReplySpec r;
  r.rcode = rcode;
  r.authority = std::move(authority);
  return r;
}

std::string soa(uint32_t ttl, uint32_t minimum) {
  return "example.com. " + std::to_string(ttl) +
         " IN SOA ns.example.com. host.example.com. 1 7200 900 1209600 " + std::to_string(minimum);
}

std::vector<StoreCase> cases() {
  std::vector<StoreCase> v;
  v.push_back({"positive_min_of_answers", {.answer = {kA300, kA100}}, {}, 100});
  v.push_back({"positive_min_includes_authority",
               {.answer = {kA300}, .authority = {"example.com. 50 IN NS ns.example.com."}}, {}, 50});
  v.push_back({"positive_additional_not_counted",
               {.answer = {kA300}, .additional = {"ns.example.com. 5 IN A 192.0.2.53"}}, {}, 300});
  v.push_back({"positive_clamped_up_to_min_ttl", {.answer = {kA100}}, with(120, 3600), 120});
  v.push_back({"positive_clamped_down_to_max_ttl",
               {.answer = {"www.example.com. 86400 IN A 192.0.2.1"}}, with(0, 3600), 3600});
  v.push_back({"positive_ttl_zero_not_stored", {.answer = {"www.example.com. 0 IN A 192.0.2.1"}},
               {}, std::nullopt, false, false, Skip::ZeroTtl});
  v.push_back({"positive_ttl_zero_raised_by_min_ttl",
               {.answer = {"www.example.com. 0 IN A 192.0.2.1"}}, with(5, 3600), 5});
  v.push_back({"nxdomain_soa_minimum_smaller", nx({soa(3600, 300)}), {}, 300, true, true});
  v.push_back({"nxdomain_soa_ttl_smaller", nx({soa(100, 300)}), {}, 100, true, true});
  v.push_back({"nxdomain_clamped_to_negative_max", nx({soa(7200, 7200)}), {}, 900, true, true});
  v.push_back({"nxdomain_clamped_up_to_negative_min", nx({soa(10, 10)}), with(0, 3600, 60), 60,
               true, true});
  v.push_back({"nxdomain_positive_bounds_do_not_apply", nx({soa(7200, 7200)}), with(0, 60), 900,
               true, true});
  v.push_back({"nxdomain_without_soa", nx({}), {}, std::nullopt, false, false, Skip::NoSoa});
  v.push_back({"nxdomain_after_cname_covers_only_its_type",
               {.rcode = LDNS_RCODE_NXDOMAIN,
                .answer = {"www.example.com. 60 IN CNAME gone.example.com."},
                .authority = {soa(3600, 300)}},
               {}, 60, true, false});
  v.push_back({"nodata_with_soa", nx({soa(3600, 300)}, LDNS_RCODE_NOERROR), {}, 300, true, false});
  v.push_back({"nodata_without_soa_is_a_referral",
               nx({"example.com. 3600 IN NS ns.example.com."}, LDNS_RCODE_NOERROR), {},
               std::nullopt, false, false, Skip::Referral});
  v.push_back({"negative_ttl_zero", nx({soa(3600, 0)}), {}, std::nullopt, false, false,
               Skip::ZeroTtl});
  v.push_back({"servfail", {.rcode = LDNS_RCODE_SERVFAIL}, {}, std::nullopt, false, false,
               Skip::Rcode});
  v.push_back({"refused", {.rcode = LDNS_RCODE_REFUSED}, {}, std::nullopt, false, false,
               Skip::Rcode});
  v.push_back({"formerr", {.rcode = LDNS_RCODE_FORMERR}, {}, std::nullopt, false, false,
               Skip::Rcode});
  v.push_back({"notimp", {.rcode = LDNS_RCODE_NOTIMPL}, {}, std::nullopt, false, false,
               Skip::Rcode});
  v.push_back({"truncated", {.answer = {kA300}, .tc = true}, {}, std::nullopt, false, false,
               Skip::Truncated});
  return v;
}

class StoreTest : public testing::TestWithParam<StoreCase> {};

TEST_P(StoreTest, Rules) {
  const auto& c = GetParam();
  auto e = make_entry(test::reply_wire(c.reply), c.settings, Clock::time_point{});
  if (!c.ttl) {
    ASSERT_FALSE(e) << "stored with ttl " << e->ttl;
    EXPECT_EQ(e.error(), c.skip);
    return;
  }
  ASSERT_TRUE(e) << "not stored: " << int(e.error());
  EXPECT_EQ(e->ttl, *c.ttl);
  EXPECT_EQ(e->negative, c.negative);
  EXPECT_EQ(e->any_type, c.any_type);
}

INSTANTIATE_TEST_SUITE_P(Cases, StoreTest, testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.name; });

TEST(Store, OverFourKibNotStored) {
  ReplySpec r;
  for (int i = 0; i < 300; ++i)
    r.answer.push_back("www.example.com. 300 IN A 192.0.2." + std::to_string(i % 250));
  const auto wire = test::reply_wire(r);
  ASSERT_GT(wire.size(), kMaxStoredSize);
  auto e = make_entry(wire, {}, Clock::time_point{});
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error(), Skip::TooLarge);
}

TEST(Store, OptLeftOutAndTtlsRewritten) {
  ReplySpec r{.answer = {kA300, kA100},
              .authority = {"example.com. 86400 IN NS ns.example.com."},
              .opt = true};
  r.query.edns_udp = 1232;
  auto e = make_entry(test::reply_wire(r), with(0, 3600), Clock::time_point{});
  ASSERT_TRUE(e);
  auto pkt = dns::test::from_wire(e->wire);
  ASSERT_TRUE(pkt);
  EXPECT_FALSE(ldns_pkt_edns(pkt.get())) << "the OPT must not be stored";
  EXPECT_EQ(ldns_pkt_arcount(pkt.get()), 0);
  ASSERT_EQ(e->ttl_at.size(), 3u);
  // Every record now says at most the entry's life (100 s): none outlives the entry.
  for (std::size_t i = 0; i < ldns_pkt_ancount(pkt.get()); ++i)
    EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(pkt.get()), i)), 100u);
  EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_authority(pkt.get()), 0)), 100u);
}

TEST(Store, NegativeSoaCarriesTheNegativeTtl) {
  auto e = make_entry(test::reply_wire(nx({soa(3600, 300)})), {}, Clock::time_point{});
  ASSERT_TRUE(e);
  auto pkt = dns::test::from_wire(e->wire);
  EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_authority(pkt.get()), 0)), 300u);
}

}  // namespace
}  // namespace dg::proxy::cache
