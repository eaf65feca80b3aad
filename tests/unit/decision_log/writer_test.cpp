// Writer: lines whole and in order, drops on a full queue or a failing disk, reopen (rotation:
// writer_rotation_test.cpp). Each test works in its own temporary directory.
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
#include "tests/unit/decision_log/writer_records.hpp"

namespace dg::proxy::decision_log {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test_support::TempDir;
using test_support::ids_of;
using test_support::open_writer;
using test_support::range;
using test_support::read_file;
using test_support::record;
using test_support::split_lines;
using test_support::write_file;

constexpr auto kBound = std::chrono::seconds(30);  // a wait that only a broken writer reaches

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
