#include "proxy/investigate/route53.hpp"

#include <nlohmann/json.hpp>

namespace dg::proxy::investigate {
namespace {

std::expected<std::string, std::string> text(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::unexpected(std::string(key) + ": expected a string");
  return it->get<std::string>();
}

std::string lower_without_dot(std::string s) {
  if (!s.empty() && s.back() == '.') s.pop_back();
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return s;
}

}  // namespace

std::expected<void, std::string> route53_event(const nlohmann::json& j, Event& out) {
  if (!j.is_object()) return std::unexpected("expected a JSON object");
  auto ts = text(j, "query_timestamp");
  if (!ts) return std::unexpected(ts.error());
  auto when = decision_log::parse_timestamp(*ts);
  if (!when) return std::unexpected("query_timestamp: not an ISO 8601 time: " + *ts);
  auto name = text(j, "query_name");
  if (!name) return std::unexpected(name.error());
  auto src = text(j, "srcaddr");
  if (!src) return std::unexpected(src.error());
  out.ts = *when;
  out.qname = lower_without_dot(std::move(*name));
  out.client = std::move(*src);
  auto type = text(j, "query_type");
  out.qtype = type ? *type : std::string();
  auto transport = text(j, "transport");
  out.transport = transport ? lower_without_dot(*transport) : std::string();
  auto rcode = text(j, "rcode");
  if (rcode) out.rcode = *rcode; else out.rcode.reset();
  bool answers = false;
  if (auto it = j.find("answers"); it != j.end() && it->is_array()) answers = !it->empty();
  out.with_data = rcode && *rcode == "NOERROR" && answers;
  out.reached_aws = true;  // every record reached the resolver by definition
  out.label_score = -1;
  return {};
}

namespace {

// A fast path for the common record: a flat walk over the top-level keys that copies the few
// string fields analyze reads and skips every other value. Anything unusual (escapes, a field
// of another type, a damaged line) returns false and the line goes through nlohmann::json,
// which also words the error.
class FastRecord {
 public:
  explicit FastRecord(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  bool read(Event& out) {
    std::string_view ts, name, type, rcode, src, transport;
    bool answers = false;
    ws();
    if (!eat('{')) return false;
    ws();
    if (eat('}')) return false;
    for (;;) {
      std::string_view key;
      ws();
      if (!string(key)) return false;
      ws();
      if (!eat(':')) return false;
      ws();
      std::string_view* field = key == "query_timestamp" ? &ts
                                : key == "query_name"    ? &name
                                : key == "query_type"    ? &type
                                : key == "rcode"         ? &rcode
                                : key == "srcaddr"       ? &src
                                : key == "transport"     ? &transport
                                                         : nullptr;
      if (field) {
        if (!string(*field)) return false;
      } else if (key == "answers") {
        if (p_ >= end_ || *p_ != '[') return false;
        const char* open = p_;
        if (!skip(0)) return false;
        const std::string_view inner(open + 1, std::size_t(p_ - open - 2));
        answers = inner.find_first_not_of(" \t") != std::string_view::npos;
      } else if (!skip(0)) {
        return false;
      }
      ws();
      if (eat(',')) continue;
      if (eat('}')) break;
      return false;
    }
    ws();
    if (p_ != end_ || ts.empty() || name.empty() || src.empty()) return false;
    auto when = decision_log::parse_timestamp(ts);
    if (!when) return false;
    out.ts = *when;
    out.qname.assign(name);
    if (!out.qname.empty() && out.qname.back() == '.') out.qname.pop_back();
    for (auto& c : out.qname)
      if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    out.client.assign(src);
    out.qtype.assign(type);
    out.transport.assign(transport);
    for (auto& c : out.transport)
      if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (rcode.empty()) out.rcode.reset(); else out.rcode.emplace(rcode);
    out.with_data = rcode == "NOERROR" && answers;
    out.reached_aws = true;
    out.label_score = -1;
    return true;
  }

 private:
  void ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\r')) ++p_;
  }
  bool eat(char c) {
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  // A string without escapes (with one: not the fast path).
  bool string(std::string_view& out) {
    if (!eat('"')) return false;
    const char* start = p_;
    while (p_ < end_ && *p_ != '"') {
      if (*p_ == '\\') return false;
      ++p_;
    }
    if (p_ == end_) return false;
    out = std::string_view(start, std::size_t(p_ - start));
    ++p_;
    return true;
  }
  bool skip(int depth) {
    if (depth > 32 || p_ >= end_) return false;
    if (*p_ == '"') {
      std::string_view s;
      return string(s);
    }
    if (*p_ == '{' || *p_ == '[') {
      const char close = *p_ == '{' ? '}' : ']';
      ++p_;
      ws();
      if (eat(close)) return true;
      for (;;) {
        ws();
        if (close == '}') {
          std::string_view k;
          if (!string(k)) return false;
          ws();
          if (!eat(':')) return false;
          ws();
        }
        if (!skip(depth + 1)) return false;
        ws();
        if (eat(',')) continue;
        return eat(close);
      }
    }
    // number, true, false, null
    const char* start = p_;
    while (p_ < end_ && *p_ != ',' && *p_ != '}' && *p_ != ']' && *p_ != ' ') ++p_;
    return p_ > start;
  }

  const char* p_;
  const char* end_;
};

}  // namespace

std::expected<void, std::string> route53_event(std::string_view line, Event& out) {
  if (FastRecord(line).read(out)) return {};
  nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded()) return std::unexpected("not a JSON object");
  return route53_event(j, out);
}

}  // namespace dg::proxy::investigate
