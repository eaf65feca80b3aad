#pragma once
// Size-based rotation of the decision log: the closed live file becomes PATH.1.gz and older
// ones shift up to PATH.<keep>.gz. Used by the Writer on its own thread, with the live file
// closed, so the files are never written while they move.
#include <expected>
#include <string>

namespace dg::proxy::decision_log {

// "PATH.<n>.gz": n = 1 is the newest rotated file.
std::string rotated_path(const std::string& path, int n);

// Moves the (closed, whole-line) live file `path` away: with keep > 0 it is compressed to
// PATH.1.gz after PATH.1.gz … PATH.<keep-1>.gz moved up by one; rotated files beyond `keep`
// are deleted; with keep == 0 the data is deleted. The live file is gone afterwards even when
// compression fails (the caller opens a fresh one); the error says what was lost.
std::expected<void, std::string> rotate(const std::string& path, int keep);

// Compresses `from` into the gzip file `to` (written beside it, then renamed into place).
std::expected<void, std::string> gzip_file(const std::string& from, const std::string& to);

}  // namespace dg::proxy::decision_log
