#include "proxy/investigate/explain.hpp"

#include <cstdio>
#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "conf/load.hpp"
#include "conf/units.hpp"
#include "proxy/cli/options.hpp"
#include "proxy/decision_log/line.hpp"
#include "proxy/decision_log/reader.hpp"
#include "proxy/investigate/explain_output.hpp"
#include "proxy/investigate/log_files.hpp"

namespace dg::proxy::investigate {
namespace {

void fail(const std::string& message) { std::fprintf(stderr, "devoguard explain: %s\n", message.c_str()); }

// Reads the decision logs once, keeping only lines for `names` (and noting coverage and which
// finding addresses appear as clients). 0, or the exit code.
int read_logs(const std::vector<std::string>& paths, const std::set<std::string>& names,
              const std::set<std::string>& addresses, LogView& view) {
  std::set<std::string> seen;
  for (const auto& path : paths) {
    auto reader = decision_log::Reader::open(path);
    if (!reader) {
      fail(reader.error());
      return 1;
    }
    view.any = true;
    MalformedReport malformed(path);
    decision_log::Line line;
    for (;;) {
      auto next = (*reader)->next();
      if (!next) {
        fail(next.error());
        return 1;
      }
      if (!*next) break;
      auto text = clean_line(**next, false);
      if (text.find_first_not_of(" \t") == std::string_view::npos) continue;
      if (auto ok = line.scan(text); !ok) {
        malformed.add((*reader)->line_number(), "malformed decision-log line: " + ok.error());
        continue;
      }
      if (!view.first_ts || line.ts < *view.first_ts) view.first_ts = line.ts;
      if (!view.last_ts || line.ts > *view.last_ts) view.last_ts = line.ts;
      if (addresses.contains(std::string(line.client))) seen.insert(std::string(line.client));
      if (!names.contains(std::string(line.qname))) continue;
      LogLine l{line.ts, std::string(line.client), std::string(line.qname), std::string(line.qtype),
                std::string(line.action), std::string(line.rule.value_or("")),
                std::string(line.devolved_from),
                line.rcode ? std::optional<std::string>(*line.rcode) : std::nullopt, line.ancount};
      view.lines.push_back(std::move(l));
    }
    malformed.finish();
  }
  view.clients_seen.assign(seen.begin(), seen.end());
  return 0;
}

}  // namespace

int run_explain(const ExplainOptions& o) {
  VerdictContext ctx;
  std::vector<std::string> logs = o.logs;
  if (!o.config.empty()) {
    auto config = conf::load_file(o.config, cli::load_options());
    if (!config) {
      std::fprintf(stderr, "%s\n", config.error().str().c_str());
      return 2;
    }
    ctx.suffixes = config->domain.suffixes;
    ctx.devolution_level = config->domain.devolution_level;
    ctx.correlation_window = config->domain.correlation_window;
    if (logs.empty() && !config->decision_log.path.empty()) {
      // The live log and its rotated files, when they are there.
      const auto& p = config->decision_log.path;
      logs.push_back(p);
      for (int i = 1; i <= config->decision_log.keep; ++i)
        for (const auto& name : {p + "." + std::to_string(i) + ".gz", p + "." + std::to_string(i)})
          if (std::ifstream(name).good()) logs.push_back(name);
    }
  }
  for (auto s : o.suffixes) {
    for (auto& c : s)
      if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (!s.empty() && s.back() == '.') s.pop_back();
    if (std::find(ctx.suffixes.begin(), ctx.suffixes.end(), s) == ctx.suffixes.end())
      ctx.suffixes.push_back(s);
  }
  if (ctx.suffixes.empty()) {
    fail("no AD suffix: pass -c CONFIG or --suffix NAME");
    return 2;
  }
  if (o.devolution_level) ctx.devolution_level = *o.devolution_level;
  auto slack = conf::parse_duration(o.slack);
  if (!slack) {
    fail("--slack: expected a duration such as 10m, got \"" + o.slack + "\"");
    return 2;
  }
  ctx.slack = *slack;
  ctx.self = o.self;
  ctx.min_score = o.min_score;

  std::vector<Finding> findings;
  for (const auto& file : o.files) {
    std::string text;
    if (file == "-") {
      std::stringstream ss;
      ss << std::cin.rdbuf();
      text = ss.str();
    } else {
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        fail(file + ": cannot open");
        return 1;
      }
      std::stringstream ss;
      ss << in.rdbuf();
      text = ss.str();
    }
    auto values = finding_values(text);
    if (!values) {
      std::fprintf(stderr, "%s: %s\n", file.c_str(), values.error().c_str());
      continue;
    }
    for (std::size_t i = 0; i < values->size(); ++i) {
      std::expected<Finding, std::string> f = std::unexpected(std::string());
      try {
        f = parse_finding((*values)[i]);
      } catch (const nlohmann::json::exception& e) {  // a field of an unexpected type
        f = std::unexpected(std::string("not a GuardDuty finding (") + e.what() + ")");
      }
      if (!f) {
        std::fprintf(stderr, "%s:%zu: %s\n", file.c_str(), i + 1, f.error().c_str());
        continue;
      }
      findings.push_back(std::move(*f));
    }
  }
  if (findings.empty()) {
    fail("no GuardDuty finding parsed");
    return 2;
  }

  std::set<std::string> names, addresses;
  for (const auto& f : findings) {
    for (auto& n : names_of_interest(f, ctx)) names.insert(std::move(n));
    addresses.insert(f.addresses.begin(), f.addresses.end());
  }
  LogView view;
  if (int rc = read_logs(logs, names, addresses, view); rc != 0) return rc;

  std::vector<Explained> rows;
  bool investigate = false;
  for (auto& f : findings) {
    Verdict v = judge(f, view, ctx);
    investigate = investigate || v.verdict == "investigate";
    rows.push_back({std::move(f), std::move(v)});
  }
  const std::string text = o.json ? explain_json(rows).dump(2) + "\n" : explain_table(rows);
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0)
    return 1;
  return investigate ? 3 : 0;
}

}  // namespace dg::proxy::investigate
