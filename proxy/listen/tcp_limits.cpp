#include "proxy/listen/tcp_limits.hpp"

namespace dg::proxy::listen {

TcpLimits::Verdict TcpLimits::open(const conf::IpAddress& client, const conf::Tcp& tcp) {
  std::lock_guard lock(mutex_);
  if (total_ >= tcp.max_connections) {
    ++rejected_full_;
    return Verdict::Full;
  }
  auto& mine = per_client_[client];
  if (mine >= tcp.max_connections_per_client) {  // mine >= 1 here: the entry stays
    ++rejected_client_;
    return Verdict::ClientFull;
  }
  ++mine;
  ++total_;
  return Verdict::Open;
}

void TcpLimits::close(const conf::IpAddress& client) {
  std::lock_guard lock(mutex_);
  auto it = per_client_.find(client);
  if (it == per_client_.end()) return;  // not ours: a bug, but never underflow
  --total_;
  if (--it->second == 0) per_client_.erase(it);
}

std::size_t TcpLimits::total() const {
  std::lock_guard lock(mutex_);
  return total_;
}

uint64_t TcpLimits::rejected(Verdict why) const {
  std::lock_guard lock(mutex_);
  return why == Verdict::Full ? rejected_full_ : why == Verdict::ClientFull ? rejected_client_ : 0;
}

}  // namespace dg::proxy::listen
