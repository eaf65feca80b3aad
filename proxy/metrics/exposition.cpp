#include "proxy/metrics/exposition.hpp"

#include <fmt/format.h>

#include <map>
#include <tuple>

#include "proxy/dns/answer.hpp"

namespace dg::proxy::metrics {
namespace {

// Label values escape backslash, quote and newline (Prometheus text format).
std::string esc(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void header(std::string& out, const char* name, const char* type, const char* help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void queries(std::string& out, const Sources& s) {
  header(out, "devoguard_queries_total", "counter", "Queries by decided action, rule and protocol.");
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t> sum;
  for (const auto* w : s.workers)
    for (const auto& q : w->query_samples()) sum[{q.action, q.rule, q.proto}] += q.value;
  for (const auto& [k, v] : sum)
    fmt::format_to(std::back_inserter(out),
                   "devoguard_queries_total{{action=\"{}\",rule=\"{}\",proto=\"{}\"}} {}\n",
                   std::get<0>(k), esc(std::get<1>(k)), std::get<2>(k), v);

  header(out, "devoguard_answers_total", "counter", "Replies sent to clients by rcode.");
  for (int rc = 0; rc < 16; ++rc) {
    uint64_t n = 0;
    for (const auto* w : s.workers) n += w->rcode(rc);
    if (n || rc <= 5)
      fmt::format_to(std::back_inserter(out), "devoguard_answers_total{{rcode=\"{}\"}} {}\n",
                     dns::rcode_name(uint8_t(rc)), n);
  }
  uint64_t none = 0, malformed = 0;
  for (const auto* w : s.workers) {
    none += w->no_answer();
    malformed += w->malformed();
  }
  header(out, "devoguard_unanswered_total", "counter", "Queries that got no reply (drop).");
  fmt::format_to(std::back_inserter(out), "devoguard_unanswered_total {}\n", none);
  header(out, "devoguard_malformed_total", "counter",
         "Packets that were not a valid query (dropped, FORMERR or NOTIMP).");
  fmt::format_to(std::back_inserter(out), "devoguard_malformed_total {}\n", malformed);
}

void label_scores(std::string& out, const Sources& s) {
  using Bounds = decltype(ScoreSeries::kBounds);
  struct Sum {
    std::array<uint64_t, std::tuple_size_v<Bounds> + 1> buckets{};
    uint64_t sum_micro = 0;
  };
  std::map<std::string, Sum> by_rule;
  for (const auto* w : s.workers)
    for (const auto& x : w->score_samples()) {
      auto& sum = by_rule[x.rule];
      for (std::size_t i = 0; i < x.buckets.size(); ++i) sum.buckets[i] += x.buckets[i];
      sum.sum_micro += x.sum_micro;
    }
  header(out, "devoguard_label_score", "histogram",
         "random_label scores computed by each rule (matched or not), to place min_score.");
  for (const auto& [rule, sum] : by_rule) {
    const std::string labels = fmt::format("rule=\"{}\"", esc(rule));
    uint64_t cumulative = 0;
    for (std::size_t i = 0; i < sum.buckets.size(); ++i) {
      cumulative += sum.buckets[i];
      const double le = i < ScoreSeries::kBounds.size() ? ScoreSeries::kBounds[i] : 1.0;
      fmt::format_to(std::back_inserter(out), "devoguard_label_score_bucket{{{},le=\"{}\"}} {}\n",
                     labels, le, cumulative);
    }
    fmt::format_to(std::back_inserter(out),
                   "devoguard_label_score_bucket{{{},le=\"+Inf\"}} {}\n"
                   "devoguard_label_score_sum{{{}}} {}\n"
                   "devoguard_label_score_count{{{}}} {}\n",
                   labels, cumulative, labels, double(sum.sum_micro) / 1e6, labels, cumulative);
  }
}

void upstreams(std::string& out, const pipeline::Plan& plan) {
  struct Metric {
    const char* name;
    const char* help;
    uint64_t (*value)(const upstream::ServerState&);
  };
  const Metric metrics[] = {
      {"devoguard_upstream_queries_total", "Queries sent to each upstream server.",
       [](const upstream::ServerState& x) { return x.queries.load(); }},
      {"devoguard_upstream_timeouts_total", "Upstream queries that failed (timeout, unreachable).",
       [](const upstream::ServerState& x) { return x.timeouts.load(); }},
      {"devoguard_upstream_ignored_replies_total",
       "Replies ignored: wrong ID, question or source (RFC 5452).",
       [](const upstream::ServerState& x) { return x.ignored_replies.load(); }},
  };
  for (const auto& m : metrics) {
    header(out, m.name, "counter", m.help);
    for (const auto& g : plan.groups)
      for (const auto& sv : g.servers)
        fmt::format_to(std::back_inserter(out), "{}{{group=\"{}\",server=\"{}\"}} {}\n", m.name,
                       esc(g.name), sv->name, m.value(*sv));
  }
  header(out, "devoguard_upstream_up", "gauge", "1 when the server is marked up, 0 when down.");
  for (const auto& g : plan.groups)
    for (const auto& sv : g.servers)
      fmt::format_to(std::back_inserter(out), "devoguard_upstream_up{{group=\"{}\",server=\"{}\"}} {}\n",
                     esc(g.name), sv->name, sv->up.load() ? 1 : 0);

  header(out, "devoguard_upstream_latency_seconds", "histogram",
         "Time from sending an upstream query to its accepted reply.");
  for (const auto& g : plan.groups) {
    for (const auto& sv : g.servers) {
      uint64_t cumulative = 0;
      const auto labels = fmt::format("group=\"{}\",server=\"{}\"", esc(g.name), sv->name);
      for (std::size_t i = 0; i <= Histogram::kBoundsUs.size(); ++i) {
        cumulative += sv->latency.bucket(i);
        const auto le = i < Histogram::kBoundsUs.size()
                            ? fmt::format("{}", double(Histogram::kBoundsUs[i]) / 1e6)
                            : std::string("+Inf");
        fmt::format_to(std::back_inserter(out),
                       "devoguard_upstream_latency_seconds_bucket{{{},le=\"{}\"}} {}\n", labels, le,
                       cumulative);
      }
      fmt::format_to(std::back_inserter(out),
                     "devoguard_upstream_latency_seconds_sum{{{}}} {}\n"
                     "devoguard_upstream_latency_seconds_count{{{}}} {}\n",
                     labels, double(sv->latency.sum_us()) / 1e6, labels, cumulative);
    }
  }
}

void state(std::string& out, const Sources& s) {
  const auto* t = s.plan->tracker.get();
  header(out, "devoguard_devolution_tracked", "gauge", "Entries in the devolution table.");
  fmt::format_to(std::back_inserter(out), "devoguard_devolution_tracked {}\n", t ? t->size() : 0);
  header(out, "devoguard_devolution_evictions_total", "counter",
         "Devolution entries forgotten early because the table was full (max_tracked).");
  fmt::format_to(std::back_inserter(out), "devoguard_devolution_evictions_total {}\n",
                 t ? t->evictions() : 0);

  const auto log = s.log ? s.log->stats() : decision_log::WriterStats{};
  header(out, "devoguard_decision_log_written_total", "counter", "Decision-log lines written.");
  fmt::format_to(std::back_inserter(out), "devoguard_decision_log_written_total {}\n", log.written);
  header(out, "devoguard_decision_log_dropped_total", "counter",
         "Decision-log lines lost (queue full or write failed); their queries were answered.");
  fmt::format_to(std::back_inserter(out), "devoguard_decision_log_dropped_total {}\n", log.dropped);
  header(out, "devoguard_decision_log_rotation_failures_total", "counter",
         "Rotations whose rotated file was lost (compression or rename failed).");
  fmt::format_to(std::back_inserter(out), "devoguard_decision_log_rotation_failures_total {}\n",
                 log.rotation_failures);

  const auto tap = s.dnstap ? s.dnstap->stats() : dnstap::WriterStats{};
  header(out, "devoguard_dnstap_written_total", "counter", "dnstap frames written.");
  fmt::format_to(std::back_inserter(out), "devoguard_dnstap_written_total {}\n", tap.written);
  header(out, "devoguard_dnstap_dropped_total", "counter",
         "dnstap frames lost (queue full, no reader or write failed); their queries were "
         "answered.");
  fmt::format_to(std::back_inserter(out), "devoguard_dnstap_dropped_total {}\n", tap.dropped);

  header(out, "devoguard_config_reloads_total", "counter", "Successful configuration reloads.");
  fmt::format_to(std::back_inserter(out), "devoguard_config_reloads_total {}\n", s.reloads);
  header(out, "devoguard_config_reload_failures_total", "counter",
         "Rejected reloads (the previous configuration kept serving).");
  fmt::format_to(std::back_inserter(out), "devoguard_config_reload_failures_total {}\n",
                 s.reload_failures);
}

// The abuse limits: clients.rate_limit and upstreams.NAME.max_outstanding.
void limits(std::string& out, const pipeline::Plan& plan) {
  header(out, "devoguard_upstream_outstanding", "gauge",
         "Queries in flight to the group, all workers together (bounded by max_outstanding).");
  for (const auto& g : plan.groups)
    fmt::format_to(std::back_inserter(out), "devoguard_upstream_outstanding{{group=\"{}\"}} {}\n",
                   esc(g.name), g.load->outstanding.load(std::memory_order_relaxed));
  header(out, "devoguard_upstream_overflows_total", "counter",
         "Queries answered SERVFAIL at once because the group had max_outstanding in flight.");
  for (const auto& g : plan.groups)
    fmt::format_to(std::back_inserter(out),
                   "devoguard_upstream_overflows_total{{group=\"{}\"}} {}\n", esc(g.name),
                   g.load->overflows.load(std::memory_order_relaxed));

  const auto* limiter = plan.rate_limiter.get();
  header(out, "devoguard_rate_limited_total", "counter",
         "Queries over clients.rate_limit, by what they got (refused or drop).");
  for (const char* action : {"refused", "drop"}) {
    const bool mine = limiter && (limiter->limit().action == conf::RateLimit::Action::Drop) ==
                                     (std::string_view(action) == "drop");
    fmt::format_to(std::back_inserter(out), "devoguard_rate_limited_total{{action=\"{}\"}} {}\n",
                   action, mine ? limiter->limited() : 0);
  }
  header(out, "devoguard_rate_limit_clients", "gauge",
         "Client addresses in the rate-limit table (bounded).");
  fmt::format_to(std::back_inserter(out), "devoguard_rate_limit_clients {}\n",
                 limiter ? limiter->clients() : 0);
}

// The answer cache (DEPLOY.md §1): the families are always there, zero with the cache off.
void cache(std::string& out, const Sources& s) {
  using R = decision_log::CacheResult;
  header(out, "devoguard_cache_lookups_total", "counter",
         "Forwarded queries by what the answer cache did (bypass: RD=0).");
  for (auto [r, name] : {std::pair{R::Hit, "hit"}, std::pair{R::Miss, "miss"},
                         std::pair{R::Stale, "stale"}, std::pair{R::Bypass, "bypass"}}) {
    uint64_t n = 0;
    for (const auto* w : s.workers) n += w->cache_lookups(r);
    fmt::format_to(std::back_inserter(out), "devoguard_cache_lookups_total{{result=\"{}\"}} {}\n",
                   name, n);
  }
  const auto* c = s.plan->cache.get();
  header(out, "devoguard_cache_entries", "gauge",
         "Entries in the answer cache (negative: NXDOMAIN and NODATA).");
  fmt::format_to(std::back_inserter(out),
                 "devoguard_cache_entries{{kind=\"positive\"}} {}\n"
                 "devoguard_cache_entries{{kind=\"negative\"}} {}\n",
                 c ? c->entries(false) : 0, c ? c->entries(true) : 0);
  header(out, "devoguard_cache_evictions_total", "counter",
         "Entries removed: lru (table full) or expired (past their stale life).");
  fmt::format_to(std::back_inserter(out),
                 "devoguard_cache_evictions_total{{reason=\"lru\"}} {}\n"
                 "devoguard_cache_evictions_total{{reason=\"expired\"}} {}\n",
                 c ? c->evictions_lru() : 0, c ? c->evictions_expired() : 0);
}

void tcp(std::string& out, const listen::TcpLimits& tcp) {
  header(out, "devoguard_tcp_connections", "gauge", "Open client TCP connections.");
  fmt::format_to(std::back_inserter(out), "devoguard_tcp_connections {}\n", tcp.total());
  header(out, "devoguard_tcp_rejected_total", "counter",
         "Client TCP connections closed at once: tcp.max_connections or "
         "tcp.max_connections_per_client reached.");
  using V = listen::TcpLimits::Verdict;
  fmt::format_to(std::back_inserter(out),
                 "devoguard_tcp_rejected_total{{limit=\"max_connections\"}} {}\n"
                 "devoguard_tcp_rejected_total{{limit=\"max_connections_per_client\"}} {}\n",
                 tcp.rejected(V::Full), tcp.rejected(V::ClientFull));
}

}  // namespace

std::string render(const Sources& s) {
  std::string out;
  out.reserve(16384);
  queries(out, s);
  label_scores(out, s);
  upstreams(out, *s.plan);
  state(out, s);
  limits(out, *s.plan);
  cache(out, s);
  if (s.tcp) tcp(out, *s.tcp);
  return out;
}

bool healthy(const pipeline::Plan& plan, std::string* why) {
  for (const auto& g : plan.groups) {
    if (!g.used) continue;
    bool any_up = false;
    for (const auto& sv : g.servers) any_up |= sv->up.load(std::memory_order_relaxed);
    if (!any_up) {
      if (why) *why = "upstream group " + g.name + " has no live server";
      return false;
    }
  }
  return true;
}

}  // namespace dg::proxy::metrics
