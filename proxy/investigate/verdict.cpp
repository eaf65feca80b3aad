#include "proxy/investigate/verdict.hpp"

#include <algorithm>
#include <set>

#include "proxy/investigate/devoguard_events.hpp"
#include "proxy/investigate/names.hpp"
#include "rules/devolution/parents.hpp"
#include "rules/random_label/model.hpp"

namespace dg::proxy::investigate {
namespace {

struct Split {
  std::string prefix;  // P
  std::string parent;  // D
  std::vector<std::string> twins;  // P.S for every S that has D as a parent
};

// N = P.D with D a devolution parent of a configured suffix (the longest D first).
std::optional<Split> split_of(const std::string& n, const VerdictContext& ctx) {
  std::optional<Split> best;
  for (const auto& sp : rules::devolution_parents(ctx.suffixes, ctx.devolution_level))
    for (const auto& d : sp.parents) {
      if (!in_zone(n, d) || n == d) continue;
      if (best && best->parent.size() > d.size()) continue;
      if (!best || best->parent != d) best = Split{n.substr(0, n.size() - d.size() - 1), d, {}};
      best->twins.push_back(best->prefix + "." + sp.suffix);
    }
  return best;
}

bool random_shaped(std::string_view label, double min_score) {
  return rules::random_label::label_score(label) >= min_score;
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

Verdict investigate(std::string reason) {
  Verdict v;
  v.verdict = "investigate";
  v.reasons.push_back(std::move(reason));
  return v;
}

}  // namespace

std::vector<std::string> names_of_interest(const Finding& f, const VerdictContext& ctx) {
  std::vector<std::string> names{f.domain};
  if (auto s = split_of(f.domain, ctx))
    for (const auto& t : s->twins) names.push_back(t);
  return names;
}

Verdict judge(const Finding& f, const LogView& log, const VerdictContext& ctx) {
  // Which log lines count: on devoguard, any client's; otherwise the finding's addresses'.
  bool on_devoguard = false;
  std::vector<std::string> notes;
  for (const auto& a : f.addresses)
    if (contains(ctx.self, a)) on_devoguard = true;
  const bool domain_logged = std::any_of(log.lines.begin(), log.lines.end(),
                                         [&](const LogLine& l) { return l.qname == f.domain; });
  if (!on_devoguard && ctx.self.empty() && log.any && domain_logged && !f.addresses.empty() &&
      std::none_of(f.addresses.begin(), f.addresses.end(),
                   [&](const std::string& a) { return contains(log.clients_seen, a); })) {
    on_devoguard = true;
    notes.push_back("treating " + f.addresses.front() + " as devoguard (use --self)");
  }
  const auto counts = [&](const LogLine& l) { return on_devoguard || contains(f.addresses, l.client); };
  const auto slack = std::chrono::duration_cast<std::chrono::microseconds>(ctx.slack);
  const std::optional<Micros> w_start =
      f.first_seen ? std::optional<Micros>(*f.first_seen - slack) : std::nullopt;
  const std::optional<Micros> w_end =
      f.last_seen ? std::optional<Micros>(*f.last_seen + slack) : std::nullopt;
  const auto in_window = [&](const LogLine& l) {
    return (!w_start || l.ts >= *w_start) && (!w_end || l.ts <= *w_end);
  };
  std::vector<const LogLine*> for_n;
  for (const auto& l : log.lines)
    if (l.qname == f.domain && counts(l) && in_window(l)) for_n.push_back(&l);

  Verdict v = [&]() -> Verdict {
    // 1. Type.
    if (f.type != kDgaB && f.type != kDgaC) return investigate("type-out-of-scope");
    // 2. Protocol.
    if (!f.protocol.empty() && f.protocol != "UDP") return investigate("not-udp");
    // 3. A DGA name that resolves is the malware case.
    for (const auto* l : for_n)
      if (l->rcode == "NOERROR" && (!l->ancount || *l->ancount > 0)) {
        Verdict r = investigate("resolved");
        r.evidence.push_back({*l, "devolved"});
        return r;
      }
    // 4. Under a devolution parent at all?
    const auto split = split_of(f.domain, ctx);
    if (!split) {
      if (random_shaped(rules::random_label::first_label(f.domain), ctx.min_score)) {
        Verdict r;
        r.verdict = "probe-shape";
        r.confidence = "low";
        r.reasons = {"probe-shape", "add the suffix that produced it"};
        r.recommendations = {"R3"};
        return r;
      }
      return investigate("not-under-devolution-parent");
    }
    // 5. Log evidence: P.S then P.D from one client, same qtype, within the window.
    const auto window = std::chrono::duration_cast<std::chrono::microseconds>(ctx.correlation_window);
    for (const auto* l2 : for_n)
      for (const auto& l1 : log.lines) {
        if (!contains(split->twins, l1.qname) || l1.client != l2->client || l1.qtype != l2->qtype)
          continue;
        if (l2->ts < l1.ts || l2->ts - l1.ts > window) continue;
        if (with_data_of(l1.rcode ? std::optional<std::string_view>(*l1.rcode) : std::nullopt,
                         l1.ancount) == true)
          continue;
        Verdict r;
        r.verdict = "benign-devolution";
        r.confidence = "high";
        r.reasons = {"devolution-pair-in-log"};
        r.evidence = {{l1, "asked-under-suffix"}, {*l2, "devolved"}};
        r.recommendations = {"R1", "R2", "R3"};
        if (!l2->devolved_from.empty() && l2->action != "forward") {
          r.reasons.push_back("bypass");
          r.notes.push_back("client also queries the AWS resolver directly");
          r.recommendations.push_back("R4");
        }
        return r;
      }
    // 6. The known-DGA feed without that evidence.
    if (f.type == kDgaC) return investigate("known-dga-feed");
    // 7. The log covers the window but never saw N: the query went around devoguard.
    if (log.any && log.first_ts && w_start && w_end && *log.first_ts <= *w_start &&
        *log.last_ts >= *w_end && for_n.empty()) {
      Verdict r;
      r.verdict = "benign-devolution";
      r.confidence = "low";
      r.reasons = {"bypassed-devoguard"};
      r.recommendations = {"R1", "R2", "R4"};
      return r;
    }
    // 8. Shape only.
    if (label_count(split->prefix) > 1) return investigate("multi-label-no-evidence");
    Verdict r;
    r.verdict = "benign-devolution";
    r.confidence = random_shaped(split->prefix, ctx.min_score) ? "medium" : "low";
    r.reasons = {random_shaped(split->prefix, ctx.min_score) ? "random-label-under-parent"
                                                             : "label-under-parent"};
    r.recommendations = {"R1", "R2", "R3"};
    return r;
  }();
  v.on_devoguard = on_devoguard;
  v.notes.insert(v.notes.begin(), notes.begin(), notes.end());
  if (on_devoguard) {
    std::set<std::string> origins;
    for (const auto& e : v.evidence) origins.insert(e.line.client);
    v.origin_clients.assign(origins.begin(), origins.end());
  }
  return v;
}

}  // namespace dg::proxy::investigate
