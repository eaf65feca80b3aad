// Replies served from an entry: the client's ID and qname case, aged TTLs, the client's own
// OPT, TC for the UDP limit, stale answers (RFC 8767) with EDE 3 / 19 (RFC 8914).
#include "proxy/cache/reply.hpp"

#include <gtest/gtest.h>

#include "replies.hpp"

namespace dg::proxy::cache {
namespace {

using namespace std::chrono_literals;
using test::ReplySpec;

const Clock::time_point t0{};

Entry entry_for(const ReplySpec& r, const conf::Cache& settings = {}) {
  auto e = make_entry(test::reply_wire(r), settings, t0);
  if (!e) std::abort();
  return *e;
}

ReplySpec positive() {
  return {.answer = {"www.example.com. 300 IN A 192.0.2.1", "www.example.com. 300 IN A 192.0.2.2"}};
}

test::Pkt serve(const Entry& e, const test::ClientQuery& q, Clock::time_point now, Serve how,
                std::size_t* size = nullptr) {
  std::vector<uint8_t> out;
  build_reply(e, q.msg, q.wire, now, how, out);
  if (size) *size = out.size();
  return dns::test::from_wire(out);
}

uint16_t ede_of(const ldns_pkt* pkt) {
  ldns_edns_option_list* list = ldns_pkt_edns_get_option_list(const_cast<ldns_pkt*>(pkt));
  if (!list) return 0;
  for (std::size_t i = 0; i < ldns_edns_option_list_get_count(list); ++i) {
    auto* o = ldns_edns_option_list_get_option(list, i);
    if (ldns_edns_get_code(o) == LDNS_EDNS_EDE && ldns_edns_get_size(o) >= 2) {
      const auto* d = ldns_edns_get_data(o);
      return uint16_t(d[0] << 8 | d[1]);
    }
  }
  return 0;
}

TEST(Reply, IdAndQnameCaseOfTheClient) {
  const auto e = entry_for(positive());
  auto q = test::client_query({.qname = "WwW.ExAmple.COM", .id = 0xbeef});
  auto pkt = serve(e, q, t0, {});
  ASSERT_TRUE(pkt);
  EXPECT_EQ(ldns_pkt_id(pkt.get()), 0xbeef);
  char* owner = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(pkt.get()), 0)));
  EXPECT_STREQ(owner, "WwW.ExAmple.COM.");
  std::free(owner);
  EXPECT_EQ(ldns_pkt_ancount(pkt.get()), 2);
  EXPECT_TRUE(ldns_pkt_qr(pkt.get()));
  EXPECT_TRUE(ldns_pkt_rd(pkt.get()));
  EXPECT_FALSE(ldns_pkt_edns(pkt.get())) << "no OPT to a client that sent none";
}

struct AgeCase {
  std::string name;
  std::chrono::milliseconds age;
  uint32_t ttl;
};

class AgeTest : public testing::TestWithParam<AgeCase> {};

TEST_P(AgeTest, WholeSecondsOfAge) {
  const auto e = entry_for(positive());
  auto q = test::client_query({});
  auto pkt = serve(e, q, t0 + GetParam().age, {});
  for (std::size_t i = 0; i < ldns_pkt_ancount(pkt.get()); ++i)
    EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(pkt.get()), i)), GetParam().ttl);
}

INSTANTIATE_TEST_SUITE_P(Cases, AgeTest,
                         testing::Values(AgeCase{"fresh", 0ms, 300}, AgeCase{"under_1s", 999ms, 300},
                                         AgeCase{"10_9s", 10900ms, 290},
                                         AgeCase{"last_second", 299999ms, 1},
                                         AgeCase{"past_expiry_floors_at_0", 400s, 0}),
                         [](const auto& info) { return info.param.name; });

