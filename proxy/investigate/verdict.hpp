#pragma once
// The verdict of `devoguard explain` for one finding (INVESTIGATE.md §2, "Verdict rules"):
// eight ordered rules, the first that applies wins. Pure: the decision-log lines it may use
// come in already read.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "proxy/investigate/finding.hpp"

namespace dg::proxy::investigate {

// One decision-log line kept for explain (only names that can matter are kept).
struct LogLine {
  Micros ts{};
  std::string client, qname, qtype, action, rule, devolved_from;
  std::optional<std::string> rcode;
  std::optional<uint64_t> ancount;
};

struct LogView {
  std::vector<LogLine> lines;                  // for the findings' names and their P.S twins
  std::optional<Micros> first_ts, last_ts;     // of the whole log
  std::vector<std::string> clients_seen;       // finding addresses that appear as client
  bool any = false;                            // a log was given and read
};

struct VerdictContext {
  std::vector<std::string> suffixes;
  int devolution_level = 2;
  std::chrono::milliseconds correlation_window{30000};
  std::chrono::milliseconds slack{600000};
  std::vector<std::string> self;  // --self
  double min_score = 0.90;
};

struct EvidenceLine {
  LogLine line;
  std::string role;  // asked-under-suffix, devolved
};

struct Verdict {
  std::string verdict;                    // benign-devolution, probe-shape, investigate
  std::optional<std::string> confidence;  // high, medium, low; none for investigate
  std::vector<std::string> reasons;
  std::vector<EvidenceLine> evidence;
  std::vector<std::string> origin_clients;
  std::vector<std::string> recommendations;  // ids of §1: R1…R5
  bool on_devoguard = false;
  std::vector<std::string> notes;  // "treating <ip> as devoguard (use --self)"
};

Verdict judge(const Finding& f, const LogView& log, const VerdictContext& ctx);

// The names a finding's verdict can look at: N and every P.S twin (for the log filter).
std::vector<std::string> names_of_interest(const Finding& f, const VerdictContext& ctx);

}  // namespace dg::proxy::investigate
