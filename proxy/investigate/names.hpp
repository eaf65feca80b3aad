#pragma once
// Label arithmetic on lower-case dotted names without the final dot, for devolution pairs
// (INVESTIGATE.md §1, "Normalised event and detection").
#include <optional>
#include <string_view>

namespace dg::proxy::investigate {

int label_count(std::string_view name);
// The first `n` labels / the last `n` labels of `name` (n ≤ label_count).
std::string_view leading_labels(std::string_view name, int n);
std::string_view trailing_labels(std::string_view name, int n);
// `name` is `zone` or under it, by labels.
bool in_zone(std::string_view name, std::string_view zone);

// N1 = P.X.D and N2 = P.D: P the longest common leading labels (at least one), D the rest of
// N2 (the longest common trailing labels must cover it), X at least one label, D at least
// `level` labels. `suffix` is X.D, the AD suffix N1 was asked under.
struct DevolutionSplit {
  std::string_view prefix;  // P (a view into N2)
  std::string_view parent;  // D (a view into N2)
  std::string_view suffix;  // X.D (a view into N1)
};
std::optional<DevolutionSplit> devolution_split(std::string_view n1, std::string_view n2,
                                                int level);

// SRV names that reveal an AD suffix S directly: _ldap._tcp.dc._msdcs.S, _kerberos._tcp.S,
// _ldap._tcp.S (S without "_" labels).
std::optional<std::string_view> suffix_from_srv(std::string_view qname);

}  // namespace dg::proxy::investigate
