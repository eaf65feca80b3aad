#pragma once
// Receives up to N datagrams with one recvmmsg into buffers owned here. One per worker and
// kind (client queries, upstream replies): callbacks of a loop run one at a time, and a
// datagram is processed before the next recvmmsg reuses its buffer.
#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace dg::proxy::listen {

class RecvBatch {
 public:
  RecvBatch(std::size_t count, std::size_t buffer_size);

  // Datagrams read (0 when none is waiting; errors read as 0 too, after clearing them).
  std::size_t receive(int fd);
  std::span<uint8_t> data(std::size_t i) {
    return {buffers_.get() + i * size_, msgs_[i].msg_len};
  }
  const sockaddr* from(std::size_t i) const {
    return reinterpret_cast<const sockaddr*>(&addrs_[i]);
  }
  std::size_t capacity() const { return msgs_.size(); }
  bool truncated(std::size_t i) const { return msgs_[i].msg_hdr.msg_flags & MSG_TRUNC; }

 private:
  std::size_t size_;
  std::unique_ptr<uint8_t[]> buffers_;
  std::vector<mmsghdr> msgs_;
  std::vector<iovec> iovs_;
  std::vector<sockaddr_storage> addrs_;
};

}  // namespace dg::proxy::listen
