#include "proxy/investigate/analyze_output.hpp"

#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "proxy/investigate/text_table.hpp"

namespace dg::proxy::investigate {
namespace {

using Json = nlohmann::ordered_json;

std::string opt(const std::optional<std::string>& s) { return s ? *s : "-"; }
std::string yes_no(std::optional<bool> b) { return !b ? "?" : *b ? "yes" : "no"; }
Json opt_json(const std::optional<std::string>& s) { return s ? Json(*s) : Json(nullptr); }
Json opt_json(std::optional<bool> b) { return b ? Json(*b) : Json(nullptr); }
Json opt_json(const std::optional<Micros>& t) { return t ? Json(format_ts(*t)) : Json(nullptr); }

std::string fixed(double v, int digits = 3) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}
double round3(double v) { return std::round(v * 1000) / 1000; }

std::string join(const std::vector<std::string>& v, const char* sep = ",") {
  std::string out;
  for (const auto& s : v) out.append(out.empty() ? "" : sep).append(s);
  return out;
}

std::string source_of(const Report& r, uint32_t file, uint64_t line) {
  return (file < r.inputs.size() ? r.inputs[file].file : "?") + ":" + std::to_string(line);
}

std::size_t limit(std::size_t n, std::size_t top) { return top == 0 ? n : std::min(n, top); }

std::string more(std::size_t n, std::size_t top) {
  return top != 0 && n > top ? "  … " + std::to_string(n - top) + " more (--top 0 shows all)\n"
                             : "";
}

}  // namespace

std::string analyze_table(const Report& r, std::size_t top) {
  std::string out = "(Windows debug-log times read as " + r.timezone + ")\n\n";
  std::vector<TableRow> rows;
  for (const auto& i : r.inputs)
    rows.push_back({i.file, i.format, std::to_string(i.lines), std::to_string(i.events),
                    std::to_string(i.malformed), i.first_ts ? format_ts(*i.first_ts) : "-",
                    i.last_ts ? format_ts(*i.last_ts) : "-"});
  out += render_table("INPUTS", {"FILE", "FORMAT", "LINES", "EVENTS", "MALFORMED", "FIRST", "LAST"},
                      rows) + "\n";

  rows.clear();
  for (const auto& s : r.suffixes) {
    std::string parents;
    for (const auto& p : s.parents) {
      parents += (parents.empty() ? "" : ",") + p;
      if (std::find(s.public_suffix_parents.begin(), s.public_suffix_parents.end(), p) !=
          s.public_suffix_parents.end())
        parents += "*";
    }
    rows.push_back({s.name, s.source, std::to_string(s.evidence), parents.empty() ? "-" : parents});
  }
  out += render_table("SUFFIXES", {"NAME", "SOURCE", "EVIDENCE", "PARENTS (* public suffix)"}, rows) +
         "\n";

  rows.clear();
  for (const auto& a : r.aws_resolvers) rows.push_back({a.address, a.source});
  out += render_table("AWS RESOLVERS", {"ADDRESS", "SOURCE"}, rows) + "\n";

  rows.clear();
  for (std::size_t i = 0; i < limit(r.pairs.size(), top); ++i) {
    const auto& p = r.pairs[i];
    rows.push_back({p.client, p.qtype, p.from + " → " + p.to,
                    std::to_string((p.to_ts - p.from_ts).count() / 1000) + "ms",
                    opt(p.from_rcode) + "/" + opt(p.to_rcode),
                    yes_no(p.from_reached_aws) + "/" + yes_no(p.to_reached_aws),
                    fixed(p.label_score), source_of(r, p.file, p.line)});
  }
  out += render_table("DEVOLUTION PAIRS", {"CLIENT", "QTYPE", "FROM → TO", "GAP", "RCODES",
                                           "REACHED AWS", "LABEL SCORE", "SOURCE"},
                      rows) + more(r.pairs.size(), top) + "\n";

  rows.clear();
  for (std::size_t i = 0; i < limit(r.probes.size(), top); ++i) {
    const auto& p = r.probes[i];
    rows.push_back({p.client, p.qtype, p.qname, format_ts(p.ts), fixed(p.score),
                    std::to_string(r.bursts[p.burst]), yes_no(p.reached_aws),
                    source_of(r, p.file, p.line)});
  }
  out += render_table("PROBES", {"CLIENT", "QTYPE", "QNAME", "TS", "SCORE", "BURST", "REACHED AWS",
                                 "SOURCE"},
                      rows) + more(r.probes.size(), top) + "\n";

  rows.clear();
  for (std::size_t i = 0; i < limit(r.reached.size(), top); ++i) {
    const auto& x = r.reached[i];
    rows.push_back({x.qname, x.kind, std::to_string(x.count), join(x.clients),
                    format_ts(x.first_ts), format_ts(x.last_ts)});
  }
  out += render_table("REACHED AWS", {"QNAME", "KIND", "COUNT", "CLIENTS", "FIRST", "LAST"}, rows) +
         more(r.reached.size(), top) + "\n";

  out += "RECOMMENDATIONS\n";
  if (r.recommendations.empty()) out += "  (none)\n";
  for (const auto& rec : r.recommendations) {
    out += "  " + rec.id + " " + rec.title + " (evidence " + std::to_string(rec.evidence) + ")";
    if (!rec.clients.empty()) out += " clients: " + join(rec.clients, ", ");
    out += "\n";
    std::size_t start = 0;
    while (start < rec.text.size()) {
      auto end = rec.text.find('\n', start);
      if (end == std::string::npos) end = rec.text.size();
      out += "      " + rec.text.substr(start, end - start) + "\n";
      start = end + 1;
    }
  }
  for (const auto& n : r.notes) out += "\nnote: " + n + "\n";
  return out;
}

