#pragma once
// What `devoguard analyze` looks for in the event stream (INVESTIGATE.md §1, "Normalised event
// and detection"): devolution pair candidates per client, SRV names revealing the AD suffix,
// probe-shaped names and their bursts, and the names that reached the AWS resolver.
//
// One pass, bounded state: the per-client recent queries live only for `window`; what is kept
// beyond that is findings (candidates, probes, reached-AWS names), not input lines. Without
// known suffixes every AWS-reached name may turn out to be in an AD zone, so those are kept up
// to kMaxPendingNames and counted beyond.
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

struct Reached {
  uint64_t count = 0;
  Micros first_ts{}, last_ts{};
  std::set<std::string> clients;  // at most kMaxClientsPerName
  uint64_t more_clients = 0;
  bool probe = false;
};

class Detector : public EventSink {
 public:
  static constexpr std::size_t kMaxPendingNames = 200000;
  static constexpr std::size_t kMaxClientsPerName = 20;
  static constexpr std::size_t kMaxRecent = 1000000;
  static constexpr auto kBurstGap = std::chrono::seconds(2);

  explicit Detector(DetectorOptions options) : options_(std::move(options)) {}
  void on_event(const Event& e) override;

  const DetectorOptions& options() const { return options_; }
  const std::vector<Candidate>& candidates() const { return candidates_; }
  const std::vector<Probe>& probes() const { return probes_; }
  // Distinct probe labels per burst.
  const std::vector<std::size_t>& bursts() const { return bursts_; }
  // Transparent hashing: lookups by string_view, no std::string per event.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using ReachedMap = std::unordered_map<std::string, Reached, NameHash, std::equal_to<>>;
  const ReachedMap& reached() const { return reached_; }
  // SRV-revealed suffix → distinct SRV names seen for it.
  const std::map<std::string, std::set<std::string>>& srv_suffixes() const { return srv_; }
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
  void note_probe(const Event& e, double score);
  void note_reached(const Event& e, bool probe);
  bool keep_name(std::string_view qname, bool probe) const;

  DetectorOptions options_;
  // (client, qtype, first label) → that client's recent queries not answered with data.
  std::unordered_map<std::string, std::deque<Recent>> recent_;
  std::deque<Expiry> expiry_;
  std::string key_;
  std::vector<Candidate> candidates_;
  std::set<std::string, std::less<>> candidate_names_;  // every N2, for the reached-AWS kinds
  std::set<std::string> chain_heads_;      // client|qtype|N2 of every candidate
  std::vector<Probe> probes_;
  std::vector<std::size_t> bursts_;
  // client → its current burst: index, time of its last probe, the distinct first labels
  // (a probe and its devolved retries are one probe, not a burst of Chromium's three).
  struct Burst {
    std::size_t index = 0;
    Micros last{};
    std::set<std::string> labels;
  };
  std::unordered_map<std::string, Burst> last_burst_;
  ReachedMap reached_;
  std::map<std::string, std::set<std::string>> srv_;
  uint64_t dropped_names_ = 0;
};

}  // namespace dg::proxy::investigate
