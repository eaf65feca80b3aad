#pragma once
// `devoguard explain FINDING.json…` (INVESTIGATE.md §2): a verdict for each GuardDuty DGA
// finding from its shape and, when given, devoguard's decision log. Exit: 0 every finding
// benign-devolution or probe-shape, 3 at least one investigate, 2 bad usage or nothing
// parseable, 1 unreadable file.
#include <optional>
#include <string>
#include <vector>

namespace dg::proxy::investigate {

struct ExplainOptions {
  std::vector<std::string> files;
  std::string config;
  std::vector<std::string> logs;
  std::vector<std::string> suffixes;
  std::optional<int> devolution_level;
  std::vector<std::string> self;
  std::string slack = "10m";
  double min_score = 0.90;
  bool json = false;
};

int run_explain(const ExplainOptions& options);

}  // namespace dg::proxy::investigate
