// The dnstap writer thread. DNS threads only move an Event into a vector under a mutex; the
// writer swaps the whole vector out, encodes it and writes it with one fstrm_writer_writev per
// chunk, so the lock is never held across encoding or I/O.
#include "proxy/dnstap/writer.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/uio.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <fstrm.h>

#include "proxy/dnstap/encode.hpp"

namespace dg::proxy::dnstap {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kInitialQueue = 1024;
// Woken when this many events wait, or after kMaxDelay (as the decision-log writer).
constexpr std::size_t kWakeBatch = 512;
constexpr std::chrono::milliseconds kMaxDelay{50};
// Frames per fstrm_writer_writev (below IOV_MAX).
constexpr std::size_t kFramesPerWrite = 256;
// A unix reader that is absent or went away is tried again at most this often.
constexpr std::chrono::seconds kReconnectInterval{1};

struct FstrmWriterDeleter {
  void operator()(fstrm_writer* w) const { fstrm_writer_destroy(&w); }
};
using FstrmWriter = std::unique_ptr<fstrm_writer, FstrmWriterDeleter>;

// A new, not yet opened writer for `settings`' output.
FstrmWriter make_writer(const conf::Dnstap& settings) {
  fstrm_writer_options* wopt = fstrm_writer_options_init();
  fstrm_writer_options_add_content_type(wopt, kContentType.data(), kContentType.size());
  fstrm_writer* w = nullptr;
  if (!settings.unix_path.empty()) {
    fstrm_unix_writer_options* uopt = fstrm_unix_writer_options_init();
    fstrm_unix_writer_options_set_socket_path(uopt, settings.unix_path.c_str());
    w = fstrm_unix_writer_init(uopt, wopt);
    fstrm_unix_writer_options_destroy(&uopt);
  } else {
    fstrm_file_options* fopt = fstrm_file_options_init();
    fstrm_file_options_set_file_path(fopt, settings.file.c_str());
    w = fstrm_file_writer_init(fopt, wopt);
    fstrm_file_options_destroy(&fopt);
  }
  fstrm_writer_options_destroy(&wopt);
  return FstrmWriter(w);
}

}  // namespace

struct Writer::Impl {
  explicit Impl(WriterOptions options) : options_(std::move(options)) {
    queue_.reserve(std::min(options_.settings.queue, kInitialQueue));
  }

  void run();
  void write_batch(std::vector<Event>& batch);
  bool connect();
  void drop(std::size_t n) { dropped_.fetch_add(n, std::memory_order_relaxed); }

  const WriterOptions options_;
  // Writer thread only (open() also uses it before the thread starts):
  FstrmWriter out_;
  Clock::time_point last_attempt_{};
  bool file_failed_ = false;  // a file is never reopened: that would truncate it
  std::vector<std::string> frames_;
  std::vector<iovec> iov_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable done_;
  // Guarded by mu_:
  std::vector<Event> queue_;
  uint64_t pushed_ = 0;
  uint64_t handled_ = 0;
  bool flush_wanted_ = false;
  bool stop_ = false;

  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> dropped_{0};
  std::thread thread_;
};

// An open stream, or false: opens one when there is none (a unix reader at most once a second).
bool Writer::Impl::connect() {
  if (out_) return true;
  if (file_failed_) return false;
  const auto now = Clock::now();
  if (last_attempt_ != Clock::time_point{} && now - last_attempt_ < kReconnectInterval)
    return false;
  last_attempt_ = now;
  auto w = make_writer(options_.settings);
  if (!w || fstrm_writer_open(w.get()) != fstrm_res_success) {
    if (!options_.settings.file.empty()) file_failed_ = true;
    return false;
  }
  out_ = std::move(w);
  return true;
}

