#include "proxy/dns/answer.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/unit/dns/wire.hpp"

namespace dg::proxy::dns {
namespace {

using namespace test;

Bytes ede_option(uint16_t code, std::string_view text) {
  Bytes b = cat({u16(15), u16(uint16_t(2 + text.size())), u16(code)});
  b.insert(b.end(), text.begin(), text.end());
  return b;
}

// ---------------------------------------------------------------------------------------------
// build_answer, read back with ldns.

struct AnswerCase {
  std::string name;
  QuerySpec query;
  AnswerSpec spec;
  Bytes want_options;  // the OPT RDATA expected when the query had EDNS
};

std::vector<AnswerCase> answer_cases() {
  const Ede devolved{EdeCode::Blocked, "rule devolved"};
  return {
      {"nxdomain_soa", {}, {.rcode = kNxDomain, .soa_owner = "example.com"}, {}},
      {"nxdomain_edns_do_ede15",
       {.qname = "dglvrrerxokcxc.co.jp", .edns_udp = 4096, .do_bit = true},
       {.rcode = kNxDomain, .soa_owner = "co.jp", .negative_ttl = 30, .ede = devolved},
       ede_option(15, "rule devolved")},
      {"nodata_edns_no_do",
       {.qname = "host.example.co.jp", .qtype = LDNS_RR_TYPE_AAAA, .edns_udp = 1232},
       {.rcode = kNoError, .soa_owner = "example.co.jp", .negative_ttl = 5,
        .ede = Ede{EdeCode::Blocked, "rule no-aaaa"}},
       ede_option(15, "rule no-aaaa")},
      {"edns_without_ede", {.edns_udp = 512}, {.rcode = kNxDomain, .soa_owner = "example.com"}, {}},
      {"refused_ede18", {.edns_udp = 1232},
       {.rcode = kRefused, .ede = Ede{EdeCode::Prohibited, "client not allowed"}},
       ede_option(18, "client not allowed")},
      {"servfail_ede22_no_text", {.edns_udp = 1400, .do_bit = true},
       {.rcode = kServFail, .ede = Ede{EdeCode::NoReachableAuthority, ""}}, ede_option(22, "")},
      {"ede_but_client_sent_no_edns", {},
       {.rcode = kNxDomain, .soa_owner = "example.com", .ede = devolved}, {}},
      {"root_owner", {.qname = "jp", .qtype = LDNS_RR_TYPE_SOA},
       {.rcode = kNxDomain, .soa_owner = ""}, {}},
      {"rd_clear", {.id = 0, .rd = false}, {.rcode = kNxDomain, .soa_owner = "example.com"}, {}},
      {"mixed_case_question_kept", {.qname = "WwW.Example.COM", .id = 0xffff},
       {.rcode = kNxDomain, .soa_owner = "example.com"}, {}},
      {"owner_not_a_suffix", {.qname = "foo.example.com"},
       {.rcode = kNxDomain, .soa_owner = "co.jp", .negative_ttl = 86400}, {}},
      {"escaped_owner_suffix", {.qname = "x.A\\.b.example"},
       {.rcode = kNxDomain, .soa_owner = "a\\046b.example"}, {}},
      {"escaped_owner_elsewhere", {.qname = "x.y"},
       {.rcode = kNxDomain, .soa_owner = "q\\032r\\\\.ex\\.ample"}, {}},
      {"unknown_qtype_class", {.qname = "a.b", .qtype = ldns_rr_type(65280), .qclass = LDNS_RR_CLASS_CH},
       {.rcode = kNxDomain, .soa_owner = "b"}, {}},
  };
}

class BuildAnswer : public testing::TestWithParam<AnswerCase> {};

TEST_P(BuildAnswer, ReadsBackWithLdns) {
  const AnswerCase& c = GetParam();
  const Bytes wire = query_wire(c.query);
  auto query = parse_query(wire);
  ASSERT_TRUE(query);
  std::vector<uint8_t> out = {1, 2, 3};  // replaced, not appended to
  build_answer(*query, wire, c.spec, out);
  Pkt pkt = from_wire(out);
  ASSERT_TRUE(pkt) << "ldns cannot parse the answer";

  EXPECT_EQ(ldns_pkt_id(pkt.get()), c.query.id);
  EXPECT_TRUE(ldns_pkt_qr(pkt.get()));
  EXPECT_EQ(ldns_pkt_get_opcode(pkt.get()), LDNS_PACKET_QUERY);
  EXPECT_FALSE(ldns_pkt_aa(pkt.get()));
  EXPECT_FALSE(ldns_pkt_tc(pkt.get()));
  EXPECT_EQ(ldns_pkt_rd(pkt.get()), c.query.rd);
  EXPECT_TRUE(ldns_pkt_ra(pkt.get()));
  EXPECT_FALSE(ldns_pkt_ad(pkt.get()));
  EXPECT_FALSE(ldns_pkt_cd(pkt.get()));
  EXPECT_EQ(ldns_pkt_get_rcode(pkt.get()), c.spec.rcode);

  // The question, byte for byte as the client sent it (case included).
  ASSERT_EQ(ldns_pkt_qdcount(pkt.get()), 1);
  EXPECT_EQ(Bytes(out.begin() + 12, out.begin() + long(query->question_end)),
            Bytes(wire.begin() + 12, wire.begin() + long(query->question_end)));
  ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(pkt.get()), 0);
  EXPECT_EQ(ldns_rr_get_type(question), c.query.qtype);
  EXPECT_EQ(ldns_rr_get_class(question), c.query.qclass);
  EXPECT_EQ(ldns_pkt_ancount(pkt.get()), 0);

