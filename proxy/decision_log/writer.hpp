#pragma once
// Writes decision lines on its own thread. DNS threads format their records themselves
// (LineBatch) and hand over whole batches of lines; push never blocks on I/O: the queue is
// bounded and a full queue drops the lines and counts them, so a slow or full disk never
// delays a query. Rotation by size keeps `keep` gzip-compressed files beside the live one
// (decisions.jsonl.1.gz is the newest); a rotated file always ends on a whole line.
#include <atomic>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <string>

#include "proxy/decision_log/record.hpp"

namespace dg::proxy::decision_log {

struct WriterOptions {
  std::string path;
  uint64_t max_size = 100ull << 20;
  int keep = 10;
  std::size_t queue_capacity = 65536;  // lines waiting for the writer thread
  // Tests only: runs on the writer thread after it took a batch off the queue and before it
  // writes it, so a test can hold the writer (and fill the queue) without sleeping.
  std::function<void()> before_write{};
};

struct WriterStats {
  uint64_t written = 0;
  uint64_t dropped = 0;  // queue full or write failed
  // Rotations that could not keep the full file (compression or rename failed, e.g. a full
  // disk): its lines were written but the rotated copy is gone.
  uint64_t rotation_failures = 0;
  std::string last_rotation_error;  // what the last failed rotation said; empty when none
};

class Writer {
 public:
  // Opens (creates, appends to) the live file and starts the thread; an unwritable path is
  // an error at once.
  static std::expected<std::unique_ptr<Writer>, std::string> open(WriterOptions options);
  ~Writer();  // writes what is queued, then joins the thread

  // Any thread. Hands over `count` whole JSON lines (each ending in '\n') and leaves `lines`
  // empty; its buffer may be swapped for the queue's. Never blocks on I/O. false when the
  // lines were dropped: all of them when they would pass queue_capacity.
  bool push_lines(std::string& lines, std::size_t count) noexcept;
  // One record, formatted on the calling thread (tests, rare paths).
  bool push(const Record& r) noexcept;
  // Lines a DNS thread lost before handing them over (out of memory while formatting).
  void count_dropped(std::size_t n) noexcept;
  // Close and reopen the live file (after logrotate moved it): SIGHUP.
  void reopen();
  // Blocks until everything pushed so far is written (tests, shutdown).
  void flush();
  WriterStats stats() const;

 private:
  struct Impl;
  explicit Writer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dg::proxy::decision_log
