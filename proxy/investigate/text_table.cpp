#include "proxy/investigate/text_table.hpp"

#include <algorithm>

namespace dg::proxy::investigate {
namespace {

std::size_t width_of(const std::string& s) {
  return std::size_t(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

std::string render_table(const std::string& title, const TableRow& header,
                         const std::vector<TableRow>& rows, const std::string& indent) {
  std::string out = title + "\n";
  if (rows.empty()) return out + indent + "(none)\n";
  std::vector<std::size_t> widths(header.size(), 0);
  auto measure = [&](const TableRow& r) {
    for (std::size_t i = 0; i < r.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], width_of(r[i]));
  };
  measure(header);
  for (const auto& r : rows) measure(r);
  auto line = [&](const TableRow& r) {
    std::string l = indent;
    for (std::size_t i = 0; i < r.size(); ++i) {
      l += r[i];
      if (i + 1 < r.size()) l.append(widths[i] - width_of(r[i]) + 2, ' ');
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    return l + "\n";
  };
  out += line(header);
  for (const auto& r : rows) out += line(r);
  return out;
}

}  // namespace dg::proxy::investigate
