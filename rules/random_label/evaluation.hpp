#pragma once
// The evaluation of INVESTIGATE.md §3, generated (not committed) from the same Debian lists the
// model was trained on: positives are seeded random labels, negatives the held-out folds and
// hand-written AD server names. Used by tools/label_model_eval (prints the table) and by the
// unit test that holds the targets.
#include <cstddef>
#include <expected>
#include <string>
#include <utility>
#include <vector>

#include "rules/random_label/corpus.hpp"

namespace dg::rules::random_label {

struct EvaluationInputs {
  std::string american = kAmericanWords;
  std::string british = kBritishWords;
  std::string psl = kPublicSuffixList;
  std::string ad_hostnames;  // tests/fixtures/ad_hostnames.txt: one name per line, '#' comments
  std::size_t positives = 100000;
};

struct LengthRow {
  std::size_t length = 0;
  std::size_t positives = 0;
  double tpr = 0;          // at Evaluation::threshold
  double tpr_default = 0;  // at kDefaultMinScore
  std::size_t negatives = 0;  // N1 ∪ N2 ∪ N3 of this length
  double fpr_default = 0;
};

struct Evaluation {
  std::size_t positives = 0;
  std::size_t n1 = 0, n2 = 0, n3 = 0;  // PSL .jp held out, wbritish-only, PSL other held out
  // The threshold giving FPR ≤ 1 % on N1 ∪ N2 ∪ N3: a label is detected when its score is
  // strictly above it.
  double threshold = 0;
  double fpr = 0, tpr = 0;                  // at threshold
  double fpr_default = 0, tpr_default = 0;  // at kDefaultMinScore (score ≥ 0.90)
  double tpr_long = 0;                      // length ≥ 12, at threshold
  std::vector<LengthRow> rows;              // lengths 7–15
  double probe_score = 0;                   // dglvrrerxokcxc, the sample's probe
  std::vector<std::pair<std::string, double>> ad_hostnames;  // N4, each with its score
  std::vector<std::pair<std::string, double>> worst_negatives;  // the ten highest-scoring
};

// Error: a list that cannot be read.
std::expected<Evaluation, std::string> evaluate(const EvaluationInputs& in);

}  // namespace dg::rules::random_label
