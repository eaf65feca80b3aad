// `devoguard check`: validate a configuration and print the effective plan.
#include <fmt/format.h>

#include <iostream>
#include <thread>

#include "conf/units.hpp"
#include "proxy/aws/source_check.hpp"
#include "proxy/cli/commands.hpp"
#include "proxy/cli/options.hpp"
#include "proxy/pipeline/plan.hpp"
#include "rules/devolution/parents.hpp"

namespace dg::proxy::cli {
namespace {

std::string join(const auto& items, auto&& str) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + str(i);
  return out;
}

std::string size_text(uint64_t bytes) {
  if (bytes % (1ull << 30) == 0) return fmt::format("{}GiB", bytes >> 30);
  if (bytes % (1ull << 20) == 0) return fmt::format("{}MiB", bytes >> 20);
  if (bytes % (1ull << 10) == 0) return fmt::format("{}KiB", bytes >> 10);
  return fmt::format("{}", bytes);
}

std::string ttl_text(uint32_t seconds) {
  return seconds == 0 ? std::string("0s") : conf::format_duration(std::chrono::seconds(seconds));
}

void print_cache(const conf::Cache& c, std::ostream& out) {
  if (!c.enabled) {
    out << "cache: off\n";
    return;
  }
  const auto& s = c.serve_stale;
  out << fmt::format("cache: max_entries {}, ttl {}..{}, negative ttl {}..{}, serve_stale {}\n",
                     c.max_entries, ttl_text(c.min_ttl), ttl_text(c.max_ttl),
                     ttl_text(c.negative_min_ttl), ttl_text(c.negative_max_ttl),
                     s.enabled ? fmt::format("max_stale {}, answer_ttl {}, client_timeout {}, "
                                             "recheck {}",
                                             conf::format_duration(s.max_stale),
                                             conf::format_duration(s.answer_ttl),
                                             conf::format_duration(s.client_timeout),
                                             conf::format_duration(s.recheck))
                               : std::string("off"));
}

// DEPLOY.md §1: without the cache every forwarded query is a packet against the Amazon
// resolver's 1024 per second per network interface. The fixed addresses only: the VPC+2
// resolver has no fixed address.
std::vector<std::string> plan_notes(const pipeline::Plan& plan) {
  std::vector<std::string> notes;
  if (plan.config.cache.enabled) return notes;
  for (const auto& g : plan.groups) {
    if (!g.used) continue;
    for (const auto& sv : g.servers) {
      const auto address = sv->endpoint.address().str();
      if (address != "169.254.169.253" && address != "fd00:ec2::253") continue;
      notes.push_back(fmt::format(
          "cache off with an Amazon resolver upstream ({} in group {}): every forwarded query "
          "counts against its 1024 packets/s per network interface; consider `cache: "
          "{{enabled: true}}`",
          sv->name, g.name));
      return notes;
    }
  }
  return notes;
}

void print_plan(const pipeline::Plan& plan, std::ostream& out) {
  const auto& c = plan.config;
  out << "listen: "
      << join(c.listen, [](const conf::Endpoint& e) { return e.str() + " (udp+tcp)"; }) << "\n";
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  out << "threads: " << (c.threads ? fmt::format("{}", c.threads) : fmt::format("auto ({})", cores))
      << "\n";
  out << "clients.allow: " << join(c.allow, [](const conf::Cidr& x) { return x.str(); })
      << " (others get REFUSED)\n";
  if (const auto& r = c.rate_limit)
    out << fmt::format("clients.rate_limit: {} qps per client, burst {}, then {}\n", r->qps,
                       r->burst, r->action == conf::RateLimit::Action::Drop ? "drop" : "refused");
  else
    out << "clients.rate_limit: off\n";

  out << "domain:\n";
  if (c.domain.suffixes.empty()) out << "  suffixes: none (no query is devolved)\n";
  for (const auto& sp : rules::devolution_parents(c.domain.suffixes, c.domain.devolution_level)) {
    out << "  suffix " << sp.suffix << " -> devolution parents: "
        << (sp.parents.empty() ? std::string("none") : join(sp.parents, [](const std::string& p) {
              return rules::is_public_suffix(p) ? p + " (public suffix)" : p;
            }))
        << "\n";
  }
  out << fmt::format("  devolution_level: {}, correlation_window: {}, max_tracked: {}\n",
                     c.domain.devolution_level, conf::format_duration(c.domain.correlation_window),
                     c.domain.max_tracked);
  out << fmt::format("tcp: idle_timeout {}, max_connections {}, max_connections_per_client {}\n",
                     conf::format_duration(c.tcp.idle_timeout), c.tcp.max_connections,
                     c.tcp.max_connections_per_client);

  out << "upstreams:\n";
  for (const auto& g : c.upstreams) {
    out << fmt::format("  {}{}: {} (timeout {}, max_failures {}, probe_interval {}, "
                       "max_outstanding {}){}\n",
                       g.name, g.from_system ? " (system resolvers)" : "",
                       join(g.servers, [](const conf::Endpoint& e) { return e.str(); }),
                       conf::format_duration(g.timeout), g.max_failures,
                       conf::format_duration(g.probe_interval), g.max_outstanding,
                       plan.groups[&g - c.upstreams.data()].used ? "" : " [unused]");
  }
  out << "rules (first match wins):\n";
  int i = 1;
  for (const auto& line : plan.rules.describe()) out << "  " << i++ << ". " << line << "\n";
  out << fmt::format("answers: negative_ttl {}s\n", c.answers.negative_ttl);
  print_cache(c.cache, out);
  if (c.decision_log.path.empty())
    out << "decision_log: off\n";
  else
    out << fmt::format("decision_log: {} (max_size {}, keep {})\n", c.decision_log.path,
                       size_text(c.decision_log.max_size), c.decision_log.keep);
  out << "metrics: " << (c.metrics.listen ? c.metrics.listen->str() : std::string("off")) << "\n";
  if (c.dnstap.enabled())
    out << fmt::format("dnstap: {} {} (queue {} frames)\n",
                       c.dnstap.unix_path.empty() ? "file" : "unix",
                       c.dnstap.unix_path.empty() ? c.dnstap.file : c.dnstap.unix_path,
                       c.dnstap.queue);
  else
    out << "dnstap: off\n";
  out << "user: " << (c.user.empty() ? std::string("(stays as started)") : c.user) << "\n";
}

// A rule that answers devolved queries locally (not a dry run): then devolved names under a
// public parent do not leak, whatever else the configuration forwards.
bool answers_devolved_locally(const conf::Config& c) {
  for (const auto& r : c.rules)
    if (r.match.devolved == true && std::holds_alternative<conf::Answer>(r.action) && !r.dry_run)
      return true;
  return false;
}

// Warnings beyond those of the loader: public devolution parents leak devolved names.
std::vector<std::string> plan_warnings(const pipeline::Plan& plan) {
  std::vector<std::string> w = plan.config.warnings;
  // source_addresses sharing an interface, or routed out by another (DEPLOY.md §1).
  for (auto& s : aws::source_warnings(plan.config, aws::InterfaceTable::from_host(),
                                      aws::kernel_route))
    w.push_back(std::move(s));
  const auto& d = plan.config.domain;
  if (answers_devolved_locally(plan.config)) return w;
  for (const auto& sp : rules::devolution_parents(d.suffixes, d.devolution_level))
    for (const auto& p : sp.parents)
      if (rules::is_public_suffix(p))
        w.push_back(fmt::format(
            "{}: domain.suffixes: devolution parent {} of {} is a public suffix and no rule "
            "answers devolved queries locally: forwarded devolved names reach the internet "
            "(add a rule with `match: {{devolved: true}}` and an `answer:`)",
            plan.config.file, p, sp.suffix));
  return w;
}

}  // namespace

