#pragma once
// `devoguard analyze` (INVESTIGATE.md §1): offline audit of Windows DNS server debug logs,
// Route 53 Resolver query logs and devoguard decision logs. Streams every file once; prints
// the report as tables or JSON. Exit: 0 ok, 1 unreadable file, 2 bad usage or unrecognised
// input, 3 when --fail-on found what it names.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace dg::proxy::investigate {

struct AnalyzeOptions {
  std::vector<std::string> files;
  std::string format = "auto";
  std::string config;
  std::vector<std::string> suffixes;
  std::optional<int> devolution_level;
  std::string window;  // a duration; empty: the config's correlation_window, else 30s
  std::string tz = "UTC";
  std::string date_order = "auto";
  bool lenient_names = false;  // read debug-log names by their parentheses, not (len)
  std::vector<std::string> aws_resolvers;
  std::string since, until;
  std::vector<std::string> clients;
  double min_score = 0.90;
  std::size_t top = 20;
  bool json = false;
  std::string fail_on = "never";
};

int run_analyze(const AnalyzeOptions& options);

}  // namespace dg::proxy::investigate
