#include "conf/yaml_value.hpp"

#include <charconv>

#include "conf/units.hpp"

namespace dg::conf {

Position position_of(const YAML::Mark& mark, const std::string& file) {
  if (mark.line < 0 || mark.column < 0) return Position{file, 0, 0};
  return Position{file, mark.line + 1, mark.column + 1};
}

std::string join_path(const std::string& path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return path + "." + std::string(key);
}

YamlValue YamlValue::root(const YAML::Node& node, const std::string& file) {
  return YamlValue(node, "", position_of(node.Mark(), file));
}

YamlValue YamlValue::child(const YAML::Node& key, const YAML::Node& value,
                           const std::string& name) const {
  auto mark = value.IsNull() ? key.Mark() : value.Mark();
  return YamlValue(value, join_path(path_, name), position_of(mark, where_.file));
}

std::string YamlValue::quoted() const {
  if (node_.IsScalar()) return "\"" + node_.Scalar() + "\"";
  if (node_.IsSequence()) return "a list";
  if (node_.IsMap()) return "a mapping";
  return "nothing";
}

std::expected<std::string, Error> YamlValue::string() const {
  if (node_.IsNull()) return std::unexpected(error("missing value"));
  if (!node_.IsScalar()) return std::unexpected(error("expected a single value, got " + quoted()));
  return node_.Scalar();
}

std::expected<bool, Error> YamlValue::boolean() const {
  auto s = string();
  if (!s) return std::unexpected(s.error());
  if (*s == "true" || *s == "True" || *s == "TRUE") return true;
  if (*s == "false" || *s == "False" || *s == "FALSE") return false;
  return std::unexpected(error("expected true or false, got " + quoted()));
}

std::expected<int64_t, Error> YamlValue::integer(int64_t min, int64_t max) const {
  auto s = string();
  if (!s) return std::unexpected(s.error());
  int64_t value = 0;
  auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), value);
  if (s->empty() || ec == std::errc::invalid_argument || end != s->data() + s->size())
    return std::unexpected(error("expected an integer, got " + quoted()));
  if (ec == std::errc::result_out_of_range || value > max)
    return std::unexpected(error("must be at most " + std::to_string(max)));
  if (value < min) {
    if (min == 1) return std::unexpected(error("must be positive"));
    if (min == 0) return std::unexpected(error("must not be negative"));
    return std::unexpected(error("must be at least " + std::to_string(min)));
  }
  return value;
}

std::expected<std::chrono::milliseconds, Error> YamlValue::duration() const {
  auto s = string();
  if (!s) return std::unexpected(s.error());
  auto d = parse_duration(*s);
  if (!d)
    return std::unexpected(
        error("expected a duration with a unit (ms, s, m, h), e.g. 1500ms, got " + quoted()));
  if (d->count() <= 0) return std::unexpected(error("must be positive"));
  return *d;
}

std::expected<uint64_t, Error> YamlValue::size() const {
  auto s = string();
  if (!s) return std::unexpected(s.error());
  auto n = parse_size(*s);
  if (!n)
    return std::unexpected(
        error("expected a size in bytes or with a unit (KiB, MiB, GiB), got " + quoted()));
  if (*n == 0) return std::unexpected(error("must be positive"));
  return *n;
}

std::expected<std::vector<YamlValue>, Error> YamlValue::list() const {
  if (node_.IsScalar()) return std::vector<YamlValue>{*this};
  return sequence();
}

std::expected<std::vector<YamlValue>, Error> YamlValue::sequence() const {
  if (node_.IsNull()) return std::unexpected(error("missing value"));
  if (!node_.IsSequence()) return std::unexpected(error("expected a list, got " + quoted()));
  std::vector<YamlValue> items;
  for (std::size_t i = 0; i < node_.size(); ++i) {
    auto item = node_[i];
    items.emplace_back(item, path_ + "[" + std::to_string(i) + "]",
                       position_of(item.Mark(), where_.file));
  }
  return items;
}

std::expected<std::vector<YamlEntry>, Error> YamlValue::entries() const {
  if (node_.IsNull()) return std::unexpected(error("missing value"));
  if (!node_.IsMap()) return std::unexpected(error("expected a mapping, got " + quoted()));
  std::vector<YamlEntry> out;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    // Copies: the iterator hands out temporaries.
    YAML::Node key = it->first;
    YAML::Node value = it->second;
    Position key_where = position_of(key.Mark(), where_.file);
    if (!key.IsScalar() || key.Scalar().empty())
      return std::unexpected(Error{key_where, path_, "expected a key name"});
    std::string name = key.Scalar();
    for (const auto& seen : out) {
      // yaml-cpp keeps both entries of `a: 1` / `a: 2`; the second would silently win.
      if (seen.name == name)
        return std::unexpected(Error{key_where, join_path(path_, name), "duplicate key"});
    }
    out.push_back(YamlEntry{name, key_where, child(key, value, name)});
  }
  return out;
}

std::expected<YamlMap, Error> YamlValue::map(std::initializer_list<std::string_view> allowed) const {
  auto all = entries();
  if (!all) return std::unexpected(all.error());
  for (const auto& entry : *all) {
    const std::string& name = entry.name;
    bool known = false;
    std::string expected;
    for (auto a : allowed) {
      known = known || a == name;
      expected += (expected.empty() ? "" : ", ") + std::string(a);
    }
    if (!known) {
      return std::unexpected(Error{entry.where, join_path(path_, name),
                                   "unknown key (expected one of: " + expected + ")"});
    }
  }
  return YamlMap(*this, std::move(*all));
}

std::optional<YamlValue> YamlMap::get(std::string_view key) const {
  for (const auto& entry : entries_)
    if (entry.name == key) return entry.value;
  return std::nullopt;
}

std::expected<YamlValue, Error> YamlMap::require(std::string_view key) const {
  if (auto v = get(key)) return *v;
  return std::unexpected(
      Error{self_.where(), join_path(self_.path(), key), "required key is missing"});
}

}  // namespace dg::conf
