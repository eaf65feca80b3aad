#pragma once
// The report of `devoguard analyze` as text tables (sections in the order of INVESTIGATE.md
// §1 "Output") or as one JSON document.
#include <cstdio>
#include <string>

#include "proxy/investigate/report.hpp"

namespace dg::proxy::investigate {

// `top` rows per section, 0 for all.
std::string analyze_table(const Report& r, std::size_t top);
// The JSON document, written as it is made (its big arrays are never held whole); false when
// writing failed.
bool write_analyze_json(const Report& r, std::FILE* out);

}  // namespace dg::proxy::investigate
