#pragma once
// A hashed set of domain names with label-aware lookups, shared by the `suffix` matcher and the
// devolution tracker. Lookups walk the label boundaries of the query name (O(labels) hash probes),
// so thousands of entries cost no more than one: no linear scan over the set.
//
// Names are lower case without the final dot ("" is the root), as conf and the DNS layer
// produce them; this class does no normalisation of its own.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace dg::rules {

class NameSet {
 public:
  NameSet() = default;
  explicit NameSet(const std::vector<std::string>& names);

  // Adds `name` with a caller's value (e.g. an index into a side table); when a name is
  // inserted twice the first value stays. The vector constructor uses positions.
  void insert(std::string_view name, std::size_t value = 0);
  bool empty() const { return index_.empty(); }
  std::size_t size() const { return index_.size(); }

  // `name` itself is in the set.
  bool contains(std::string_view name) const { return index_.contains(name); }
  // `name` is strictly under some member: "a.example.co.jp" under "example.co.jp", but neither
  // "example.co.jp" itself nor "badexample.co.jp".
  bool is_under(std::string_view name) const;
  // `name` is a member or under one.
  bool covers(std::string_view name) const { return contains(name) || is_under(name); }

  // Calls fn(member, value) for every member that `name` is strictly under, nearest
  // (longest) member first.
  template <class Fn>
  void for_each_strict_ancestor(std::string_view name, Fn&& fn) const {
    if (name.empty()) return;  // nothing is above the root
    for (std::size_t dot = name.find('.'); dot != std::string_view::npos;
         dot = name.find('.', dot + 1)) {
      auto tail = name.substr(dot + 1);
      if (auto it = index_.find(tail); it != index_.end()) fn(it->first, it->second);
    }
    if (has_root_)  // the root is above every other name
      fn(std::string_view{}, index_.find(std::string_view{})->second);
  }

 private:
  // Transparent hashing: lookups by string_view without building a std::string.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>> index_;
  bool has_root_ = false;
};

}  // namespace dg::rules
