// Writer: lines whole and in order, rotation at the size bound (and its failures), drops on a
// full queue or a failing disk, reopen. Each test works in its own temporary directory.
#include "proxy/decision_log/writer.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "tests/unit/decision_log/files.hpp"
#include "tests/unit/decision_log/open_writer.hpp"

namespace dg::proxy::decision_log {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test_support::TempDir;
using test_support::open_writer;
using test_support::read_file;
using test_support::read_gzip;
using test_support::split_lines;
using test_support::write_file;

constexpr auto kBound = std::chrono::seconds(30);  // a wait that only a broken writer reaches

// Record i: the id and the qname tell records apart; the qname length varies so that lines
// have different sizes and rotation points fall anywhere.
// A Record only points at its strings: the names live here for the whole test run.
std::string_view qname_of(int i) {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (int n = 0; n < 4096; ++n)
      v.push_back("host-" + std::to_string(n) + std::string(static_cast<std::size_t>(n % 37), 'x') +
                  ".example.co.jp");
    return v;
  }();
  return names.at(static_cast<std::size_t>(i));
}

Record record(int i) {
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
std::vector<int> ids_of(const std::string& text, const std::string& what) {
  EXPECT_TRUE(!text.empty() && text.back() == '\n') << what << " does not end on a line";
  std::vector<int> ids;
  for (const auto& line : split_lines(text)) {
    const json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    EXPECT_TRUE(j.is_object()) << what << ": not JSON: " << line;
    ids.push_back(j.is_object() ? j.value("id", -1) : -1);
  }
  return ids;
}

std::string rotated_name(int n) { return "decisions.jsonl." + std::to_string(n) + ".gz"; }

std::vector<int> range(int from, int to) {
  std::vector<int> v;
  for (int i = from; i < to; ++i) v.push_back(i);
  return v;
}

// Holds the writer thread in before_write until the test opens it; later batches pass.
class Gate {
 public:
  void pass() {
    std::unique_lock lock(mu_);
    entered_ = true;
    cv_.notify_all();
    cv_.wait_for(lock, kBound, [&] { return open_; });
  }
  bool wait_entered() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kBound, [&] { return entered_; });
  }
  void open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool entered_ = false;
  bool open_ = false;
};

TEST(Writer, LinesWholeAndInOrder) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  auto w = open_writer({.path = path});
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(w->push(record(i)));
  w->flush();
  EXPECT_EQ(ids_of(read_file(path), path), range(0, 1000));
  EXPECT_EQ(w->stats().written, 1000u);
  EXPECT_EQ(w->stats().dropped, 0u);
}

TEST(Writer, DestructorWritesWhatIsQueued) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  {
    auto w = open_writer({.path = path});
    for (int i = 0; i < 500; ++i) w->push(record(i));
  }
  EXPECT_EQ(ids_of(read_file(path), path), range(0, 500));
}

TEST(Writer, AppendsToExistingFileAndEndsAHalfLine) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  write_file(path, "{\"id\":7}\n{\"id\":8, \"cut");
  auto w = open_writer({.path = path});
  w->push(record(9));
  w->flush();
  const auto lines = split_lines(read_file(path));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "{\"id\":7}");
  EXPECT_EQ(lines[1], "{\"id\":8, \"cut");
  EXPECT_EQ(json::parse(lines[2])["id"], 9);
}

TEST(Writer, PushesFromManyThreads) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  constexpr int kThreads = 4, kEach = 2500;
  auto w = open_writer({.path = path});
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          Record r = record(t);
          r.latency_us = static_cast<uint32_t>(i);
          EXPECT_TRUE(w->push(std::move(r)));
        }
      });
  }
  w->flush();
  std::vector<std::vector<int>> seen(kThreads);
  for (const auto& line : split_lines(read_file(path))) {
    const json j = json::parse(line);
    seen.at(j["id"].get<int>()).push_back(j["latency_us"].get<int>());
  }
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(seen[t], range(0, kEach)) << "thread " << t;
  EXPECT_EQ(w->stats().written, uint64_t{kThreads * kEach});
}

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

