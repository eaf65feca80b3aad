// `dnstap:` (DEPLOY.md, "dnstap"): where the Frame Streams go, the identity, which messages,
// the queue bound.
#include <array>
#include <utility>

#include "conf/load_parts.hpp"

namespace dg::conf {
namespace {

constexpr std::array<std::pair<std::string_view, DnstapMessage>, 4> kMessages{{
    {"client_query", kDnstapClientQuery},
    {"client_response", kDnstapClientResponse},
    {"forwarder_query", kDnstapForwarderQuery},
    {"forwarder_response", kDnstapForwarderResponse},
}};

std::expected<std::string, Error> read_path(const YamlValue& value) {
  auto text = value.string();
  if (!text) return std::unexpected(text.error());
  if (text->empty()) return std::unexpected(value.error("empty path"));
  return *text;
}

std::expected<uint8_t, Error> read_messages(const YamlValue& value) {
  auto items = value.list();
  if (!items) return std::unexpected(items.error());
  uint8_t mask = 0;
  for (const auto& item : *items) {
    auto name = item.string();
    if (!name) return std::unexpected(name.error());
    bool known = false;
    for (const auto& [word, bit] : kMessages) {
      if (*name != word) continue;
      if (mask & bit) return std::unexpected(item.error("\"" + *name + "\" listed twice"));
      mask |= bit;
      known = true;
    }
    if (!known)
      return std::unexpected(item.error("unknown message \"" + *name +
                                        "\": expected client_query, client_response, "
                                        "forwarder_query or forwarder_response"));
  }
  if (mask == 0) return std::unexpected(value.error("no message listed: remove dnstap: instead"));
  return mask;
}

}  // namespace

Status read_dnstap(const YamlValue& value, Config& config) {
  auto map = value.map({"unix", "file", "identity", "messages", "queue"});
  if (!map) return std::unexpected(map.error());
  auto& d = config.dnstap;
  const auto unix_path = map->get("unix");
  const auto file = map->get("file");
  if (unix_path && file)
    return std::unexpected(file->error("give either unix: or file:, not both"));
  if (!unix_path && !file)
    return std::unexpected(map->self().error("needs unix: SOCKET (a reader such as "
                                             "fstrm_capture) or file: PATH"));
  if (auto s = read_key(*map, "unix", d.unix_path, read_path); !s) return s;
  // sockaddr_un holds 108 bytes with the terminating NUL.
  if (d.unix_path.size() > 107)
    return std::unexpected(unix_path->error("a socket path is at most 107 bytes"));
  if (auto s = read_key(*map, "file", d.file, read_path); !s) return s;
  if (auto s = read_key(*map, "identity", d.identity, &YamlValue::string); !s) return s;
  if (auto s = read_key(*map, "messages", d.messages, read_messages); !s) return s;
  auto frames = [](const YamlValue& v) { return v.integer(1, 16777216); };
  return read_key(*map, "queue", d.queue, frames);
}

}  // namespace dg::conf