namespace {

Json pair_json(const Report& r, const Candidate& p) {
  return {{"client", p.client}, {"qtype", p.qtype}, {"from", p.from}, {"to", p.to},
          {"from_ts", format_ts(p.from_ts)}, {"to_ts", format_ts(p.to_ts)},
          {"gap_ms", (p.to_ts - p.from_ts).count() / 1000}, {"from_rcode", opt_json(p.from_rcode)},
          {"to_rcode", opt_json(p.to_rcode)}, {"from_reached_aws", opt_json(p.from_reached_aws)},
          {"to_reached_aws", opt_json(p.to_reached_aws)}, {"label_score", round3(p.label_score)},
          {"source", source_of(r, p.file, p.line)}};
}

Json probe_json(const Report& r, const Probe& p) {
  return {{"client", p.client}, {"qname", p.qname}, {"qtype", p.qtype}, {"ts", format_ts(p.ts)},
          {"label_score", round3(p.score)}, {"burst", r.bursts[p.burst]},
          {"reached_aws", opt_json(p.reached_aws)}, {"source", source_of(r, p.file, p.line)}};
}

Json reached_json(const ReachedRow& x) {
  return {{"qname", x.qname}, {"kind", x.kind}, {"count", x.count}, {"clients", x.clients},
          {"first_ts", format_ts(x.first_ts)}, {"last_ts", format_ts(x.last_ts)}};
}

// nlohmann's dump(2) of `v` as it would appear nested `depth` levels deep: strings hold no
// raw newline, so re-indenting is a replacement.
std::string nested(const Json& v, int depth) {
  std::string text = v.dump(2), out;
  const std::string pad(std::size_t(2 * depth), ' ');
  for (char c : text) {
    out += c;
    if (c == '\n') out += pad;
  }
  return out;
}

class JsonWriter {
 public:
  explicit JsonWriter(std::FILE* out) : out_(out) {}
  void key(const char* k) {
    put(std::string(first_ ? "{\n  \"" : ",\n  \"") + k + "\": ");
    first_ = false;
  }
  void value(const Json& v) { put(nested(v, 1)); }
  // An array written element by element, so the document is never held whole.
  template <class Items, class ToJson>
  void array(const Items& items, ToJson to_json) {
    if (items.empty()) return put("[]");
    bool first = true;
    for (const auto& item : items) {
      put(first ? "[\n    " : ",\n    ");
      put(nested(to_json(item), 2));
      first = false;
    }
    put("\n  ]");
  }
  bool finish() {
    put("\n}\n");
    return ok_ && std::fflush(out_) == 0;
  }

 private:
  void put(const std::string& s) {
    ok_ = ok_ && std::fwrite(s.data(), 1, s.size(), out_) == s.size();
  }
  std::FILE* out_;
  bool first_ = true, ok_ = true;
};

}  // namespace

bool write_analyze_json(const Report& r, std::FILE* out) {
  JsonWriter w(out);
  w.key("version"), w.value(1);
  w.key("timezone_assumed"), w.value(r.timezone);
  Json inputs = Json::array();
  for (const auto& i : r.inputs)
    inputs.push_back({{"file", i.file}, {"format", i.format}, {"lines", i.lines},
                      {"events", i.events}, {"malformed", i.malformed},
                      {"first_ts", opt_json(i.first_ts)}, {"last_ts", opt_json(i.last_ts)}});
  w.key("inputs"), w.value(inputs);
  Json suffixes = Json::array();
  for (const auto& s : r.suffixes)
    suffixes.push_back({{"name", s.name}, {"source", s.source}, {"evidence", s.evidence},
                        {"parents", s.parents},
                        {"public_suffix_parents", s.public_suffix_parents}});
  w.key("suffixes"), w.value(suffixes);
  Json aws = Json::array();
  for (const auto& a : r.aws_resolvers)
    aws.push_back({{"address", a.address}, {"source", a.source}});
  w.key("aws_resolvers"), w.value(aws);
  w.key("devolution_pairs"), w.array(r.pairs, [&](const Candidate& p) { return pair_json(r, p); });
  w.key("probes"), w.array(r.probes, [&](const Probe& p) { return probe_json(r, p); });
  w.key("reached_aws"), w.array(r.reached, reached_json);
  Json recs = Json::array();
  for (const auto& rec : r.recommendations)
    recs.push_back({{"id", rec.id}, {"title", rec.title}, {"clients", rec.clients},
                    {"evidence", rec.evidence}, {"text", rec.text}});
  w.key("recommendations"), w.value(recs);
  w.key("notes"), w.value(r.notes);
  return w.finish();
}

}  // namespace dg::proxy::investigate
