#pragma once
// Devolution parents (PRODUCT.md "Devolution"): for each suffix S, its parent domains with at
// least `devolution_level` labels, leaving out those that are themselves suffixes.
#include <string>
#include <vector>

namespace dg::rules {

struct SuffixParents {
  std::string suffix;
  std::vector<std::string> parents;  // nearest first: corp.example.co.jp → example.co.jp, co.jp
};

std::vector<SuffixParents> devolution_parents(const std::vector<std::string>& suffixes,
                                              int devolution_level);

// True when `name` is on the Public Suffix List (libpsl, Debian's publicsuffix data): a devolved
// name under it leaks to the internet.
bool is_public_suffix(const std::string& name);

}  // namespace dg::rules
