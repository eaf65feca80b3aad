#include "proxy/investigate/analyze.hpp"

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "conf/load.hpp"
#include "conf/units.hpp"
#include "proxy/cli/options.hpp"
#include "proxy/decision_log/line.hpp"
#include "proxy/decision_log/reader.hpp"
#include "proxy/investigate/analyze_output.hpp"
#include "proxy/investigate/devoguard_events.hpp"
#include "proxy/investigate/input_filter.hpp"
#include "proxy/investigate/input_format.hpp"
#include "proxy/investigate/log_files.hpp"
#include "proxy/investigate/route53.hpp"
#include "proxy/investigate/windows_events.hpp"

namespace dg::proxy::investigate {
namespace {

constexpr std::size_t kMaxDocument = 1u << 30;  // a filter-log-events page is read whole

void fail(const std::string& message) { std::fprintf(stderr, "devoguard analyze: %s\n", message.c_str()); }

// Filters, then counts the event against its input and hands it to the detector.
class CountingSink : public EventSink {
 public:
  CountingSink(const EventFilter& filter, Detector& detector) : filter_(filter), detector_(detector) {}
  void set_input(InputStats* stats) { stats_ = stats; }
  void on_event(const Event& e) override {
    if (!filter_.matches(e)) return;
    ++stats_->events;
    if (!stats_->first_ts || e.ts < *stats_->first_ts) stats_->first_ts = e.ts;
    if (!stats_->last_ts || e.ts > *stats_->last_ts) stats_->last_ts = e.ts;
    detector_.on_event(e);
  }