void Writer::Impl::run() {
  // A reader that went away must not kill the process: its write fails with EPIPE instead.
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);

  std::vector<Event> batch;
  batch.reserve(queue_.capacity());
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, kMaxDelay,
                     [&] { return stop_ || flush_wanted_ || queue_.size() >= kWakeBatch; });
      flush_wanted_ = false;
      if (stop_ && queue_.empty()) break;
      batch.swap(queue_);
    }
    if (!batch.empty()) {
      if (options_.before_write) options_.before_write();
      write_batch(batch);
    }
    const uint64_t n = batch.size();
    batch.clear();
    {
      std::lock_guard lock(mu_);
      handled_ += n;
    }
    done_.notify_all();
  }
  // Here, where SIGPIPE is blocked: a unix stream ends with STOP/FINISH, a file with STOP.
  out_.reset();
}

void Writer::Impl::write_batch(std::vector<Event>& batch) {
  if (!connect()) return drop(batch.size());
  frames_.resize(std::max(frames_.size(), std::min(batch.size(), kFramesPerWrite)));
  for (std::size_t start = 0; start < batch.size(); start += kFramesPerWrite) {
    const std::size_t n = std::min(kFramesPerWrite, batch.size() - start);
    if (!out_) {  // the previous chunk's write failed
      drop(n);
      continue;
    }
    iov_.clear();
    for (std::size_t i = 0; i < n; ++i) {
      encode(batch[start + i], options_.identity, options_.version, frames_[i]);
      iov_.push_back({frames_[i].data(), frames_[i].size()});
    }
    if (fstrm_writer_writev(out_.get(), iov_.data(), int(iov_.size())) == fstrm_res_success) {
      written_.fetch_add(n, std::memory_order_relaxed);
    } else {
      drop(n);
      out_.reset();  // the reader went away: connect() tries again later
      if (!options_.settings.file.empty()) file_failed_ = true;
    }
  }
}

std::expected<std::unique_ptr<Writer>, std::string> Writer::open(WriterOptions options) {
  const uint8_t mask = options.settings.messages;
  auto impl = std::make_unique<Impl>(std::move(options));
  const auto& s = impl->options_.settings;
  if (!s.file.empty() && !impl->connect())
    return std::unexpected("dnstap: cannot open " + s.file + " for writing");
  try {
    impl->thread_ = std::thread([p = impl.get()] { p->run(); });
  } catch (const std::system_error& e) {
    return std::unexpected(std::string("dnstap: cannot start the writer thread: ") + e.what());
  }
  return std::unique_ptr<Writer>(new Writer(std::move(impl), mask));
}

Writer::Writer(std::unique_ptr<Impl> impl, uint8_t mask) : impl_(std::move(impl)), mask_(mask) {}

Writer::~Writer() {
  {
    std::lock_guard lock(impl_->mu_);
    impl_->stop_ = true;
  }
  impl_->wake_.notify_one();
  impl_->thread_.join();
}

bool Writer::push(Event&& e) noexcept {
  Impl& m = *impl_;
  bool wake = false;
  try {
    std::lock_guard lock(m.mu_);
    if (m.queue_.size() >= m.options_.settings.queue) {
      m.drop(1);
      return false;
    }
    m.queue_.push_back(std::move(e));
    wake = m.queue_.size() == kWakeBatch;
    ++m.pushed_;
  } catch (...) {  // bad_alloc while growing the queue: the same as a full queue
    m.drop(1);
    return false;
  }
  if (wake) m.wake_.notify_one();
  return true;
}

void Writer::flush() {
  std::unique_lock lock(impl_->mu_);
  const uint64_t pushed = impl_->pushed_;
  impl_->flush_wanted_ = true;
  impl_->wake_.notify_one();
  impl_->done_.wait(lock, [&] { return impl_->handled_ >= pushed; });
}

WriterStats Writer::stats() const {
  return {.written = impl_->written_.load(std::memory_order_relaxed),
          .dropped = impl_->dropped_.load(std::memory_order_relaxed)};
}

}  // namespace dg::proxy::dnstap
