#include "proxy/investigate/detector.hpp"

#include "proxy/investigate/names.hpp"
#include "rules/random_label/model.hpp"

namespace dg::proxy::investigate {
namespace {

bool not_answered_with_data(const Event& e) { return !e.rcode || e.with_data == false; }

bool letters_only(std::string_view s) {
  for (char c : s)
    if (c < 'a' || c > 'z') return false;
  return true;
}

}  // namespace

std::optional<double> Detector::probe_score(std::string_view qname) const {
  const auto label = rules::random_label::first_label(qname);
  if (label.size() < 7 || label.size() > 15 || !letters_only(label)) return std::nullopt;
  const double score = rules::random_label::label_score(label);
  if (score < options_.min_score) return std::nullopt;
  return score;
}

void Detector::on_event(const Event& e) {
  if (auto s = suffix_from_srv(e.qname); s && srv_names_ < kMaxSrvNames)
    srv_names_ += srv_[std::string(*s)].insert(e.qname).second;
  find_pairs(e);
  const auto score = probe_score(e.qname);
  if (score) note_probe(e, *score);
  if (e.reached_aws == true) note_reached(e, score.has_value());
}

void Detector::find_pairs(const Event& e) {
  // Forget what fell out of the window (and, past kMaxRecent, the oldest).
  while (!expiry_.empty() &&
         (expiry_.front().ts + options_.window < e.ts || expiry_.size() > kMaxRecent)) {
    auto it = recent_.find(expiry_.front().key);
    if (it != recent_.end()) {
      if (!it->second.empty()) it->second.pop_front();
      if (it->second.empty()) recent_.erase(it);
    }
    expiry_.pop_front();
  }
  key_.assign(e.client).append("|").append(e.qtype).append("|");
  key_.append(rules::random_label::first_label(e.qname));
  auto it = recent_.find(key_);
  if (it != recent_.end()) {
    for (const Recent& r : it->second) {
      if (e.ts < r.ts || e.ts - r.ts > options_.window) continue;
      auto split = devolution_split(r.qname, e.qname, options_.devolution_level);
      if (!split) continue;
      note_candidate(Candidate{e.client, e.qtype, r.qname, e.qname, r.ts, e.ts, r.rcode, e.rcode,
                               r.reached_aws, e.reached_aws, e.file, e.line,
                               std::string(split->prefix), std::string(split->parent),
                               std::string(split->suffix), 0},
                     r.qname);
    }
  }
  if (not_answered_with_data(e)) {
    if (it == recent_.end()) it = recent_.emplace(key_, std::deque<Recent>{}).first;
    it->second.push_back(Recent{e.ts, e.qname, e.rcode, e.reached_aws});
    expiry_.push_back(Expiry{e.ts, key_});
  }
}

void Detector::note_candidate(Candidate c, const std::string& n1) {
  if (candidates_.size() >= options_.max_listed) {
    auto& u = unlisted_candidates_[UnlistedKey{c.suffix, c.parent}];
    ++u.count;
    if (unlisted_clients_ < kMaxUnlistedClients)
      unlisted_clients_ += u.clients.insert(c.client).second;
    return;
  }
  c.label_score = rules::random_label::label_score(rules::random_label::first_label(c.prefix));
  c.chain = chain_heads_.contains(c.client + "|" + c.qtype + "|" + n1);
  chain_heads_.insert(c.client + "|" + c.qtype + "|" + c.to);
  candidate_names_.insert(c.to);
  candidates_.push_back(std::move(c));
}

void Detector::note_probe(const Event& e, double score) {
  auto [it, fresh] = last_burst_.try_emplace(e.client);
  Burst& b = it->second;
  if (fresh || e.ts < b.last || e.ts - b.last > kBurstGap) b = Burst{};
  b.last = e.ts;
  // Distinct labels: a probe and its devolved retries are one probe. Past kMaxBurstLabels
  // (a client probing without pause) every probe counts, so the set stays small.
  if (b.labels.size() >= kMaxBurstLabels ||
      b.labels.insert(std::string(rules::random_label::first_label(e.qname))).second) {
    if (++b.size == 3) {
      ++chromium_bursts_;
      chromium_clients_.insert(e.client);
    }
  }
  const bool listed = probes_.size() < options_.max_listed;
  if (listed && !b.index) {
    b.index = bursts_.size();
    bursts_.push_back(0);
  }
  if (b.index) bursts_[*b.index] = b.size;
  if (!listed) {
    ++unlisted_probes_;
    return;
  }
  probes_.push_back(
      Probe{e.client, e.qname, e.qtype, e.ts, score, e.reached_aws, e.file, e.line, *b.index});
}

// Whether a name may be reported at all: a probe, a candidate's N2, a name in a known zone,
// or, while the suffixes are still to be detected, any name.
bool Detector::reportable(std::string_view qname, bool probe) const {
  if (probe || candidate_names_.contains(qname) || options_.suffixes.empty()) return true;
  for (const auto& s : options_.suffixes)
    if (in_zone(qname, s)) return true;
  return false;
}

void Detector::note_reached(const Event& e, bool probe) {
  auto it = reached_.find(e.qname);
  if (it == reached_.end()) {
    if (!reportable(e.qname, probe)) return;
    if (reached_.size() >= options_.max_reached) {
      ++dropped_names_;
      return;
    }
    it = reached_.emplace(e.qname, Reached{}).first;
    it->second.first_ts = e.ts;
  }
  Reached& r = it->second;
  ++r.count;
  if (e.ts < r.first_ts) r.first_ts = e.ts;
  if (e.ts > r.last_ts) r.last_ts = e.ts;
  if (r.clients.size() < kMaxClientsPerName)
    r.clients.insert(e.client);
  else if (!r.clients.contains(e.client))
    ++r.more_clients;
  r.probe = r.probe || probe;
}

}  // namespace dg::proxy::investigate
