#pragma once
// The words the model learns from and is evaluated on (INVESTIGATE.md §3), read from the
// Debian packages scripts/deps.sh installs. Shared by tools/label_model_train (training and
// calibration folds) and the evaluation (held-out folds), so both split the data identically.
#include <cstdint>
#include <expected>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace dg::rules::random_label {

inline constexpr const char* kAmericanWords = "/usr/share/dict/american-english";  // wamerican
inline constexpr const char* kBritishWords = "/usr/share/dict/british-english";    // wbritish
inline constexpr const char* kPublicSuffixList = "/usr/share/publicsuffix/public_suffix_list.dat";

// The probe shape the evaluation and calibration look at: 7–15 letters.
inline constexpr std::size_t kProbeMin = 7;
inline constexpr std::size_t kProbeMax = 15;
// Evaluation positives: Chromium's IntranetRedirectDetector shape, this seed (§3).
inline constexpr uint64_t kEvaluationSeed = 20251001;
// Calibration positives use another stream, so evaluation never sees them.
inline constexpr uint64_t kCalibrationSeed = 20240101;

// CRC-32 (IEEE 802.3, as zlib's crc32) of the label's bytes: the fold rule.
uint32_t crc32(std::string_view bytes);

// Held out of training for evaluation (N1, N3): 7–15 letters and crc32 % 5 == 0.
bool held_out(std::string_view label);
// The calibration fold: 7–15 letters and crc32 % 5 == 1; not counted into the trigram table.
bool calibration_fold(std::string_view label);

// Words of a word list, lower-cased; words with anything but letters a–z (after lower-casing:
// apostrophes, accents) are dropped. Sorted, distinct. Error: "PATH: cannot read".
std::expected<std::vector<std::string>, std::string> read_words(const std::string& path);

struct PslLabels {
  std::vector<std::string> jp;     // labels of rules under .jp (not "jp" itself), a–z only
  std::vector<std::string> other;  // labels of all other rules, a–z only, not also in jp
};
// Labels of the Public Suffix List: comments skipped, "*." and "!" stripped, split at dots;
// labels with anything but a–z (punycode, digits, hyphens) dropped. Sorted, distinct.
std::expected<PslLabels, std::string> read_psl(const std::string& path);

// One random label of uniform length 7–15 and uniform letters. Modulo on 64-bit draws (bias
// < 2^-59) instead of std::uniform_int_distribution, whose algorithm the standard leaves open:
// the same seed gives the same labels with any standard library.
std::string random_label(std::mt19937_64& rng);

}  // namespace dg::rules::random_label
