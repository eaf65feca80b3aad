#pragma once
// Event → one dnstap protobuf frame (content type "protobuf:dnstap.Dnstap"), with the code
// protoc-c generates from proxy/dnstap/dnstap.proto.
#include <string>
#include <string_view>

#include "proxy/dnstap/event.hpp"

namespace dg::proxy::dnstap {

inline constexpr std::string_view kContentType = "protobuf:dnstap.Dnstap";

// Replaces `out` with the frame's bytes.
void encode(const Event& e, std::string_view identity, std::string_view version,
            std::string& out);

}  // namespace dg::proxy::dnstap
