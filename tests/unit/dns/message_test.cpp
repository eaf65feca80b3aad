#include "proxy/dns/message.hpp"

#include <gtest/gtest.h>

#include <expected>
#include <string>
#include <vector>

#include "tests/unit/dns/wire.hpp"

namespace dg::proxy::dns {
namespace {

using namespace test;

constexpr uint16_t kQrFlag = 0x8000;
constexpr uint16_t kRdFlag = 0x0100;
uint16_t opcode_flag(uint16_t opcode) { return uint16_t(opcode << 11); }

// ---------------------------------------------------------------------------------------------
// parse_query

struct Parsed {
  std::string qname;
  uint16_t qtype = LDNS_RR_TYPE_A;
  uint16_t qclass = LDNS_RR_CLASS_IN;
  uint16_t id = 0x1234;
  bool rd = true;
  Edns edns{};
  std::size_t question_end = 0;  // 0: 12 + the uncompressed name + 4
};

struct ParseCase {
  std::string name;
  Bytes wire;
  std::expected<Parsed, Reject> want;
};

const Bytes kHello = cat({header(0x1234, kRdFlag, 1), name_wire("www.example.com"), type_class_a_in()});
const Bytes kOptRoot = cat({Bytes{0}, rr_fixed(41, 1232, 0, 0)});

std::vector<ParseCase> parse_cases() {
  std::vector<ParseCase> c;
  // Well-formed queries from ldns.
  c.push_back({"good_a", query_wire({}), Parsed{.qname = "www.example.com"}});
  c.push_back({"mixed_case", query_wire({.qname = "WwW.ExAmPlE.COM"}), Parsed{.qname = "www.example.com"}});
  c.push_back({"final_dot", query_wire({.qname = "www.example.com."}), Parsed{.qname = "www.example.com"}});
  c.push_back({"root_ns", query_wire({.qname = ".", .qtype = LDNS_RR_TYPE_NS}),
               Parsed{.qname = "", .qtype = LDNS_RR_TYPE_NS, .question_end = 12 + 1 + 4}});
  c.push_back({"no_rd_aaaa_ch", query_wire({.qname = "x.y", .qtype = LDNS_RR_TYPE_AAAA,
                                            .qclass = LDNS_RR_CLASS_CH, .id = 7, .rd = false}),
               Parsed{.qname = "x.y", .qtype = LDNS_RR_TYPE_AAAA, .qclass = LDNS_RR_CLASS_CH,
                      .id = 7, .rd = false}});
  c.push_back({"unknown_type", query_wire({.qname = "a.b", .qtype = ldns_rr_type(65280)}),
               Parsed{.qname = "a.b", .qtype = 65280}});
  c.push_back({"edns_do", query_wire({.edns_udp = 4096, .do_bit = true}),
               Parsed{.qname = "www.example.com", .edns = {true, 4096, true}}});
  c.push_back({"edns_no_do", query_wire({.edns_udp = 1232}),
               Parsed{.qname = "www.example.com", .edns = {true, 1232, false}}});
  c.push_back({"edns_small_udp_size", query_wire({.edns_udp = 100, .do_bit = true}),
               Parsed{.qname = "www.example.com", .edns = {true, 512, true}}});
  // \DDD for '.', '\\', controls, space, DEL and high bytes; upper case folded; '!' and '~'
  // are the printable bounds and stay as they are.
  c.push_back({"escaped_bytes",
               query_wire({.qname = "A\\000b\\.c\\\\d\\127\\255\\032X!~.Example"}),
               Parsed{.qname = "a\\000b\\046c\\092d\\127\\255\\032x!~.example"}});

  // Hand-made, still good.
  c.push_back({"hand_good", kHello, Parsed{.qname = "www.example.com"}});
  c.push_back({"edns_udp_zero",
               cat({header(0x1234, kRdFlag, 1, 0, 0, 1), name_wire("www.example.com"),
                    type_class_a_in(), Bytes{0}, rr_fixed(41, 0, 0x00008000, 0)}),
               Parsed{.qname = "www.example.com", .edns = {true, 512, true}}});
  c.push_back({"edns_do_among_other_ttl_bits",
               cat({header(0x1234, kRdFlag, 1, 0, 0, 1), name_wire("www.example.com"),
                    type_class_a_in(), Bytes{0}, rr_fixed(41, 1400, 0x0000ffff ^ 0x8000, 0)}),
               Parsed{.qname = "www.example.com", .edns = {true, 1400, false}}});
  c.push_back({"opt_with_options",
               cat({header(0x1234, kRdFlag, 1, 0, 0, 1), name_wire("www.example.com"),
                    type_class_a_in(), Bytes{0}, rr_fixed(41, 4096, 0x8000, 8),
                    Bytes{0, 10, 0, 4, 1, 2, 3, 4}}),  // a COOKIE-like option
               Parsed{.qname = "www.example.com", .edns = {true, 4096, true}}});
  c.push_back({"answer_and_authority_skipped",
               cat({header(0x1234, kRdFlag, 1, 1, 1, 1), name_wire("www.example.com"),
                    type_class_a_in(), pointer(12), rr_fixed(1, 1, 60, 4), Bytes{1, 2, 3, 4},
                    pointer(16), rr_fixed(2, 1, 60, 2), pointer(16), kOptRoot}),
               Parsed{.qname = "www.example.com", .edns = {true, 1232, false}}});
  c.push_back({"non_opt_additional",
               cat({header(0x1234, kRdFlag, 1, 0, 0, 2), name_wire("www.example.com"),
                    type_class_a_in(), name_wire("k"), rr_fixed(250, 255, 0, 3), Bytes{9, 9, 9},
                    kOptRoot}),
               Parsed{.qname = "www.example.com", .edns = {true, 1232, false}}});
  c.push_back({"trailing_bytes_ignored", cat({kHello, Bytes{0xde, 0xad}}),
               Parsed{.qname = "www.example.com"}});
  {
    // Longest legal name: 3 * 64 + 62 + root = 255 octets.
    Bytes n = cat({label(63), label(63), label(63), label(61), Bytes{0}});
    std::string want = std::string(63, 'a') + "." + std::string(63, 'a') + "." +
                       std::string(63, 'a') + "." + std::string(61, 'a');
    c.push_back({"name_255_octets", cat({header(0x1234, kRdFlag, 1), n, type_class_a_in()}),
                 Parsed{.qname = want}});
    // Every byte escaped: the longest presentation form fits Name.
    Bytes e = cat({label(63, '\x01'), label(63, '.'), label(63, '\\'), label(61, '\xff'), Bytes{0}});
    std::string we = "";
    const std::vector<std::pair<int, std::string>> parts = {
        {63, "\\001"}, {63, "\\046"}, {63, "\\092"}, {61, "\\255"}};
    for (const auto& [len, esc] : parts) {
      if (!we.empty()) we += ".";
      for (int i = 0; i < len; ++i) we += esc;
    }
    c.push_back({"name_255_octets_all_escaped",
                 cat({header(0x1234, kRdFlag, 1), e, type_class_a_in()}), Parsed{.qname = we}});
  }

  // Dropped: no answer at all.
  c.push_back({"empty", Bytes{}, std::unexpected(Reject::Drop)});
  c.push_back({"short_11_bytes", Bytes(kHello.begin(), kHello.begin() + 11),
               std::unexpected(Reject::Drop)});
  c.push_back({"response_qr1",
               cat({header(0x1234, kQrFlag | kRdFlag, 1), name_wire("a.b"), type_class_a_in()}),
               std::unexpected(Reject::Drop)});
  c.push_back({"response_with_bad_opcode",
               cat({header(1, kQrFlag | opcode_flag(2), 1), name_wire("a.b"), type_class_a_in()}),
               std::unexpected(Reject::Drop)});
  // NOTIMP.
  c.push_back({"opcode_status",
               cat({header(1, opcode_flag(2), 1), name_wire("a.b"), type_class_a_in()}),
               std::unexpected(Reject::NotImp)});
  c.push_back({"opcode_update",
               cat({header(1, opcode_flag(5), 1), name_wire("a.b"), type_class_a_in()}),
               std::unexpected(Reject::NotImp)});
  c.push_back({"opcode_notify_header_only", header(1, opcode_flag(4), 0),
               std::unexpected(Reject::NotImp)});
  // FORMERR.
  c.push_back({"header_only", header(1, 0, 0), std::unexpected(Reject::FormErr)});
  c.push_back({"qdcount_0", cat({header(1, 0, 0), name_wire("a.b"), type_class_a_in()}),
               std::unexpected(Reject::FormErr)});
  c.push_back({"qdcount_2",
               cat({header(1, 0, 2), name_wire("a.b"), type_class_a_in(), name_wire("c.d"),
                    type_class_a_in()}),
               std::unexpected(Reject::FormErr)});
  c.push_back({"label_overrun", cat({header(1, 0, 1), Bytes{10, 'a', 'b', 'c'}}),
               std::unexpected(Reject::FormErr)});
  c.push_back({"label_type_0x40", cat({header(1, 0, 1), label(64), Bytes{0}, type_class_a_in()}),
               std::unexpected(Reject::FormErr)});
  c.push_back({"label_type_0x80", cat({header(1, 0, 1), Bytes{0x81, 'a', 0}, type_class_a_in()}),
               std::unexpected(Reject::FormErr)});
  c.push_back({"name_256_octets",
               cat({header(1, 0, 1), label(63), label(63), label(63), label(62), Bytes{0},
                    type_class_a_in()}),
               std::unexpected(Reject::FormErr)});
  c.push_back({"name_no_root_octet", cat({header(1, 0, 1), label(3)}),
               std::unexpected(Reject::FormErr)});
  c.push_back({"pointer_to_itself", cat({header(1, 0, 1), pointer(12), type_class_a_in()}),
               std::unexpected(Reject::FormErr)});
  c.push_back({"pointer_loop_after_label",
               cat({header(1, 0, 1), label(1), pointer(12), type_class_a_in()}),
               std::unexpected(Reject::FormErr)});
  c.push_back({"pointer_forward",
               cat({header(1, 0, 1), pointer(18), type_class_a_in(), name_wire("a")}),
               std::unexpected(Reject::FormErr)});
  c.push_back({"pointer_into_header", cat({header(1, 0, 1), pointer(2), type_class_a_in()}),
               std::unexpected(Reject::FormErr)});
  c.push_back({"pointer_cut", cat({header(1, 0, 1), Bytes{0xc0}}), std::unexpected(Reject::FormErr)});
  c.push_back({"truncated_question", cat({header(1, 0, 1), name_wire("a.b"), u16(1)}),
               std::unexpected(Reject::FormErr)});
  c.push_back({"question_missing", header(1, 0, 1), std::unexpected(Reject::FormErr)});
  c.push_back({"garbage_in_additional",
               cat({header(1, 0, 1, 0, 0, 1), name_wire("a.b"), type_class_a_in(),
                    Bytes{0xff, 0xff, 0xff}}),
               std::unexpected(Reject::FormErr)});
  c.push_back({"additional_missing",
               cat({header(1, 0, 1, 0, 0, 1), name_wire("a.b"), type_class_a_in()}),
               std::unexpected(Reject::FormErr)});
  c.push_back({"opt_rdlength_overrun",
               cat({header(1, 0, 1, 0, 0, 1), name_wire("a.b"), type_class_a_in(), Bytes{0},
                    rr_fixed(41, 1232, 0, 5), Bytes{0, 10}}),
               std::unexpected(Reject::FormErr)});
  c.push_back({"opt_fixed_part_cut",
               cat({header(1, 0, 1, 0, 0, 1), name_wire("a.b"), type_class_a_in(), Bytes{0, 0, 41, 4}}),
               std::unexpected(Reject::FormErr)});
  c.push_back({"two_opts",
               cat({header(1, 0, 1, 0, 0, 2), name_wire("a.b"), type_class_a_in(), kOptRoot, kOptRoot}),
               std::unexpected(Reject::FormErr)});
  c.push_back({"opt_owner_not_root",
               cat({header(1, 0, 1, 0, 0, 1), name_wire("a.b"), type_class_a_in(), name_wire("x"),
                    rr_fixed(41, 1232, 0, 0)}),
               std::unexpected(Reject::FormErr)});
  c.push_back({"bad_answer_record",
               cat({header(1, 0, 1, 1), name_wire("a.b"), type_class_a_in(), pointer(12),
                    rr_fixed(1, 1, 60, 4), Bytes{1, 2}}),
               std::unexpected(Reject::FormErr)});
  c.push_back({"answer_owner_pointer_forward",
               cat({header(1, 0, 1, 1), name_wire("a.b"), type_class_a_in(), pointer(40),
                    rr_fixed(1, 1, 60, 0)}),
               std::unexpected(Reject::FormErr)});
  return c;
}

class ParseQuery : public testing::TestWithParam<ParseCase> {};

TEST_P(ParseQuery, Parses) {
  const ParseCase& c = GetParam();
  auto got = parse_query(c.wire);
  if (!c.want) {
    ASSERT_FALSE(got) << "parsed qname " << got->qname.view();
    EXPECT_EQ(int(got.error()), int(c.want.error()));
    return;
  }
  ASSERT_TRUE(got) << "rejected: " << int(got.error());
  const Parsed& w = *c.want;
  EXPECT_EQ(got->qname.view(), w.qname);
  EXPECT_EQ(got->qtype, w.qtype);
  EXPECT_EQ(got->qclass, w.qclass);
  EXPECT_EQ(got->id, w.id);
  EXPECT_EQ(got->rd, w.rd);
  EXPECT_EQ(got->edns.present, w.edns.present);
  EXPECT_EQ(got->edns.udp_size, w.edns.present ? w.edns.udp_size : 512);
  EXPECT_EQ(got->edns.do_bit, w.edns.do_bit);
  const std::size_t qname_wire = [&] {
    std::size_t p = 12;
    while (c.wire[p] != 0) p += 1 + c.wire[p];
    return p + 1 - 12;
  }();
  EXPECT_EQ(got->question_end, w.question_end != 0 ? w.question_end : 12 + qname_wire + 4);
}

INSTANTIATE_TEST_SUITE_P(Cases, ParseQuery, testing::ValuesIn(parse_cases()),
                         [](const auto& info) { return info.param.name; });

// ---------------------------------------------------------------------------------------------
// read_name with compression: names later in a message refer back to earlier ones.

struct ReadCase {
  std::string name;
  std::size_t offset;
  std::expected<std::pair<std::string, std::size_t>, Reject> want;  // name, offset past it
};

// 12: example.com (13 octets) | 25: "b" + ptr 12 | 29: "a" + ptr 25 | 33: ptr 29
// 35: "x" + ptr 35 (self loop) | 39: ptr 41 (forward) | 41: 0 | 42: label overrun
const Bytes kChain = cat({header(1, 0, 1), name_wire("example.com"), Bytes{1, 'b'}, pointer(12),
                          Bytes{1, 'A'}, pointer(25), pointer(29), Bytes{1, 'x'}, pointer(35),
                          pointer(41), Bytes{0}, Bytes{5, 'a'}});

std::vector<ReadCase> read_cases() {
  using P = std::pair<std::string, std::size_t>;
  return {
      {"plain", 12, P{"example.com", 25}},
      {"one_pointer", 25, P{"b.example.com", 29}},
      {"pointer_chain", 29, P{"a.b.example.com", 33}},
      {"pointer_only", 33, P{"a.b.example.com", 35}},
      {"mid_name", 20, P{"com", 25}},
      {"root", 41, P{"", 42}},
      {"self_loop", 35, std::unexpected(Reject::FormErr)},
      {"forward_pointer", 39, std::unexpected(Reject::FormErr)},
      {"overrun", 42, std::unexpected(Reject::FormErr)},
      {"past_end", kChain.size(), std::unexpected(Reject::FormErr)},
  };
}

class ReadName : public testing::TestWithParam<ReadCase> {};

TEST_P(ReadName, Reads) {
  const ReadCase& c = GetParam();
  Name out;
  out.append("stale");
  auto got = read_name(kChain, c.offset, out);
  if (!c.want) {
    ASSERT_FALSE(got);
    EXPECT_EQ(int(got.error()), int(c.want.error()));
    return;
  }
  ASSERT_TRUE(got);
  EXPECT_EQ(out.view(), c.want->first);
  EXPECT_EQ(*got, c.want->second);
}

INSTANTIATE_TEST_SUITE_P(Cases, ReadName, testing::ValuesIn(read_cases()),
                         [](const auto& info) { return info.param.name; });

TEST(ReadName, TwoPointerLoopIsRejected) {
  // 12: "a" + ptr 16 | 16: "b" + ptr 12: the second jump does not go back past its own piece.
  Bytes w = cat({header(1, 0, 1), Bytes{1, 'a'}, pointer(16), Bytes{1, 'b'}, pointer(12)});
  Name out;
  EXPECT_FALSE(read_name(w, 12, out));
  EXPECT_FALSE(read_name(w, 16, out));
}

// ---------------------------------------------------------------------------------------------
// same_question: does an upstream reply answer our query?

struct SameCase {
  std::string name;
  Bytes reply;
  bool want;
};

Query parsed(const QuerySpec& q) {
  auto p = parse_query(query_wire(q));
  if (!p) std::abort();
  return *p;
}

Bytes reply_to(QuerySpec q) {
  Pkt pkt = make_pkt(q);
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_ra(pkt.get(), true);
  ldns_rr* rr = nullptr;
  const std::string text = q.qname + " 60 IN A 192.0.2.1";
  if (ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK) std::abort();
  ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER, rr);
  return to_wire(pkt.get());
}

std::vector<SameCase> same_cases() {
  const Bytes good = reply_to({});
  return {
      {"same", good, true},
      {"case_differs", reply_to({.qname = "WWW.Example.COM"}), true},
      {"final_dot", reply_to({.qname = "www.example.com."}), true},
      {"with_edns", reply_to({.edns_udp = 1232, .do_bit = true}), true},
      {"other_id_still_same_question", reply_to({.id = 99}), true},
      {"type_differs", reply_to({.qtype = LDNS_RR_TYPE_AAAA}), false},
      {"class_differs", reply_to({.qclass = LDNS_RR_CLASS_CH}), false},
      {"name_differs", reply_to({.qname = "www.example.net"}), false},
      {"subdomain", reply_to({.qname = "a.www.example.com"}), false},
      {"qdcount_0", cat({header(0x1234, 0x8180, 0)}), false},
      {"qdcount_2",
       cat({header(0x1234, 0x8180, 2), name_wire("www.example.com"), type_class_a_in(),
            name_wire("www.example.com"), type_class_a_in()}),
       false},
      {"short", Bytes(good.begin(), good.begin() + 11), false},
      {"question_cut", Bytes(good.begin(), good.begin() + 12 + 17 + 3), false},
      {"name_cut", Bytes(good.begin(), good.begin() + 20), false},
      {"pointer_loop", cat({header(0x1234, 0x8180, 1), pointer(12), type_class_a_in()}), false},
  };
}

class SameQuestion : public testing::TestWithParam<SameCase> {};

TEST_P(SameQuestion, Compares) {
  const Query q = parsed({});
  EXPECT_EQ(same_question(GetParam().reply, q), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(Cases, SameQuestion, testing::ValuesIn(same_cases()),
                         [](const auto& info) { return info.param.name; });

TEST(SameQuestion, MixedCaseQueryMatchesLowerCaseReply) {
  const Query q = parsed({.qname = "WwW.eXample.com"});
  EXPECT_TRUE(same_question(reply_to({.qname = "www.example.com"}), q));
}

TEST(SameQuestion, EscapedNames) {
  const Query q = parsed({.qname = "a\\.b.example"});
  EXPECT_TRUE(same_question(reply_to({.qname = "A\\046B.example"}), q));
  EXPECT_FALSE(same_question(reply_to({.qname = "a.b.example"}), q));
}

// ---------------------------------------------------------------------------------------------
// Header accessors.

TEST(Header, Accessors) {
  Bytes w = header(0xbeef, 0x8000 | opcode_flag(4) | 0x0200 | kRdFlag | 3, 1, 2);
  EXPECT_EQ(id_of(w), 0xbeef);
  EXPECT_TRUE(qr_of(w));
  EXPECT_EQ(opcode_of(w), 4);
  EXPECT_TRUE(tc_of(w));
  EXPECT_TRUE(rd_of(w));
  EXPECT_EQ(rcode_of(w), 3);
  EXPECT_EQ(qdcount_of(w), 1);
  EXPECT_EQ(ancount_of(w), 2);
  set_id(w, 0x0102);
  EXPECT_EQ(w[0], 1);
  EXPECT_EQ(w[1], 2);
}

}  // namespace
}  // namespace dg::proxy::dns
