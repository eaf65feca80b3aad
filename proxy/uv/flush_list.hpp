#pragma once
// Batching across one loop iteration: objects that collect outgoing datagrams (client replies,
// upstream queries) enlist here, and the worker flushes them all once per iteration from a
// uv_check_t (after the poll phase), so that one sendmmsg carries many messages.
#include <algorithm>
#include <vector>

namespace dg::proxy::uv {

class Flushable {
 public:
  virtual ~Flushable() = default;
  virtual void flush() = 0;

 private:
  friend class FlushList;
  bool enlisted_ = false;
};

class FlushList {
 public:
  void enlist(Flushable& f) {
    if (f.enlisted_) return;
    f.enlisted_ = true;
    pending_.push_back(&f);
  }
  // A flush may enlist others (a reply flushed by a listener does not, but keep it general).
  void flush_all() {
    while (!pending_.empty()) {
      auto batch = std::move(pending_);
      pending_.clear();
      for (auto* f : batch) {
        f->enlisted_ = false;
        f->flush();
      }
    }
  }
  // An object that goes away must not stay enlisted.
  void forget(Flushable& f) {
    std::erase(pending_, &f);
    f.enlisted_ = false;
  }

 private:
  std::vector<Flushable*> pending_;
};

}  // namespace dg::proxy::uv
