// Reader: plain and gzip files told apart by content, gzip members back to back, lines across
// chunk boundaries, a final line without '\n', overlong lines, read errors; the tail mode of
// --follow (appended lines only, half lines held back, rotation noticed).
#include "proxy/decision_log/reader.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "files.hpp"
#include "read_support.hpp"

namespace dg::proxy::decision_log {
namespace {

using test_support::append_file;
using test_support::gzip_text;
using test_support::TempDir;
using test_support::write_file;

// Every line the reader gives until its end; the error, if any, as a last "ERROR: …" entry.
std::vector<std::string> all_lines(Reader& r) {
  std::vector<std::string> out;
  for (;;) {
    auto line = r.next();
    if (!line) {
      out.push_back("ERROR: " + line.error());
      return out;
    }
    if (!*line) return out;
    out.emplace_back(**line);
  }
}

std::vector<std::string> read_path(const std::string& path) {
  auto r = Reader::open(path);
  if (!r) return {"OPEN ERROR: " + r.error()};
  return all_lines(**r);
}

struct ContentCase {
  std::string name;
  std::string file_name;  // the name must not matter
  std::string bytes;
  std::vector<std::string> want;
};

class ReaderContent : public testing::TestWithParam<ContentCase> {};

TEST_P(ReaderContent, Lines) {
  TempDir dir;
  const auto& c = GetParam();
  const std::string path = dir.file(c.file_name);
  write_file(path, c.bytes);
  EXPECT_EQ(read_path(path), c.want);
}

const std::string kTwo = "{\"a\":1}\n{\"b\":2}\n";
const std::vector<std::string> kTwoLines = {"{\"a\":1}", "{\"b\":2}"};

INSTANTIATE_TEST_SUITE_P(
    Cases, ReaderContent,
    testing::ValuesIn(std::vector<ContentCase>{
        {"plain", "decisions.jsonl", kTwo, kTwoLines},
        {"gzip", "decisions.jsonl.1.gz", gzip_text(kTwo), kTwoLines},
        {"gzip_without_gz_name", "decisions.jsonl", gzip_text(kTwo), kTwoLines},
        {"plain_with_gz_name", "decisions.jsonl.2.gz", kTwo, kTwoLines},
        {"gzip_members_back_to_back", "d.gz", gzip_text("{\"a\":1}\n") + gzip_text("{\"b\":2}\n"),
         kTwoLines},
        {"gzip_member_split_mid_line", "d.gz", gzip_text("{\"a\":1}\n{\"b\"") + gzip_text(":2}\n"),
         kTwoLines},
        {"empty", "d.jsonl", "", {}},
        {"empty_gzip", "d.gz", gzip_text(""), {}},
        {"one_byte", "d.jsonl", "x", {"x"}},
        {"gzip_magic_byte_only", "d.jsonl", "\x1f", {"\x1f"}},
        {"final_line_without_newline", "d.jsonl", "{\"a\":1}\n{\"b\":2}", kTwoLines},
        {"empty_lines_kept", "d.jsonl", "\n\na\n", {"", "", "a"}},
        {"crlf_kept_for_the_scanner", "d.jsonl", "a\r\nb\r\n", {"a\r", "b\r"}},
    }),
    [](const auto& info) { return info.param.name; });

// A gzip file cut short or corrupted is an error naming the file, not a quiet end.
TEST(ReaderGzipErrors, NameTheFile) {
  TempDir dir;
  const std::string path = dir.file("d.gz");
  write_file(path, gzip_text(kTwo).substr(0, 12));
  EXPECT_EQ(read_path(path), (std::vector<std::string>{"ERROR: " + path + ": gzip data ends early"}));
  write_file(path, gzip_text(kTwo).substr(0, 10) + std::string(30, 'x'));
  const auto got = read_path(path);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].starts_with("ERROR: " + path + ": gzip data error: ")) << got[0];
}

TEST(IsGzipFile, ByContent) {
  TempDir dir;
  write_file(dir.file("a.jsonl"), gzip_text("x\n"));
  write_file(dir.file("b.gz"), "x\n");
  write_file(dir.file("c"), "\x1f");
  EXPECT_TRUE(is_gzip_file(dir.file("a.jsonl")));
  EXPECT_FALSE(is_gzip_file(dir.file("b.gz")));
  EXPECT_FALSE(is_gzip_file(dir.file("c")));
  EXPECT_FALSE(is_gzip_file(dir.file("missing")));
}

TEST(ReaderOpen, MissingFile) {
  TempDir dir;
  const std::string path = dir.file("nope.jsonl");
  auto r = Reader::open(path);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), path + ": cannot open: No such file or directory");
}

TEST(ReaderOpen, DirectoryIsAReadError) {
  TempDir dir;
  auto r = Reader::open(dir.path().string());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), dir.path().string() + ": cannot read: Is a directory");
}

