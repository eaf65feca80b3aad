// The table: key fields (DO, CD, group, class, case), NXDOMAIN for every type, LRU order and
// eviction, expiry, stale life and recheck, the entry gauges.
#include "proxy/cache/cache.hpp"

#include <gtest/gtest.h>

#include "replies.hpp"

namespace dg::proxy::cache {
namespace {

using namespace std::chrono_literals;
using test::ReplySpec;

const Clock::time_point t0{};

conf::Cache settings(std::size_t max_entries = 1000, bool stale = false) {
  conf::Cache c;
  c.enabled = true;
  c.max_entries = max_entries;
  c.serve_stale.enabled = stale;
  c.serve_stale.max_stale = 3600s;
  c.serve_stale.recheck = 30s;
  return c;
}

ReplySpec a_reply(const std::string& name, uint32_t ttl = 300) {
  ReplySpec r;
  r.query.qname = name;
  r.answer = {name + ". " + std::to_string(ttl) + " IN A 192.0.2.1"};
  return r;
}

KeyFields fields(const test::ClientQuery& q, std::string_view group = "main") {
  return key_fields(q.msg, q.wire, group);
}

struct KeyCase {
  std::string name;
  test::QuerySpec lookup;
  bool cd = false;
  std::string group = "main";
  bool hit;
};

class KeyTest : public testing::TestWithParam<KeyCase> {};

TEST_P(KeyTest, Fields) {
  const auto& c = GetParam();
  Cache cache(settings());
  auto stored = test::client_query({});
  ASSERT_TRUE(cache.store(fields(stored), test::reply_wire(a_reply("www.example.com")), t0));
  auto q = test::client_query(c.lookup, c.cd);
  EXPECT_EQ(cache.lookup(fields(q, c.group), t0 + 1s).has_value(), c.hit);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, KeyTest,
    testing::Values(KeyCase{"same", {}, false, "main", true},
                    KeyCase{"qname_case_ignored", {.qname = "WWW.Example.Com"}, false, "main", true},
                    KeyCase{"other_name", {.qname = "ftp.example.com"}, false, "main", false},
                    KeyCase{"other_qtype", {.qtype = LDNS_RR_TYPE_AAAA}, false, "main", false},
                    KeyCase{"other_class", {.qclass = LDNS_RR_CLASS_CH}, false, "main", false},
                    KeyCase{"do_bit", {.edns_udp = 1232, .do_bit = true}, false, "main", false},
                    KeyCase{"edns_without_do_same_key", {.edns_udp = 1232}, false, "main", true},
                    KeyCase{"cd_bit", {}, true, "main", false},
                    KeyCase{"other_group", {}, false, "ad", false}),
    [](const auto& info) { return info.param.name; });

TEST(Cache, NxDomainAnswersEveryType) {
  Cache cache(settings());
  auto a = test::client_query({.qname = "gone.example.com"});
  ReplySpec nx{.query = {.qname = "gone.example.com"},
               .rcode = LDNS_RCODE_NXDOMAIN,
               .authority = {test::kSoa}};
  ASSERT_TRUE(cache.store(fields(a), test::reply_wire(nx), t0));
  for (auto type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_MX, LDNS_RR_TYPE_TXT}) {
    auto q = test::client_query({.qname = "gone.example.com", .qtype = type});
    auto f = cache.lookup(fields(q), t0 + 1s);
    ASSERT_TRUE(f) << "type " << int(type);
    EXPECT_TRUE(f->entry->any_type);
  }
  auto other = test::client_query({.qname = "x.gone.example.com"});
  EXPECT_FALSE(cache.lookup(fields(other), t0 + 1s));
  EXPECT_EQ(cache.entries(true), 1u);
  EXPECT_EQ(cache.entries(false), 0u);
}

TEST(Cache, FreshNxDomainBeforeStaleRecordsOfTheName) {
  Cache cache(settings(1000, true));
  auto a = test::client_query({});
  ASSERT_TRUE(cache.store(fields(a), test::reply_wire(a_reply("www.example.com", 60)), t0));
  ReplySpec nx{.rcode = LDNS_RCODE_NXDOMAIN, .authority = {test::kSoa}};
  ASSERT_TRUE(cache.store(fields(a), test::reply_wire(nx), t0 + 10s));  // the name went away
  // While the A record is fresh, it answers for its type...
  auto f = cache.lookup(fields(a), t0 + 20s);
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->entry->negative);
  // ...once stale, the fresh NXDOMAIN does, not the stale record.
  f = cache.lookup(fields(a), t0 + 70s);
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->fresh);
  EXPECT_TRUE(f->entry->any_type);
}

