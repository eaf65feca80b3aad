// The writer thread: frames reach a Frame Streams file and read back with libfstrm's reader;
// a full queue, an absent reader or an unwritable file never block push() and are counted.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include <fstrm.h>

#include "dnstap.pb-c.h"
#include "proxy/dnstap/writer.hpp"

namespace dg::proxy::dnstap {
namespace {

std::string temp_path(const std::string& what) {
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  return testing::TempDir() + "dnstap_" + info->name() + "_" + std::to_string(getpid()) + what;
}

Event client_query(uint16_t id) {
  Event e;
  e.type = MessageType::ClientQuery;
  e.query_endpoint = *conf::Endpoint::parse("127.0.0.1:5000", 53);
  e.message = {uint8_t(id >> 8), uint8_t(id), 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1};
  return e;
}

WriterOptions file_options(const std::string& path) {
  WriterOptions o;
  o.settings.file = path;
  o.identity = "test";
  o.version = "devoguard test";
  return o;
}

// The message types of every data frame of a Frame Streams file, and its content type.
std::vector<int> read_types(const std::string& path, std::string* content_type) {
  fstrm_file_options* fopt = fstrm_file_options_init();
  fstrm_file_options_set_file_path(fopt, path.c_str());
  fstrm_reader* r = fstrm_file_reader_init(fopt, nullptr);
  fstrm_file_options_destroy(&fopt);
  std::vector<int> types;
  if (!r) return types;
  const uint8_t* data = nullptr;
  size_t len = 0;
  while (fstrm_reader_read(r, &data, &len) == fstrm_res_success) {
    auto* d = dnstap__dnstap__unpack(nullptr, len, data);
    if (d && d->message) types.push_back(int(d->message->type));
    if (d) dnstap__dnstap__free_unpacked(d, nullptr);
  }
  const fstrm_control* start = nullptr;
  const uint8_t* type = nullptr;
  size_t type_len = 0;
  if (content_type &&
      fstrm_reader_get_control(r, FSTRM_CONTROL_START, &start) == fstrm_res_success &&
      fstrm_control_get_field_content_type(start, 0, &type, &type_len) == fstrm_res_success)
    *content_type = std::string(reinterpret_cast<const char*>(type), type_len);
  fstrm_reader_destroy(&r);
  return types;
}

TEST(Writer, FileReadsBackInOrder) {
  const auto path = temp_path(".fstrm");
  {
    auto w = Writer::open(file_options(path));
    ASSERT_TRUE(w) << w.error();
    Event response = client_query(2);
    response.type = MessageType::ClientResponse;
    EXPECT_TRUE((*w)->push(client_query(1)));
    EXPECT_TRUE((*w)->push(std::move(response)));
    (*w)->flush();
    EXPECT_EQ((*w)->stats().written, 2u);
    EXPECT_EQ((*w)->stats().dropped, 0u);
  }  // the destructor ends the stream (STOP frame)
  std::string content_type;
  EXPECT_EQ(read_types(path, &content_type), (std::vector<int>{5, 6}));
  EXPECT_EQ(content_type, "protobuf:dnstap.Dnstap");
  ::unlink(path.c_str());
}

TEST(Writer, UnwritableFileIsAnErrorAtOnce) {
  auto w = Writer::open(file_options("/nonexistent-dir/dnstap.fstrm"));
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error(), "dnstap: cannot open /nonexistent-dir/dnstap.fstrm for writing");
}

TEST(Writer, AbsentUnixReaderDropsAndCounts) {
  WriterOptions o;
  o.settings.unix_path = temp_path(".sock");  // nobody listens there
  auto w = Writer::open(o);
  ASSERT_TRUE(w) << w.error();  // not an error: the reader may come later
  EXPECT_TRUE((*w)->push(client_query(1)));
  EXPECT_TRUE((*w)->push(client_query(2)));
  (*w)->flush();
  EXPECT_EQ((*w)->stats().written, 0u);
  EXPECT_EQ((*w)->stats().dropped, 2u);
}

TEST(Writer, FullQueueDropsWithoutBlocking) {
  const auto path = temp_path(".fstrm");
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false, released = false;
  auto o = file_options(path);
  o.settings.queue = 2;
  o.before_write = [&] {
    std::unique_lock lock(mu);
    if (entered) return;  // hold only the first batch
    entered = true;
    cv.notify_all();
    cv.wait(lock, [&] { return released; });
  };
  auto w = Writer::open(o);
  ASSERT_TRUE(w) << w.error();
  EXPECT_TRUE((*w)->push(client_query(1)));
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return entered; }));
  }
  // The writer holds event 1; the queue takes two more, the fourth is dropped.
  EXPECT_TRUE((*w)->push(client_query(2)));
  EXPECT_TRUE((*w)->push(client_query(3)));
  EXPECT_FALSE((*w)->push(client_query(4)));
  {
    std::lock_guard lock(mu);
    released = true;
  }
  cv.notify_all();
  (*w)->flush();
  EXPECT_EQ((*w)->stats().written, 3u);
  EXPECT_EQ((*w)->stats().dropped, 1u);
  w->reset();
  EXPECT_EQ(read_types(path, nullptr).size(), 3u);
  ::unlink(path.c_str());
}

}  // namespace
}  // namespace dg::proxy::dnstap
