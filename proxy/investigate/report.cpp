#include "proxy/investigate/report.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "proxy/investigate/names.hpp"
#include "proxy/investigate/recommendations.hpp"
#include "proxy/investigate/route53.hpp"
#include "rules/devolution/parents.hpp"

namespace dg::proxy::investigate {
namespace {

SuffixRow row_for(const std::string& name, const std::string& source, uint64_t evidence,
                  int level) {
  SuffixRow row{name, source, evidence, {}, {}};
  auto parents = rules::devolution_parents({name}, level);
  if (!parents.empty()) row.parents = parents.front().parents;
  for (const auto& p : row.parents)
    if (rules::is_public_suffix(p)) row.public_suffix_parents.push_back(p);
  return row;
}

// Detected suffixes: X.D of every candidate that is not a chain link (distinct P as
// evidence), and those SRV names reveal; ranked by evidence.
std::vector<SuffixRow> detect(const Detector& d) {
  std::map<std::string, std::set<std::string>> votes;
  for (const auto& c : d.candidates())
    if (!c.chain) votes[c.suffix].insert(c.prefix);
  std::map<std::string, uint64_t> evidence;
  for (const auto& [s, ps] : votes) evidence[s] += ps.size();
  for (const auto& [s, names] : d.srv_suffixes()) evidence[s] += names.size();
  std::vector<SuffixRow> rows;
  for (const auto& [s, n] : evidence)
    rows.push_back(row_for(s, "detected", n, d.options().devolution_level));
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.evidence > b.evidence; });
  return rows;
}

// With the suffix set fixed: D is a devolution parent of some S, and N1 was asked under S
// itself or (a chain link) under another parent of S.
bool is_pair(const std::string& suffix, const std::string& parent,
             const std::vector<rules::SuffixParents>& parents) {
  for (const auto& sp : parents) {
    const auto& ps = sp.parents;
    if (std::find(ps.begin(), ps.end(), parent) == ps.end()) continue;
    if (suffix == sp.suffix || std::find(ps.begin(), ps.end(), suffix) != ps.end()) return true;
  }
  return false;
}

// What the detector counted without keeping: totals stay whole, the lists say what they hold.
void note_unlisted(const Detector& d, const std::vector<rules::SuffixParents>& parents,
                   Report& r) {
  for (const auto& [key, u] : d.unlisted_candidates()) {
    if (!is_pair(key.first, key.second, parents)) continue;
    r.unlisted_pairs += u.count;
    r.unlisted_pair_clients.insert(u.clients.begin(), u.clients.end());
  }
  const auto limit = std::to_string(d.options().max_listed);
  if (r.unlisted_pairs > 0)
    r.notes.push_back(std::to_string(r.unlisted_pairs) + " devolution pairs past the first " +
                      limit + " candidates were counted, not listed (their clients are in R1)");
  if (!d.unlisted_candidates().empty() && r.suffixes.size() > 0 &&
      r.suffixes.front().source == "detected")
    r.notes.push_back("suffix evidence counts the listed candidates only");
  if (d.unlisted_probes() > 0)
    r.notes.push_back(std::to_string(d.unlisted_probes()) + " probes past the first " + limit +
                      " were counted, not listed");
}

}  // namespace

std::string format_ts(Micros t) {
  std::string s = decision_log::format_timestamp(t);  // "…:50.000000Z"
  if (s.size() > 8 && s.ends_with(".000000Z")) s.replace(s.size() - 8, 8, "Z");
  return s;
}

Report build_report(const Detector& d, const SuffixSource& suffixes, std::vector<InputStats> inputs,
                    const AwsResolvers& aws, const std::string& timezone) {
  Report r;
  r.timezone = timezone;
  r.inputs = std::move(inputs);
  r.aws_resolvers = aws.seen();
  const int level = d.options().devolution_level;
  if (suffixes.names.empty()) {
    r.suffixes = detect(d);
  } else {
    for (const auto& s : suffixes.names) {
      uint64_t evidence = 0;
      std::set<std::string> ps;
      for (const auto& c : d.candidates())
        if (c.suffix == s) ps.insert(c.prefix);
      evidence = ps.size();
      r.suffixes.push_back(row_for(s, suffixes.source, evidence, level));
    }
  }
  std::vector<std::string> names;
  for (const auto& s : r.suffixes) names.push_back(s.name);
  // Parents computed over the whole set: a suffix is never another's parent.
  const auto parents = rules::devolution_parents(names, level);
  for (auto& row : r.suffixes) {
    for (const auto& sp : parents)
      if (sp.suffix == row.name) row.parents = sp.parents;
    row.public_suffix_parents.clear();
    for (const auto& p : row.parents)
      if (rules::is_public_suffix(p)) row.public_suffix_parents.push_back(p);
  }

  std::set<std::string> devolved_names;
  for (const auto& c : d.candidates()) {
    if (!is_pair(c.suffix, c.parent, parents)) continue;
    r.pairs.push_back(c);
    devolved_names.insert(c.to);
  }
  std::stable_sort(r.pairs.begin(), r.pairs.end(),
                   [](const auto& a, const auto& b) { return a.to_ts < b.to_ts; });
  r.probes = d.probes();
  r.bursts = d.bursts();
  r.chromium_bursts = d.chromium_bursts();
  r.chromium_clients.assign(d.chromium_clients().begin(), d.chromium_clients().end());
  note_unlisted(d, parents, r);

  for (const auto& [name, info] : d.reached()) {
    std::string kind;
    if (devolved_names.contains(name)) {
      kind = "devolved";
    } else if (info.probe) {
      kind = "probe";
    } else {
      for (const auto& s : names)
        if (in_zone(name, s)) kind = "ad-zone";
    }
    if (kind.empty()) continue;
    r.reached.push_back(ReachedRow{name, kind, info.count,
                                   std::vector<std::string>(info.clients.begin(), info.clients.end()),
                                   info.first_ts, info.last_ts});
  }
  std::sort(r.reached.begin(), r.reached.end(), [](const auto& a, const auto& b) {
    return a.count != b.count ? a.count > b.count : a.qname < b.qname;
  });

  if (d.dropped_names() > 0)
    r.notes.push_back(std::to_string(d.dropped_names()) + " AWS-reached names were not retained (" +
                      std::to_string(d.options().max_reached) + " kept)" +
                      (suffixes.names.empty() ? "; pass --suffix to keep only AD-zone names" : ""));
  for (const auto& in : r.inputs)
    if (in.format == "route53") {
      r.notes.push_back(kRoute53Caveat);
      break;
    }
  r.recommendations = recommend(r);
  return r;
}

}  // namespace dg::proxy::investigate
