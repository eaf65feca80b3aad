// --summary: counts per action, rule and client, devolved names with their sources, the
// per-minute histogram (scaled bars, empty minutes, wider buckets for long spans).
#include "proxy/decision_log/summary.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "read_support.hpp"

namespace dg::proxy::decision_log {
namespace {

using test_support::log_line;

const std::string kDevolvedFrom = R"(,"devolved_from":")";

std::string devolved(const std::string& ts, const std::string& client, const std::string& name,
                     const std::string& from) {
  return log_line(ts, client, name, "nxdomain", "devolved", kDevolvedFrom + from + "\"");
}

std::string report_of(const std::vector<std::string>& lines) {
  std::string printed;
  Summary s([&printed](std::string_view t) { printed.append(t); });
  Line line;
  for (const auto& text : lines) {
    EXPECT_TRUE(line.scan(text)) << text;
    s.add(line);
  }
  EXPECT_EQ(printed, "");  // nothing before the end
  s.finish();
  EXPECT_EQ(printed, s.report());
  return printed;
}

std::vector<std::string> rows_after(const std::string& report, const std::string& heading) {
  std::vector<std::string> rows;
  auto at = report.find(heading);
  if (at == std::string::npos) return rows;
  at = report.find('\n', at) + 1;
  for (std::size_t nl; (nl = report.find('\n', at)) != std::string::npos && nl != at; at = nl + 1)
    rows.push_back(report.substr(at, nl - at));
  return rows;
}

TEST(Summary, Golden) {
  const std::string report = report_of({
      log_line("2026-11-23T07:30:01.000000Z", "10.0.0.1", "www.example.com", "forward"),
      devolved("2026-11-23T07:30:02.000000Z", "10.0.0.2", "abcdefgh.co.jp",
               "abcdefgh.example.co.jp"),
      devolved("2026-11-23T07:31:00.000000Z", "10.0.0.2", "abcdefgh.co.jp",
               "abcdefgh.example.co.jp"),
      log_line("2026-11-23T07:33:59.999999Z", "10.0.0.1", "x", "refused", ""),
      log_line("2026-11-23T07:33:00.000000Z", "10.0.0.2", "www.example.com", "forward"),
  });
  EXPECT_EQ(report,
            "5 lines from 2026-11-23T07:30:01.000000Z to 2026-11-23T07:33:59.999999Z\n"
            "\n"
            "action    count       %\n"
            "forward       2   40.0%\n"
            "nxdomain      2   40.0%\n"
            "refused       1   20.0%\n"
            "\n"
            "rule      count       %\n"
            "default       2   40.0%\n"
            "devolved      2   40.0%\n"
            "(none)        1   20.0%\n"
            "\n"
            "client    count       %\n"
            "10.0.0.2      3   60.0%\n"
            "10.0.0.1      2   40.0%\n"
            "\n"
            "devolved name   count       %\n"
            "abcdefgh.co.jp      2   40.0%  from abcdefgh.example.co.jp (2)\n"
            "\n"
            "queries per minute (UTC)\n"
            "2026-11-23T07:30Z  2 ########################################\n"
            "2026-11-23T07:31Z  1 ####################\n"
            "2026-11-23T07:32Z  0\n"
            "2026-11-23T07:33Z  2 ########################################\n");
}

TEST(Summary, NothingMatched) { EXPECT_EQ(report_of({}), "no matching lines\n"); }

TEST(Summary, NoDevolvedSectionWithoutDevolvedLines) {
  const auto report =
      report_of({log_line("2026-11-23T07:30:01.000000Z", "10.0.0.1", "a", "forward")});
  EXPECT_EQ(report.find("devolved name"), std::string::npos) << report;
}

// Bars are scaled so the busiest minute has 40 '#'; any non-zero minute has at least one.
TEST(Summary, HistogramScaled) {
  std::vector<std::string> lines;
  const auto at = [&](const std::string& minute, int n) {
    for (int i = 0; i < n; ++i)
      lines.push_back(log_line("2026-11-23T07:" + minute + ":00.000000Z", "10.0.0.1", "a", "drop"));
  };
  at("00", 80);
  at("01", 40);
  at("02", 1);
  at("04", 20);
  const auto rows = rows_after(report_of(lines), "queries per minute");
  EXPECT_EQ(rows, (std::vector<std::string>{
                      "2026-11-23T07:00Z  80 " + std::string(40, '#'),
                      "2026-11-23T07:01Z  40 " + std::string(20, '#'),
                      "2026-11-23T07:02Z   1 #",
                      "2026-11-23T07:03Z   0",
                      "2026-11-23T07:04Z  20 " + std::string(10, '#'),
                  }));
}

// Three hours would be 181 rows of minutes: buckets grow to 5 minutes (37 rows).
TEST(Summary, HistogramBucketsForLongSpans) {
  const auto report = report_of({
      log_line("2026-11-23T07:00:00.000000Z", "10.0.0.1", "a", "drop"),
      log_line("2026-11-23T07:04:59.000000Z", "10.0.0.1", "a", "drop"),
      log_line("2026-11-23T10:00:00.000000Z", "10.0.0.1", "a", "drop"),
  });
  const auto rows = rows_after(report, "queries per 5 minutes (UTC)");
  ASSERT_EQ(rows.size(), 37u) << report;
  EXPECT_EQ(rows.front(), "2026-11-23T07:00Z  2 " + std::string(40, '#'));
  EXPECT_EQ(rows[1], "2026-11-23T07:05Z  0");
  EXPECT_EQ(rows.back(), "2026-11-23T10:00Z  1 " + std::string(20, '#'));
}

// 44 days: 12-hour buckets would be 89 rows, so a day each (45 rows); 90 days: 2 days each.
TEST(Summary, HistogramDays) {
  auto report = report_of({
      log_line("2026-11-01T00:00:00.000000Z", "10.0.0.1", "a", "drop"),
      log_line("2026-12-15T12:00:00.000000Z", "10.0.0.1", "a", "drop"),
  });
  auto rows = rows_after(report, "queries per day (UTC)");
  ASSERT_EQ(rows.size(), 45u) << report;
  EXPECT_EQ(rows.front(), "2026-11-01T00:00Z  1 " + std::string(40, '#'));
  report = report_of({
      log_line("2026-11-01T00:00:00.000000Z", "10.0.0.1", "a", "drop"),
      log_line("2027-01-30T00:00:00.000000Z", "10.0.0.1", "a", "drop"),
  });
  rows = rows_after(report, "queries per 2 days (UTC)");
  ASSERT_LE(rows.size(), Summary::kMaxHistogramRows) << report;
  ASSERT_GE(rows.size(), 45u) << report;
  EXPECT_EQ(rows.front(), "2026-11-01T00:00Z  1 " + std::string(40, '#'));
}

TEST(Summary, TopTenClients) {
  std::vector<std::string> lines;
  for (int c = 1; c <= 12; ++c)
    for (int i = 0; i < c; ++i)
      lines.push_back(log_line("2026-11-23T07:30:00.000000Z", "10.0.0." + std::to_string(c), "a",
                               "forward"));
  const auto report = report_of(lines);
  const auto rows = rows_after(report, "client (top 10 of 12)");
  ASSERT_EQ(rows.size(), 10u) << report;
  EXPECT_TRUE(rows.front().starts_with("10.0.0.12 ")) << rows.front();
  EXPECT_TRUE(rows.back().starts_with("10.0.0.3 ")) << rows.back();
}

TEST(Summary, DevolvedNamesWithTheirSources) {
  std::vector<std::string> lines;
  const std::string ts = "2026-11-23T07:30:00.000000Z";
  // wpad.co.jp came from five names, most from wpad.example.co.jp.
  for (int i = 0; i < 4; ++i) lines.push_back(devolved(ts, "10.0.0.1", "wpad.co.jp", "wpad.example.co.jp"));
  for (const char* from : {"wpad.a.example.co.jp", "wpad.b.example.co.jp", "wpad.c.example.co.jp",
                           "wpad.d.example.co.jp"})
    lines.push_back(devolved(ts, "10.0.0.1", "wpad.co.jp", from));
  for (int n = 0; n < 11; ++n)
    lines.push_back(devolved(ts, "10.0.0.2", "p" + std::to_string(n) + ".co.jp",
                             "p" + std::to_string(n) + ".example.co.jp"));
  const auto report = report_of(lines);
  const auto rows = rows_after(report, "devolved name (top 10 of 12)");
  ASSERT_EQ(rows.size(), 10u) << report;
  EXPECT_TRUE(rows[0].starts_with("wpad.co.jp ")) << rows[0];
  EXPECT_TRUE(rows[0].ends_with("from wpad.example.co.jp (4), wpad.a.example.co.jp (1), "
                                "wpad.b.example.co.jp (1), 2 more"))
      << rows[0];
  EXPECT_TRUE(rows[1].ends_with("from p0.example.co.jp (1)")) << rows[1];
}

}  // namespace
}  // namespace dg::proxy::decision_log
