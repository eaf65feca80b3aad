// Prints the evaluation of the random-label model (INVESTIGATE.md §3) as a Markdown table:
// TPR per label length at the threshold giving FPR ≤ 1 %, and at the default min_score 0.90.
//
//   label_model_eval [AD_HOSTNAMES]     (default tests/fixtures/ad_hostnames.txt)
#include <cstdio>
#include <iostream>

#include "rules/random_label/evaluation.hpp"
#include "rules/random_label/model.hpp"

namespace rl = dg::rules::random_label;

int main(int argc, char** argv) {
  if (argc > 2) {
    std::cerr << "usage: label_model_eval [AD_HOSTNAMES]\n";
    return 2;
  }
  rl::EvaluationInputs in;
  in.ad_hostnames = argc == 2 ? argv[1] : "tests/fixtures/ad_hostnames.txt";
  auto e = rl::evaluate(in);
  if (!e) {
    std::cerr << "label_model_eval: " << e.error() << "\n";
    return 1;
  }
  std::printf("model %s; positives %zu (+ dglvrrerxokcxc); negatives N1 %zu, N2 %zu, N3 %zu; "
              "N4 %zu\n\n",
              std::string(rl::model_id()).c_str(), e->positives - 1, e->n1, e->n2, e->n3,
              e->ad_hostnames.size());
  std::printf("| length | positives | TPR @ FPR ≤ 1%% (score > %.4f) | negatives | TPR @ 0.90 | "
              "FPR @ 0.90 |\n|---|---|---|---|---|---|\n",
              e->threshold);
  for (const auto& r : e->rows)
    std::printf("| %zu | %zu | %.2f %% | %zu | %.2f %% | %.2f %% |\n", r.length, r.positives,
                100 * r.tpr, r.negatives, 100 * r.tpr_default, 100 * r.fpr_default);
  std::printf("| all | %zu | %.2f %% | %zu | %.2f %% | %.2f %% |\n\n", e->positives, 100 * e->tpr,
              e->n1 + e->n2 + e->n3, 100 * e->tpr_default, 100 * e->fpr_default);
  std::printf("FPR at threshold %.2f %%; TPR length >= 12 %.2f %%; dglvrrerxokcxc %.4f\n",
              100 * e->fpr, 100 * e->tpr_long, e->probe_score);
  double n4_max = 0;
  std::string n4_worst;
  for (const auto& [name, score] : e->ad_hostnames)
    if (score > n4_max) n4_max = score, n4_worst = name;
  std::printf("N4 (AD host names): highest %s %.4f\n", n4_worst.c_str(), n4_max);
  std::printf("highest-scoring negatives:");
  for (const auto& [name, score] : e->worst_negatives) std::printf(" %s %.3f", name.c_str(), score);
  std::printf("\n");
  return 0;
}
