#include "rules/random_label/model.hpp"

#include "label_model.inc"  // generated at build time: ${build}/generated/label_model.inc
#include "rules/random_label/trigram.hpp"

namespace dg::rules::random_label {

double label_score(std::string_view label, std::size_t min_length, std::size_t max_length) {
  if (label.size() < min_length || label.size() > max_length || label.size() > kMaxLabel)
    return 0;
  const double s = statistic(label, generated::kLabelModelLogProb);
  if (s != s) return 0;  // NaN: a byte other than a letter
  return logistic(s, generated::kLabelModelAlpha, generated::kLabelModelBeta);
}

std::string_view model_id() { return generated::kLabelModelId; }

}  // namespace dg::rules::random_label
