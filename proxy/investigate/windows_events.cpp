#include "proxy/investigate/windows_events.hpp"

#include <charconv>

namespace dg::proxy::investigate {
namespace {

void make_key(std::string& key, std::string_view remote, uint16_t xid, std::string_view qname,
              std::string_view qtype) {
  key.assign(remote);
  key.push_back('|');
  char buf[8];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, xid);
  key.append(buf, end);
  key.push_back('|');
  key.append(qname);
  key.push_back('|');
  key.append(qtype);
}

void make_question(std::string& key, std::string_view qname, std::string_view qtype) {
  key.assign(qname);
  key.push_back('|');
  key.append(qtype);
}

// Pops done or forgotten queries off the front of an index list; returns the first live one.
template <class At>
uint64_t* first_live(std::vector<uint64_t>& list, At at) {
  while (!list.empty()) {
    auto* q = at(list.front());
    if (q && !q->done) return &list.front();
    list.erase(list.begin());
  }
  return nullptr;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return out;
}

}  // namespace

void WindowsEvents::on_packet(uint64_t line, const Packet& p) {
  if (p.opcode != 'Q') return;  // only queries are analysed
  const Micros ts{std::chrono::seconds(zone_.to_utc(p.local_seconds))};
  expire(ts);
  if (!p.send && !p.response) return open_query(line, ts, p);
  if (p.send && p.response) return answer(p);
  if (p.send && !p.response) return forwarded(p);
  // Rcv + R: the forwarder's answer; the client's answer that follows carries the result.
}

void WindowsEvents::open_query(uint64_t line, Micros ts, const Packet& p) {
  Open q;
  q.event.ts = ts;
  q.event.file = file_;
  q.event.line = line;
  q.event.client.assign(p.remote);
  q.event.qname = p.qname;
  q.event.qtype.assign(p.qtype);
  q.event.transport = lower(p.transport);
  q.event.reached_aws = false;  // until a forward to an AWS resolver is seen
  const uint64_t seq = base_ + open_.size();
  open_.push_back(std::move(q));
  make_key(key_, p.remote, p.xid, p.qname, p.qtype);
  by_key_[key_].push_back(seq);
  make_question(key_, p.qname, p.qtype);
  by_question_[key_].push_back(seq);
}

void WindowsEvents::answer(const Packet& p) {
  make_key(key_, p.remote, p.xid, p.qname, p.qtype);
  auto it = by_key_.find(key_);
  if (it == by_key_.end()) return;  // its query is before the log starts, or expired
  auto at_fn = [this](uint64_t s) { return at(s); };
  if (uint64_t* seq = first_live(it->second, at_fn)) {
    Open& q = *at(*seq);
    it->second.erase(it->second.begin());
    q.event.rcode.emplace(p.rcode);
    // The debug log has no answer count: only a non-NOERROR rcode says "no data" for sure.
    if (p.rcode != "NOERROR") q.event.with_data = false;
    emit(q);
  }
  if (it->second.empty()) by_key_.erase(it);
}

void WindowsEvents::forwarded(const Packet& p) {
  make_question(key_, p.qname, p.qtype);
  auto it = by_question_.find(key_);
  if (it == by_question_.end()) return;  // the DC's own query (e.g. a probe of the forwarder)
  auto at_fn = [this](uint64_t s) { return at(s); };
  if (uint64_t* seq = first_live(it->second, at_fn)) {
    Open& q = *at(*seq);
    q.forwarded = true;
    if (aws_.is_aws(p.remote, true)) q.event.reached_aws = true;
  } else {
    by_question_.erase(it);
  }
}

void WindowsEvents::expire(Micros now) {
  while (!open_.empty()) {
    Open& q = open_.front();
    if (!q.done && now - q.event.ts <= std::chrono::microseconds(kPairingWindowUs)) break;
    if (!q.done) emit(q);  // never answered within the window
    open_.pop_front();
    ++base_;
  }
  // Index lists lose their expired heads lazily; drop emptied lists now and then.
  // by_question_ is popped only when forwards arrive, so both are bounded here.
  if (by_key_.size() + by_question_.size() > 4 * open_.size() + 1024) {
    prune(by_key_);
    prune(by_question_);
  }
}

void WindowsEvents::prune(std::unordered_map<std::string, std::vector<uint64_t>>& index) {
  auto at_fn = [this](uint64_t s) { return at(s); };
  for (auto it = index.begin(); it != index.end();)
    it = first_live(it->second, at_fn) ? std::next(it) : index.erase(it);
}

void WindowsEvents::emit(Open& q) {
  q.done = true;
  ++events_;
  sink_.on_event(q.event);
}

void WindowsEvents::finish() {
  for (auto& q : open_)
    if (!q.done) emit(q);
  open_.clear();
  by_key_.clear();
  by_question_.clear();
}

}  // namespace dg::proxy::investigate
