#pragma once
#include <cstdlib>

#include "conf/load.hpp"

namespace dg::proxy::cli {

// DEVOGUARD_RESOLV_CONF replaces /etc/resolv.conf as the source of `system` upstream servers
// (tests use it; on a server leave it unset).
inline conf::LoadOptions load_options() {
  conf::LoadOptions o;
  if (const char* p = std::getenv("DEVOGUARD_RESOLV_CONF"); p && *p) o.resolv_conf = p;
  return o;
}

}  // namespace dg::proxy::cli
