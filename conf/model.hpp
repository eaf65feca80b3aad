#pragma once
// The configuration as plain data: what conf::load produces from YAML and what rules::compile
// and the proxy turn into a running Plan. Every value here is already validated: names are
// lower case without the final dot, durations positive, groups referenced by rules exist.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "conf/address.hpp"

namespace dg::conf {

// Where a value stood in its file, 1-based, for error messages and `devoguard check`.
struct Position {
  std::string file;
  int line = 0;
  int column = 0;
};

struct Pattern {
  std::string text;  // RE2 syntax, searched in the lower-case name without the final dot
  Position where;
};

// `random_label: {min_score, min_length, max_length}` (INVESTIGATE.md §3): the first label of
// the name scored by the trigram model in rules/random_label/.
struct RandomLabel {
  double min_score = 0.90;  // (0, 1]
  int min_length = 7;       // 1 ≤ min_length ≤ max_length ≤ 63
  int max_length = 15;
};

// A rule's `match:`. Keys all must hold; values under one key are alternatives. An empty
// Match (no key set) matches everything.
struct Match {
  std::vector<std::string> qname;   // exact names
  std::vector<std::string> suffix;  // a name and everything under it
  std::vector<Pattern> regex;
  std::vector<uint16_t> qtype;
  std::vector<Cidr> client;
  std::optional<bool> devolved;
  // `devolution_parent: true` (= 1) or `{max_prefix_labels: N}`: qname is P.D with D a
  // devolution parent and P at most N labels (stateless, INVESTIGATE.md §3).
  std::optional<int> devolution_parent;
  std::optional<RandomLabel> random_label;
  std::vector<Match> negated;  // `not: {…}`: zero or one element (a vector keeps Match copyable)
};

struct Forward {
  std::string group;
};

enum class Answer { NxDomain, NoData, Refused, ServFail, Drop };

struct Rule {
  std::string name;
  Match match;
  std::variant<Forward, Answer> action;
  bool dry_run = false;
  Position where;
};

struct UpstreamGroup {
  std::string name;
  std::vector<Endpoint> servers;  // in the order they are tried; `system` already expanded
  bool from_system = false;       // servers came from /etc/resolv.conf
  std::chrono::milliseconds timeout{1500};
  int max_failures = 3;  // consecutive timeouts before a server is marked down
  std::chrono::milliseconds probe_interval{1000};
  // Queries in flight to the group, all worker threads together; beyond it a query gets
  // SERVFAIL at once (counted), so a slow or dead group cannot pile up memory.
  std::size_t max_outstanding = 10000;
  // `source_addresses` (DEPLOY.md §1): each upstream UDP socket binds one of these; a query
  // leaves from the one with the lowest current packet rate. Empty: the kernel chooses. Same
  // family as every server of the group, at most kMaxSourceAddresses, no duplicates.
  std::vector<IpAddress> source_addresses;
  Position source_addresses_where;  // of the list, for `check` warnings
  Position where;
};

constexpr std::size_t kMaxSourceAddresses = 8;

// `aws:` (DEPLOY.md §1): the Amazon resolver's limit of packet_limit packets per second per
// network interface. Servers at these addresses (and always 169.254.169.253, fd00:ec2::253)
// count towards devoguard_aws_pps_ratio and its warning.
struct Aws {
  std::vector<IpAddress> resolvers;
  uint32_t packet_limit = 1024;
  double warn_ratio = 0.8;                  // (0, 1]
  std::vector<std::string> ena_interfaces;  // read linklocal_allowance_exceeded every 10 s
};

struct Domain {
  std::vector<std::string> suffixes;
  int devolution_level = 2;
  std::chrono::milliseconds correlation_window{30000};
  std::size_t max_tracked = 200000;
};

struct Tcp {
  std::chrono::milliseconds idle_timeout{10000};
  std::size_t max_connections = 1000;
  std::size_t max_connections_per_client = 64;  // open connections from one client address
};

// `clients.rate_limit`: a token bucket per client address (qps tokens a second, at most
// `burst` saved up); a query without a token is answered REFUSED or dropped.
struct RateLimit {
  enum class Action { Refused, Drop };
  uint32_t qps = 0;
  uint32_t burst = 0;  // the loader sets qps when the key is absent
  Action action = Action::Refused;
};

struct Answers {
  uint32_t negative_ttl = 30;  // seconds: SOA TTL and minimum of local negative answers
};

// `cache:` (DEPLOY.md §1): the answer cache, consulted for forwarded queries only. Off unless
// `enabled`; TTL bounds in seconds (RFC 2181: at most 2^31-1), min ≤ max for each pair.
struct ServeStale {  // RFC 8767
  bool enabled = false;
  std::chrono::seconds max_stale{86400};           // how long past expiry an entry may serve
  std::chrono::seconds answer_ttl{30};             // TTL on stale records
  std::chrono::milliseconds client_timeout{1800};  // upstream silent this long: answer stale
  std::chrono::milliseconds recheck{30000};        // after a failure: no upstream try this long
  bool operator==(const ServeStale&) const = default;
};

struct Cache {
  bool enabled = false;
  std::size_t max_entries = 100000;
  uint32_t min_ttl = 0;
  uint32_t max_ttl = 3600;
  uint32_t negative_min_ttl = 0;
  uint32_t negative_max_ttl = 900;
  ServeStale serve_stale;
  bool operator==(const Cache&) const = default;
};

struct DecisionLog {
  std::string path;  // empty: no decision log
  uint64_t max_size = 100ull << 20;
  int keep = 10;
};

struct Metrics {
  std::optional<Endpoint> listen;
};

// `dnstap:` (DEPLOY.md): Frame Streams output of the DNS messages, off unless `unix` or `file`
// is set. Which of the four message kinds are written: DnstapMessage bits.
enum DnstapMessage : uint8_t {
  kDnstapClientQuery = 1,
  kDnstapClientResponse = 2,
  kDnstapForwarderQuery = 4,
  kDnstapForwarderResponse = 8,
};

struct Dnstap {
  std::string unix_path;  // `unix:` a reader's socket (bidirectional Frame Streams)
  std::string file;       // `file:` a file written from its start (unidirectional)
  std::string identity;   // empty: the host name
  uint8_t messages = kDnstapClientQuery | kDnstapClientResponse | kDnstapForwarderQuery |
                     kDnstapForwarderResponse;
  std::size_t queue = 65536;  // frames waiting for the writer; more are dropped and counted
  bool enabled() const { return !unix_path.empty() || !file.empty(); }
  bool operator==(const Dnstap&) const = default;
};

struct Config {
  std::string file;  // the file it was loaded from
  std::vector<Endpoint> listen{Endpoint(*IpAddress::parse("127.0.0.1"), 53)};
  unsigned threads = 0;  // 0: `auto`, one per core
  std::vector<Cidr> allow;
  std::optional<RateLimit> rate_limit;  // clients.rate_limit; none: no limit
  Domain domain;
  Tcp tcp;
  std::vector<UpstreamGroup> upstreams;  // in file order
  std::vector<Rule> rules;               // in file order: first match wins
  Answers answers;
  Cache cache;
  Aws aws;
  DecisionLog decision_log;
  Metrics metrics;
  Dnstap dnstap;
  std::string user;  // `run` switches to this user after binding; empty: stays as started
  std::vector<std::string> warnings;  // "FILE:LINE:COL: key: message", for `check` and `run`

  const UpstreamGroup* group(std::string_view name) const {
    for (const auto& g : upstreams)
      if (g.name == name) return &g;
    return nullptr;
  }
};

}  // namespace dg::conf
