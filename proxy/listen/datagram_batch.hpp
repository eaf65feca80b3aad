#pragma once
// Outgoing datagrams of one socket gathered for one sendmmsg: the bytes are copied in (the
// buffers they come from are reused at once), the destinations kept beside them.
#include <sys/socket.h>

#include <cstdint>
#include <span>
#include <vector>

#include "conf/address.hpp"

namespace dg::proxy::listen {

class DatagramBatch {
 public:
  // `to` may be null for a connected socket.
  void add(std::span<const uint8_t> bytes, const conf::Endpoint* to);
  bool empty() const { return lengths_.empty(); }
  std::size_t size() const { return lengths_.size(); }
  // Sends everything with sendmmsg; returns how many datagrams could not be sent (EAGAIN
  // and errors: UDP gives no guarantee, the client retries). Empties the batch.
  std::size_t send(int fd);

 private:
  std::vector<uint8_t> bytes_;
  std::vector<std::size_t> lengths_;
  std::vector<sockaddr_storage> addrs_;
  std::vector<socklen_t> addr_lens_;
  std::vector<mmsghdr> msgs_;
  std::vector<iovec> iovs_;
};

}  // namespace dg::proxy::listen
