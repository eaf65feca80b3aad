#pragma once
// What `devoguard analyze` looks for in the event stream (INVESTIGATE.md §1, "Normalised event
// and detection"): devolution pair candidates per client, SRV names revealing the AD suffix,
// probe-shaped names and their bursts, and the names that reached the AWS resolver.
//
// One pass, bounded state, so that a multi-GB log is read in the memory of a small one: the
// per-client recent queries live only for `window` (and at most kMaxRecent); findings are kept
// in full up to max_listed candidates and probes and max_reached AWS-reached names, and beyond
// that counted. Unlisted candidates still count per (suffix, parent) with their clients, so
// pair totals and the clients of R1 stay whole; R5's bursts are counted as they happen.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "proxy/investigate/event.hpp"

namespace dg::proxy::investigate {

struct DetectorOptions {
  std::chrono::milliseconds window{30000};
  int devolution_level = 2;
  double min_score = 0.90;
  std::vector<std::string> suffixes;  // known (given or config); empty: detect
  std::size_t max_listed = 100000;    // candidates, and probes, kept in full
  std::size_t max_reached = 200000;   // AWS-reached names kept
};

// Two events of one client: N1 = P.X.D not answered with data, then N2 = P.D.
struct Candidate {
  std::string client, qtype, from, to;
  Micros from_ts{}, to_ts{};
  std::optional<std::string> from_rcode, to_rcode;
  std::optional<bool> from_reached_aws, to_reached_aws;
  uint32_t file = 0;  // where N2 was seen
  uint64_t line = 0;
  std::string prefix, parent, suffix;  // P, D, X.D
  double label_score = 0;
  // N1 was itself the N2 of an earlier candidate of this client (S → D1 → D2): a link of a
  // chain, which does not vote for X.D as a suffix.
  bool chain = false;
};

struct Probe {
  std::string client, qname, qtype;
  Micros ts{};
  double score = 0;
  std::optional<bool> reached_aws;
  uint32_t file = 0;
  uint64_t line = 0;
  std::size_t burst = 0;  // index into Detector::bursts()
};

// Candidates past max_listed, by (suffix, parent): enough to count pairs and name their clients.
struct UnlistedCandidates {
  uint64_t count = 0;
  std::set<std::string> clients;
};
using UnlistedKey = std::pair<std::string, std::string>;  // (X.D, D)

struct Reached {
  uint64_t count = 0;
  Micros first_ts{}, last_ts{};
  std::set<std::string> clients;  // at most kMaxClientsPerName
  uint64_t more_clients = 0;
  bool probe = false;
};

class Detector : public EventSink {
 public:
  static constexpr std::size_t kMaxClientsPerName = 20;
  static constexpr std::size_t kMaxRecent = 250000;
  static constexpr std::size_t kMaxSrvNames = 10000;
  static constexpr std::size_t kMaxBurstLabels = 64;
  static constexpr std::size_t kMaxUnlistedClients = 100000;
  static constexpr auto kBurstGap = std::chrono::seconds(2);

  explicit Detector(DetectorOptions options) : options_(std::move(options)) {}
  void on_event(const Event& e) override;

  const DetectorOptions& options() const { return options_; }
  const std::vector<Candidate>& candidates() const { return candidates_; }
  const std::vector<Probe>& probes() const { return probes_; }
  const std::map<UnlistedKey, UnlistedCandidates>& unlisted_candidates() const {
    return unlisted_candidates_;
  }
  uint64_t unlisted_probes() const { return unlisted_probes_; }
  // Distinct probe labels per burst of a listed probe.
  const std::vector<std::size_t>& bursts() const { return bursts_; }
  // Bursts of three or more distinct labels (Chromium's shape, R5), and their clients.
  uint64_t chromium_bursts() const { return chromium_bursts_; }
  const std::set<std::string>& chromium_clients() const { return chromium_clients_; }
  // Transparent hashing: lookups by string_view, no std::string per event.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using ReachedMap = std::unordered_map<std::string, Reached, NameHash, std::equal_to<>>;
  const ReachedMap& reached() const { return reached_; }
  // SRV-revealed suffix → distinct SRV names seen for it.
  const std::map<std::string, std::set<std::string>>& srv_suffixes() const { return srv_; }
  // Reportable AWS-reached names not kept because the table was full.
  uint64_t dropped_names() const { return dropped_names_; }
  // Probe-shaped first label: ^[a-z]{7,15}$ scoring ≥ min_score; the score, or none.
  std::optional<double> probe_score(std::string_view qname) const;

 private:
  struct Recent {
    Micros ts{};
    std::string qname;
    std::optional<std::string> rcode;
    std::optional<bool> reached_aws;
  };
  struct Expiry {
    Micros ts{};
    std::string key;
  };

  void find_pairs(const Event& e);
  void note_candidate(Candidate c, const std::string& n1);
  void note_probe(const Event& e, double score);
  void note_reached(const Event& e, bool probe);
  bool reportable(std::string_view qname, bool probe) const;

  DetectorOptions options_;
  // (client, qtype, first label) → that client's recent queries not answered with data.
  std::unordered_map<std::string, std::deque<Recent>> recent_;
  std::deque<Expiry> expiry_;
  std::string key_;
  std::vector<Candidate> candidates_;
  std::set<std::string, std::less<>> candidate_names_;  // every N2, for the reached-AWS kinds
  std::set<std::string> chain_heads_;      // client|qtype|N2 of every candidate
  std::map<UnlistedKey, UnlistedCandidates> unlisted_candidates_;
  std::size_t unlisted_clients_ = 0;  // entries of all their client sets
  std::vector<Probe> probes_;
  uint64_t unlisted_probes_ = 0;
  std::vector<std::size_t> bursts_;
  uint64_t chromium_bursts_ = 0;
  std::set<std::string> chromium_clients_;
  std::size_t srv_names_ = 0;
  // client → its current burst: index, time of its last probe, the distinct first labels
  // (a probe and its devolved retries are one probe, not a burst of Chromium's three).
  struct Burst {
    std::optional<std::size_t> index;  // into bursts_, while probes are listed
    Micros last{};
    std::size_t size = 0;
    std::set<std::string> labels;
  };
  std::unordered_map<std::string, Burst> last_burst_;
  ReachedMap reached_;
  std::map<std::string, std::set<std::string>> srv_;
  uint64_t dropped_names_ = 0;
};

}  // namespace dg::proxy::investigate
