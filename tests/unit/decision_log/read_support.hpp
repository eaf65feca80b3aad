#pragma once
// Test helpers for the read side (`devoguard log`): an Output that keeps the lines it is
// given, decision-log lines built from a few fields, gzip in memory, appending to a file.
#include <zlib.h>

#include <fstream>
#include <string>
#include <vector>

#include "proxy/decision_log/output.hpp"

namespace dg::proxy::decision_log::test_support {

class Collect final : public Output {
 public:
  void add(const Line& line) override { lines.emplace_back(line.text); }
  void flush() override { ++flushes; }
  std::vector<std::string> lines;
  int flushes = 0;
};

// A line as record.cpp writes it; `extra` is appended inside the object (",\"k\":v").
inline std::string log_line(const std::string& ts, const std::string& client,
                            const std::string& qname, const std::string& action,
                            const std::string& rule = "default", const std::string& extra = "") {
  return R"({"ts":")" + ts + R"(","client":")" + client + R"(","proto":"udp","id":1,"qname":")" +
         qname + R"(","qtype":"A","rule":)" + (rule.empty() ? "null" : "\"" + rule + "\"") +
         R"(,"action":")" + action + R"(","rcode":"NOERROR","latency_us":5)" + extra + "}";
}

// `text` as one gzip member (RFC 1952).
inline std::string gzip_text(const std::string& text, int level = 6) {
  z_stream z{};
  deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, static_cast<uLong>(text.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

inline void append_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << text;
}

}  // namespace dg::proxy::decision_log::test_support
