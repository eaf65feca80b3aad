// The document: YAML syntax, the top-level keys, and the order the sections are read in.
#include "conf/load.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <sstream>

#include <yaml-cpp/eventhandler.h>

#include "conf/load_parts.hpp"

namespace dg::conf {
namespace {

// Documents are counted with yaml-cpp's event parser, one at a time: YAML::LoadAll never
// returns on some malformed input (a "," at the top level yields endless empty documents;
// found by tests/fuzz/conf_load_fuzz.cpp), so it is not used.
constexpr int kMaxDocuments = 64;

class DocumentProbe final : public YAML::EventHandler {
 public:
  bool has_node = false;
  YAML::Mark first;  // of the first node

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { node(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                const std::string&) override {
    node(m);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    node(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    node(m);
  }
  void OnMapEnd() override {}

 private:
  void node(const YAML::Mark& m) {
    if (!has_node) first = m;
    has_node = true;
  }
};

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
  if (auto v = top.get("cache"))
    if (auto s = read_cache(*v, config); !s) return s;
  if (auto v = top.get("aws"))
    if (auto s = read_aws(*v, config); !s) return s;
  if (auto v = top.get("decision_log"))
    if (auto s = read_decision_log(*v, config); !s) return s;
  if (auto v = top.get("metrics"))
    if (auto s = read_metrics(*v, config); !s) return s;
  if (auto v = top.get("dnstap"))
    if (auto s = read_dnstap(*v, config); !s) return s;
  if (auto v = top.get("user"))
    if (auto s = read_user(*v, config); !s) return s;
  if (auto v = top.get("upstreams"))
    if (auto s = read_upstreams(*v, options, config); !s) return s;
  return read_rules(top.get("rules"), config);
}

// The first document's root; an error for a second document that is not empty (it would be
// ignored) and for a stream that does not end.
std::expected<YAML::Node, Error> read_document(std::string_view yaml, const std::string& file) {
  try {
    std::istringstream in{std::string(yaml)};
    YAML::Parser parser(in);
    bool seen_node = false;
    for (int documents = 1;; ++documents) {
      DocumentProbe document;
      if (!parser.HandleNextDocument(document)) break;
      if (documents > kMaxDocuments)
        return std::unexpected(Error{Position{file, 1, 1}, "",
                                     "invalid YAML: the stream does not end (a stray \",\" at "
                                     "the top level?)"});
      if (!document.has_node) continue;
      if (seen_node)
        return std::unexpected(Error{position_of(document.first, file), "",
                                     "only one YAML document is allowed"});
      seen_node = true;
    }
    return YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return std::unexpected(Error{position_of(e.mark, file), "", "invalid YAML: " + e.msg});
  }
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
  // A trailing `---` makes an empty document: harmless. A second real one is an error.
  auto document = read_document(yaml, file);
  if (!document) return std::unexpected(document.error());
  if (document->IsNull())
    return std::unexpected(Error{Position{file, 1, 1}, "", "the configuration is empty"});
  auto root = YamlValue::root(*document, file);
  if (!root.node().IsMap())
    return std::unexpected(root.error("expected a mapping of settings (listen:, upstreams:, …)"));
  auto top = root.map({"listen", "threads", "clients", "domain", "tcp", "upstreams", "rules",
                       "answers", "decision_log", "metrics", "user", "cache", "dnstap", "aws"});
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
