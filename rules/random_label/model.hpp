#pragma once
// The random-label scorer (INVESTIGATE.md §3): how likely one DNS label is a random probe
// (Chromium's IntranetRedirectDetector, Windows' startup probes) rather than a word or a
// place name. Backed by the table tools/label_model_train generates at build time.
#include <cstddef>
#include <string_view>

namespace dg::rules::random_label {

inline constexpr double kDefaultMinScore = 0.90;
inline constexpr std::size_t kDefaultMinLength = 7;
inline constexpr std::size_t kDefaultMaxLength = 15;

// Score in [0, 1] of one label. Labels shorter than `min_length`, longer than `max_length`,
// or holding anything but letters (upper case counts as lower) score 0, so `srv01` or
// `tokyo-fs` never look random. At most 64 table lookups, no allocation.
double label_score(std::string_view label, std::size_t min_length = kDefaultMinLength,
                   std::size_t max_length = kDefaultMaxLength);

// The first label of a dotted name ("" for the root).
constexpr std::string_view first_label(std::string_view name) {
  return name.substr(0, name.find('.'));
}

// sha256 prefix of the generated table: which model scored (`devoguard version`).
std::string_view model_id();

}  // namespace dg::rules::random_label
