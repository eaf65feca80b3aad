#pragma once
// Owning wrappers for libuv handles: the only place that calls uv_close.
//
// A libuv handle must not move and its memory must stay valid until its close callback has
// run. UvHandle<H> keeps the handle on the heap; close() (or the destructor) hands it to the
// loop, whose close callback frees it. So the owner may be destroyed at once, while the loop
// still finishes the close.
#include <uv.h>

#include <utility>

namespace dg::proxy::uv {

template <class H>
class UvHandle {
 public:
  UvHandle() : h_(new H{}) {}
  ~UvHandle() { close(); }
  UvHandle(const UvHandle&) = delete;
  UvHandle& operator=(const UvHandle&) = delete;

  H* get() const { return h_; }
  uv_handle_t* base() const { return reinterpret_cast<uv_handle_t*>(h_); }
  explicit operator bool() const { return h_ != nullptr; }

  // Idempotent. The handle's data is cleared so late callbacks see no owner.
  void close() {
    if (!h_) return;
    H* h = std::exchange(h_, nullptr);
    auto* base = reinterpret_cast<uv_handle_t*>(h);
    base->data = nullptr;
    if (base->loop == nullptr) {  // never initialised
      delete h;
      return;
    }
    if (!uv_is_closing(base)) uv_close(base, [](uv_handle_t* p) { delete reinterpret_cast<H*>(p); });
  }

 private:
  H* h_;
};

// The owner registered in a handle's data, or null once the handle is closing.
template <class T, class H>
T* owner_of(H* handle) {
  return static_cast<T*>(reinterpret_cast<uv_handle_t*>(handle)->data);
}

}  // namespace dg::proxy::uv
