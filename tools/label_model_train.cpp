// Build tool: trains the random-label model (INVESTIGATE.md §3) and writes it as a C++ include.
//
//   label_model_train OUT.inc AMERICAN_WORDS PUBLIC_SUFFIX_LIST
//
// Trigram counts come from the word list and the PSL labels, less the held-out evaluation folds
// and the calibration fold; α and β of the logistic score are fitted on the calibration fold
// against as many random labels. Everything is sorted and seeded, and numbers are printed
// with round-trip precision, so the same inputs give a byte-identical file.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "rules/random_label/corpus.hpp"
#include "rules/random_label/trigram.hpp"
#include "tools/sha256.hpp"

namespace rl = dg::rules::random_label;

namespace {

// PSL labels are the romaji source (INVESTIGATE.md §3) but number ~5 000 against ~73 000
// English words; counting each ten times keeps Japanese place names from looking random
// (measured: TPR at length 12 goes from 98.1 % to 99.2 % at 1 % FPR).
constexpr double kPslWeight = 10;
constexpr int kNewtonSteps = 50;

std::string file_sha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  dg::tools::Sha256 h;
  h.update(ss.str());
  return h.hex();
}

void count(std::vector<double>& counts, const std::string& word, double weight) {
  int c2 = rl::kBegin, c1 = rl::kBegin;
  for (char ch : word) {
    const int c = rl::letter_of(ch);
    counts[rl::table_index(c2, c1, c)] += weight;
    c2 = c1;
    c1 = c;
  }
  counts[rl::table_index(c2, c1, rl::kEnd)] += weight;
}

// ln P(next | context) with add-k smoothing, rounded to float as the scorer stores it.
std::vector<float> log_probabilities(const std::vector<double>& counts) {
  std::vector<float> table(rl::kTableSize);
  for (int c2 = 0; c2 < rl::kSymbols; ++c2)
    for (int c1 = 0; c1 < rl::kSymbols; ++c1) {
      double total = 0;
      for (int n = 0; n < rl::kOutcomes; ++n) total += counts[rl::table_index(c2, c1, n)];
      for (int n = 0; n < rl::kOutcomes; ++n)
        table[rl::table_index(c2, c1, n)] =
            float(std::log((counts[rl::table_index(c2, c1, n)] + rl::kSmoothing) /
                           (total + rl::kOutcomes * rl::kSmoothing)));
    }
  return table;
}

// Logistic regression of y on s by Newton's method: (α, β).
std::pair<double, double> fit(const std::vector<double>& s, const std::vector<int>& y) {
  double a = 1, b = 0;
  for (int step = 0; step < kNewtonSteps; ++step) {
    double ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const double p = rl::logistic(s[i], a, b);
      const double w = p * (1 - p);
      ga += (p - y[i]) * s[i];
      gb += p - y[i];
      haa += w * s[i] * s[i];
      hab += w * s[i];
      hbb += w;
    }
    const double det = haa * hbb - hab * hab;
    if (det <= 0) break;
    a -= (hbb * ga - hab * gb) / det;
    b -= (haa * gb - hab * ga) / det;
  }
  return {a, b};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: label_model_train OUT.inc AMERICAN_WORDS PUBLIC_SUFFIX_LIST\n";
    return 2;
  }
  const std::string out_path = argv[1], words_path = argv[2], psl_path = argv[3];
  auto words = rl::read_words(words_path);
  auto psl = rl::read_psl(psl_path);
  if (!words || !psl) {
    std::cerr << "label_model_train: " << (!words ? words.error() : psl.error()) << "\n";
    return 1;
  }

  std::vector<double> counts(rl::kTableSize, 0.0);
  std::vector<std::string> calibration;
  std::size_t trained = 0;
  auto take = [&](const std::string& w, double weight) {
    if (rl::held_out(w)) return;
    if (rl::calibration_fold(w)) {
      calibration.push_back(w);
      return;
    }
    count(counts, w, weight);
    ++trained;
  };
  for (const auto& w : *words) take(w, 1);
  for (const auto& w : psl->jp) take(w, kPslWeight);
  for (const auto& w : psl->other) take(w, kPslWeight);
  const auto table = log_probabilities(counts);

  std::vector<double> s;
  std::vector<int> y;
  for (const auto& w : calibration) {
    s.push_back(rl::statistic(w, table));
    y.push_back(0);
  }
  std::mt19937_64 rng(rl::kCalibrationSeed);
  for (std::size_t i = 0; i < calibration.size(); ++i) {
    s.push_back(rl::statistic(rl::random_label(rng), table));
    y.push_back(1);
  }
  const auto [alpha, beta] = fit(s, y);

  // The body first: the model id is the sha256 of exactly what the scorer uses.
  std::string body;
  char buf[64];
  body += "inline constexpr float kLabelModelLogProb[" + std::to_string(rl::kTableSize) + "] = {";
  for (std::size_t i = 0; i < table.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%s%.9g,", i % 8 ? " " : "\n    ", double(table[i]));
    body += buf;
  }
  body += "\n};\n";
  std::snprintf(buf, sizeof buf, "%.17g", alpha);
  body += "inline constexpr double kLabelModelAlpha = " + std::string(buf) + ";\n";
  std::snprintf(buf, sizeof buf, "%.17g", beta);
  body += "inline constexpr double kLabelModelBeta = " + std::string(buf) + ";\n";
  dg::tools::Sha256 id;
  id.update(body);
  const std::string model_id = id.hex().substr(0, 12);

  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  out << "// Generated by tools/label_model_train: the random-label model (INVESTIGATE.md §3).\n"
      << "// Do not edit; same inputs give this file byte for byte.\n"
      << "// input " << words_path << " sha256 " << file_sha256(words_path) << "\n"
      << "// input " << psl_path << " sha256 " << file_sha256(psl_path) << "\n"
      << "// words " << words->size() << ", psl labels " << psl->jp.size() << " .jp + "
      << psl->other.size() << " other (weight " << kPslWeight << "), trained " << trained
      << ", calibration " << calibration.size() << " + " << calibration.size() << " random\n"
      << "#pragma once\n"
      << "namespace dg::rules::random_label::generated {\n"
      << "inline constexpr char kLabelModelId[] = \"" << model_id << "\";\n"
      << body << "}  // namespace dg::rules::random_label::generated\n";
  if (!out.flush()) {
    std::cerr << "label_model_train: " << out_path << ": cannot write\n";
    return 1;
  }
  return 0;
}
