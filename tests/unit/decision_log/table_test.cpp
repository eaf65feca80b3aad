// The table output: columns, alignment, widths per batch that only grow, the detail column,
// and no control characters reaching the terminal.
#include "proxy/decision_log/table.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "read_support.hpp"

namespace dg::proxy::decision_log {
namespace {

using test_support::log_line;

struct Printed {
  std::string text;
  int writes = 0;
  Sink sink() {
    return [this](std::string_view s) {
      text.append(s);
      ++writes;
    };
  }
};

void add(Table& t, const std::string& text) {
  Line line;
  ASSERT_TRUE(line.scan(text)) << text;
  t.add(line);
}

const std::string kDevolved =
    R"({"ts":"2026-11-23T07:30:50.123456Z","client":"10.143.100.80","proto":"udp","id":14830,)"
    R"("qname":"dglvrrerxokcxc.co.jp","qtype":"A","rule":"devolved","action":"nxdomain",)"
    R"("rcode":"NXDOMAIN","latency_us":41,"devolved_from":"dglvrrerxokcxc.example.co.jp"})";
const std::string kForwarded =
    R"({"ts":"2026-11-23T07:30:51.000002Z","client":"10.0.0.7","proto":"tcp","id":1,)"
    R"("qname":"www.example.com","qtype":"AAAA","rule":"default","action":"forward",)"
    R"("upstream":"169.254.169.253:53","rcode":"NOERROR","latency_us":1234})";
const std::string kDropped =
    R"({"ts":"2026-11-23T07:30:52.000003Z","client":"::1","proto":"udp","id":2,"qname":"x",)"
    R"("qtype":"TYPE65280","rule":null,"action":"drop","rcode":null,"latency_us":3})";

TEST(Table, Golden) {
  Printed p;
  Table t(p.sink());
  add(t, kDevolved);
  add(t, kForwarded);
  add(t, kDropped);
  EXPECT_EQ(p.text, "");  // held until the batch is full or flushed
  t.finish();
  EXPECT_EQ(
      p.text,
      "ts                           client         proto  qtype      qname                 "
      "action    rule      rcode     latency_us  detail\n"
      "2026-11-23T07:30:50.123456Z  10.143.100.80  udp    A          dglvrrerxokcxc.co.jp  "
      "nxdomain  devolved  NXDOMAIN          41  from dglvrrerxokcxc.example.co.jp\n"
      "2026-11-23T07:30:51.000002Z  10.0.0.7       tcp    AAAA       www.example.com       "
      "forward   default   NOERROR         1234  via 169.254.169.253:53\n"
      "2026-11-23T07:30:52.000003Z  ::1            udp    TYPE65280  x                     "
      "drop      -         -                  3\n");
}

TEST(Table, NothingAddedPrintsNothing) {
  Printed p;
  Table t(p.sink());
  t.flush();
  t.finish();
  EXPECT_EQ(p.text, "");
  EXPECT_EQ(p.writes, 0);
}

// Rows are printed a batch at a time; a later, wider batch widens its columns, and the
// header is printed once.
TEST(Table, WidthsPerBatchOnlyGrow) {
  Printed p;
  Table t(p.sink(), /*batch=*/2);
  add(t, log_line("2026-11-23T07:30:50.000001Z", "10.0.0.1", "a", "drop"));
  EXPECT_EQ(p.writes, 0);
  add(t, log_line("2026-11-23T07:30:50.000002Z", "10.0.0.2", "b", "drop"));
  EXPECT_EQ(p.writes, 1);  // the batch was full
  add(t, log_line("2026-11-23T07:30:50.000003Z", "10.0.0.3", "a-much-longer-name.example", "drop"));
  add(t, log_line("2026-11-23T07:30:50.000004Z", "10.0.0.4", "c", "drop"));
  EXPECT_EQ(p.writes, 2);
  add(t, log_line("2026-11-23T07:30:50.000005Z", "10.0.0.5", "d", "drop"));
  t.finish();
  EXPECT_EQ(p.writes, 3);

  std::vector<std::string> rows;
  for (std::size_t at = 0, nl; (nl = p.text.find('\n', at)) != std::string::npos; at = nl + 1)
    rows.push_back(p.text.substr(at, nl - at));
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_TRUE(rows[0].starts_with("ts ")) << rows[0];
  EXPECT_EQ(p.text.find("ts ", 1), std::string::npos) << "header printed again:\n" << p.text;
  // "action" starts where the qname column ends: 5 wide ("qname") in the first batch, 26
  // ("a-much-longer-name.example") from the second on.
  const auto action_at = [](const std::string& row) { return row.find("drop"); };
  EXPECT_EQ(action_at(rows[1]), action_at(rows[2]));
  EXPECT_EQ(action_at(rows[3]), action_at(rows[4]));
  EXPECT_EQ(action_at(rows[3]) - action_at(rows[1]), 26u - 5u);
  EXPECT_EQ(action_at(rows[5]), action_at(rows[3]));  // widths do not shrink back
}

TEST(Table, ControlCharactersReplaced) {
  Printed p;
  Table t(p.sink());
  add(t, log_line("2026-11-23T07:30:50.000001Z", "10.0.0.1", R"(a\u001b[31mb)", "drop",
                  R"(r\nx)"));
  t.finish();
  EXPECT_NE(p.text.find("a?[31mb"), std::string::npos) << p.text;
  EXPECT_NE(p.text.find("r?x"), std::string::npos) << p.text;
  EXPECT_EQ(p.text.find('\x1b'), std::string::npos);
}

// Multi-byte UTF-8 takes one column per character.
TEST(Table, Utf8Width) {
  Printed p;
  Table t(p.sink());
  add(t, log_line("2026-11-23T07:30:50.000001Z", "10.0.0.1", "\xc3\xa9\xc3\xa9\xc3\xa9", "drop"));
  add(t, log_line("2026-11-23T07:30:50.000002Z", "10.0.0.1", "abc", "drop"));
  t.finish();
  const auto second_row = p.text.find("abc");
  const auto first_row = p.text.find("\xc3\xa9\xc3\xa9\xc3\xa9");
  // Same column for `drop` on screen: the é row is three bytes longer up to it.
  EXPECT_EQ(p.text.find("drop", first_row) - first_row, p.text.find("drop", second_row) - second_row + 3);
}

struct DetailCase {
  std::string name;
  std::string extra;
  std::string want;
};

class Detail : public testing::TestWithParam<DetailCase> {};

TEST_P(Detail, Text) {
  const std::string text =
      log_line("2026-11-23T07:30:50.000001Z", "10.0.0.1", "x.co.jp", "forward", "r", GetParam().extra);
  Line line;
  ASSERT_TRUE(line.scan(text));
  EXPECT_EQ(detail_of(line), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Detail,
    testing::ValuesIn(std::vector<DetailCase>{
        {"nothing", "", ""},
        {"devolved", R"(,"devolved_from":"x.example.co.jp")", "from x.example.co.jp"},
        {"forwarded", R"(,"upstream":"169.254.169.253:53")", "via 169.254.169.253:53"},
        {"dry_run", R"(,"dry_run":["probes","leaks"])", "dry_run=probes,leaks"},
        {"all", R"(,"upstream":"[::1]:53","devolved_from":"x.example.co.jp","dry_run":["p"])",
         "from x.example.co.jp via [::1]:53 dry_run=p"},
    }),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace dg::proxy::decision_log
