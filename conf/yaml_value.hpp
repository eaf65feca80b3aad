#pragma once
// Internal to conf/: a yaml-cpp node together with where it stood and the key path that led to
// it, so that every typed read can fail with an Error naming FILE:LINE:COL and the key.
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <expected>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/load.hpp"

namespace dg::conf {

class YamlMap;
struct YamlEntry;

class YamlValue {
 public:
  YamlValue(YAML::Node node, std::string path, Position where)
      : node_(std::move(node)), path_(std::move(path)), where_(std::move(where)) {}
  // The document's top-level node: empty path.
  static YamlValue root(const YAML::Node& node, const std::string& file);

  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }
  const Position& where() const { return where_; }
  Error error(std::string message) const { return Error{where_, path_, std::move(message)}; }

  // A non-null scalar, as written (possibly empty: callers that need text check).
  std::expected<std::string, Error> string() const;
  // `true` or `false` (YAML 1.2; yes/no/on/off are refused as ambiguous).
  std::expected<bool, Error> boolean() const;
  // A decimal integer in [min, max].
  std::expected<int64_t, Error> integer(int64_t min, int64_t max) const;
  // A positive duration with a unit (conf/units.hpp).
  std::expected<std::chrono::milliseconds, Error> duration() const;
  // A positive size in bytes (conf/units.hpp).
  std::expected<uint64_t, Error> size() const;
  // A sequence, or one scalar read as a list of one, so `suffix: x` and `suffix: [x]` are the
  // same. Items have paths "key[0]", "key[1]"…; a single scalar keeps the bare key path.
  // An empty sequence gives an empty vector: callers decide whether that is allowed.
  std::expected<std::vector<YamlValue>, Error> list() const;
  // A sequence only (the `rules` list): items as above.
  std::expected<std::vector<YamlValue>, Error> sequence() const;
  // A mapping whose keys are all in `allowed`: unknown and duplicate keys are errors.
  std::expected<YamlMap, Error> map(std::initializer_list<std::string_view> allowed) const;
  // A mapping with free keys (upstream group names), in file order; duplicates are errors.
  std::expected<std::vector<YamlEntry>, Error> entries() const;

 private:
  std::string quoted() const;  // the scalar in quotes, for "got …" in messages
  // The value of a mapping entry: a null value (`key:` with nothing after it) has no useful
  // mark of its own, so it takes the key's position.
  YamlValue child(const YAML::Node& key, const YAML::Node& value, const std::string& name) const;

  YAML::Node node_;
  std::string path_;
  Position where_;
};

// One `key: value` of a mapping; the key's own position names the entry (an upstream group is
// "where its name is", not where its first server is).
struct YamlEntry {
  std::string name;
  Position where;
  YamlValue value;
};

// A checked mapping: lookups by key, and the mapping's own position for "missing key" errors.
class YamlMap {
 public:
  YamlMap(YamlValue self, std::vector<YamlEntry> entries)
      : self_(std::move(self)), entries_(std::move(entries)) {}

  const YamlValue& self() const { return self_; }
  bool empty() const { return entries_.empty(); }
  std::optional<YamlValue> get(std::string_view key) const;
  // The value of `key`, or "required key is missing" at the mapping's position.
  std::expected<YamlValue, Error> require(std::string_view key) const;

 private:
  YamlValue self_;
  std::vector<YamlEntry> entries_;
};

// Mark (0-based, -1 when unknown) → Position (1-based, 0 when unknown).
Position position_of(const YAML::Mark& mark, const std::string& file);

// "" + "threads" → "threads"; "upstreams" + "aws" → "upstreams.aws".
std::string join_path(const std::string& path, std::string_view key);

}  // namespace dg::conf
