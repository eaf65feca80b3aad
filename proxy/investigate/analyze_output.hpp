#pragma once
// The report of `devoguard analyze` as text tables (sections in the order of INVESTIGATE.md
// §1 "Output") or as one JSON document.
#include <nlohmann/json.hpp>
#include <string>

#include "proxy/investigate/report.hpp"

namespace dg::proxy::investigate {

// `top` rows per section, 0 for all.
std::string analyze_table(const Report& r, std::size_t top);
nlohmann::ordered_json analyze_json(const Report& r);

}  // namespace dg::proxy::investigate
