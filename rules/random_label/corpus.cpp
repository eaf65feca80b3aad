#include "rules/random_label/corpus.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <set>

namespace dg::rules::random_label {
namespace {

constexpr std::array<uint32_t, 256> make_crc_table() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}
constexpr auto kCrcTable = make_crc_table();

bool probe_length(std::string_view s) { return s.size() >= kProbeMin && s.size() <= kProbeMax; }

// Lower-cased; empty when anything is left that is not a–z.
std::string letters_only(std::string_view word) {
  std::string out;
  out.reserve(word.size());
  for (char c : word) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (c < 'a' || c > 'z') return {};
    out.push_back(c);
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

}  // namespace

uint32_t crc32(std::string_view bytes) {
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : bytes) c = kCrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

bool held_out(std::string_view label) { return probe_length(label) && crc32(label) % 5 == 0; }
bool calibration_fold(std::string_view label) {
  return probe_length(label) && crc32(label) % 5 == 1;
}

std::expected<std::vector<std::string>, std::string> read_words(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::unexpected(path + ": cannot read");
  std::set<std::string> words;
  for (std::string line; std::getline(in, line);) {
    auto w = letters_only(trim(line));
    if (!w.empty()) words.insert(std::move(w));
  }
  return std::vector<std::string>(words.begin(), words.end());
}

std::expected<PslLabels, std::string> read_psl(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::unexpected(path + ": cannot read");
  std::set<std::string> jp, other;
  for (std::string line; std::getline(in, line);) {
    std::string_view rule = trim(line);
    if (rule.empty() || rule.starts_with("//")) continue;
    rule = rule.substr(0, rule.find_first_of(" \t"));  // the rule ends at whitespace
    if (rule.starts_with('!')) rule.remove_prefix(1);
    if (rule.starts_with("*.")) rule.remove_prefix(2);
    const bool under_jp = rule.ends_with(".jp");
    std::size_t start = 0;
    while (start <= rule.size()) {
      std::size_t dot = rule.find('.', start);
      if (dot == std::string_view::npos) dot = rule.size();
      const bool tld = dot == rule.size();
      auto label = letters_only(rule.substr(start, dot - start));
      if (!label.empty() && !(under_jp && tld)) (under_jp ? jp : other).insert(std::move(label));
      start = dot + 1;
    }
  }
  PslLabels out;
  out.jp.assign(jp.begin(), jp.end());
  for (const auto& l : other)
    if (!jp.contains(l)) out.other.push_back(l);
  return out;
}

std::string random_label(std::mt19937_64& rng) {
  const std::size_t n = kProbeMin + rng() % (kProbeMax - kProbeMin + 1);
  std::string s(n, 'a');
  for (auto& c : s) c = char('a' + rng() % 26);
  return s;
}

}  // namespace dg::rules::random_label
