#pragma once
// R1–R5 of INVESTIGATE.md §1, each emitted only when its evidence is in the report.
#include <vector>

#include "proxy/investigate/report.hpp"

namespace dg::proxy::investigate {

std::vector<Recommendation> recommend(const Report& r);

}  // namespace dg::proxy::investigate
