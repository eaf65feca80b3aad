// `devoguard log`: read decision logs (plain, gzip-compressed or stdin), filter the lines and
// print them as a table, as JSON lines or as a summary; --follow tails the live log.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conf/load.hpp"
#include "proxy/cli/commands.hpp"
#include "proxy/cli/options.hpp"
#include "proxy/decision_log/filter.hpp"
#include "proxy/decision_log/follower.hpp"
#include "proxy/decision_log/output.hpp"
#include "proxy/decision_log/reader.hpp"
#include "proxy/decision_log/selection.hpp"
#include "proxy/decision_log/summary.hpp"
#include "proxy/decision_log/table.hpp"

namespace dg::proxy::cli {
namespace {

namespace dl = decision_log;

constexpr auto kPollInterval = std::chrono::milliseconds(200);

struct LogOptions {
  std::vector<std::string> files;
  std::string config;
  dl::FilterSpec filter;
  bool json = false;
  bool summary = false;
  bool follow = false;
};

void write_to(std::FILE* f, std::string_view text) { std::fwrite(text.data(), 1, text.size(), f); }

void error(const std::string& message) {
  write_to(stderr, "devoguard log: " + message + "\n");
}

// The files named, or else the decision_log.path of the configuration. Exit code on failure.
std::expected<std::vector<std::string>, int> inputs(const LogOptions& o) {
  if (!o.files.empty()) return o.files;
  if (o.config.empty()) {
    error("no FILE given: name the decision log (e.g. /var/log/devoguard/decisions.jsonl*), "
          "`-` for stdin, or -c CONFIG to read its decision_log.path");
    return std::unexpected(2);
  }
  auto config = conf::load_file(o.config, load_options());
  if (!config) {
    write_to(stderr, config.error().str() + "\n");
    return std::unexpected(2);
  }
  if (config->decision_log.path.empty()) {
    error(o.config + ": decision_log is off (no decision_log.path) and no FILE was given");
    return std::unexpected(2);
  }
  return std::vector<std::string>{config->decision_log.path};
}

// --follow tails the last file given that is not gzip-compressed: with `decisions.jsonl*` the
// shell lists the live file first and the rotated ones after it.
std::expected<std::string, std::string> follow_target(const std::vector<std::string>& files) {
  for (auto it = files.rbegin(); it != files.rend(); ++it) {
    if (*it == "-") return std::unexpected("--follow cannot follow stdin: name the live log");
    if (!dl::is_gzip_file(*it)) return *it;  // or unreadable: Follower::start says why
  }
  return std::unexpected("--follow needs the live log, and every FILE is gzip-compressed");
}

std::unique_ptr<dl::Output> make_output(const LogOptions& o) {
  dl::Sink out = [](std::string_view text) { write_to(stdout, text); };
  if (o.json) return std::make_unique<dl::JsonLines>(out);
  if (o.summary) return std::make_unique<dl::Summary>(out);
  return std::make_unique<dl::Table>(out);
}

int read_files(const std::vector<std::string>& files, dl::Selection& selection) {
  int rc = 0;
  for (const auto& path : files) {  // on an error go on with the others, like cat and grep
    auto reader = dl::Reader::open(path);
    if (!reader) {
      error(reader.error());
      rc = 1;
      continue;
    }
    if (auto ok = selection.read(**reader); !ok) {
      error(ok.error());
      rc = 1;
    }
  }
  return rc;
}

// Polls the live log until SIGINT or SIGTERM. The signals are blocked and taken with
// sigtimedwait, so one arriving at any moment ends the wait at once and the exit is clean.
int follow(const std::string& path, dl::Selection& selection, dl::Output& output) {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop, nullptr);
  auto follower = dl::Follower::start(path);
  if (!follower) {
    error(follower.error());
    return 1;
  }
  // Tells the operator (and tests) that lines appended from now on will be shown.
  write_to(stderr, "devoguard log: following " + path + " (Ctrl-C stops)\n");
  const timespec interval{0, std::chrono::nanoseconds(kPollInterval).count()};
  for (;;) {
    if (auto ok = follower->poll(selection); !ok) {
      error(ok.error());
      return 1;
    }
    output.flush();
    std::fflush(stdout);
    if (sigtimedwait(&stop, nullptr, &interval) > 0) break;
  }
  // Lines written before the signal still count (a --summary taken at Ctrl-C includes them).
  if (auto ok = follower->poll(selection); !ok) {
    error(ok.error());
    return 1;
  }
  return 0;
}

int run_log(const LogOptions& o) {
  if (o.json && o.summary) {
    error("--json and --summary exclude each other");
    return 2;
  }
  auto files = inputs(o);
  if (!files) return files.error();
  const auto now = std::chrono::floor<std::chrono::microseconds>(std::chrono::system_clock::now());
  auto filter = dl::Filter::build(o.filter, now);
  if (!filter) {
    error(filter.error());
    return 2;
  }
  std::string target;
  if (o.follow) {
    auto t = follow_target(*files);
    if (!t) {
      error(t.error());
      return 2;
    }
    target = *t;
  }
  auto output = make_output(o);
  dl::Selection selection(*filter, *output, [](std::string_view text) { write_to(stderr, text); });
  int rc = o.follow ? follow(target, selection, *output) : read_files(*files, selection);
  output->finish();
  selection.finish();
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    error("cannot write the output");
    rc = 1;
  }
  return rc;
}

}  // namespace