TEST(Reply, NxDomainAnswersTheClientsQtype) {
  const auto e = entry_for({.rcode = LDNS_RCODE_NXDOMAIN, .authority = {test::kSoa}});
  auto q = test::client_query({.qtype = LDNS_RR_TYPE_MX});
  auto pkt = serve(e, q, t0 + 5s, {});
  EXPECT_EQ(ldns_pkt_get_rcode(pkt.get()), LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_question(pkt.get()), 0)), LDNS_RR_TYPE_MX);
  EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_authority(pkt.get()), 0)), 295u);
}

TEST(Reply, ClientsOwnOpt) {
  const auto e = entry_for(positive());
  auto q = test::client_query({.edns_udp = 4096, .do_bit = true});
  auto pkt = serve(e, q, t0, {});
  ASSERT_TRUE(ldns_pkt_edns(pkt.get()));
  EXPECT_EQ(ldns_pkt_edns_udp_size(pkt.get()), 1232);
  EXPECT_TRUE(ldns_pkt_edns_do(pkt.get()));
  EXPECT_EQ(ede_of(pkt.get()), 0);
}

// A reply of about 700 bytes: over 512, under 1232.
ReplySpec large() {
  ReplySpec r;
  for (int i = 0; i < 40; ++i)
    r.answer.push_back("www.example.com. 300 IN A 192.0.2." + std::to_string(i + 1));
  return r;
}

struct TcCase {
  std::string name;
  std::optional<uint16_t> edns_udp;
  bool udp;
  bool tc;
};

class TcTest : public testing::TestWithParam<TcCase> {};

TEST_P(TcTest, ClientLimit) {
  const auto& c = GetParam();
  const auto e = entry_for(large());
  auto q = test::client_query({.edns_udp = c.edns_udp});
  std::size_t size = 0;
  auto pkt = serve(e, q, t0, {.udp = c.udp}, &size);
  ASSERT_TRUE(pkt);
  EXPECT_EQ(ldns_pkt_tc(pkt.get()), c.tc);
  EXPECT_EQ(ldns_pkt_ancount(pkt.get()), c.tc ? 0 : 40);
  if (c.udp) {
    EXPECT_LE(size, c.edns_udp ? *c.edns_udp : 512u);
  }
  EXPECT_EQ(ldns_pkt_edns(pkt.get()), c.edns_udp.has_value());
}

INSTANTIATE_TEST_SUITE_P(Cases, TcTest,
                         testing::Values(TcCase{"udp_no_edns_512", std::nullopt, true, true},
                                         TcCase{"udp_edns_512", 512, true, true},
                                         TcCase{"udp_edns_1232", 1232, true, false},
                                         TcCase{"tcp_in_full", std::nullopt, false, false}),
                         [](const auto& info) { return info.param.name; });

TEST(Reply, StaleAnswerTtlAndEde3) {
  const auto e = entry_for(positive());
  auto q = test::client_query({.edns_udp = 1232});
  auto pkt = serve(e, q, t0 + 3600s, {.stale_ttl = 30});
  EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(pkt.get()), 0)), 30u);
  EXPECT_EQ(ede_of(pkt.get()), 3);
}

TEST(Reply, StaleNxDomainEde19) {
  const auto e = entry_for({.rcode = LDNS_RCODE_NXDOMAIN, .authority = {test::kSoa}});
  auto q = test::client_query({.edns_udp = 1232});
  auto pkt = serve(e, q, t0 + 3600s, {.stale_ttl = 30});
  EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_authority(pkt.get()), 0)), 30u);
  EXPECT_EQ(ede_of(pkt.get()), 19);
}

TEST(Reply, StaleWithoutEdnsHasNoOpt) {
  const auto e = entry_for(positive());
  auto q = test::client_query({});
  auto pkt = serve(e, q, t0 + 3600s, {.stale_ttl = 30});
  EXPECT_FALSE(ldns_pkt_edns(pkt.get()));
  EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(pkt.get()), 0)), 30u);
}

}  // namespace
}  // namespace dg::proxy::cache
