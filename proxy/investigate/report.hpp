#pragma once
// The findings of `devoguard analyze` once the input is read (INVESTIGATE.md §1, "Output"):
// the suffix set fixed (given, from the config, or detected), candidates filtered into
// devolution pairs, reached-AWS names given their kind, and the recommendations whose
// evidence exists.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "proxy/investigate/aws_resolvers.hpp"
#include "proxy/investigate/detector.hpp"

namespace dg::proxy::investigate {

struct InputStats {
  std::string file;
  std::string format;  // windows-debug, route53, devoguard
  uint64_t lines = 0, events = 0, malformed = 0;
  std::optional<Micros> first_ts, last_ts;
};

struct SuffixRow {
  std::string name;
  std::string source;  // given, config, detected
  uint64_t evidence = 0;
  std::vector<std::string> parents;
  std::vector<std::string> public_suffix_parents;
};

struct ReachedRow {
  std::string qname;
  std::string kind;  // devolved, probe, ad-zone
  uint64_t count = 0;
  std::vector<std::string> clients;
  Micros first_ts{}, last_ts{};
};

struct Recommendation {
  std::string id, title;
  std::vector<std::string> clients;
  uint64_t evidence = 0;
  std::string text;
};

struct Report {
  std::string timezone = "UTC";
  std::vector<InputStats> inputs;
  std::vector<SuffixRow> suffixes;
  std::vector<AwsResolver> aws_resolvers;
  std::vector<Candidate> pairs;
  uint64_t unlisted_pairs = 0;  // counted past the detector's max_listed candidates
  std::set<std::string> unlisted_pair_clients;
  std::vector<Probe> probes;
  std::vector<std::size_t> bursts;
  uint64_t chromium_bursts = 0;  // bursts of ≥ 3 distinct probes, listed or not
  std::vector<std::string> chromium_clients;
  std::vector<ReachedRow> reached;
  std::vector<Recommendation> recommendations;
  std::vector<std::string> notes;  // caveats printed with the report
};

struct SuffixSource {
  std::vector<std::string> names;  // empty: detect
  std::string source;              // given or config
};

Report build_report(const Detector& d, const SuffixSource& suffixes, std::vector<InputStats> inputs,
                    const AwsResolvers& aws, const std::string& timezone);

// "2025-10-01T09:30:50Z", with microseconds only when there are any.
std::string format_ts(Micros t);

}  // namespace dg::proxy::investigate