void add_check(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("check", "Validate a configuration and print the effective plan.");
  cmd->footer(
      "Prints listeners, upstream groups, the rules in order and the devolution parents of each\n"
      "suffix, then notes (advice, e.g. the answer cache); warnings go to stderr. On an error\n"
      "prints FILE:LINE:COL: key: message to stderr.\n"
      "Exit codes: 0 valid, 2 invalid.");
  auto path = std::make_shared<std::string>();
  cmd->add_option("-c,--config", *path, "configuration file (YAML)")->required();
  cmd->callback([&action, path] {
    action = [path] {
      auto config = conf::load_file(*path, load_options());
      if (!config) {
        std::cerr << config.error().str() << "\n";
        return 2;
      }
      auto plan = pipeline::Plan::build(std::move(*config), nullptr);
      if (!plan) {
        std::cerr << plan.error().str() << "\n";
        return 2;
      }
      std::cout << *path << ": configuration is valid\n";
      print_plan(**plan, std::cout);
      for (const auto& w : plan_warnings(**plan)) std::cerr << "warning: " << w << "\n";
      // Notes are advice, not doubts about the file: on stdout, after the plan.
      for (const auto& n : plan_notes(**plan)) std::cout << "note: " << n << "\n";
      return 0;
    };
  });
}

}  // namespace dg::proxy::cli
