#pragma once
// Forwarded queries that hold a stale cache entry to fall back on (serve_stale), in the order
// their client_timeout runs out. One per worker, used on its thread only. The forwarder owns
// the queries meanwhile, so this list only points at them: a query leaves it when it finishes,
// when it is answered stale, and when it is recycled by any other path (QueryRecycler).
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <utility>

namespace dg::proxy::pipeline {

struct Query;

class StaleWaits {
 public:
  using Clock = std::chrono::steady_clock;

  // A ticket (never 0) for `q`, due at `due`; `due` is not before the previous one's (one
  // client_timeout per plan; after a reload a later query may wait a little longer).
  uint64_t add(Query* q, Clock::time_point due) {
    waiting_.emplace(++last_, q);
    due_.emplace_back(due, last_);
    return last_;
  }
  void forget(uint64_t ticket) { waiting_.erase(ticket); }
  // Calls `fn(Query&)` for each query still waiting whose time is up by `now`; each leaves.
  template <class Fn>
  void expire(Clock::time_point now, Fn&& fn) {
    while (!due_.empty() && due_.front().first <= now) {
      const uint64_t ticket = due_.front().second;
      due_.pop_front();
      auto it = waiting_.find(ticket);
      if (it == waiting_.end()) continue;
      Query* q = it->second;
      waiting_.erase(it);
      fn(*q);
    }
  }
  std::optional<Clock::time_point> next_due() const {
    if (due_.empty()) return std::nullopt;
    return due_.front().first;
  }
  std::size_t size() const { return waiting_.size(); }

 private:
  std::deque<std::pair<Clock::time_point, uint64_t>> due_;
  std::unordered_map<uint64_t, Query*> waiting_;
  uint64_t last_ = 0;
};

}  // namespace dg::proxy::pipeline
