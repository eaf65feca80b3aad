#pragma once
// Windows DNS server debug-log packets → client query events (INVESTIGATE.md §1a, "Direction
// semantics"). The DC that owns the log receives a client's query (Rcv, blank R), may forward
// it upstream (Snd, blank R), and answers the client (Snd, R, same Xid). Pairing is by
// (remote, Xid, qname, qtype) within 30 s, first in first out; a forwarded query belongs to
// the earliest still-open client query with the same qname and qtype. The packet identifier
// column is reused by the server and never used for pairing.
//
// State is bounded by the 30-s window: open queries older than it are emitted without an
// answer and forgotten.
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "proxy/investigate/aws_resolvers.hpp"
#include "proxy/investigate/event.hpp"
#include "proxy/investigate/windows_line.hpp"

namespace dg::proxy::investigate {

class WindowsEvents {
 public:
  static constexpr int64_t kPairingWindowUs = 30'000'000;

  WindowsEvents(uint32_t file, const Zone& zone, AwsResolvers& aws, EventSink& sink)
      : file_(file), zone_(zone), aws_(aws), sink_(sink) {}

  // One parsed PACKET line.
  void on_packet(uint64_t line, const Packet& p);
  // End of input: open queries are emitted without an answer.
  void finish();
  uint64_t events() const { return events_; }

 private:
  struct Open {
    Event event;
    bool done = false;
    bool forwarded = false;
  };

  void open_query(uint64_t line, Micros ts, const Packet& p);
  void answer(const Packet& p);
  void forwarded(const Packet& p);
  void expire(Micros now);
  void prune(std::unordered_map<std::string, std::vector<uint64_t>>& index);
  void emit(Open& q);
  Open* at(uint64_t seq) { return seq >= base_ ? &open_[seq - base_] : nullptr; }

  uint32_t file_;
  const Zone& zone_;
  AwsResolvers& aws_;
  EventSink& sink_;
  // Open client queries in arrival order; seq = base_ + index. Done ones stay until they reach
  // the front, so the indexes below stay valid.
  std::deque<Open> open_;
  uint64_t base_ = 0;
  // (client, xid, qname, qtype) → open queries, oldest first. Vectors: almost every list
  // holds one query, and a deque would allocate a 512-byte block for it.
  std::unordered_map<std::string, std::vector<uint64_t>> by_key_;
  // (qname, qtype) → open queries, oldest first, for attaching forwarded queries.
  std::unordered_map<std::string, std::vector<uint64_t>> by_question_;
  std::string key_;  // reused key buffer
  uint64_t events_ = 0;
};

}  // namespace dg::proxy::investigate
