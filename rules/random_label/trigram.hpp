#pragma once
// The character-trigram model of INVESTIGATE.md §3, shared by the build-time trainer
// (tools/label_model_train) and the scorer: symbol numbering, table layout and the statistic.
// Header-only and allocation-free so the trainer does not depend on the library it feeds.
#include <cmath>
#include <cstddef>
#include <string_view>

namespace dg::rules::random_label {

// Symbols: 'a'..'z' are 0..25, the begin mark "^" is 26, the end mark "$" is 27. A context is
// two symbols (28 × 28, of which only letters and "^" occur); an outcome is a letter or "$".
inline constexpr int kLetters = 26;
inline constexpr int kBegin = 26;
inline constexpr int kEnd = 27;
inline constexpr int kSymbols = 28;
inline constexpr int kOutcomes = 27;  // a–z and "$"
inline constexpr std::size_t kTableSize = std::size_t(kSymbols) * kSymbols * kOutcomes;
// Add-k smoothing of the counts (§3).
inline constexpr double kSmoothing = 0.1;
// Labels the model scores (§3 defaults); others score 0.
inline constexpr std::size_t kMaxLabel = 63;

constexpr std::size_t table_index(int c2, int c1, int next) {
  return (std::size_t(c2) * kSymbols + std::size_t(c1)) * kOutcomes + std::size_t(next);
}

// 'a'..'z' and 'A'..'Z' → 0..25 (DNS names compare case-insensitively); anything else → -1.
constexpr int letter_of(char c) {
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= 'A' && c <= 'Z') return c - 'A';
  return -1;
}

// ln P_L(label) from a table of ln P(next | c2 c1), or NaN when a byte is not a–z.
// `log_prob` is indexable by table_index(); float or double.
template <class Table>
double log_likelihood(std::string_view label, const Table& log_prob) {
  int c2 = kBegin, c1 = kBegin;
  double sum = 0;
  for (char ch : label) {
    const int c = letter_of(ch);
    if (c < 0) return std::nan("");
    sum += double(log_prob[table_index(c2, c1, c)]);
    c2 = c1;
    c1 = c;
  }
  return sum + double(log_prob[table_index(c2, c1, kEnd)]);
}

// s(x) = (n·ln(1/26) − ln P_L(x)) / (n+1): how much more likely x is under the uniform random
// model than under the language model, per symbol (the end mark counts, hence n+1).
template <class Table>
double statistic(std::string_view label, const Table& log_prob) {
  const double n = double(label.size());
  return (n * -std::log(double(kLetters)) - log_likelihood(label, log_prob)) / (n + 1);
}

// The calibrated score 1 / (1 + e^−(α·s+β)).
inline double logistic(double s, double alpha, double beta) {
  return 1.0 / (1.0 + std::exp(-(alpha * s + beta)));
}

}  // namespace dg::rules::random_label
