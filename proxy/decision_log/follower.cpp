#include "proxy/decision_log/follower.hpp"

namespace dg::proxy::decision_log {

std::expected<Follower, std::string> Follower::start(const std::string& path) {
  auto reader = Reader::open_tail(path, /*from_end=*/true);
  if (!reader) return std::unexpected(reader.error());
  return Follower(path, std::move(*reader));
}

std::expected<void, std::string> Follower::poll(Selection& selection) {
  if (auto ok = selection.read(*reader_); !ok) return ok;
  // Checked after reading: the writer has closed the old file before the new one exists, so
  // once the path names a new file, nothing more is coming to the old one.
  if (!reader_->replaced()) return {};
  if (auto ok = selection.read(*reader_); !ok) return ok;
  auto fresh = Reader::open_tail(path_, /*from_end=*/false);
  if (!fresh) return {};  // gone again between the check and the open: try at the next poll
  reader_ = std::move(*fresh);
  return selection.read(*reader_);
}

}  // namespace dg::proxy::decision_log
