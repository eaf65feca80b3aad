#include "proxy/investigate/log_files.hpp"

namespace dg::proxy::investigate {

void MalformedReport::add(uint64_t line, const std::string& why) {
  if (++count_ <= kShown)
    std::fprintf(stderr, "%s:%llu: %s\n", file_.c_str(), static_cast<unsigned long long>(line),
                 why.c_str());
}

void MalformedReport::finish() {
  if (count_ > kShown)
    std::fprintf(stderr, "%s: %llu more malformed lines skipped\n", file_.c_str(),
                 static_cast<unsigned long long>(count_ - kShown));
}

std::string_view clean_line(std::string_view line, bool first) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (first && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
  return line;
}

}  // namespace dg::proxy::investigate
