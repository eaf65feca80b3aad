// LineBatch: a DNS thread's lines reach the writer when flushed, when the batch is large, and
// when the batch goes away; a batch that would pass the queue's capacity is dropped and counted.
#include "proxy/decision_log/line_batch.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/unit/decision_log/files.hpp"
#include "tests/unit/decision_log/open_writer.hpp"

namespace dg::proxy::decision_log {
namespace {

using test_support::TempDir;
using test_support::open_writer;
using test_support::read_file;
using test_support::split_lines;

Record record(int id) {
  Record r;
  r.ts = std::chrono::system_clock::time_point{};
  r.client = *conf::IpAddress::parse("10.0.0.1");
  r.id = static_cast<uint16_t>(id);
  r.qname = "dglvrrerxokcxc.co.jp";
  r.qtype = 1;
  r.rule = "devolved";
  r.action = "nxdomain";
  r.rcode = 3;
  return r;
}

std::vector<int> ids_in(const std::string& path) {
  std::vector<int> ids;
  for (const auto& line : split_lines(read_file(path)))
    ids.push_back(nlohmann::json::parse(line)["id"].get<int>());
  return ids;
}

TEST(LineBatch, LinesWaitForFlushThenArriveInOrder) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  auto w = open_writer({.path = path});
  LineBatch batch(*w);
  for (int i = 0; i < 3; ++i) batch.add(record(i));
  w->flush();
  EXPECT_EQ(ids_in(path), std::vector<int>{});  // still in the batch
  batch.flush();
  batch.add(record(3));
  batch.flush();
  w->flush();
  EXPECT_EQ(ids_in(path), (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(w->stats().written, 4u);
  EXPECT_EQ(w->stats().dropped, 0u);
}

TEST(LineBatch, LargeBatchGoesToTheWriterUnflushed) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  auto w = open_writer({.path = path});
  LineBatch batch(*w);
  // A line is ~170 bytes: 1000 of them pass the 64 KiB hand-over size at least twice.
  for (int i = 0; i < 1000; ++i) batch.add(record(i));
  w->flush();
  const auto ids = ids_in(path);
  EXPECT_GE(ids.size(), 2 * (64u << 10) / 200);
  EXPECT_LT(ids.size(), 1000u);
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], int(i));
}

TEST(LineBatch, GoingAwayHandsOverWhatIsLeft) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  auto w = open_writer({.path = path});
  {
    LineBatch batch(*w);
    batch.add(record(7));
  }
  w->flush();
  EXPECT_EQ(ids_in(path), std::vector<int>{7});
}

TEST(LineBatch, BatchPastQueueCapacityIsDroppedWhole) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  auto w = open_writer({.path = path, .queue_capacity = 2});
  LineBatch batch(*w);
  for (int i = 0; i < 3; ++i) batch.add(record(i));
  batch.flush();  // 3 lines > 2: none taken
  batch.add(record(3));
  batch.flush();
  w->flush();
  EXPECT_EQ(ids_in(path), std::vector<int>{3});
  EXPECT_EQ(w->stats().dropped, 3u);
  EXPECT_EQ(w->stats().written, 1u);
}

}  // namespace
}  // namespace dg::proxy::decision_log
