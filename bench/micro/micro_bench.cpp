// Google Benchmark micro-benchmarks of the per-query work in user space (issue 5): parsing a
// client query, accepting an upstream reply, classifying by the rules, the devolution table,
// the random-label scorer, building a local answer, formatting a decision-log line. The end-to-end figures come from bench/run.sh; these show which
// step costs what and catch regressions in one function.
//
//   build/micro_bench [--benchmark_filter=REGEX]
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "conf/load.hpp"
#include "proxy/decision_log/record.hpp"
#include "proxy/dns/answer.hpp"
#include "proxy/dns/message.hpp"
#include "rules/devolution/parents.hpp"
#include "rules/devolution/tracker.hpp"
#include "rules/random_label/model.hpp"
#include "rules/rule_set.hpp"

namespace {

using namespace dg;
namespace dns = dg::proxy::dns;

// A query as dig sends it: RD, one question, an OPT record with a cookie.
std::vector<uint8_t> query_wire(std::string_view qname, uint16_t qtype) {
  std::vector<uint8_t> w = {0x12, 0x34, 0x01, 0x20, 0, 1, 0, 0, 0, 0, 0, 1};
  std::size_t start = 0;
  while (start <= qname.size()) {
    const std::size_t dot = std::min(qname.find('.', start), qname.size());
    w.push_back(uint8_t(dot - start));
    w.insert(w.end(), qname.begin() + start, qname.begin() + dot);
    start = dot + 1;
  }
  w.push_back(0);
  w.insert(w.end(), {uint8_t(qtype >> 8), uint8_t(qtype), 0, 1});
  w.insert(w.end(), {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 12, 0, 10, 0, 8});
  for (int i = 0; i < 8; ++i) w.push_back(uint8_t(i));
  return w;
}

void BM_ParseQuery(benchmark::State& state) {
  const auto wire = query_wire("www.example.com", 1);
  for (auto _ : state) benchmark::DoNotOptimize(dns::parse_query(wire));
}
BENCHMARK(BM_ParseQuery);

void BM_SameQuestion(benchmark::State& state) {
  const auto wire = query_wire("www.example.com", 1);
  const auto q = *dns::parse_query(wire);
  auto reply = query_wire("WWW.Example.COM", 1);
  reply[2] |= 0x80;
  for (auto _ : state) benchmark::DoNotOptimize(dns::same_question(reply, q));
}
BENCHMARK(BM_SameQuestion);

conf::Config config_of(const char* file) {
  auto c = conf::load_file(std::string(DG_SOURCE_DIR) + "/" + file);
  if (!c) throw std::runtime_error(c.error().str());
  return std::move(*c);
}

// The shipped secondary-DNS example: AD zones to the DCs, devolved names answered locally,
// the rest forwarded. Arg 0: a forwarded name (walks every rule); 1: a devolved-shape name.
void BM_Classify(benchmark::State& state) {
  const auto config = config_of("conf/examples/secondary-dns.yaml");
  const auto rules = rules::RuleSet::compile(config);
  if (!rules) throw std::runtime_error(rules.error().str());
  const auto client = *conf::IpAddress::parse("10.0.1.20");
  const char* qname = state.range(0) == 0 ? "www.amazon.com" : "dglvrrerxokcxc.co.jp";
  for (auto _ : state) {
    double score = -1;
    rules::Subject s{qname, 1, client, {}, &score};
    benchmark::DoNotOptimize(rules->classify(s));
  }
}
BENCHMARK(BM_Classify)->Arg(0)->Arg(1);

std::unique_ptr<rules::Tracker> full_tracker(std::size_t n) {
  auto t = std::make_unique<rules::Tracker>(rules::devolution_parents({"example.co.jp"}, 2),
                                            std::chrono::seconds(30), n);
  const auto now = rules::Tracker::Clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    const auto client = *conf::IpAddress::parse("10.0." + std::to_string(i / 250 % 250) + "." +
                                                std::to_string(i % 250 + 1));
    t->observe(client, "h" + std::to_string(i) + ".example.co.jp", 1, false, now);
  }
  return t;
}

// Observing a finished query under the suffix (the write on every forwarded query).
void BM_TrackerObserve(benchmark::State& state) {
  auto t = full_tracker(std::size_t(state.range(0)));
  const auto client = *conf::IpAddress::parse("10.9.9.9");
  const auto now = rules::Tracker::Clock::now();
  std::vector<std::string> names;
  for (int i = 0; i < 1024; ++i) names.push_back("p" + std::to_string(i) + ".example.co.jp");
  std::size_t i = 0;
  for (auto _ : state) t->observe(client, names[i++ & 1023], 1, false, now);
}
BENCHMARK(BM_TrackerObserve)->Arg(10000)->Arg(1000000);

// Looking up P.D in a full table: a miss (the common case) and a hit (a devolved query).
void BM_TrackerLookup(benchmark::State& state) {
  const std::size_t n = 1000000;
  auto t = full_tracker(n);
  const auto now = rules::Tracker::Clock::now();
  const bool hit = state.range(0) == 1;
  const auto client = *conf::IpAddress::parse(hit ? "10.0.0.1" : "10.9.9.9");
  for (auto _ : state) benchmark::DoNotOptimize(t->devolved_from(client, "h0.co.jp", 1, now));
}
BENCHMARK(BM_TrackerLookup)->Arg(0)->Arg(1);

void BM_LabelScore(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(rules::random_label::label_score("dglvrrerxokcxc"));
}
BENCHMARK(BM_LabelScore);

// A devolved probe answered locally: NXDOMAIN, the parent's SOA, EDE with the rule's text.
void BM_BuildLocalAnswer(benchmark::State& state) {
  const auto wire = query_wire("dglvrrerxokcxc.co.jp", 1);
  const auto query = dns::parse_query(wire);
  const dns::AnswerSpec spec{.rcode = dns::kNxDomain,
                             .soa_owner = "co.jp",
                             .ede = dns::Ede{dns::EdeCode::Blocked, "devoguard rule devolved"}};
  std::vector<uint8_t> out;
  for (auto _ : state) {
    dns::build_answer(*query, wire, spec, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_BuildLocalAnswer);

// That answer's decision-log line, appended to a batch as LineBatch does.
void BM_AppendJson(benchmark::State& state) {
  namespace dl = dg::proxy::decision_log;
  dl::Record r;
  r.ts = std::chrono::system_clock::now();
  r.client = *conf::IpAddress::parse("10.20.30.40");
  r.id = 4711;
  r.qname = "dglvrrerxokcxc.co.jp";
  r.qtype = 1;
  r.rule = "devolved";
  r.action = "nxdomain";
  r.rcode = 3;
  r.ancount = 0;
  r.latency_us = 12;
  r.devolved_from = "dglvrrerxokcxc.example.co.jp";
  std::string batch;
  for (auto _ : state) {
    if (batch.size() > (64 << 10)) batch.clear();
    dl::append_json(r, batch);
    batch.push_back('\n');
  }
  benchmark::DoNotOptimize(batch.data());
}
BENCHMARK(BM_AppendJson);

}  // namespace

BENCHMARK_MAIN();
