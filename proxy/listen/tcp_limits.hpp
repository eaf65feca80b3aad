#pragma once
// Open client TCP connections of all workers together: the total (tcp.max_connections) and
// per client address (tcp.max_connections_per_client), so that one client cannot take every
// connection. Taken when a connection is accepted and given back when it closes; a mutex is
// fine here, as this runs per connection, never per query.
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>

#include "conf/address.hpp"
#include "conf/model.hpp"

namespace dg::proxy::listen {

class TcpLimits {
 public:
  enum class Verdict { Open, Full, ClientFull };

  // Takes a slot for `client` unless a bound of `tcp` is reached.
  Verdict open(const conf::IpAddress& client, const conf::Tcp& tcp);
  // Gives back a slot taken by open().
  void close(const conf::IpAddress& client);
  std::size_t total() const;
  // Connections closed at once because of each bound (for the metrics).
  uint64_t rejected(Verdict why) const;

 private:
  mutable std::mutex mutex_;
  std::size_t total_ = 0;
  std::map<conf::IpAddress, std::size_t> per_client_;  // only clients with a connection open
  uint64_t rejected_full_ = 0;
  uint64_t rejected_client_ = 0;
};

}  // namespace dg::proxy::listen
