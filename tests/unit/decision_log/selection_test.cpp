// Selection: malformed lines reported as FILE:LINE and skipped, blank lines ignored, the
// filter applied, the report bounded; Follower: appended lines only, across rotation.
#include "proxy/decision_log/selection.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "files.hpp"
#include "proxy/decision_log/follower.hpp"
#include "read_support.hpp"

namespace dg::proxy::decision_log {
namespace {

using test_support::append_file;
using test_support::Collect;
using test_support::gzip_text;
using test_support::log_line;
using test_support::TempDir;
using test_support::write_file;

const std::string kA = log_line("2026-11-23T07:30:50.000001Z", "10.0.0.1", "a.example", "forward");
const std::string kB = log_line("2026-11-23T07:30:51.000001Z", "10.0.0.2", "b.example", "nxdomain");
const std::string kC = log_line("2026-11-23T07:30:52.000001Z", "10.0.0.3", "c.example", "drop");

struct Harness {
  Collect out;
  std::string errors;
  Filter filter;
  Selection selection;
  explicit Harness(FilterSpec spec = {})
      : filter(*Filter::build(spec, Micros{})),
        selection(filter, out, [this](std::string_view e) { errors.append(e); }) {}
};

TEST(Selection, MalformedLinesReportedAndSkipped) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  write_file(path, kA + "\n\n   \nnot json\n" + kB + "\n{\"ts\":1}\n" + kC + "\n");
  Harness run;
  auto reader = Reader::open(path);
  ASSERT_TRUE(reader);
  ASSERT_TRUE(run.selection.read(**reader));
  EXPECT_EQ(run.out.lines, (std::vector<std::string>{kA, kB, kC}));
  EXPECT_EQ(run.errors,
            path + ":4: malformed decision-log line: expected '{' at column 1\n" + path +
                ":6: malformed decision-log line: ts: expected a string at column 7\n");
  EXPECT_EQ(run.selection.malformed(), 2u);
  EXPECT_EQ(run.selection.lines(), 5u);  // blank lines are not counted
  EXPECT_EQ(run.selection.matched(), 3u);
  run.selection.finish();
  EXPECT_EQ(std::count(run.errors.begin(), run.errors.end(), '\n'), 2);
}

TEST(Selection, FilterApplied) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  write_file(path, kA + "\n" + kB + "\n" + kC + "\n");
  FilterSpec spec;
  spec.actions = {"nxdomain", "drop"};
  Harness run(spec);
  auto reader = Reader::open(path);
  ASSERT_TRUE(run.selection.read(**reader));
  EXPECT_EQ(run.out.lines, (std::vector<std::string>{kB, kC}));
  EXPECT_EQ(run.selection.matched(), 2u);
}

TEST(Selection, OverlongLineReported) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  write_file(path, std::string(Reader::kMaxLine + 1, 'x') + "\n" + kA + "\n");
  Harness run;
  auto reader = Reader::open(path);
  ASSERT_TRUE(run.selection.read(**reader));
  EXPECT_EQ(run.out.lines, std::vector<std::string>{kA});
  EXPECT_EQ(run.errors, path + ":1: malformed decision-log line: longer than " +
                            std::to_string(Reader::kMaxLine) + " bytes\n");
}

TEST(Selection, ReportBoundedThenCounted) {
  TempDir dir;
  const std::string path = dir.file("garbage");
  std::string text;
  for (int i = 0; i < 250; ++i) text += "garbage\n";
  write_file(path, text);
  Harness run;
  auto reader = Reader::open(path);
  ASSERT_TRUE(run.selection.read(**reader));
  run.selection.finish();
  const auto newlines = std::count(run.errors.begin(), run.errors.end(), '\n');
  EXPECT_EQ(newlines, static_cast<long>(Selection::kMaxReported) + 1);
  EXPECT_NE(run.errors.find(path + ":100: malformed"), std::string::npos);
  EXPECT_EQ(run.errors.find(path + ":101: malformed"), std::string::npos);
  EXPECT_TRUE(run.errors.ends_with(
      "250 malformed decision-log lines in all; only the first 100 were shown\n"))
      << run.errors;
}

// A gzip file cut off mid-stream (a copy interrupted): the lines before the cut are passed
// on, then the error is returned.
TEST(Selection, ReadErrorAfterTheLinesBeforeIt) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl.1.gz");
  std::string text;
  for (int i = 0; i < 5000; ++i) text += kA + "\n";
  const std::string gz = gzip_text(text);
  write_file(path, gz.substr(0, gz.size() / 2));
  Harness run;
  auto reader = Reader::open(path);
  ASSERT_TRUE(reader);
  auto ok = run.selection.read(**reader);
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error(), path + ": gzip data ends early");
  EXPECT_GT(run.out.lines.size(), 0u);
  EXPECT_LT(run.out.lines.size(), 5000u);
  EXPECT_EQ(run.errors, "");  // the half line at the cut is not reported as malformed
}

TEST(Follower, OnlyLinesAppendedAfterStart) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  write_file(path, kA + "\n");
  auto follower = Follower::start(path);
  ASSERT_TRUE(follower);
  Harness run;
  ASSERT_TRUE(follower->poll(run.selection));
  EXPECT_TRUE(run.out.lines.empty());
  append_file(path, kB + "\n" + kC.substr(0, 20));
  ASSERT_TRUE(follower->poll(run.selection));
  EXPECT_EQ(run.out.lines, std::vector<std::string>{kB});
  append_file(path, kC.substr(20) + "\n");
  ASSERT_TRUE(follower->poll(run.selection));
  EXPECT_EQ(run.out.lines, (std::vector<std::string>{kB, kC}));
  EXPECT_EQ(run.errors, "");
}

// The writer's rotation: the live file is moved away (the rest of it still unread here) and a
// new one created; both the rest and the new lines arrive, in order.
TEST(Follower, AcrossRotation) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  write_file(path, "");
  auto follower = Follower::start(path);
  ASSERT_TRUE(follower);
  Harness run;
  append_file(path, kA + "\n");
  std::filesystem::rename(path, dir.file("decisions.jsonl.1"));
  ASSERT_TRUE(follower->poll(run.selection));  // no live file yet: the old one is read
  EXPECT_EQ(run.out.lines, std::vector<std::string>{kA});
  append_file(dir.file("decisions.jsonl.1"), kB + "\n");  // written before the rename lands
  write_file(path, kC + "\n");
  ASSERT_TRUE(follower->poll(run.selection));
  EXPECT_EQ(run.out.lines, (std::vector<std::string>{kA, kB, kC}));
  append_file(path, kA + "\n");
  ASSERT_TRUE(follower->poll(run.selection));
  EXPECT_EQ(run.out.lines, (std::vector<std::string>{kA, kB, kC, kA}));
}

TEST(Follower, AcrossTruncation) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  write_file(path, kA + "\n" + kB + "\n");
  auto follower = Follower::start(path);
  ASSERT_TRUE(follower);
  Harness run;
  write_file(path, kC + "\n");  // truncated and rewritten, shorter than before
  ASSERT_TRUE(follower->poll(run.selection));
  EXPECT_EQ(run.out.lines, std::vector<std::string>{kC});
}

TEST(Follower, MissingFile) {
  TempDir dir;
  auto follower = Follower::start(dir.file("nope"));
  ASSERT_FALSE(follower);
  EXPECT_EQ(follower.error(), dir.file("nope") + ": cannot open: No such file or directory");
}

}  // namespace
}  // namespace dg::proxy::decision_log
