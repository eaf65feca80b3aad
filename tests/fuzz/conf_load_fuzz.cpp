// The configuration loader on arbitrary text: it returns a Config or an Error that names a
// position in the file, never crashes, throws or hangs. (The YAML parser itself is
// yaml-cpp's; what is fuzzed here is our reading of its nodes.)
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "conf/load.hpp"

namespace {

std::string g_resolv_conf;  // a fixed resolv.conf for `system`, written once at start

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  char path[] = "/tmp/devoguard-fuzz-resolv.XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) std::abort();
  const char text[] = "nameserver 192.0.2.53\nnameserver 2001:db8::53\nsearch example.com\n";
  if (write(fd, text, sizeof text - 1) != ssize_t(sizeof text - 1)) std::abort();
  close(fd);
  g_resolv_conf = path;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  dg::conf::LoadOptions options;
  options.resolv_conf = g_resolv_conf;
  try {
    auto config = dg::conf::load_string(yaml, "fuzz.yaml", options);
    if (!config) {
      const auto& e = config.error();
      check(e.where.file == "fuzz.yaml" && e.where.line >= 1 && e.where.column >= 1);
      check(!e.message.empty() && e.str().starts_with("fuzz.yaml:"));
      return 0;
    }
    check(!config->listen.empty() && !config->allow.empty());
    for (const auto& g : config->upstreams) check(!g.servers.empty() && g.timeout.count() > 0);
  } catch (...) {
    std::abort();  // no exception may leave the loader
  }
  return 0;
}
