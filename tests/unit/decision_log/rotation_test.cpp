// gzip_file: the rotated file holds every byte of the live file, as 1 MiB gzip members back to
// back (libdeflate compresses whole buffers), readable by zlib and by our Reader; the errors
// name the file and leave no temporary file behind.
#include "proxy/decision_log/rotation.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "files.hpp"
#include "proxy/decision_log/reader.hpp"

namespace dg::proxy::decision_log {
namespace {

using test_support::read_file;
using test_support::read_gzip;
using test_support::TempDir;
using test_support::write_file;

constexpr std::size_t kMember = 1 << 20;

// Decision-log-like text of exactly `size` bytes, lines of varying length.
std::string lines_of_size(std::size_t size) {
  std::string text;
  for (int i = 0; text.size() < size; ++i)
    text += R"({"id":)" + std::to_string(i) + R"(,"qname":")" + std::string(i % 53, 'q') + "\"}\n";
  text.resize(size);
  return text;
}

// How many gzip members `packed` holds, decoding each to its end; -1 when it is not gzip.
int count_members(const std::string& packed) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return -1;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
  z.avail_in = static_cast<uInt>(packed.size());
  std::vector<Bytef> sink(64 << 10);
  int members = 0;
  while (z.avail_in > 0) {
    z.next_out = sink.data();
    z.avail_out = static_cast<uInt>(sink.size());
    const int rc = inflate(&z, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      ++members;
      inflateReset(&z);
    } else if (rc != Z_OK) {
      members = -1;
      break;
    }
  }
  inflateEnd(&z);
  return members;
}

struct SizeCase {
  const char* name;
  std::size_t size;
  int members;
};

class GzipFileSize : public ::testing::TestWithParam<SizeCase> {};

TEST_P(GzipFileSize, HoldsEveryByteInMembersOfOneMebibyte) {
  const SizeCase& c = GetParam();
  TempDir dir;
  const std::string text = lines_of_size(c.size);
  write_file(dir.file("live"), text);
  ASSERT_TRUE(gzip_file(dir.file("live"), dir.file("live.1.gz")));
  EXPECT_EQ(read_gzip(dir.file("live.1.gz")), text);
  EXPECT_EQ(count_members(read_file(dir.file("live.1.gz"))), c.members);
  EXPECT_EQ(read_file(dir.file("live")), text) << "the source is left to rotate()";
  EXPECT_EQ(dir.names().size(), 2U) << "no .tmp left behind";
}

INSTANTIATE_TEST_SUITE_P(
    Sizes, GzipFileSize,
    ::testing::Values(SizeCase{"empty", 0, 1}, SizeCase{"one_line", 12, 1},
                      SizeCase{"exactly_one_member", kMember, 1},
                      SizeCase{"one_byte_over", kMember + 1, 2},
                      SizeCase{"two_and_a_half", kMember * 5 / 2, 3}),
    [](const auto& info) { return std::string(info.param.name); });

// What `devoguard log` reads: lines cut between members come back whole.
TEST(GzipFile, ReaderJoinsLinesAcrossMembers) {
  TempDir dir;
  const std::string text = lines_of_size(kMember * 3 / 2);
  write_file(dir.file("live"), text);
  ASSERT_TRUE(gzip_file(dir.file("live"), dir.file("live.1.gz")));
  auto reader = Reader::open(dir.file("live.1.gz"));
  ASSERT_TRUE(reader) << reader.error();
  std::string joined;
  for (;;) {
    auto line = (*reader)->next();
    ASSERT_TRUE(line) << line.error();
    if (!*line) break;
    joined.append(**line).push_back('\n');
  }
  // lines_of_size cuts its last line short; the Reader gives it without a newline.
  EXPECT_EQ(joined.substr(0, text.size()), text);
}

TEST(GzipFile, MissingSourceNamesIt) {
  TempDir dir;
  auto result = gzip_file(dir.file("absent"), dir.file("absent.1.gz"));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), "decision_log: cannot read " + dir.file("absent") +
                                ": No such file or directory");
  EXPECT_TRUE(dir.names().empty());
}

TEST(GzipFile, UnwritableTargetNamesTheTemporaryFile) {
  TempDir dir;
  write_file(dir.file("live"), "x\n");
  const std::string to = dir.file("no-such-dir/live.1.gz");
  auto result = gzip_file(dir.file("live"), to);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), "decision_log: cannot create " + to + ".tmp: No such file or directory");
}

}  // namespace
}  // namespace dg::proxy::decision_log
