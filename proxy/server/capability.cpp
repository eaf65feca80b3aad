#include "proxy/server/capability.hpp"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace dg::proxy::server {

// capget/capset directly: one capability does not justify a dependency on libcap.
bool raise_net_bind_service() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (::syscall(SYS_capget, &header, data) != 0) return false;
  constexpr unsigned kBit = 1u << CAP_NET_BIND_SERVICE;  // < 32: in data[0]
  static_assert(CAP_NET_BIND_SERVICE < 32);
  if (data[0].effective & kBit) return true;
  if (!(data[0].permitted & kBit)) return false;
  data[0].effective |= kBit;
  return ::syscall(SYS_capset, &header, data) == 0;
}

}  // namespace dg::proxy::server