void add_log(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "log", "Read decision logs: filter the lines, print them as a table, JSON or a summary.");
  auto o = std::make_shared<LogOptions>();
  cmd->add_option("FILE", o->files,
                  "decision logs, plain or gzip-compressed, read in the order given; - is stdin "
                  "(e.g. /var/log/devoguard/decisions.jsonl*)")
      ->type_name("");
  cmd->add_option("-c,--config", o->config,
                  "without FILE, read the decision_log.path of this configuration "
                  "(e.g. -c /etc/devoguard/devoguard.yaml)")
      ->type_name("CONFIG");
  auto* f = &o->filter;
  cmd->add_option("--since", f->since,
                  "lines at or after TIME: RFC 3339 or a duration back from now "
                  "(e.g. --since 2026-11-23T07:30:00Z, --since 2026-11-23T16:30:00+09:00, "
                  "--since 15m; units s, m, h, d)")
      ->type_name("TIME");
  cmd->add_option("--until", f->until, "lines at or before TIME, as --since (e.g. --until 1h)")
      ->type_name("TIME");
  cmd->add_option("--client", f->clients,
                  "clients in this CIDR; a bare address is one host; repeat for any of several "
                  "(e.g. --client 10.0.0.0/8 --client 2001:db8::5)")
      ->type_name("CIDR")
      ->allow_extra_args(false);
  cmd->add_option("--action", f->actions,
                  "decisions with this action: forward, nxdomain, nodata, refused, servfail, "
                  "drop; repeatable (e.g. --action nxdomain --action refused)")
      ->type_name("ACTION")
      ->allow_extra_args(false);
  cmd->add_option("--rule", f->rules,
                  "decisions made by this rule; repeatable (e.g. --rule devolved)")
      ->type_name("NAME")
      ->allow_extra_args(false);
  cmd->add_option("--qname", f->qnames,
                  "this name and every name under it (label-aware, case-insensitive); "
                  "repeatable (e.g. --qname example.co.jp matches dc1.example.co.jp, not "
                  "badexample.co.jp)")
      ->type_name("SUFFIX")
      ->allow_extra_args(false);
  cmd->add_flag("--devolved", f->devolved,
                "only devolved queries, those with devolved_from (e.g. --devolved --since 1d)");
  cmd->add_flag("--json", o->json,
                "print the matching lines unchanged, as JSON lines "
                "(e.g. --json --action nxdomain | jq .qname)");
  cmd->add_flag(
      "--summary", o->summary,
      "print counts per action, rule and client (top 10), the top 10 devolved names with the "
      "names they came from, and queries per minute (e.g. --summary --since 1h)");
  cmd->add_flag("--follow", o->follow,
                "keep printing the lines appended to the live log (the last FILE that is not "
                "gzip-compressed) after the command starts, across rotation, until Ctrl-C or "
                "SIGTERM; lines already in the files are not printed; with --summary the counts "
                "are printed when it stops "
                "(e.g. log --follow --devolved -c /etc/devoguard/devoguard.yaml)");
  cmd->footer(
      "Filters combine with AND; the values of a repeated option are alternatives.\n"
      "The default output is a table: ts, client, proto, qtype, qname, action, rule, rcode,\n"
      "latency_us and a detail column (\"from NAME\" for devolved queries, \"via SERVER\" for\n"
      "forwarded ones). A malformed line is reported on stderr as\n"
      "FILE:LINE: malformed decision-log line: why, and skipped.\n"
      "Examples:\n"
      "  devoguard log /var/log/devoguard/decisions.jsonl* --since 1h --devolved\n"
      "  devoguard log -c /etc/devoguard/devoguard.yaml --summary\n"
      "  zcat decisions.jsonl.1.gz | devoguard log - --client 10.143.100.80 --json\n"
      "Exit codes: 0 ok (also when nothing matches), 1 a file could not be read,\n"
      "2 bad usage (bad CIDR, time or action).");
  cmd->callback([&action, o] { action = [o] { return run_log(*o); }; });
}

}  // namespace dg::proxy::cli
