// The least a UDP DNS proxy can do, as a yardstick for devoguard (docs/BENCHMARKS.md, "The
// floor"). It has devoguard's syscall design (one thread, epoll, recvmmsg and sendmmsg batches
// of up to 32, a connected upstream socket) and none of its work: no parsing, no rules, no log,
// no timeouts, one upstream socket (devoguard rotates 32 for RFC 5452). What it reaches under
// dnsbench bounds what any proxy built this way can reach on the machine.
//
//   bare_forwarder forward LISTEN_PORT UPSTREAM_PORT   relay to 127.0.0.1:UPSTREAM_PORT
//   bare_forwarder answer LISTEN_PORT                   NXDOMAIN to every query, locally
//
// Not a product: no error handling beyond what keeps it serving the benchmark.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace {

constexpr unsigned kBatch = 32;
constexpr std::size_t kBuffer = 4096;

struct Batch {
  std::array<std::array<uint8_t, kBuffer>, kBatch> bytes;
  std::array<iovec, kBatch> iov;
  std::array<sockaddr_in, kBatch> addr;
  std::array<mmsghdr, kBatch> msg;

  // Up to kBatch datagrams; names the senders when `from` is set.
  unsigned receive(int fd, bool from) {
    for (unsigned i = 0; i < kBatch; ++i) {
      iov[i] = {bytes[i].data(), kBuffer};
      msg[i] = {};
      msg[i].msg_hdr.msg_iov = &iov[i];
      msg[i].msg_hdr.msg_iovlen = 1;
      if (from) {
        msg[i].msg_hdr.msg_name = &addr[i];
        msg[i].msg_hdr.msg_namelen = sizeof addr[i];
      }
    }
    int n = ::recvmmsg(fd, msg.data(), kBatch, MSG_DONTWAIT, nullptr);
    return n > 0 ? unsigned(n) : 0;
  }
  // Sends the first n as received (lengths from msg_len), to addr[i] when `to` is set.
  void send(int fd, unsigned n, bool to) {
    for (unsigned i = 0; i < n; ++i) {
      iov[i].iov_len = msg[i].msg_len;
      msg[i].msg_hdr.msg_name = to ? &addr[i] : nullptr;
      msg[i].msg_hdr.msg_namelen = to ? sizeof addr[i] : 0;
    }
    for (unsigned sent = 0; sent < n;) {
      int rc = ::sendmmsg(fd, msg.data() + sent, n - sent, 0);
      sent += rc > 0 ? unsigned(rc) : 1;  // skip one that cannot go
    }
  }
};

struct Client {
  sockaddr_in addr;
  uint16_t id;
};

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(uint16_t(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

uint16_t id_of(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
void set_id(uint8_t* p, uint16_t id) {
  p[0] = uint8_t(id >> 8);
  p[1] = uint8_t(id);
}

Batch batch;
std::array<Client, 65536> clients;  // by the ID sent upstream

void forward(int listen_fd, int upstream_fd) {
  static uint16_t next_id = 0;
  const unsigned n = batch.receive(listen_fd, true);
  unsigned kept = 0;
  for (unsigned i = 0; i < n; ++i) {
    if (batch.msg[i].msg_len < 12) continue;
    uint8_t* p = batch.bytes[i].data();
    clients[next_id] = {batch.addr[i], id_of(p)};
    set_id(p, next_id++);
    if (kept != i) {
      std::memcpy(batch.bytes[kept].data(), p, batch.msg[i].msg_len);
      batch.msg[kept].msg_len = batch.msg[i].msg_len;
    }
    ++kept;
  }
  batch.send(upstream_fd, kept, false);
}

void relay_replies(int upstream_fd, int listen_fd) {
  const unsigned n = batch.receive(upstream_fd, false);
  for (unsigned i = 0; i < n; ++i) {
    uint8_t* p = batch.bytes[i].data();
    const Client& c = clients[id_of(p)];
    set_id(p, c.id);
    batch.addr[i] = c.addr;
  }
  batch.send(listen_fd, n, true);
}

void answer(int listen_fd) {
  const unsigned n = batch.receive(listen_fd, true);
  for (unsigned i = 0; i < n; ++i) {
    uint8_t* p = batch.bytes[i].data();
    p[2] = uint8_t(0x80 | (p[2] & 0x79));  // QR, keep opcode and RD
    p[3] = 0x80 | 3;                        // RA, NXDOMAIN
  }
  batch.send(listen_fd, n, true);
}

int udp_socket() { return ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0); }

}  // namespace

int main(int argc, char** argv) {
  const std::string_view mode = argc > 1 ? argv[1] : "";
  if (!(mode == "forward" && argc == 4) && !(mode == "answer" && argc == 3)) {
    std::fprintf(stderr, "usage: %s forward LISTEN_PORT UPSTREAM_PORT | answer LISTEN_PORT\n",
                 argv[0]);
    return 2;
  }
  const int listen_fd = udp_socket();
  sockaddr_in at = loopback(std::atoi(argv[2]));
  if (::bind(listen_fd, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0) {
    std::perror("bind");
    return 1;
  }
  int upstream_fd = -1;
  if (mode == "forward") {
    upstream_fd = udp_socket();
    sockaddr_in up = loopback(std::atoi(argv[3]));
    if (::connect(upstream_fd, reinterpret_cast<sockaddr*>(&up), sizeof up) != 0) {
      std::perror("connect");
      return 1;
    }
  }
  const int ep = ::epoll_create1(0);
  for (int fd : {listen_fd, upstream_fd}) {
    if (fd < 0) continue;
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.fd = fd;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
  }
  std::fprintf(stderr, "bare_forwarder %s on 127.0.0.1:%s\n", argv[1], argv[2]);
  for (;;) {
    std::array<epoll_event, 2> ready;
    const int n = ::epoll_wait(ep, ready.data(), int(ready.size()), -1);
    for (int i = 0; i < n; ++i) {
      const int fd = ready[i].data.fd;
      if (mode == "answer") answer(fd);
      else if (fd == listen_fd) forward(listen_fd, upstream_fd);
      else relay_replies(upstream_fd, listen_fd);
    }
  }
}
