// Writer rotation: whole lines at the size bound for every `keep`, a line longer than
// max_size, stale files, and rotations that fail. Each test works in its own directory.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "proxy/decision_log/writer.hpp"
#include "tests/unit/decision_log/files.hpp"
#include "tests/unit/decision_log/open_writer.hpp"
#include "tests/unit/decision_log/writer_records.hpp"

namespace dg::proxy::decision_log {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;
using test_support::ids_of;
using test_support::open_writer;
using test_support::range;
using test_support::read_file;
using test_support::read_gzip;
using test_support::record;
using test_support::rotated_name;
using test_support::write_file;

struct RotationCase {
  std::string name;
  int keep;
  int flush_every;  // 0: one push burst, else flush after this many pushes (many batches)
};

class Rotation : public ::testing::TestWithParam<RotationCase> {};

TEST_P(Rotation, WholeLinesAtTheSizeBound) {
  const auto& c = GetParam();
  constexpr uint64_t kMaxSize = 1000;
  constexpr int kRecords = 400;
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  auto w = open_writer({.path = path, .max_size = kMaxSize, .keep = c.keep});
  for (int i = 0; i < kRecords; ++i) {
    ASSERT_TRUE(w->push(record(i)));
    if (c.flush_every != 0 && i % c.flush_every == 0) w->flush();
  }
  w->flush();
  EXPECT_EQ(w->stats().written, uint64_t{kRecords});

  // Exactly the live file and `keep` rotated files: no .tmp, no uncompressed .1, no .keep+1.
  std::vector<std::string> expected_names = {"decisions.jsonl"};
  for (int n = 1; n <= c.keep; ++n) expected_names.push_back(rotated_name(n));
  auto names = dir.names();
  std::ranges::sort(names);
  std::ranges::sort(expected_names);
  EXPECT_EQ(names, expected_names);

  // Oldest first: PATH.keep.gz … PATH.1.gz, then the live file.
  std::vector<std::string> texts;
  for (int n = c.keep; n >= 1; --n) texts.push_back(read_gzip(dir.file(rotated_name(n))));
  texts.push_back(read_file(path));
  std::vector<int> ids;
  for (std::size_t k = 0; k < texts.size(); ++k) {
    EXPECT_LE(texts[k].size(), kMaxSize) << "file " << k;
    auto file_ids = ids_of(texts[k], "file " + std::to_string(k));
    ids.insert(ids.end(), file_ids.begin(), file_ids.end());
    // A file was rotated only when the next line would not have fit.
    if (k + 1 < texts.size()) {
      const std::size_t next_line = texts[k + 1].find('\n') + 1;
      EXPECT_GT(texts[k].size() + next_line, kMaxSize) << "file " << k << " rotated early";
    }
  }
  // What is left is the newest records, contiguous and in order; only the oldest went.
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids, range(kRecords - static_cast<int>(ids.size()), kRecords));
}

INSTANTIATE_TEST_SUITE_P(Keep, Rotation,
                         ::testing::Values(RotationCase{"Keep0", 0, 0},
                                           RotationCase{"Keep1", 1, 0},
                                           RotationCase{"Keep3", 3, 0},
                                           RotationCase{"Keep3ManyBatches", 3, 1},
                                           RotationCase{"Keep5SomeBatches", 5, 7}),
                         [](const auto& info) { return info.param.name; });

TEST(Writer, LineLongerThanMaxSizeGetsItsOwnFile) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  auto w = open_writer({.path = path, .max_size = 1000, .keep = 3});
  const std::string big_name = std::string(3000, 'a') + ".example";
  Record big = record(1);
  big.qname = big_name;
  w->push(record(0));
  w->push(std::move(big));
  w->push(record(2));
  w->flush();
  EXPECT_EQ(ids_of(read_gzip(dir.file("decisions.jsonl.2.gz")), ".2.gz"), std::vector<int>{0});
  EXPECT_EQ(ids_of(read_gzip(dir.file("decisions.jsonl.1.gz")), ".1.gz"), std::vector<int>{1});
  EXPECT_EQ(ids_of(read_file(path), "live"), std::vector<int>{2});
}

TEST(Writer, OversizedLiveFileAndStaleRotatedFiles) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  std::string old;
  for (int i = 0; i < 20; ++i) old += "{\"id\":" + std::to_string(1000 + i) + "}\n";
  write_file(path, old + std::string(1000, ' ') + "\n");
  write_file(dir.file("decisions.jsonl.3.gz"), "stale");
  write_file(dir.file("decisions.jsonl.4.gz"), "stale");
  auto w = open_writer({.path = path, .max_size = 1000, .keep = 2});
  w->push(record(5));
  w->flush();
  EXPECT_EQ(read_gzip(dir.file("decisions.jsonl.1.gz")), old + std::string(1000, ' ') + "\n");
  EXPECT_EQ(ids_of(read_file(path), "live"), std::vector<int>{5});
  EXPECT_FALSE(fs::exists(dir.file("decisions.jsonl.3.gz")));
  EXPECT_FALSE(fs::exists(dir.file("decisions.jsonl.4.gz")));
}

TEST(Writer, FailedRotationIsCountedAndWritingGoesOn) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  // A directory where the rotated file must go: the compressed copy cannot be renamed there.
  fs::create_directory(dir.file(rotated_name(1)));
  auto w = open_writer({.path = path, .max_size = 1000, .keep = 1});
  for (int i = 0; i < 10; ++i) w->push(record(i));
  w->flush();
  const WriterStats failed = w->stats();
  EXPECT_GE(failed.rotation_failures, 1u);
  EXPECT_NE(failed.last_rotation_error.find(rotated_name(1)), std::string::npos)
      << failed.last_rotation_error;
  EXPECT_EQ(failed.written, 10u);  // every line reached a file; the lost copy is not a drop
  EXPECT_EQ(failed.dropped, 0u);
  EXPECT_FALSE(fs::exists(dir.file(rotated_name(1) + ".tmp")));
  // The way is clear again: the next rotation keeps its file and the count stays.
  fs::remove(dir.file(rotated_name(1)));
  for (int i = 10; i < 20; ++i) w->push(record(i));
  w->flush();
  EXPECT_TRUE(fs::is_regular_file(dir.file(rotated_name(1))));
  EXPECT_EQ(w->stats().rotation_failures, failed.rotation_failures);
  EXPECT_EQ(w->stats().written, 20u);
}

}  // namespace
}  // namespace dg::proxy::decision_log
