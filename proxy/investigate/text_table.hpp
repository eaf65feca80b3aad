#pragma once
// Aligned plain-text tables for the investigation reports: a header line, then rows whose
// columns line up (UTF-8 aware), two spaces apart; the last column is never padded.
#include <string>
#include <vector>

namespace dg::proxy::investigate {

using TableRow = std::vector<std::string>;

// "TITLE" line, then the header and rows. An empty `rows` prints "  (none)".
std::string render_table(const std::string& title, const TableRow& header,
                         const std::vector<TableRow>& rows, const std::string& indent = "  ");

}  // namespace dg::proxy::investigate
