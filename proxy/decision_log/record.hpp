#pragma once
// One decision: what a query was, which rule decided, what the client got. The pipeline's
// finish() fills one in and formats it as a JSON line at once (LineBatch), so a Record only
// points at the query's and the plan's strings: valid for that call, and never allocating.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "conf/address.hpp"

namespace dg::proxy::decision_log {

enum class Proto : uint8_t { Udp, Tcp };

// What the answer cache did for a forwarded query (DEPLOY.md §1); None: the cache is off or the
// query was not forwarded, and the record has no `cache` field.
enum class CacheResult : uint8_t { None, Hit, Miss, Stale, Bypass };

struct Record {
  std::chrono::system_clock::time_point ts;  // when the query was received
  conf::IpAddress client;
  Proto proto = Proto::Udp;
  uint16_t id = 0;
  std::string_view qname;  // lower case, no final dot
  uint16_t qtype = 0;
  std::string_view rule;    // the rule that decided; "" when none (e.g. ACL refusal, bad query)
  std::string_view action;  // forward, nxdomain, nodata, refused, servfail, drop
  std::string_view upstream;  // forwarded: the server that answered ("" otherwise)
  CacheResult cache = CacheResult::None;  // hit and stale: `upstream` is written as null
  std::optional<uint8_t> rcode;  // what the client got; none when nothing was sent
  // Answer-section RR count of the reply sent (none when nothing was sent): tells NODATA from
  // data, which rcode NOERROR alone cannot (INVESTIGATE.md, "Shared additions").
  std::optional<uint16_t> ancount;
  uint32_t latency_us = 0;
  std::string_view devolved_from;              // devolved queries: the earlier name
  std::span<const std::string_view> dry_run;  // rules that would have acted
  std::optional<float> label_score;  // set when a `random_label` matcher was evaluated
};

// The record as one JSON object, without the newline. Field order as in PRODUCT.md, with
// `ancount` after `rcode` and `label_score` (3 decimals) last; optional fields (upstream,
// devolved_from, dry_run, label_score) are left out when empty; rcode and ancount are null
// when unset, rule is null when empty. With the answer cache on, forwarded queries have
// `cache` (hit, miss, stale, bypass) after `upstream`, and `upstream` is null on hit and stale.
std::string to_json(const Record& r);
void append_json(const Record& r, std::string& out);

}  // namespace dg::proxy::decision_log
