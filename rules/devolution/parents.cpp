#include "rules/devolution/parents.hpp"

#include <libpsl.h>

#include <algorithm>
#include <string_view>

#include "rules/name_set.hpp"

namespace dg::rules {
namespace {

int label_count(std::string_view name) {
  if (name.empty()) return 0;  // the root
  return 1 + static_cast<int>(std::count(name.begin(), name.end(), '.'));
}

// The public suffix data: the newer of libpsl's built-in list and Debian's
// /usr/share/publicsuffix file. Loaded once; lives for the whole process (never freed, so
// concurrent callers never see it go away).
const psl_ctx_t* psl() {
  static const psl_ctx_t* const ctx = [] {
    const psl_ctx_t* c = psl_latest(nullptr);
    return c ? c : psl_builtin();
  }();
  return ctx;
}

}  // namespace

std::vector<SuffixParents> devolution_parents(const std::vector<std::string>& suffixes,
                                              int devolution_level) {
  const NameSet suffix_set(suffixes);
  NameSet seen;  // a suffix listed twice is reported once
  std::vector<SuffixParents> out;
  for (const auto& s : suffixes) {
    if (seen.contains(s)) continue;
    seen.insert(s);
    SuffixParents sp{s, {}};
    // Windows strips the leftmost label of the suffix while at least `devolution_level`
    // labels remain, so each step is one parent, nearest first.
    std::string_view rest = s;
    for (int labels = label_count(s) - 1; labels >= devolution_level && labels > 0; --labels) {
      rest = rest.substr(rest.find('.') + 1);
      if (!suffix_set.contains(rest)) sp.parents.emplace_back(rest);
    }
    out.push_back(std::move(sp));
  }
  return out;
}

bool is_public_suffix(const std::string& name) {
  const psl_ctx_t* ctx = psl();
  if (!ctx) return false;  // no data at all: say nothing rather than guess
  return psl_is_public_suffix2(ctx, name.c_str(), PSL_TYPE_ANY) != 0;
}

}  // namespace dg::rules
