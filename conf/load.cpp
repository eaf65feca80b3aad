// The document: YAML syntax, the top-level keys, and the order the sections are read in.
#include "conf/load.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "conf/load_parts.hpp"

namespace dg::conf {
namespace {

Status read_sections(const YamlMap& top, const LoadOptions& options, Config& config) {
  // Each section reads into its own part of `config`; `listen` comes before `upstreams` (loop
  // check) and `domain` and `upstreams` before `rules` (groups and devolved warnings).
  if (auto v = top.get("listen"))
    if (auto s = read_listen(*v, config); !s) return s;
  if (auto v = top.get("threads"))
    if (auto s = read_threads(*v, config); !s) return s;
  if (auto s = read_clients(top.get("clients"), config); !s) return s;
  if (auto v = top.get("domain"))
    if (auto s = read_domain(*v, config); !s) return s;
  if (auto v = top.get("tcp"))
    if (auto s = read_tcp(*v, config); !s) return s;
  if (auto v = top.get("answers"))
    if (auto s = read_answers(*v, config); !s) return s;
  if (auto v = top.get("decision_log"))
    if (auto s = read_decision_log(*v, config); !s) return s;
  if (auto v = top.get("metrics"))
    if (auto s = read_metrics(*v, config); !s) return s;
  if (auto v = top.get("upstreams"))
    if (auto s = read_upstreams(*v, options, config); !s) return s;
  return read_rules(top.get("rules"), config);
}

}  // namespace

std::string Error::str() const {
  std::string out = where.file;
  // Line 0: the error is about the file as a whole (it cannot be read).
  if (where.line > 0) out += ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
  out += ": ";
  if (!key.empty()) out += key + ": ";
  return out + message;
}

std::expected<Config, Error> load_string(std::string_view yaml, const std::string& file,
                                         const LoadOptions& options) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return std::unexpected(Error{position_of(e.mark, file), "", "invalid YAML: " + e.msg});
  }
  if (documents.empty() || documents.front().IsNull())
    return std::unexpected(Error{Position{file, 1, 1}, "", "the configuration is empty"});
  auto root = YamlValue::root(documents.front(), file);
  if (!root.node().IsMap())
    return std::unexpected(root.error("expected a mapping of settings (listen:, upstreams:, …)"));
  for (std::size_t i = 1; i < documents.size(); ++i) {
    // A trailing `---` makes an empty document: harmless. A second real one would be ignored.
    if (!documents[i].IsNull())
      return std::unexpected(Error{position_of(documents[i].Mark(), file), "",
                                   "only one YAML document is allowed"});
  }
  auto top = root.map({"listen", "threads", "clients", "domain", "tcp", "upstreams", "rules",
                       "answers", "decision_log", "metrics"});
  if (!top) return std::unexpected(top.error());
  Config config;
  config.file = file;
  if (auto s = read_sections(*top, options, config); !s) return std::unexpected(s.error());
  return config;
}

std::expected<Config, Error> load_file(const std::string& path, const LoadOptions& options) {
  auto fail = [&path] {
    return std::unexpected(
        Error{Position{path, 0, 0}, "", std::string("cannot read: ") + std::strerror(errno)});
  };
  errno = 0;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return fail();
  std::string text;
  char buf[1 << 14];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) text.append(buf, n);
  if (std::ferror(f.get())) return fail();  // a directory: EISDIR
  return load_string(text, path, options);
}

}  // namespace dg::conf
