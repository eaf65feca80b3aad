// Windows DNS server debug-log lines (INVESTIGATE.md §1a) as data: every column, byte-swapped
// flags, (len)label names, dates in ymd/mdy/dmy with --tz, CRLF, and malformed lines.
#include "proxy/investigate/windows_line.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dg::proxy::investigate {
namespace {

constexpr const char* kQuery =
    "2025/10/01 9:30:50 0D28 PACKET  00000292D65BCC80 UDP Rcv 10.143.100.80   3aee   Q [0001   D"
    "   NOERROR] A      (14)dglvrrerxokcxc(7)example(2)co(2)jp(0)";
constexpr const char* kAnswer =
    "2025/10/01 9:30:50 0D28 PACKET  00000292D65BCC80 UDP Snd 10.143.100.80   3aee R Q [8381   DR"
    " NXDOMAIN] A      (14)dglvrrerxokcxc(7)example(2)co(2)jp(0)";

int64_t local(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  return days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
}

TEST(WindowsLine, EveryColumnOfAQuery) {
  DateOrder order = DateOrder::Auto;
  Packet p;
  auto kind = parse_windows_line(kQuery, order, p);
  ASSERT_TRUE(kind) << kind.error().message;
  EXPECT_EQ(*kind, LineKind::Packet);
  EXPECT_EQ(order, DateOrder::Ymd);
  EXPECT_EQ(p.local_seconds, local(2025, 10, 1, 9, 30, 50));
  EXPECT_EQ(p.transport, "UDP");
  EXPECT_FALSE(p.send);
  EXPECT_EQ(p.remote, "10.143.100.80");
  EXPECT_EQ(p.xid, 0x3aee);
  EXPECT_FALSE(p.response);
  EXPECT_EQ(p.opcode, 'Q');
  EXPECT_EQ(p.flags, 0x0100);  // printed 0001: RD
  EXPECT_EQ(p.rcode, "NOERROR");
  EXPECT_EQ(p.qtype, "A");
  EXPECT_EQ(p.qname, "dglvrrerxokcxc.example.co.jp");
}

TEST(WindowsLine, EveryColumnOfAResponse) {
  DateOrder order = DateOrder::Ymd;
  Packet p;
  auto kind = parse_windows_line(kAnswer, order, p);
  ASSERT_TRUE(kind) << kind.error().message;
  EXPECT_TRUE(p.send);
  EXPECT_TRUE(p.response);
  EXPECT_EQ(p.flags, 0x8183);  // printed 8381: QR RD RA NXDOMAIN
  EXPECT_EQ(p.rcode, "NXDOMAIN");
}

struct FlagCase {
  const char* name;
  const char* printed;
  uint16_t wire;
};
class SwappedFlags : public testing::TestWithParam<FlagCase> {};
TEST_P(SwappedFlags, BackToWireOrder) {
  auto v = parse_swapped_flags(GetParam().printed);
  ASSERT_TRUE(v) << v.error();
  EXPECT_EQ(*v, GetParam().wire);
}
INSTANTIATE_TEST_SUITE_P(Cases, SwappedFlags,
                         testing::Values(FlagCase{"rd", "0001", 0x0100},
                                         FlagCase{"nxdomain", "8381", 0x8183},
                                         FlagCase{"refused", "0581", 0x8105},
                                         FlagCase{"aa_answer", "8085", 0x8580},
                                         FlagCase{"upper_hex", "A0B1", 0xB1A0}),
                         [](const auto& i) { return std::string(i.param.name); });

TEST(SwappedFlags, Rejects) {
  EXPECT_FALSE(parse_swapped_flags("001"));
  EXPECT_FALSE(parse_swapped_flags("00g1"));
  EXPECT_FALSE(parse_swapped_flags(""));
}

struct NameCase {
  const char* name;
  const char* text;
  const char* want;  // nullptr: malformed
  bool lenient = false;
};
class DebugName : public testing::TestWithParam<NameCase> {};
TEST_P(DebugName, Decodes) {
  const auto& c = GetParam();
  std::string out;
  uint64_t mismatches = 0;
  auto ok = decode_debug_name(c.text, out, c.lenient, &mismatches);
  if (!c.want) {
    EXPECT_FALSE(ok) << out;
    return;
  }
  ASSERT_TRUE(ok) << ok.error();
  EXPECT_EQ(out, c.want);
}
INSTANTIATE_TEST_SUITE_P(
    Cases, DebugName,
    testing::Values(NameCase{"three_labels", "(1)x(7)example(2)co(2)jp(0)", "x.example.co.jp"},
                    NameCase{"root", "(0)", ""},
                    NameCase{"upper_lowered", "(3)WWW(7)Example(3)COM(0)", "www.example.com"},
                    NameCase{"srv", "(5)_ldap(4)_tcp(2)dc(6)_msdcs(4)corp(0)",
                             "_ldap._tcp.dc._msdcs.corp"},
                    NameCase{"too_short_label", "(7)exampl(2)co(2)jp(0)", nullptr},
                    NameCase{"too_long_label", "(5)examples(0)", nullptr},
                    NameCase{"sample_15_for_14", "(15)dglvrrerxokcxc(2)co(2)jp(0)", nullptr},
                    NameCase{"lenient_reads_parens", "(15)dglvrrerxokcxc(2)co(2)jp(0)",
                             "dglvrrerxokcxc.co.jp", true},
                    NameCase{"no_final_zero", "(2)co(2)jp", nullptr},
                    NameCase{"text_after_end", "(2)co(0)x", nullptr},
                    NameCase{"no_parens", "example.com", nullptr},
                    NameCase{"bad_length", "(x)co(0)", nullptr},
                    NameCase{"length_64", "(64)a(0)", nullptr}),
    [](const auto& i) { return std::string(i.param.name); });

struct DateCase {
  const char* name;
  const char* line_start;  // date and time columns
  DateOrder given;
  int64_t want;  // local seconds; -1: malformed; -2: ambiguous (exit 2)
};
class Dates : public testing::TestWithParam<DateCase> {};
TEST_P(Dates, Parse) {
  const auto& c = GetParam();
  const std::string line = std::string(c.line_start) +
                           " 0D28 PACKET  00000292D65BCC80 UDP Rcv 10.0.0.1 3aee   Q [0001   D   "
                           "NOERROR] A (1)x(0)";
  DateOrder order = c.given;
  Packet p;
  auto kind = parse_windows_line(line, order, p);
  if (c.want == -2) {
    ASSERT_FALSE(kind);
    EXPECT_TRUE(kind.error().date_order_unknown);
    return;
  }
  if (c.want == -1) {
    ASSERT_FALSE(kind);
    EXPECT_FALSE(kind.error().date_order_unknown);
    return;
  }
  ASSERT_TRUE(kind) << kind.error().message;
  EXPECT_EQ(p.local_seconds, c.want);
}
INSTANTIATE_TEST_SUITE_P(
    Cases, Dates,
    testing::Values(
        DateCase{"ja_jp_ymd", "2025/10/01 9:30:50", DateOrder::Auto, local(2025, 10, 1, 9, 30, 50)},
        DateCase{"en_us_pm", "4/11/2026 3:29:17 PM", DateOrder::Auto, local(2026, 4, 11, 15, 29, 17)},
        DateCase{"en_us_12am", "4/11/2026 12:05:00 AM", DateOrder::Auto, local(2026, 4, 11, 0, 5, 0)},
        DateCase{"en_us_12pm", "4/11/2026 12:05:00 PM", DateOrder::Auto, local(2026, 4, 11, 12, 5, 0)},
        DateCase{"dmy_by_day", "13/04/2025 18:30:50", DateOrder::Auto, local(2025, 4, 13, 18, 30, 50)},
        DateCase{"ambiguous", "03/04/2025 18:30:50", DateOrder::Auto, -2},
        DateCase{"ambiguous_given_mdy", "03/04/2025 18:30:50", DateOrder::Mdy,
                 local(2025, 3, 4, 18, 30, 50)},
        DateCase{"ambiguous_given_dmy", "03/04/2025 18:30:50", DateOrder::Dmy,
                 local(2025, 4, 3, 18, 30, 50)},
        DateCase{"dotted_dmy", "13.04.2025 18:30:50", DateOrder::Auto, local(2025, 4, 13, 18, 30, 50)},
        DateCase{"month_13", "2025/13/01 9:30:50", DateOrder::Auto, -1},
        DateCase{"bad_time", "2025/10/01 9:70:50", DateOrder::Auto, -1},
        DateCase{"hour_24", "2025/10/01 24:00:00", DateOrder::Auto, -1}),
    [](const auto& i) { return std::string(i.param.name); });

struct LineCase {
  const char* name;
  std::string line;
  bool packet;  // else: skipped (when ok) or malformed
  bool ok = true;
};
class Lines : public testing::TestWithParam<LineCase> {};
TEST_P(Lines, Kind) {
  const auto& c = GetParam();
  DateOrder order = DateOrder::Ymd;
  Packet p;
  auto kind = parse_windows_line(c.line, order, p);
  ASSERT_EQ(kind.has_value(), c.ok) << (kind ? "" : kind.error().message);
  if (kind) {
    EXPECT_EQ(*kind == LineKind::Packet, c.packet);
  }
}
const std::string kTail = " 00000292D65BCC80 UDP Rcv 10.0.0.1 3aee   Q [0001   D   NOERROR] A (1)x(0)";
INSTANTIATE_TEST_SUITE_P(
    Cases, Lines,
    testing::Values(
        LineCase{"header", "DNS Server log file creation at 10/1/2025 9:00:00 AM", false},
        LineCase{"key", "Message logging key (for packets - other items use a subset of these fields):",
                 false},
        LineCase{"event", "2025/10/01 9:30:50 0D28 EVENT   The DNS server has started.", false},
        LineCase{"blank", "", false},
        LineCase{"detail", "  Message:", false},
        LineCase{"crlf", std::string(kQuery) + "\r", true},
        LineCase{"ipv6_remote",
                 "2025/10/01 9:30:50 0D28 PACKET  00000292D65BCC80 TCP Snd fd00:ec2::253 3aee   Q "
                 "[0001   D   NOERROR] AAAA (1)x(0)",
                 true},
        LineCase{"spaced_letters",
                 "2025/10/01 9:30:50 0D28 PACKET  0000 UDP Snd 10.0.0.1 3aee R Q [8385   A D R "
                 "NXDOMAIN] A (1)x(0)",
                 true},
        LineCase{"numeric_qtype",
                 "2025/10/01 9:30:50 0D28 PACKET  0000 UDP Rcv 10.0.0.1 3aee   Q [0001   D   "
                 "NOERROR] 65 (1)x(0)",
                 true},
        LineCase{"notify_opcode",
                 "2025/10/01 9:30:50 0D28 PACKET  0000 UDP Rcv 10.0.0.1 3aee   N [0020       "
                 "NOERROR] SOA (1)x(0)",
                 true},
        LineCase{"letters_disagree",
                 "2025/10/01 9:30:50 0D28 PACKET  0000 UDP Snd 10.0.0.1 3aee R Q [8381   D "
                 "NXDOMAIN] A (1)x(0)",
                 false, false},
        LineCase{"r_without_qr",
                 "2025/10/01 9:30:50 0D28 PACKET  0000 UDP Snd 10.0.0.1 3aee R Q [0001   D "
                 "NOERROR] A (1)x(0)",
                 false, false},
        LineCase{"bad_transport", "2025/10/01 9:30:50 0D28 PACKET  0000 SCTP" + kTail.substr(21),
                 false, false},
        LineCase{"bad_direction",
                 "2025/10/01 9:30:50 0D28 PACKET  0000 UDP Xmt 10.0.0.1 3aee   Q [0001   D   "
                 "NOERROR] A (1)x(0)",
                 false, false},
        LineCase{"bad_xid",
                 "2025/10/01 9:30:50 0D28 PACKET  0000 UDP Rcv 10.0.0.1 zzzz   Q [0001   D   "
                 "NOERROR] A (1)x(0)",
                 false, false},
        LineCase{"missing_bracket",
                 "2025/10/01 9:30:50 0D28 PACKET  0000 UDP Rcv 10.0.0.1 3aee   Q 0001   D   "
                 "NOERROR] A (1)x(0)",
                 false, false},
        LineCase{"no_name",
                 "2025/10/01 9:30:50 0D28 PACKET  0000 UDP Rcv 10.0.0.1 3aee   Q [0001   D   "
                 "NOERROR] A",
                 false, false},
        LineCase{"cut_short", "2025/10/01 9:30:50 0D28 PACKET  0000 UDP", false, false}),
    [](const auto& i) { return std::string(i.param.name); });

TEST(Zone, FixedOffsetsAndIana) {
  auto utc = Zone::parse("UTC");
  ASSERT_TRUE(utc);
  EXPECT_EQ(utc->to_utc(1000), 1000);
  auto jst = Zone::parse("+09:00");
  ASSERT_TRUE(jst);
  EXPECT_EQ(jst->to_utc(local(2025, 10, 1, 18, 30, 50)), local(2025, 10, 1, 9, 30, 50));
  auto west = Zone::parse("-05:30");
  ASSERT_TRUE(west);
  EXPECT_EQ(west->to_utc(0), 5 * 3600 + 1800);
  auto tokyo = Zone::parse("Asia/Tokyo");
  ASSERT_TRUE(tokyo);
  EXPECT_EQ(tokyo->to_utc(local(2025, 10, 1, 18, 30, 50)), local(2025, 10, 1, 9, 30, 50));
  auto ny = Zone::parse("America/New_York");  // DST: EDT in July, EST in January
  ASSERT_TRUE(ny);
  EXPECT_EQ(ny->to_utc(local(2025, 7, 1, 8, 0, 0)), local(2025, 7, 1, 12, 0, 0));
  EXPECT_EQ(ny->to_utc(local(2025, 1, 15, 8, 0, 0)), local(2025, 1, 15, 13, 0, 0));
  EXPECT_FALSE(Zone::parse("Mars/Olympus"));
  EXPECT_FALSE(Zone::parse("+9"));
  EXPECT_FALSE(Zone::parse("../etc/passwd"));
}

}  // namespace
}  // namespace dg::proxy::investigate
