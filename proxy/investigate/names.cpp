#include "proxy/investigate/names.hpp"

#include <algorithm>

namespace dg::proxy::investigate {

int label_count(std::string_view name) {
  return name.empty() ? 0 : 1 + int(std::count(name.begin(), name.end(), '.'));
}

std::string_view leading_labels(std::string_view name, int n) {
  std::size_t pos = 0;
  for (int i = 0; i < n; ++i) {
    const auto dot = name.find('.', pos);
    if (dot == std::string_view::npos) return name;
    if (i == n - 1) return name.substr(0, dot);
    pos = dot + 1;
  }
  return {};
}

std::string_view trailing_labels(std::string_view name, int n) {
  if (n <= 0) return {};
  std::size_t start = name.size();
  for (int i = 0; i < n; ++i) {
    if (start == 0) return name;
    const auto dot = name.rfind('.', start - 1);
    if (dot == std::string_view::npos) return name;
    start = dot;
  }
  return name.substr(start + 1);
}

bool in_zone(std::string_view name, std::string_view zone) {
  if (zone.empty()) return true;
  if (name.size() == zone.size()) return name == zone;
  return name.size() > zone.size() && name.ends_with(zone) &&
         name[name.size() - zone.size() - 1] == '.';
}

std::optional<DevolutionSplit> devolution_split(std::string_view n1, std::string_view n2,
                                                int level) {
  const int l1 = label_count(n1), l2 = label_count(n2);
  if (l2 < 2 || l1 <= l2) return std::nullopt;
  // Common leading labels, compared label by label.
  int lead = 0;
  for (std::size_t a = 0, b = 0; a <= n1.size() && b <= n2.size();) {
    const auto ea = std::min(n1.find('.', a), n1.size());
    const auto eb = std::min(n2.find('.', b), n2.size());
    if (n1.substr(a, ea - a) != n2.substr(b, eb - b)) break;
    ++lead;
    a = ea + 1;
    b = eb + 1;
  }
  const int p = std::min(lead, l2 - 1);
  const int d = l2 - p;
  if (p < 1 || d < level || l1 - p - d < 1) return std::nullopt;
  const std::string_view parent = trailing_labels(n2, d);
  if (n1.size() <= parent.size() || !n1.ends_with(parent) ||
      n1[n1.size() - parent.size() - 1] != '.')
    return std::nullopt;
  const std::string_view prefix = leading_labels(n2, p);
  return DevolutionSplit{prefix, parent, n1.substr(prefix.size() + 1)};
}

std::optional<std::string_view> suffix_from_srv(std::string_view qname) {
  for (std::string_view head : {"_ldap._tcp.dc._msdcs.", "_kerberos._tcp.", "_ldap._tcp."}) {
    if (!qname.starts_with(head)) continue;
    const auto s = qname.substr(head.size());
    if (s.empty() || s.starts_with('_') || s.find("._") != std::string_view::npos) return std::nullopt;
    return s;
  }
  return std::nullopt;
}

}  // namespace dg::proxy::investigate
