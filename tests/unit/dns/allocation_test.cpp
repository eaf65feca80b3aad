// The hot-path promise of this unit: parsing, comparing and answering allocate nothing (once
// the answer buffer has grown). Checked by counting global operator new in this test binary,
// and a robustness sweep: mutated queries never crash and what parses answers well-formed.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <random>

#include "proxy/dns/answer.hpp"
#include "tests/unit/dns/wire.hpp"

namespace {
std::atomic<long> g_news{0};  // test-only instrumentation, not product state
}

// GCC 12 flags free() in a replaced operator delete as a mismatch once it inlines both; the
// pairing is ours and correct.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  g_news.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace dg::proxy::dns {
namespace {

using namespace test;

TEST(Allocation, CounterSeesAllocations) {
  const long before = g_news.load();
  auto p = std::make_unique<std::vector<int>>(100);
  EXPECT_GE(g_news.load() - before, 2);
}

TEST(Allocation, HotPathAllocatesNothing) {
  const Bytes wire = query_wire({.qname = "Dglvrrerxokcxc.Example.co.jp", .edns_udp = 1232,
                                 .do_bit = true});
  const Bytes reply = wire;  // same question: enough for same_question
  const AnswerSpec spec{.rcode = kNxDomain, .soa_owner = "co.jp",
                        .ede = Ede{EdeCode::Blocked, "rule devolved"}};
  std::vector<uint8_t> out;
  out.reserve(512);

  const long before = g_news.load();
  auto q = parse_query(wire);
  ASSERT_TRUE(q);
  Name name;
  ASSERT_TRUE(read_name(wire, kHeaderSize, name));
  EXPECT_TRUE(same_question(reply, *q));
  build_answer(*q, wire, spec, out);
  build_error(wire, kFormErr, out);
  const std::string a = qtype_name(65280), b = qtype_name(1), c = rcode_name(3), d = rcode_name(200);
  EXPECT_EQ(parent_of(q->qname.view()), "example.co.jp");
  EXPECT_EQ(g_news.load(), before);
  EXPECT_EQ(a + b + c + d, "TYPE65280ANXDOMAINRCODE200");
}

TEST(Robustness, MutatedQueriesNeverCrash) {
  const std::vector<Bytes> seeds = {
      query_wire({}),
      query_wire({.qname = "a.b.c.example.co.jp", .edns_udp = 4096, .do_bit = true}),
      cat({header(1, 0, 1, 1, 1, 1), name_wire("www.example.com"), type_class_a_in(), pointer(12),
           rr_fixed(1, 1, 60, 4), Bytes{1, 2, 3, 4}, pointer(16), rr_fixed(2, 1, 60, 2),
           pointer(16), Bytes{0}, rr_fixed(41, 1232, 0x8000, 0)}),
  };
  std::mt19937 rng(20260101);  // fixed seed: the same cases on every run
  std::vector<uint8_t> out;
  int parsed = 0;
  for (int i = 0; i < 30000; ++i) {
    Bytes w = seeds[std::size_t(i) % seeds.size()];
    const int edits = 1 + int(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      switch (rng() % 3) {
        case 0: w[rng() % w.size()] = uint8_t(rng()); break;
        case 1: w.resize(rng() % (w.size() + 1)); break;
        default: w.push_back(uint8_t(rng())); break;
      }
      if (w.empty()) w.push_back(0);
    }
    auto q = parse_query(w);
    if (!q) continue;
    ++parsed;
    build_answer(*q, w, {.rcode = kNxDomain, .soa_owner = parent_of(q->qname.view()),
                         .ede = Ede{EdeCode::Blocked, "x"}}, out);
    ASSERT_TRUE(from_wire(out)) << "case " << i;
    EXPECT_TRUE(same_question(out, *q)) << "case " << i;
  }
  EXPECT_GT(parsed, 1000);  // the sweep exercised the answer path, not only rejections
}

}  // namespace
}  // namespace dg::proxy::dns