 private:
  const EventFilter& filter_;
  Detector& detector_;
  InputStats* stats_ = nullptr;
};

struct Settings {
  DetectorOptions detector;
  SuffixSource suffixes;
  Zone zone;
  DateOrder date_order = DateOrder::Auto;
  bool lenient_names = false;
  std::optional<InputFormat> format;
};

// Options and config → settings; the exit code on failure (already reported).
std::expected<Settings, int> settings_of(const AnalyzeOptions& o) {
  Settings s;
  if (!o.config.empty()) {
    auto config = conf::load_file(o.config, cli::load_options());
    if (!config) {
      std::fprintf(stderr, "%s\n", config.error().str().c_str());
      return std::unexpected(2);
    }
    s.suffixes = {config->domain.suffixes, "config"};
    s.detector.devolution_level = config->domain.devolution_level;
    s.detector.window = config->domain.correlation_window;
  }
  if (!o.suffixes.empty()) {
    s.suffixes = {{}, "given"};
    for (auto name : o.suffixes) {
      for (auto& c : name)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
      if (!name.empty() && name.back() == '.') name.pop_back();
      s.suffixes.names.push_back(name);
    }
  }
  s.detector.suffixes = s.suffixes.names;
  if (o.devolution_level) {
    if (*o.devolution_level < 1 || *o.devolution_level > 126) {
      fail("--devolution-level: must be 1 to 126");
      return std::unexpected(2);
    }
    s.detector.devolution_level = *o.devolution_level;
  }
  if (!o.window.empty()) {
    auto w = conf::parse_duration(o.window);
    if (!w || w->count() <= 0) {
      fail("--window: expected a duration such as 30s, got \"" + o.window + "\"");
      return std::unexpected(2);
    }
    s.detector.window = *w;
  }
  if (!(o.min_score > 0 && o.min_score <= 1)) {
    fail("--min-score: expected 0 < F <= 1");
    return std::unexpected(2);
  }
  s.detector.min_score = o.min_score;
  auto zone = Zone::parse(o.tz);
  if (!zone) {
    fail(zone.error());
    return std::unexpected(2);
  }
  s.zone = *zone;
  auto order = parse_date_order(o.date_order);
  if (!order) {
    fail("--date-order: expected auto, ymd, mdy or dmy");
    return std::unexpected(2);
  }
  s.date_order = *order;
  s.lenient_names = o.lenient_names;
  bool ok = true;
  s.format = parse_format(o.format, ok);
  if (!ok) {
    fail("--format: expected auto, windows-debug, route53 or devoguard");
    return std::unexpected(2);
  }
  if (o.fail_on != "never" && o.fail_on != "devolution" && o.fail_on != "reached-aws") {
    fail("--fail-on: expected never, devolution or reached-aws");
    return std::unexpected(2);
  }
  return s;
}

// Reads a Windows debug log from `first` on; 0, or the exit code that ends the run.
int read_windows(decision_log::Reader& reader, uint32_t index, std::string_view first,
                 const Settings& s, AwsResolvers& aws, CountingSink& sink, InputStats& stats,
                 MalformedReport& malformed) {
  WindowsEvents events(index, s.zone, aws, sink);
  DateOrder order = s.date_order;
  Packet packet;
  uint64_t mismatches = 0;
  const LineOptions line_options{s.lenient_names, &mismatches};
  std::optional<std::string_view> text = first;
  for (;;) {
    if (text) {
      auto kind = parse_windows_line(*text, order, packet, line_options);
      if (kind && *kind == LineKind::Packet) {
        events.on_packet(reader.line_number(), packet);
      } else if (!kind) {
        if (kind.error().date_order_unknown) {
          std::fprintf(stderr, "%s:%llu: %s\n", stats.file.c_str(),
                       static_cast<unsigned long long>(reader.line_number()),
                       kind.error().message.c_str());
          return 2;
        }
        malformed.add(reader.line_number(), kind.error().message);
      }
    }
    auto line = reader.next();
    if (!line) {
      fail(line.error());
      return 1;
    }
    if (!*line) break;
    ++stats.lines;
    text = clean_line(**line, false);
  }
  events.finish();
  if (mismatches > 0)
    std::fprintf(stderr,
                 "%s: %llu labels did not have the length their (len) declared; read by their "
                 "parentheses (--lenient-names)\n",
                 stats.file.c_str(), static_cast<unsigned long long>(mismatches));
  return 0;
}

// Reads a `filter-log-events` page whole and each event's message as a record.
int read_events_page(decision_log::Reader& reader, uint32_t index, std::string_view first,
                     CountingSink& sink, InputStats& stats, MalformedReport& malformed) {
  std::string doc(first);
  for (;;) {
    auto line = reader.next();
    if (!line) {
      fail(line.error());
      return 1;
    }
    if (!*line) break;
    ++stats.lines;
    doc.append("\n").append(**line);
    if (doc.size() > kMaxDocument) {
      fail(stats.file + ": a filter-log-events document over 1 GiB; export the records one per line");
      return 2;
    }
  }
  const auto j = nlohmann::json::parse(doc, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("events") || !j["events"].is_array()) {
    fail(stats.file + ": not a JSON document with an \"events\" array");
    return 2;
  }
  Event e;
  uint64_t n = 0;
  for (const auto& ev : j["events"]) {
    ++n;
    e.file = index;
    e.line = n;  // the event's position in the array stands for the line
    if (!ev.is_object() || !ev.contains("message") || !ev["message"].is_string()) {
      malformed.add(n, "event without a \"message\" string");
      continue;
    }
    if (auto ok = route53_event(std::string_view(ev["message"].get_ref<const std::string&>()), e); !ok) {
      malformed.add(n, ok.error());
      continue;
    }
    sink.on_event(e);
  }
  return 0;
}

// Reads one JSON record per line: Route 53 or the decision log.
int read_json_lines(decision_log::Reader& reader, uint32_t index, std::string_view first,
                    const Settings& s, AwsResolvers& aws, CountingSink& sink, InputStats& stats,
                    MalformedReport& malformed) {
  const bool route53 = s.format ? *s.format == InputFormat::Route53
                                : detect_format(first) == InputFormat::Route53;
  decision_log::Line line;
  Event e;
  std::optional<std::string_view> text = first;
  for (;;) {
    if (text && text->find_first_not_of(" \t") != std::string_view::npos) {
      e.file = index;
      e.line = reader.line_number();
      if (route53) {
        if (auto ok = route53_event(*text, e); ok)
          sink.on_event(e);
        else
          malformed.add(reader.line_number(), ok.error());
      } else if (auto ok = line.scan(*text); ok) {
        devoguard_event(line, aws, e);
        sink.on_event(e);
      } else {
        malformed.add(reader.line_number(), "malformed decision-log line: " + ok.error());
      }
    }
    auto next = reader.next();
    if (!next) {
      fail(next.error());
      return 1;
    }
    if (!*next) break;
    ++stats.lines;
    text = clean_line(**next, false);
  }
  return 0;
}

int read_file(decision_log::Reader& reader, uint32_t index, const Settings& s,
              AwsResolvers& aws, CountingSink& sink, InputStats& stats) {
  MalformedReport malformed(stats.file);
  std::optional<std::string_view> first;
  for (;;) {  // the first non-blank line
    auto line = reader.next();
    if (!line) {
      fail(line.error());
      return 1;
    }
    if (!*line) break;
    ++stats.lines;
    auto text = clean_line(**line, stats.lines == 1);
    if (text.find_first_not_of(" \t") != std::string_view::npos) {
      first = text;
      break;
    }
  }
  if (!first) {  // empty input: nothing to analyse, nothing wrong
    stats.format = s.format ? std::string(format_name(*s.format)) : "empty";
    return 0;
  }
  auto format = s.format ? s.format : detect_format(*first);
  if (!format) {
    fail(stats.file + ": unrecognised input (expected a Windows DNS debug log, Route 53 query "
                      "log or devoguard decision log; see --format)");
    return 2;
  }
  stats.format = format_name(*format);

  int rc = 0;
  if (*format == InputFormat::WindowsDebug)
    rc = read_windows(reader, index, *first, s, aws, sink, stats, malformed);
  else if (*format == InputFormat::Route53Events)
    rc = read_events_page(reader, index, *first, sink, stats, malformed);
  else
    rc = read_json_lines(reader, index, *first, s, aws, sink, stats, malformed);
  if (rc != 0) return rc;
  malformed.finish();
  stats.malformed = malformed.count();
  return 0;
}

}  // namespace

int run_analyze(const AnalyzeOptions& o) {
  if (o.files.empty()) {
    fail("no FILE given (use - for stdin)");
    return 2;
  }
  auto settings = settings_of(o);
  if (!settings) return settings.error();
  auto filter = EventFilter::build(o.since, o.until, o.clients);
  if (!filter) {
    fail(filter.error());
    return 2;
  }
  AwsResolvers aws(o.aws_resolvers);
  Detector detector(settings->detector);
  CountingSink sink(*filter, detector);
  std::vector<InputStats> inputs;
  inputs.reserve(o.files.size());
  for (std::size_t i = 0; i < o.files.size(); ++i) {
    auto reader = decision_log::Reader::open(o.files[i]);
    if (!reader) {
      fail(reader.error());
      return 1;
    }
    inputs.push_back(InputStats{o.files[i] == "-" ? "(stdin)" : o.files[i], "", 0, 0, 0, {}, {}});
    sink.set_input(&inputs.back());
    if (int rc = read_file(**reader, uint32_t(i), *settings, aws, sink, inputs.back()); rc != 0)
      return rc;
  }
  const Report report =
      build_report(detector, settings->suffixes, std::move(inputs), aws, settings->zone.name());
  if (o.json) {
    if (!write_analyze_json(report, stdout)) return 1;
  } else {
    const std::string text = analyze_table(report, o.top);
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0)
      return 1;
  }
  if (o.fail_on == "devolution" && (!report.pairs.empty() || report.unlisted_pairs > 0)) return 3;
  if (o.fail_on == "reached-aws" && !report.reached.empty()) return 3;
  return 0;
}

}  // namespace dg::proxy::investigate