  // RFC 2308 SOA.
  ASSERT_EQ(ldns_pkt_nscount(pkt.get()), c.spec.soa_owner ? 1 : 0);
  if (c.spec.soa_owner) {
    ldns_rr* soa = ldns_rr_list_rr(ldns_pkt_authority(pkt.get()), 0);
    EXPECT_EQ(ldns_rr_get_type(soa), LDNS_RR_TYPE_SOA);
    EXPECT_EQ(ldns_rr_get_class(soa), LDNS_RR_CLASS_IN);
    EXPECT_EQ(ldns_rr_ttl(soa), c.spec.negative_ttl);
    const std::string owner = c.spec.soa_owner->empty() ? "." : std::string(*c.spec.soa_owner);
    Rdf want_owner = dname(owner);
    ASSERT_TRUE(want_owner);
    EXPECT_EQ(ldns_dname_compare(ldns_rr_owner(soa), want_owner.get()), 0);
    ASSERT_EQ(ldns_rr_rd_count(soa), 7u);
    Rdf mname = dname("devoguard.invalid.");
    Rdf rname = dname("hostmaster.devoguard.invalid.");
    EXPECT_EQ(ldns_dname_compare(ldns_rr_rdf(soa, 0), mname.get()), 0);
    EXPECT_EQ(ldns_dname_compare(ldns_rr_rdf(soa, 1), rname.get()), 0);
    EXPECT_EQ(ldns_rdf2native_int32(ldns_rr_rdf(soa, 2)), 1u);  // serial
    EXPECT_EQ(ldns_rdf2native_int32(ldns_rr_rdf(soa, 6)), c.spec.negative_ttl);  // minimum
  }