TEST(Cache, NoDataAnswersOnlyItsType) {
  Cache cache(settings());
  auto a = test::client_query({});
  ReplySpec nodata{.authority = {test::kSoa}};
  ASSERT_TRUE(cache.store(fields(a), test::reply_wire(nodata), t0));
  EXPECT_TRUE(cache.lookup(fields(a), t0 + 1s));
  auto aaaa = test::client_query({.qtype = LDNS_RR_TYPE_AAAA});
  EXPECT_FALSE(cache.lookup(fields(aaaa), t0 + 1s));
}

TEST(Cache, NotStoredIsNotFound) {
  Cache cache(settings());
  auto a = test::client_query({});
  EXPECT_FALSE(cache.store(fields(a), test::reply_wire({.rcode = LDNS_RCODE_SERVFAIL}), t0));
  EXPECT_FALSE(cache.lookup(fields(a), t0));
}

TEST(Cache, LeastRecentlyUsedIsEvicted) {
  Cache cache(settings(3));
  ASSERT_EQ(cache.shards(), 1u);
  std::vector<test::ClientQuery> q;
  for (const char* n : {"a.example.com", "b.example.com", "c.example.com", "d.example.com"})
    q.push_back(test::client_query({.qname = n}));
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(cache.store(fields(q[i]), test::reply_wire(a_reply(q[i].msg.qname.str())), t0));
  ASSERT_TRUE(cache.lookup(fields(q[0]), t0 + 1s));  // a is now the most recent: b is last
  ASSERT_TRUE(cache.store(fields(q[3]), test::reply_wire(a_reply("d.example.com")), t0 + 1s));
  EXPECT_TRUE(cache.lookup(fields(q[0]), t0 + 2s));
  EXPECT_FALSE(cache.lookup(fields(q[1]), t0 + 2s)) << "b should have been evicted";
  EXPECT_TRUE(cache.lookup(fields(q[2]), t0 + 2s));
  EXPECT_TRUE(cache.lookup(fields(q[3]), t0 + 2s));
  EXPECT_EQ(cache.evictions_lru(), 1u);
  EXPECT_EQ(cache.entries(false), 3u);
}

TEST(Cache, ReplacingKeepsOneEntry) {
  Cache cache(settings());
  auto q = test::client_query({});
  ASSERT_TRUE(cache.store(fields(q), test::reply_wire(a_reply("www.example.com", 10)), t0));
  ASSERT_TRUE(cache.store(fields(q), test::reply_wire(a_reply("www.example.com", 100)), t0 + 5s));
  EXPECT_EQ(cache.entries(false), 1u);
  auto f = cache.lookup(fields(q), t0 + 50s);
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->fresh);
}

struct LifeCase {
  std::string name;
  bool serve_stale;
  std::chrono::seconds at;
  bool found;
  bool fresh;
};

class LifeTest : public testing::TestWithParam<LifeCase> {};

TEST_P(LifeTest, FreshStaleGone) {
  const auto& c = GetParam();
  Cache cache(settings(1000, c.serve_stale));
  auto q = test::client_query({});
  ASSERT_TRUE(cache.store(fields(q), test::reply_wire(a_reply("www.example.com", 300)), t0));
  auto f = cache.lookup(fields(q), t0 + c.at);
  ASSERT_EQ(f.has_value(), c.found);
  if (f) {
    EXPECT_EQ(f->fresh, c.fresh);
  } else {
    EXPECT_EQ(cache.evictions_expired(), 1u);
    EXPECT_EQ(cache.entries(false), 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, LifeTest,
                         testing::Values(LifeCase{"fresh", false, 299s, true, true},
                                         LifeCase{"expired", false, 300s, false, false},
                                         LifeCase{"stale", true, 300s, true, false},
                                         LifeCase{"stale_last_second", true, 3899s, true, false},
                                         LifeCase{"past_max_stale", true, 3900s, false, false}),
                         [](const auto& info) { return info.param.name; });

TEST(Cache, RecheckAfterFailure) {
  Cache cache(settings(1000, true));
  auto q = test::client_query({});
  ASSERT_TRUE(cache.store(fields(q), test::reply_wire(a_reply("www.example.com", 60)), t0));
  auto f = cache.lookup(fields(q), t0 + 100s);
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->recheck);
  cache.note_failure(fields(q), t0 + 100s);
  f = cache.lookup(fields(q), t0 + 129s);
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->recheck) << "within recheck: no new upstream try";
  f = cache.lookup(fields(q), t0 + 130s);
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->recheck);
}

TEST(Cache, ShardsForLargeTables) {
  EXPECT_EQ(Cache(settings(100000)).shards(), 64u);
  EXPECT_EQ(Cache(settings(4096)).shards(), 4u);
}

}  // namespace
}  // namespace dg::proxy::cache
