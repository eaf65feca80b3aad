#pragma once
// `devoguard log --follow`: the lines appended to the live decision log after it started,
// across rotations (the file renamed or removed and recreated, or truncated in place).
#include <expected>
#include <memory>
#include <string>

#include "proxy/decision_log/reader.hpp"
#include "proxy/decision_log/selection.hpp"

namespace dg::proxy::decision_log {

class Follower {
 public:
  // Opens `path` at its current end. Error: "PATH: cannot open: reason".
  static std::expected<Follower, std::string> start(const std::string& path);

  // Passes the whole lines appended since the last poll to `selection`. After a rotation the
  // rest of the old file is read first, then the new file from its start.
  std::expected<void, std::string> poll(Selection& selection);

 private:
  Follower(std::string path, std::unique_ptr<Reader> reader)
      : path_(std::move(path)), reader_(std::move(reader)) {}

  std::string path_;
  std::unique_ptr<Reader> reader_;
};

}  // namespace dg::proxy::decision_log
