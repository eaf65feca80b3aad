#include "rules/name_set.hpp"

namespace dg::rules {

NameSet::NameSet(const std::vector<std::string>& names) {
  for (std::size_t i = 0; i < names.size(); ++i) insert(names[i], i);
}

void NameSet::insert(std::string_view name, std::size_t value) {
  index_.try_emplace(std::string(name), value);
  if (name.empty()) has_root_ = true;
}

bool NameSet::is_under(std::string_view name) const {
  if (name.empty()) return false;
  if (has_root_) return true;
  for (std::size_t dot = name.find('.'); dot != std::string_view::npos;
       dot = name.find('.', dot + 1))
    if (index_.contains(name.substr(dot + 1))) return true;
  return false;
}

}  // namespace dg::rules
