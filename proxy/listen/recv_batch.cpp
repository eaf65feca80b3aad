#include "proxy/listen/recv_batch.hpp"

#include <cerrno>

namespace dg::proxy::listen {

RecvBatch::RecvBatch(std::size_t count, std::size_t buffer_size)
    : size_(buffer_size),
      buffers_(new uint8_t[count * buffer_size]),
      msgs_(count),
      iovs_(count),
      addrs_(count) {}

std::size_t RecvBatch::receive(int fd) {
  for (std::size_t i = 0; i < msgs_.size(); ++i) {
    iovs_[i] = {buffers_.get() + i * size_, size_};
    msgs_[i] = {};
    msgs_[i].msg_hdr.msg_iov = &iovs_[i];
    msgs_[i].msg_hdr.msg_iovlen = 1;
    msgs_[i].msg_hdr.msg_name = &addrs_[i];
    msgs_[i].msg_hdr.msg_namelen = sizeof addrs_[i];
  }
  for (;;) {
    int n = ::recvmmsg(fd, msgs_.data(), unsigned(msgs_.size()), MSG_DONTWAIT, nullptr);
    if (n >= 0) return std::size_t(n);
    if (errno == EINTR) continue;
    // EAGAIN: nothing waiting. ECONNREFUSED and the like (ICMP errors on a connected socket)
    // were consumed by this call; the next one reads the datagrams behind them.
    return 0;
  }
}

}  // namespace dg::proxy::listen
