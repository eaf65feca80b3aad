#include "proxy/decision_log/selection.hpp"

namespace dg::proxy::decision_log {
namespace {

bool blank(std::string_view s) {
  return s.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

std::expected<void, std::string> Selection::read(Reader& reader) {
  for (;;) {
    auto next = reader.next();
    if (!next) return std::unexpected(next.error());
    if (!*next) return {};
    const std::string_view text = **next;
    if (blank(text)) continue;  // a hand-edited file; the writer never writes one
    ++lines_;
    if (reader.truncated()) {
      report(reader, "longer than " + std::to_string(Reader::kMaxLine) + " bytes");
      continue;
    }
    if (auto ok = line_.scan(text); !ok) {
      report(reader, ok.error());
      continue;
    }
    if (!filter_.matches(line_)) continue;
    ++matched_;
    output_.add(line_);
  }
}

void Selection::report(const Reader& reader, const std::string& why) {
  if (++malformed_ > kMaxReported) return;
  errors_(reader.name() + ":" + std::to_string(reader.line_number()) +
          ": malformed decision-log line: " + why + "\n");
}

void Selection::finish() {
  if (malformed_ > kMaxReported)
    errors_(std::to_string(malformed_) + " malformed decision-log lines in all; only the first " +
            std::to_string(kMaxReported) + " were shown\n");
}

}  // namespace dg::proxy::decision_log