TEST(Writer, FullQueueDropsAndCounts) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  Gate gate;  // outlives the writer, whose thread calls it
  auto w = open_writer({.path = path, .queue_capacity = 4, .before_write = [&] { gate.pass(); }});
  ASSERT_TRUE(w->push(record(0)));
  ASSERT_TRUE(gate.wait_entered());  // the writer holds record 0; the queue is empty
  for (int i = 1; i <= 4; ++i) EXPECT_TRUE(w->push(record(i))) << i;
  for (int i = 5; i <= 7; ++i) EXPECT_FALSE(w->push(record(i))) << i;
  EXPECT_EQ(w->stats().dropped, 3u);
  gate.open();
  w->flush();
  EXPECT_EQ(ids_of(read_file(path), path), range(0, 5));
  EXPECT_EQ(w->stats().written, 5u);
  EXPECT_EQ(w->stats().dropped, 3u);
  EXPECT_TRUE(w->push(record(8)));  // room again
  w->flush();
  EXPECT_EQ(w->stats().written, 6u);
}

TEST(Writer, FailingDiskDropsAndKeepsGoing) {
  // /dev/full: opens fine, every write fails with ENOSPC. Its size stays 0, so it never rotates.
  auto w = open_writer({.path = "/dev/full"});
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(w->push(record(i)));
  w->flush();
  EXPECT_EQ(w->stats().written, 0u);
  EXPECT_EQ(w->stats().dropped, 10u);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(w->push(record(i)));
  w->flush();
  EXPECT_EQ(w->stats().dropped, 15u);
}

TEST(Writer, FifoIsWrittenNeverRotated) {
  TempDir dir;
  const std::string path = dir.file("decisions.fifo");
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  // A non-blocking reader first, so that the writer's open() does not wait for one; 20 lines
  // fit in the pipe buffer.
  const int reader = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  ASSERT_GE(reader, 0);
  {
    auto w = open_writer({.path = path, .max_size = 100, .keep = 2});
    for (int i = 0; i < 20; ++i) w->push(record(i));
  }  // the writer closes its end: the reader sees EOF after the data
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(reader, buf, sizeof buf)) > 0;) text.append(buf, n);
  ::close(reader);
  EXPECT_EQ(ids_of(text, "fifo"), range(0, 20));
  EXPECT_TRUE(fs::is_fifo(path));
  EXPECT_EQ(dir.names(), std::vector<std::string>{"decisions.fifo"});
}

struct BadPath {
  std::string name;
  std::string file;  // under the temporary directory
  int error;
};

class UnwritablePath : public ::testing::TestWithParam<BadPath> {};

TEST_P(UnwritablePath, IsAnErrorAtOnce) {
  TempDir dir;
  fs::create_directory(dir.path() / "a-directory");
  const std::string path = dir.file(GetParam().file);
  auto w = Writer::open({.path = path});
  ASSERT_FALSE(w.has_value());
  EXPECT_EQ(w.error(),
            "decision_log.path: cannot open " + path + ": " + std::strerror(GetParam().error));
}

INSTANTIATE_TEST_SUITE_P(Paths, UnwritablePath,
                         ::testing::Values(BadPath{"MissingDirectory", "missing/d.jsonl", ENOENT},
                                           BadPath{"IsADirectory", "a-directory", EISDIR}),
                         [](const auto& info) { return info.param.name; });

TEST(Writer, ReopenAfterRenameStartsANewFile) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  auto w = open_writer({.path = path});
  for (int i = 0; i < 3; ++i) w->push(record(i));
  w->flush();
  fs::rename(path, dir.file("decisions.jsonl.old"));
  w->reopen();
  w->flush();
  EXPECT_TRUE(fs::exists(path));  // created by the reopen, before any record
  for (int i = 3; i < 5; ++i) w->push(record(i));
  w->flush();
  EXPECT_EQ(ids_of(read_file(dir.file("decisions.jsonl.old")), "old"), range(0, 3));
  EXPECT_EQ(ids_of(read_file(path), "new"), range(3, 5));
}

TEST(Writer, FailedReopenDropsThenRecovers) {
  TempDir dir;
  fs::create_directory(dir.path() / "logs");
  const std::string path = dir.file("logs/decisions.jsonl");
  auto w = open_writer({.path = path});
  w->push(record(0));
  w->flush();
  fs::rename(dir.path() / "logs", dir.path() / "moved");
  w->reopen();  // fails: the directory is gone
  w->push(record(1));
  w->push(record(2));
  w->flush();
  EXPECT_EQ(w->stats().dropped, 2u);
  fs::create_directory(dir.path() / "logs");
  w->push(record(3));  // the next batch opens the path again
  w->flush();
  EXPECT_EQ(ids_of(read_file(dir.file("moved/decisions.jsonl")), "moved"), std::vector<int>{0});
  EXPECT_EQ(ids_of(read_file(path), "new"), std::vector<int>{3});
  EXPECT_EQ(w->stats().written, 2u);
  EXPECT_EQ(w->stats().dropped, 2u);
}

}  // namespace
}  // namespace dg::proxy::decision_log
