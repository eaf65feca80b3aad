#pragma once
// explain's rows: the table of INVESTIGATE.md §2 "Output" with evidence lines indented under
// each finding, or the JSON array.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "proxy/investigate/finding.hpp"
#include "proxy/investigate/verdict.hpp"

namespace dg::proxy::investigate {

struct Explained {
  Finding finding;
  Verdict verdict;
};

std::string explain_table(const std::vector<Explained>& rows);
nlohmann::ordered_json explain_json(const std::vector<Explained>& rows);

}  // namespace dg::proxy::investigate
