#pragma once
// Writes dnstap frames (Frame Streams, content type protobuf:dnstap.Dnstap) on its own thread,
// like the decision-log writer: DNS threads push() an Event into a bounded queue and never
// wait; the writer thread encodes the events and hands them to libfstrm. A full queue, an
// absent reader or a failed write drops the frames and counts them
// (devoguard_dnstap_dropped_total); DNS service never depends on the reader.
//
// `unix`: a bidirectional Frame Streams connection to a reader's socket (fstrm_capture,
// dnstap collectors). The writer connects when it has frames; without a reader it drops them
// and tries again at most once a second. `file`: a unidirectional stream written from the
// start of the file (opened at start: an unwritable path is an error at once).
#include <atomic>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <string>

#include "conf/model.hpp"
#include "proxy/dnstap/event.hpp"

namespace dg::proxy::dnstap {

struct WriterOptions {
  conf::Dnstap settings;
  std::string identity;  // what frames carry: settings.identity or the host name
  std::string version;   // "devoguard VERSION"
  // Tests only: runs on the writer thread before it writes a batch (holds the writer).
  std::function<void()> before_write{};
};

struct WriterStats {
  uint64_t written = 0;
  uint64_t dropped = 0;  // queue full, no reader, or write failed
};

class Writer {
 public:
  static std::expected<std::unique_ptr<Writer>, std::string> open(WriterOptions options);
  ~Writer();  // writes what is queued (when it can), closes the stream, joins the thread

  // Whether frames of this type are wanted (dnstap.messages): check before building an Event.
  bool wants(MessageType t) const { return (mask_ & bit_of(t)) != 0; }
  // Any thread. Never blocks on I/O; false when the event was dropped.
  bool push(Event&& e) noexcept;
  // Blocks until every event pushed so far is written or dropped (tests, shutdown).
  void flush();
  WriterStats stats() const;

  static uint8_t bit_of(MessageType t) {
    switch (t) {
      case MessageType::ClientQuery: return conf::kDnstapClientQuery;
      case MessageType::ClientResponse: return conf::kDnstapClientResponse;
      case MessageType::ForwarderQuery: return conf::kDnstapForwarderQuery;
      case MessageType::ForwarderResponse: return conf::kDnstapForwarderResponse;
    }
    return 0;
  }

 private:
  struct Impl;
  Writer(std::unique_ptr<Impl> impl, uint8_t mask);
  std::unique_ptr<Impl> impl_;
  uint8_t mask_;
};

}  // namespace dg::proxy::dnstap
