#include "proxy/pipeline/rate_limit.hpp"

#include <stdlib.h>  // arc4random_buf

#include <algorithm>
#include <string_view>

#include "proxy/dns/answer.hpp"
#include "proxy/pipeline/query.hpp"

namespace dg::proxy::pipeline {
namespace {

std::array<uint64_t, 2> random_key() {
  std::array<uint64_t, 2> key;
  arc4random_buf(key.data(), sizeof key);
  return key;
}

}  // namespace

RateLimiter::RateLimiter(conf::RateLimit limit, uint64_t limited_before)
    : limit_(limit), hash_(random_key()), limited_(limited_before) {}

bool RateLimiter::admit(const conf::IpAddress& client, std::chrono::steady_clock::time_point now) {
  const auto bytes = client.bytes();
  const uint64_t key =
      hash_(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  const int64_t now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  Shard& shard = shards_[key >> 60];  // the top bits; the low ones pick the hash bucket
  bool ok;
  {
    std::lock_guard lock(shard.mutex);
    auto it = shard.current.find(key);
    if (it == shard.current.end()) {
      Bucket b{double(limit_.burst), now_ns};
      if (auto old = shard.previous.find(key); old != shard.previous.end()) {
        b = old->second;
        shard.previous.erase(old);
      }
      if (shard.current.size() >= kMaxClients / kShards / 2) {
        shard.previous = std::move(shard.current);
        shard.current.clear();
      }
      it = shard.current.emplace(key, b).first;
    }
    Bucket& b = it->second;
    const double earned = double(std::max<int64_t>(now_ns - b.last_ns, 0)) * 1e-9 * limit_.qps;
    b.tokens = std::min(double(limit_.burst), b.tokens + earned);
    b.last_ns = std::max(b.last_ns, now_ns);
    ok = b.tokens >= 1.0;
    if (ok) b.tokens -= 1.0;
  }
  if (!ok) limited_.fetch_add(1, std::memory_order_relaxed);
  return ok;
}

std::size_t RateLimiter::clients() const {
  std::size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    n += s.current.size() + s.previous.size();
  }
  return n;
}

std::optional<std::span<uint8_t>> over_rate_limit(Query& q, std::vector<uint8_t>& buffer) {
  auto* limiter = q.plan->rate_limiter.get();
  if (!limiter || limiter->admit(q.client.address(), q.received)) return std::nullopt;
  q.decision = rules::Decision{};  // no rule decided: the log line has rule null
  if (limiter->limit().action == conf::RateLimit::Action::Drop) {
    q.decision.action = rules::Action::Drop;
    return std::span<uint8_t>{};
  }
  q.decision.action = rules::Action::Refused;
  const dns::AnswerSpec spec{.rcode = dns::kRefused,
                             .ede = dns::Ede{dns::EdeCode::Prohibited, "devoguard: rate limit"}};
  dns::build_answer(q.msg, q.wire, spec, buffer);
  return std::span<uint8_t>(buffer);
}

}  // namespace dg::proxy::pipeline