  // OPT iff the client sent one.
  EXPECT_EQ(read_u16(&out[10]), c.query.edns_udp ? 1 : 0);
  EXPECT_EQ(ldns_pkt_edns(pkt.get()), c.query.edns_udp.has_value());
  if (c.query.edns_udp) {
    EXPECT_EQ(ldns_pkt_edns_udp_size(pkt.get()), 1232);
    EXPECT_EQ(ldns_pkt_edns_version(pkt.get()), 0);
    EXPECT_EQ(ldns_pkt_edns_extended_rcode(pkt.get()), 0);
    EXPECT_EQ(ldns_pkt_edns_do(pkt.get()), c.query.do_bit);
    const ldns_rdf* data = ldns_pkt_edns_data(pkt.get());
    Bytes options;
    if (data != nullptr)
      options.assign(ldns_rdf_data(data), ldns_rdf_data(data) + ldns_rdf_size(data));
    EXPECT_EQ(options, c.want_options);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, BuildAnswer, testing::ValuesIn(answer_cases()),
                         [](const auto& info) { return info.param.name; });

// The exact bytes of one answer: header, question, SOA with its owner and RNAME compressed.
TEST(BuildAnswer, GoldenNxdomain) {
  const Bytes wire = query_wire({});
  auto query = parse_query(wire);
  ASSERT_TRUE(query);
  std::vector<uint8_t> out;
  build_answer(*query, wire, {.rcode = kNxDomain, .soa_owner = "example.com"}, out);
  const Bytes want = cat({
      header(0x1234, 0x8183, 1, 0, 1, 0),
      name_wire("www.example.com"), type_class_a_in(),
      pointer(16), u16(6), u16(1), u16(0), u16(30), u16(52),
      name_wire("devoguard.invalid"),  // at 45
      Bytes{10}, Bytes{'h', 'o', 's', 't', 'm', 'a', 's', 't', 'e', 'r'}, pointer(45),
      u16(0), u16(1), u16(0), u16(3600), u16(0), u16(600), u16(1), u16(0x5180), u16(0), u16(30),
  });
  EXPECT_EQ(out, want);
}

TEST(BuildAnswer, OwnerEncoding) {
  struct Case {
    std::string qname;
    std::string_view owner;
    Bytes want;  // the owner as written after the question
  };
  const std::vector<Case> cases = {
      {"www.example.com", "example.com", pointer(16)},
      {"www.example.com", "www.example.com", pointer(12)},
      {"www.example.com", "", Bytes{0}},
      {"www.example.com", "example.net", name_wire("example.net")},
      {"www.example.com", "ample.com", name_wire("ample.com")},
      {"www.example.com", "example.com.", pointer(16)},            // a final dot is accepted
      {"www.example.com", "a..b", Bytes{0}},                       // not a name: root
      {"www.example.com", "toolong\\", Bytes{0}},                  // a lone backslash
      {"www.example.com", "\\256x", Bytes{0}},
  };
  for (const Case& c : cases) {
    const Bytes wire = query_wire({.qname = c.qname});
    auto query = parse_query(wire);
    ASSERT_TRUE(query);
    std::vector<uint8_t> out;
    build_answer(*query, wire, {.rcode = kNxDomain, .soa_owner = c.owner}, out);
    const std::size_t at = query->question_end;
    ASSERT_GE(out.size(), at + c.want.size());
    EXPECT_EQ(Bytes(out.begin() + long(at), out.begin() + long(at + c.want.size())), c.want)
        << c.qname << " / " << c.owner;
    EXPECT_TRUE(from_wire(out)) << c.owner;
  }
}

TEST(BuildAnswer, OwnerLabelTooLongFallsBackToRoot) {
  const Bytes wire = query_wire({});
  auto query = parse_query(wire);
  ASSERT_TRUE(query);
  const std::string owner = std::string(64, 'a') + ".com";
  std::vector<uint8_t> out;
  build_answer(*query, wire, {.rcode = kNxDomain, .soa_owner = owner}, out);
  EXPECT_EQ(out[query->question_end], 0);
  EXPECT_TRUE(from_wire(out));
}

TEST(BuildAnswer, ReusesTheBuffer) {
  const Bytes wire = query_wire({.edns_udp = 1232, .do_bit = true});
  auto query = parse_query(wire);
  ASSERT_TRUE(query);
  std::vector<uint8_t> out;
  out.reserve(1024);
  const uint8_t* data = out.data();
  const AnswerSpec spec{.rcode = kNxDomain, .soa_owner = "example.com",
                        .ede = Ede{EdeCode::Blocked, "rule devolved"}};
  build_answer(*query, wire, spec, out);
  const Bytes first = out;
  build_answer(*query, wire, spec, out);
  EXPECT_EQ(out, first);
  build_error(wire, kFormErr, out);
  build_answer(*query, wire, spec, out);
  EXPECT_EQ(out, first);
  EXPECT_EQ(out.data(), data);
  EXPECT_EQ(out.capacity(), 1024u);
}

// ---------------------------------------------------------------------------------------------
// build_error: the header only.

struct ErrorCase {
  std::string name;
  Bytes query;
  uint8_t rcode;
  Bytes want;
};

std::vector<ErrorCase> error_cases() {
  const Bytes zeros(8, 0);
  return {
      {"formerr_rd", cat({header(0xbeef, 0x0100, 2), name_wire("a.b")}), kFormErr,
       cat({Bytes{0xbe, 0xef, 0x81, 0x81}, zeros})},
      {"notimp_status", header(0x0102, 2 << 11, 1), kNotImp, cat({Bytes{1, 2, 0x90, 0x84}, zeros})},
      {"notimp_update_rd", header(0x0102, 5 << 11 | 0x0100, 1, 3, 4, 5), kNotImp,
       cat({Bytes{1, 2, 0xa9, 0x84}, zeros})},
      {"other_flags_dropped", header(7, 0x0400 | 0x0200 | 0x0080 | 0x0030 | 0x0100 | 0x000f, 1),
       kFormErr, cat({Bytes{0, 7, 0x81, 0x81}, zeros})},
      {"servfail_header_only", header(0xffff, 0, 0), kServFail,
       cat({Bytes{0xff, 0xff, 0x80, 0x82}, zeros})},
      {"refused", header(0, 0x0100, 1), kRefused, cat({Bytes{0, 0, 0x81, 0x85}, zeros})},
  };
}

class BuildError : public testing::TestWithParam<ErrorCase> {};

TEST_P(BuildError, WritesHeader) {
  const ErrorCase& c = GetParam();
  std::vector<uint8_t> out(100, 0xaa);
  build_error(c.query, c.rcode, out);
  EXPECT_EQ(out, c.want);
  EXPECT_TRUE(from_wire(out));
}

INSTANTIATE_TEST_SUITE_P(Cases, BuildError, testing::ValuesIn(error_cases()),
                         [](const auto& info) { return info.param.name; });

// ---------------------------------------------------------------------------------------------
// Mnemonics and parents.

TEST(QtypeName, Table) {
  const std::vector<std::pair<uint16_t, std::string>> cases = {
      {1, "A"},         {28, "AAAA"},   {33, "SRV"},     {6, "SOA"},        {12, "PTR"},
      {15, "MX"},       {16, "TXT"},    {41, "OPT"},     {64, "SVCB"},      {65, "HTTPS"},
      {255, "ANY"},     {252, "AXFR"},  {251, "IXFR"},   {253, "MAILB"},    {254, "MAILA"},
      {257, "CAA"},     {0, "TYPE0"},   {100, "TYPE100"}, {260, "TYPE260"}, {65280, "TYPE65280"},
      {65535, "TYPE65535"},
  };
  for (const auto& [type, want] : cases) EXPECT_EQ(qtype_name(type), want) << type;
}

TEST(QtypeName, SameAsLdnsForEveryType) {
  for (uint32_t t = 0; t <= 0xffff; ++t) {
    char* s = ldns_rr_type2str(ldns_rr_type(t));
    ASSERT_NE(s, nullptr);
    const std::string want = s;
    std::free(s);
    ASSERT_EQ(qtype_name(uint16_t(t)), want) << t;
  }
}

TEST(RcodeName, Table) {
  const std::vector<std::pair<uint8_t, std::string>> cases = {
      {0, "NOERROR"},  {1, "FORMERR"},  {2, "SERVFAIL"}, {3, "NXDOMAIN"}, {4, "NOTIMP"},
      {5, "REFUSED"},  {6, "YXDOMAIN"}, {7, "YXRRSET"},  {8, "NXRRSET"},  {9, "NOTAUTH"},
      {10, "NOTZONE"}, {11, "RCODE11"}, {15, "RCODE15"}, {16, "RCODE16"}, {255, "RCODE255"},
  };
  for (const auto& [rcode, want] : cases) EXPECT_EQ(rcode_name(rcode), want) << int(rcode);
}

TEST(ParentOf, Table) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {"x.co.jp", "co.jp"},
      {"x.y.co.jp", "y.co.jp"},
      {"co.jp", "jp"},
      {"jp", ""},
      {"", ""},
      {"a\\046b.c", "c"},
      {"a\\.b.c", "c"},    // as a user may write it
      {"a\\\\.b", "b"},    // an escaped backslash, then a real dot
      {"x.co.jp.", "co.jp."},
      {"jp.", ""},
  };
  for (const auto& [name, want] : cases) EXPECT_EQ(parent_of(name), want) << name;
}

}  // namespace
}  // namespace dg::proxy::dns
