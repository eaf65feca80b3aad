#pragma once
// Writer tests' records: record i has id i and a qname of its own length, and the ids of a
// file's lines can be read back in order.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/decision_log/record.hpp"
#include "tests/unit/decision_log/files.hpp"

namespace dg::proxy::decision_log::test_support {

// Record i: the id and the qname tell records apart; the qname length varies so that lines
// have different sizes and rotation points fall anywhere.
// A Record only points at its strings: the names live here for the whole test run.
inline std::string_view qname_of(int i) {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (int n = 0; n < 4096; ++n)
      v.push_back("host-" + std::to_string(n) + std::string(static_cast<std::size_t>(n % 37), 'x') +
                  ".example.co.jp");
    return v;
  }();
  return names.at(static_cast<std::size_t>(i));
}

inline Record record(int i) {
  Record r;
  r.ts = std::chrono::system_clock::now();
  r.client = *conf::IpAddress::parse("10.0.0.1");
  r.id = static_cast<uint16_t>(i);
  r.qname = qname_of(i);
  r.qtype = 1;
  r.rule = "devolved";
  r.action = "nxdomain";
  r.rcode = 3;
  return r;
}

// The ids of the lines of a file's text, checking that it ends on a whole line and that
// every line is JSON.
inline std::vector<int> ids_of(const std::string& text, const std::string& what) {
  EXPECT_TRUE(!text.empty() && text.back() == '\n') << what << " does not end on a line";
  std::vector<int> ids;
  for (const auto& line : split_lines(text)) {
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    EXPECT_TRUE(j.is_object()) << what << ": not JSON: " << line;
    ids.push_back(j.is_object() ? j.value("id", -1) : -1);
  }
  return ids;
}

inline std::string rotated_name(int n) { return "decisions.jsonl." + std::to_string(n) + ".gz"; }

inline std::vector<int> range(int from, int to) {
  std::vector<int> v;
  for (int i = from; i < to; ++i) v.push_back(i);
  return v;
}

}  // namespace dg::proxy::decision_log::test_support
