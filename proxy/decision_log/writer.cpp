// The writer thread. DNS threads append batches of formatted lines to one buffer under a
// mutex; the writer swaps the whole buffer out and hands it to write(2), so the lock is never
// held across I/O and a query costs no lock of its own.
#include "proxy/decision_log/writer.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include "proxy/decision_log/live_file.hpp"

namespace dg::proxy::decision_log {
namespace {

// Starting room of the queue buffer; the buffers grow with the load and keep what they grew to.
constexpr std::size_t kInitialQueue = 256 << 10;
// The writer is woken when this many lines wait, or after kMaxDelay: waking it for every
// record would cost a context switch per query when it shares a core with a DNS thread.
constexpr std::size_t kWakeBatch = 512;
constexpr std::chrono::milliseconds kMaxDelay{50};

}  // namespace

struct Writer::Impl {
  explicit Impl(WriterOptions options)
      : options_(std::move(options)),
        file_(options_.path, options_.max_size, options_.keep) {
    queue_.reserve(kInitialQueue);
  }

  void run();
  void write_batch(std::string_view batch, std::size_t count);
  void commit(std::string_view lines, std::size_t count);
  void rotate();

  const WriterOptions options_;
  LiveFile file_;  // writer thread only (open() also runs before the thread starts)

  std::mutex mu_;
  std::condition_variable wake_;  // the writer waits for records, a reopen or stop
  std::condition_variable done_;  // flush() waits for the writer
  // Guarded by mu_:
  std::string queue_;  // whole lines
  std::size_t queued_lines_ = 0;
  uint64_t pushed_ = 0;   // lines accepted by push_lines()
  uint64_t handled_ = 0;  // of those, written or dropped by the writer
  uint64_t reopens_asked_ = 0;
  uint64_t reopens_done_ = 0;
  std::string last_rotation_error_;
  bool flush_wanted_ = false;
  bool stop_ = false;

  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> rotation_failures_{0};
  std::thread thread_;
};

void Writer::Impl::run() {
  std::string batch;
  batch.reserve(kInitialQueue);
  for (;;) {
    uint64_t reopens = 0;
    bool reopen = false;
    std::size_t n = 0;
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, kMaxDelay, [&] {
        return stop_ || flush_wanted_ || queued_lines_ >= kWakeBatch ||
               reopens_asked_ != reopens_done_;
      });
      flush_wanted_ = false;
      reopen = reopens_asked_ != reopens_done_;
      if (stop_ && queued_lines_ == 0 && !reopen) return;
      batch.swap(queue_);
      n = std::exchange(queued_lines_, 0);
      reopens = reopens_asked_;
    }
    // A failed reopen leaves the file closed; write_batch() tries again with each batch.
    if (reopen) (void)file_.open();
    if (n != 0) {
      if (options_.before_write) options_.before_write();
      write_batch(batch, n);
    }
    batch.clear();  // keeps its capacity for the next swap
    {
      std::lock_guard lock(mu_);
      handled_ += n;
      reopens_done_ = reopens;
    }
    done_.notify_all();
  }
}

void Writer::Impl::write_batch(std::string_view batch, std::size_t count) {
  // Closed after a failed write, rotation or reopen: each batch tries again.
  if (!file_.is_open()) (void)file_.open();
  // Rotate between lines: what fits goes to the old file, the rest to the new one.
  bool rotated = false;
  while (!batch.empty()) {
    std::size_t cut = file_.fitting(batch);
    // A rotation that could not empty the file: write on rather than rotate again and again.
    if (cut == 0 && rotated) cut = batch.find('\n') + 1;
    const auto part = batch.substr(0, cut);
    const std::size_t lines =
        cut == batch.size() ? count : static_cast<std::size_t>(std::ranges::count(part, '\n'));
    commit(part, lines);
    count -= lines;
    batch.remove_prefix(cut);
    if (batch.empty()) break;
    rotate();
    rotated = true;
  }
}

// The lines are written, so a rotation that fails loses no line that was counted; it loses
// the rotated copy, which the operator hears about (stats, the server's minute warning).
void Writer::Impl::rotate() {
  auto rotated = file_.rotate();
  if (rotated) return;
  {
    std::lock_guard lock(mu_);
    last_rotation_error_ = std::move(rotated.error());
  }
  rotation_failures_.fetch_add(1, std::memory_order_relaxed);
}

// Writes `count` whole lines, counting each as written or dropped (the file is closed).
void Writer::Impl::commit(std::string_view lines, std::size_t count) {
  if (count == 0) return;
  const std::size_t ok = file_.write(lines, count);
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

bool Writer::push_lines(std::string& lines, std::size_t count) noexcept {
  Impl& m = *impl_;
  bool wake = false;
  bool taken = true;
  {
    std::lock_guard lock(m.mu_);
    if (m.queued_lines_ + count > m.options_.queue_capacity) {
      taken = false;
    } else if (m.queue_.empty()) {
      m.queue_.swap(lines);  // the caller goes on with the queue's spare buffer
    } else {
      try {
        m.queue_.append(lines);
      } catch (...) {  // bad_alloc while growing the queue: the same as a full queue
        taken = false;
      }
    }
    if (taken) {
      wake = m.queued_lines_ < kWakeBatch && m.queued_lines_ + count >= kWakeBatch;
      m.queued_lines_ += count;
      m.pushed_ += count;
    }
  }
  lines.clear();
  if (!taken) m.dropped_.fetch_add(count, std::memory_order_relaxed);
  if (wake) m.wake_.notify_one();
  return taken;
}

bool Writer::push(const Record& r) noexcept {
  try {
    std::string line;
    append_json(r, line);
    line.push_back('\n');
    return push_lines(line, 1);
  } catch (...) {
    count_dropped(1);
    return false;
  }
}

void Writer::count_dropped(std::size_t n) noexcept {
  impl_->dropped_.fetch_add(n, std::memory_order_relaxed);
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
  WriterStats s{.written = impl_->written_.load(std::memory_order_relaxed),
                .dropped = impl_->dropped_.load(std::memory_order_relaxed),
                .rotation_failures = impl_->rotation_failures_.load(std::memory_order_relaxed),
                .last_rotation_error = {}};
  if (s.rotation_failures != 0) {
    std::lock_guard lock(impl_->mu_);
    s.last_rotation_error = impl_->last_rotation_error_;
  }
  return s;
}

}  // namespace dg::proxy::decision_log
