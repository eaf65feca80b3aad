#include "proxy/listen/datagram_batch.hpp"

#include <cerrno>

namespace dg::proxy::listen {

void DatagramBatch::add(std::span<const uint8_t> bytes, const conf::Endpoint* to) {
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  lengths_.push_back(bytes.size());
  addrs_.emplace_back();
  addr_lens_.push_back(to ? to->to_sockaddr(addrs_.back()) : 0);
}

std::size_t DatagramBatch::send(int fd) {
  const std::size_t n = lengths_.size();
  msgs_.resize(n);
  iovs_.resize(n);
  std::size_t offset = 0;
  for (std::size_t i = 0; i < n; ++i) {
    iovs_[i] = {bytes_.data() + offset, lengths_[i]};
    offset += lengths_[i];
    msgs_[i] = {};
    msgs_[i].msg_hdr.msg_iov = &iovs_[i];
    msgs_[i].msg_hdr.msg_iovlen = 1;
    if (addr_lens_[i]) {
      msgs_[i].msg_hdr.msg_name = &addrs_[i];
      msgs_[i].msg_hdr.msg_namelen = addr_lens_[i];
    }
  }
  std::size_t sent = 0, failed = 0;
  while (sent + failed < n) {
    int rc = ::sendmmsg(fd, msgs_.data() + sent + failed, unsigned(n - sent - failed), 0);
    if (rc > 0) {
      sent += std::size_t(rc);
    } else if (rc < 0 && errno == EINTR) {
      continue;
    } else {
      ++failed;  // this one cannot go (EAGAIN, unreachable, …): skip it, send the rest
    }
  }
  bytes_.clear();
  lengths_.clear();
  addrs_.clear();
  addr_lens_.clear();
  return failed;
}

}  // namespace dg::proxy::listen