// Lines far longer than the 1 MiB read chunk, and many lines crossing chunk boundaries,
// plain and compressed.
TEST(ReaderChunks, LongAndManyLines) {
  std::vector<std::string> want;
  std::string text;
  for (int i = 0; i < 20000; ++i) {
    want.push_back(std::string(static_cast<std::size_t>(i % 300), 'a' + i % 26) + std::to_string(i));
    if (i == 5000) want.back() = std::string(3u << 20, 'L');  // 3 MiB: the buffer grows
    text += want.back() + "\n";
  }
  TempDir dir;
  write_file(dir.file("plain"), text);
  write_file(dir.file("gz"), gzip_text(text));
  EXPECT_EQ(read_path(dir.file("plain")), want);
  EXPECT_EQ(read_path(dir.file("gz")), want);
}

// Random text hardly compresses: the first read of a large gzip file takes a whole chunk of
// compressed bytes, more than zlib's input buffer, and many refills follow.
TEST(ReaderChunks, LargeCompressedFile) {
  std::mt19937 rng(3);
  std::vector<std::string> want;
  std::string text;
  for (int i = 0; i < 40000; ++i) {
    std::string line(100 + rng() % 200, ' ');
    for (char& c : line) c = static_cast<char>('!' + rng() % 90);
    want.push_back(line);
    text += line + "\n";
  }
  const std::string gz = gzip_text(text);
  ASSERT_GT(gz.size(), 4u << 20);
  TempDir dir;
  write_file(dir.file("big.gz"), gz);
  EXPECT_EQ(read_path(dir.file("big.gz")), want);
}

TEST(ReaderChunks, OverlongLineIsCutAndTheRestSkipped) {
  TempDir dir;
  const std::string path = dir.file("d.jsonl");
  std::string text = "first\n" + std::string(Reader::kMaxLine + 100, 'x') + "\nlast\n";
  write_file(path, text);
  auto r = Reader::open(path);
  ASSERT_TRUE(r);
  Reader& reader = **r;
  EXPECT_EQ(**reader.next(), "first");
  EXPECT_FALSE(reader.truncated());
  const auto cut = **reader.next();
  EXPECT_EQ(cut.size(), Reader::kMaxLine);
  EXPECT_TRUE(reader.truncated());
  EXPECT_EQ(reader.line_number(), 2u);
  EXPECT_EQ(**reader.next(), "last");
  EXPECT_FALSE(reader.truncated());
  EXPECT_EQ(reader.line_number(), 3u);
  EXPECT_FALSE(*reader.next());
}

TEST(ReaderNames, LineNumbersAndName) {
  TempDir dir;
  const std::string path = dir.file("d.jsonl");
  write_file(path, "a\nb\n");
  auto r = Reader::open(path);
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)->name(), path);
  EXPECT_EQ(**(*r)->next(), "a");
  EXPECT_EQ((*r)->line_number(), 1u);
  EXPECT_EQ(**(*r)->next(), "b");
  EXPECT_EQ((*r)->line_number(), 2u);
}

TEST(ReaderTail, OnlyAppendedLinesAndHalfLinesHeldBack) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  write_file(path, "old 1\nold 2\n");
  auto r = Reader::open_tail(path, /*from_end=*/true);
  ASSERT_TRUE(r);
  Reader& reader = **r;
  EXPECT_FALSE(*reader.next());  // what was there before is not read
  append_file(path, "new 1\nnew 2 first half");
  EXPECT_EQ(**reader.next(), "new 1");
  EXPECT_FALSE(*reader.next());  // the half line waits for its end
  append_file(path, ", second half\n");
  EXPECT_EQ(**reader.next(), "new 2 first half, second half");
  EXPECT_FALSE(*reader.next());
  EXPECT_FALSE(reader.replaced());
}

TEST(ReaderTail, FromStart) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  write_file(path, "a\n");
  auto r = Reader::open_tail(path, /*from_end=*/false);
  ASSERT_TRUE(r);
  EXPECT_EQ(all_lines(**r), std::vector<std::string>{"a"});
}

TEST(ReaderTail, ReplacedByRenameAndRecreate) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  write_file(path, "a\n");
  auto r = Reader::open_tail(path, true);
  ASSERT_TRUE(r);
  EXPECT_FALSE((*r)->replaced());
  std::filesystem::rename(path, dir.file("decisions.jsonl.1"));
  EXPECT_FALSE((*r)->replaced());  // nothing at the path yet: keep the open file
  write_file(path, "");
  EXPECT_TRUE((*r)->replaced());
}

TEST(ReaderTail, ReplacedByTruncation) {
  TempDir dir;
  const std::string path = dir.file("decisions.jsonl");
  write_file(path, "");
  auto r = Reader::open_tail(path, true);
  ASSERT_TRUE(r);
  append_file(path, "a line\n");
  EXPECT_EQ(**(*r)->next(), "a line");
  EXPECT_FALSE((*r)->replaced());
  std::filesystem::resize_file(path, 0);
  EXPECT_TRUE((*r)->replaced());
}

}  // namespace
}  // namespace dg::proxy::decision_log
