// The writer thread. DNS threads only move a Record into a vector under a mutex; the writer
// swaps the whole vector out, formats it into one buffer and hands it to write(2), so the lock
// is never held across formatting or I/O.
#include "proxy/decision_log/writer.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "proxy/decision_log/live_file.hpp"

namespace dg::proxy::decision_log {
namespace {

// Bytes formatted before a write(2): large enough to amortise the call, small enough to keep
// the buffer in cache.
constexpr std::size_t kWriteBytes = 1 << 20;
// Starting room of each queue vector; they grow up to queue_capacity and keep what they grew to.
constexpr std::size_t kInitialQueue = 1024;
// The writer is woken when this many records wait, or after kMaxDelay: waking it for every
// record would cost a context switch per query when it shares a core with a DNS thread.
constexpr std::size_t kWakeBatch = 512;
constexpr std::chrono::milliseconds kMaxDelay{50};

}  // namespace

struct Writer::Impl {
  explicit Impl(WriterOptions options)
      : options_(std::move(options)),
        file_(options_.path, options_.max_size, options_.keep) {
    queue_.reserve(std::min(options_.queue_capacity, kInitialQueue));
  }

  void run();
  void write_batch(const std::vector<Record>& batch);
  void commit(std::string_view lines, std::size_t count);

  const WriterOptions options_;
  LiveFile file_;  // writer thread only (open() also runs before the thread starts)
  std::string buffer_;  // writer thread only

  std::mutex mu_;
  std::condition_variable wake_;  // the writer waits for records, a reopen or stop
  std::condition_variable done_;  // flush() waits for the writer
  // Guarded by mu_:
  std::vector<Record> queue_;
  uint64_t pushed_ = 0;   // records accepted by push()
  uint64_t handled_ = 0;  // of those, written or dropped by the writer
  uint64_t reopens_asked_ = 0;
  uint64_t reopens_done_ = 0;
  bool flush_wanted_ = false;
  bool stop_ = false;

  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> dropped_{0};
  std::thread thread_;
};

void Writer::Impl::run() {
  std::vector<Record> batch;
  batch.reserve(queue_.capacity());
  for (;;) {
    uint64_t reopens = 0;
    bool reopen = false;
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, kMaxDelay, [&] {
        return stop_ || flush_wanted_ || queue_.size() >= kWakeBatch ||
               reopens_asked_ != reopens_done_;
      });
      flush_wanted_ = false;
      reopen = reopens_asked_ != reopens_done_;
      if (stop_ && queue_.empty() && !reopen) return;
      batch.swap(queue_);
      reopens = reopens_asked_;
    }
    // A failed reopen leaves the file closed; write_batch() tries again with each batch.
    if (reopen) (void)file_.open();
    if (!batch.empty()) {
      if (options_.before_write) options_.before_write();
      write_batch(batch);
    }
    const uint64_t n = batch.size();
    batch.clear();  // keeps its capacity for the next swap
    {
      std::lock_guard lock(mu_);
      handled_ += n;
      reopens_done_ = reopens;
    }
    done_.notify_all();
  }
}

void Writer::Impl::write_batch(const std::vector<Record>& batch) {
  // Closed after a failed write, rotation or reopen: each batch tries again.
  if (!file_.is_open()) (void)file_.open();
  buffer_.clear();
  std::size_t lines = 0;
  for (const Record& r : batch) {
    const std::size_t start = buffer_.size();
    append_json(r, buffer_);
    buffer_.push_back('\n');
    // Rotate between lines: what is buffered goes to the old file, this line to the new one.
    if (file_.full(start, buffer_.size() - start)) {
      commit(std::string_view(buffer_).substr(0, start), lines);
      buffer_.erase(0, start);
      lines = 0;
      (void)file_.rotate();  // the lines are written; a lost rotated file is not a dropped line
    }
    ++lines;
    if (buffer_.size() >= kWriteBytes) {
      commit(buffer_, lines);
      buffer_.clear();
      lines = 0;
    }
  }
  commit(buffer_, lines);
}

// Writes `count` whole lines, counting each as written or dropped (the file is closed).
void Writer::Impl::commit(std::string_view lines, std::size_t count) {
  if (count == 0) return;
  const std::size_t ok = file_.write(lines);
  written_.fetch_add(ok, std::memory_order_relaxed);
  dropped_.fetch_add(count - ok, std::memory_order_relaxed);
}

std::expected<std::unique_ptr<Writer>, std::string> Writer::open(WriterOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  if (auto opened = impl->file_.open(); !opened) return std::unexpected(opened.error());
  try {
    impl->thread_ = std::thread([p = impl.get()] { p->run(); });
  } catch (const std::system_error& e) {
    return std::unexpected(std::string("decision_log: cannot start the writer thread: ") +
                           e.what());
  }
  return std::unique_ptr<Writer>(new Writer(std::move(impl)));
}

Writer::Writer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Writer::~Writer() {
  {
    std::lock_guard lock(impl_->mu_);
    impl_->stop_ = true;
  }
  impl_->wake_.notify_one();
  impl_->thread_.join();
}

bool Writer::push(Record&& r) noexcept {
  Impl& m = *impl_;
  bool wake = false;
  try {
    std::lock_guard lock(m.mu_);
    if (m.queue_.size() >= m.options_.queue_capacity) {
      m.dropped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    m.queue_.push_back(std::move(r));
    wake = m.queue_.size() == kWakeBatch;
    ++m.pushed_;
  } catch (...) {  // bad_alloc while growing the queue: the same as a full queue
    m.dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  if (wake) m.wake_.notify_one();
  return true;
}

void Writer::reopen() {
  {
    std::lock_guard lock(impl_->mu_);
    ++impl_->reopens_asked_;
  }
  impl_->wake_.notify_one();
}

void Writer::flush() {
  std::unique_lock lock(impl_->mu_);
  const uint64_t pushed = impl_->pushed_;
  const uint64_t reopens = impl_->reopens_asked_;
  impl_->flush_wanted_ = true;
  impl_->wake_.notify_one();
  impl_->done_.wait(lock, [&] {
    return impl_->handled_ >= pushed && impl_->reopens_done_ >= reopens;
  });
}

WriterStats Writer::stats() const {
  return {.written = impl_->written_.load(std::memory_order_relaxed),
          .dropped = impl_->dropped_.load(std::memory_order_relaxed)};
}

}  // namespace dg::proxy::decision_log
