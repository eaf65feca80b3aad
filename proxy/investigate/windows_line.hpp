#pragma once
// One line of a Windows DNS server debug log (INVESTIGATE.md §1a), column by column:
//
//   2025/10/01 9:30:50 0D28 PACKET  00000292D65BCC80 UDP Rcv 10.143.100.80   3aee   Q [0001   D   NOERROR] A      (15)dglvrrerxokcxc(7)example(2)co(2)jp(0)
//
// Only PACKET lines are events; every other line (header, "Message logging key", EVENT,
// Note:, detail sections) is skipped silently. Allocation-free apart from the caller's qname
// buffer: the views point into the line.
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "proxy/investigate/windows_clock.hpp"

namespace dg::proxy::investigate {

struct Packet {
  int64_t local_seconds = 0;   // columns 1–2, server local time
  std::string_view transport;  // column 6: "UDP" / "TCP"
  bool send = false;           // column 7: Snd (to the remote) or Rcv (from it)
  std::string_view remote;     // column 8: IPv4 or IPv6
  uint16_t xid = 0;            // column 9
  bool response = false;       // column 10: "R"
  char opcode = 'Q';           // column 11: Q, N, U, ?
  uint16_t flags = 0;          // column 12, back in wire order (the log prints it byte-swapped)
  std::string_view rcode;      // column 14
  std::string_view qtype;      // column 15
  std::string qname;           // column 16 decoded: lower case, dotted, no final dot
};

// Header flag bits (RFC 1035 4.1.1) that column 13 spells as letters.
inline constexpr uint16_t kFlagQr = 0x8000, kFlagAa = 0x0400, kFlagTc = 0x0200,
                          kFlagRd = 0x0100, kFlagRa = 0x0080;

struct LineError {
  std::string message;
  bool date_order_unknown = false;  // ambiguous date with --date-order auto: exit 2
};

enum class LineKind { Packet, Skip };

// Parses `line` into `out`. `order` is the file's date order: Auto is resolved by the first
// PACKET line (and written back); an ambiguous first date is a LineError with
// date_order_unknown set.
struct LineOptions {
  bool lenient_names = false;
  uint64_t* name_mismatches = nullptr;  // lenient: labels whose (len) was wrong
};
std::expected<LineKind, LineError> parse_windows_line(std::string_view line, DateOrder& order,
                                                      Packet& out, const LineOptions& options = {});

// Column 12: "8381" → 0x8183. Printed XXYY stands for wire bytes YY XX.
std::expected<uint16_t, std::string> parse_swapped_flags(std::string_view hex);

// Column 16: "(15)dglvrrerxokcxc(2)co(2)jp(0)" → "dglvrrerxokcxc.co.jp"; "(0)" → "" (root).
// Each "(len)" must be followed by exactly len bytes. Error says where it went wrong.
// `lenient` reads each label up to the next "(" whatever its "(len)" says, for hand-edited
// excerpts (the shared sample has "(15)" before a 14-byte label); `mismatches` counts those.
std::expected<void, std::string> decode_debug_name(std::string_view text, std::string& out,
                                                   bool lenient = false,
                                                   uint64_t* mismatches = nullptr);

}  // namespace dg::proxy::investigate
