// A scanner for the flat JSON objects of the decision log. `devoguard log` reads millions of
// lines, and a general JSON parser building a DOM per line is several times slower than this:
// fields come out as views into the line, only strings with escapes are copied.
#include "proxy/decision_log/line.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <utility>

#include "proxy/decision_log/json_string.hpp"

namespace dg::proxy::decision_log {
namespace {

enum class Key { Ts, Client, Proto, Id, Qname, Qtype, Rule, Action, Upstream, Rcode, LatencyUs,
                 DevolvedFrom, DryRun, Ancount, LabelScore, Cache, Unknown };

// `k` (already known to be as long) is `word`. A loop of constant length is unrolled into a
// few compares; memcmp of odd sizes would be a library call per key.
template <std::size_t N>
bool is(std::string_view k, const char (&word)[N]) {
  for (std::size_t i = 0; i + 1 < N; ++i)
    if (k[i] != word[i]) return false;
  return true;
}

Key key_of(std::string_view k) {
  switch (k.size()) {
    case 2:
      if (is(k, "ts")) return Key::Ts;
      if (is(k, "id")) return Key::Id;
      break;
    case 4:
      if (is(k, "rule")) return Key::Rule;
      break;
    case 5:
      if (is(k, "proto")) return Key::Proto;
      if (is(k, "qname")) return Key::Qname;
      if (is(k, "qtype")) return Key::Qtype;
      if (is(k, "rcode")) return Key::Rcode;
      if (is(k, "cache")) return Key::Cache;
      break;
    case 6:
      if (is(k, "client")) return Key::Client;
      if (is(k, "action")) return Key::Action;
      break;
    case 7:
      if (is(k, "dry_run")) return Key::DryRun;
      if (is(k, "ancount")) return Key::Ancount;
      break;
    case 8:
      if (is(k, "upstream")) return Key::Upstream;
      break;
    case 10:
      if (is(k, "latency_us")) return Key::LatencyUs;
      break;
    case 11:
      if (is(k, "label_score")) return Key::LabelScore;
      break;
    case 13:
      if (is(k, "devolved_from")) return Key::DevolvedFrom;
      break;
  }
  return Key::Unknown;
}

// Walks one line. Each step returns false after setting error_; the first error wins.
class Scanner {
 public:
  Scanner(std::string_view text, std::string& unescaped)
      : begin_(text.data()), p_(begin_), end_(begin_ + text.size()), unescaped_(unescaped) {}

  bool object(Line& out);
  std::string take_error() { return std::move(error_); }

 private:
  static constexpr int kMaxDepth = 32;
  enum : unsigned { kTs = 1, kClient = 2, kQname = 4, kAction = 8, kRequired = 15 };

  bool fail(const char* what) {
    error_ = std::string(what) + " at column " + std::to_string(p_ - begin_ + 1);
    return false;
  }
  bool fail_field(std::string_view key, const char* what) {
    error_ = std::string(key) + ": " + what + " at column " + std::to_string(p_ - begin_ + 1);
    return false;
  }
  void skip_ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\r' || *p_ == '\n')) ++p_;
  }
  bool at(char c) const { return p_ < end_ && *p_ == c; }
  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0)
      return false;
    p_ += word.size();
    return true;
  }

  bool field(Key key, std::string_view name, Line& out);
  bool string(std::string_view& out);
  bool required_string(std::string_view name, std::string_view& out);
  bool string_or_null(std::string_view name, std::optional<std::string_view>& out);
  bool integer(std::string_view name, std::optional<uint64_t>& out);
  bool integer_or_null(std::string_view name, std::optional<uint64_t>& out);
  bool fraction(std::string_view name, std::optional<double>& out);
  bool string_array(std::string_view name, std::vector<std::string_view>& out);
  bool skip_value(int depth);
  bool skip_number();

  const char* begin_;
  const char* p_;
  const char* end_;
  std::string& unescaped_;
  std::string error_;
  unsigned seen_ = 0;
};

bool Scanner::object(Line& out) {
  skip_ws();
  if (p_ == end_) return fail("empty line");
  if (!at('{')) return fail("expected '{'");
  ++p_;
  skip_ws();
  if (at('}')) {
    ++p_;
  } else {
    for (;;) {
      skip_ws();
      std::string_view name;
      if (!at('"')) return fail("expected a key");
      if (!string(name)) return false;
      skip_ws();
      if (!at(':')) return fail("expected ':'");
      ++p_;
      skip_ws();
      if (!field(key_of(name), name, out)) return false;
      skip_ws();
      if (at(',')) {
        ++p_;
        continue;
      }
      if (at('}')) {
        ++p_;
        break;
      }
      return fail(p_ == end_ ? "unexpected end of line" : "expected ',' or '}'");
    }
  }
  skip_ws();
  if (p_ != end_) return fail("text after the object");
  if ((seen_ & kRequired) != kRequired) {
    static constexpr std::pair<unsigned, const char*> kFields[] = {
        {kTs, "ts"}, {kClient, "client"}, {kQname, "qname"}, {kAction, "action"}};
    for (const auto& [bit, name] : kFields) {
      if ((seen_ & bit) == 0) {
        error_ = std::string("missing ") + name;
        return false;
      }
    }
  }
  return true;
}

bool Scanner::field(Key key, std::string_view name, Line& out) {
  switch (key) {
    case Key::Ts: {
      const char* start = p_;
      if (!required_string(name, out.ts_text)) return false;
      auto ts = parse_timestamp(out.ts_text);
      if (!ts) {
        p_ = start;
        return fail_field(name, "not an RFC 3339 timestamp");
      }
      out.ts = *ts;
      seen_ |= kTs;
      return true;
    }
    case Key::Client:
      seen_ |= kClient;
      return required_string(name, out.client);
    case Key::Proto: return required_string(name, out.proto);
    case Key::Id: return integer(name, out.id);
    case Key::Qname:
      seen_ |= kQname;
      return required_string(name, out.qname);
    case Key::Qtype: return required_string(name, out.qtype);
    case Key::Rule: return string_or_null(name, out.rule);
    case Key::Action:
      seen_ |= kAction;
      return required_string(name, out.action);
    case Key::Upstream: {  // null: answered from the cache
      std::optional<std::string_view> upstream;
      if (!string_or_null(name, upstream)) return false;
      out.upstream = upstream.value_or(std::string_view{});
      return true;
    }
    case Key::Cache: return required_string(name, out.cache);
    case Key::Rcode: return string_or_null(name, out.rcode);
    case Key::LatencyUs: return integer(name, out.latency_us);
    case Key::DevolvedFrom: return required_string(name, out.devolved_from);
    case Key::DryRun: return string_array(name, out.dry_run);
    case Key::Ancount: return integer_or_null(name, out.ancount);
    case Key::LabelScore: return fraction(name, out.label_score);
    case Key::Unknown: return skip_value(0);
  }
  return skip_value(0);
}

bool Scanner::required_string(std::string_view name, std::string_view& out) {
  if (!at('"')) return fail_field(name, "expected a string");
  return string(out);
}

bool Scanner::string_or_null(std::string_view name, std::optional<std::string_view>& out) {
  if (literal("null")) {
    out.reset();
    return true;
  }
  if (!at('"')) return fail_field(name, "expected a string or null");
  std::string_view s;
  if (!string(s)) return false;
  out = s;
  return true;
}

// A non-negative integer without fraction or exponent, as record.cpp writes ids and latencies.
bool Scanner::integer(std::string_view name, std::optional<uint64_t>& out) {
  if (p_ == end_ || *p_ < '0' || *p_ > '9') return fail_field(name, "expected a number");
  uint64_t v = 0;
  const char* start = p_;
  for (; p_ < end_ && *p_ >= '0' && *p_ <= '9'; ++p_) {
    const uint64_t d = static_cast<uint64_t>(*p_ - '0');
    if (v > (UINT64_MAX - d) / 10) return fail_field(name, "number too large");
    v = v * 10 + d;
  }
  if (*start == '0' && p_ - start > 1) {
    p_ = start;
    return fail_field(name, "leading zero");
  }
  if (at('.') || at('e') || at('E')) return fail_field(name, "expected a whole number");
  out = v;
  return true;
}

bool Scanner::integer_or_null(std::string_view name, std::optional<uint64_t>& out) {
  if (literal("null")) {
    out.reset();
    return true;
  }
  return integer(name, out);
}

// A plain decimal number such as record.cpp writes label_score ("0.998").
bool Scanner::fraction(std::string_view name, std::optional<double>& out) {
  double v = 0;
  auto [end, ec] = std::from_chars(p_, end_, v, std::chars_format::fixed);
  if (ec != std::errc() || end == p_) return fail_field(name, "expected a number");
  p_ = end;
  out = v;
  return true;
}

bool Scanner::string_array(std::string_view name, std::vector<std::string_view>& out) {
  if (!at('[')) return fail_field(name, "expected an array of strings");
  ++p_;
  skip_ws();
  if (at(']')) {
    ++p_;
    return true;
  }
  for (;;) {
    skip_ws();
    std::string_view s;
    if (!at('"')) return fail_field(name, "expected a string");
    if (!string(s)) return false;
    out.push_back(s);
    skip_ws();
    if (at(',')) {
      ++p_;
      continue;
    }
    if (at(']')) {
      ++p_;
      return true;
    }
    return fail_field(name, "expected ',' or ']'");
  }
}

// At the opening quote. The common case, no escapes, is a view into the line.
bool Scanner::string(std::string_view& out) {
  const char* start = ++p_;
  p_ = json_string_stop(p_, end_);
  if (p_ < end_ && *p_ == '"') {
    out = std::string_view(start, static_cast<std::size_t>(p_ - start));
    ++p_;
    return true;
  }
  const std::size_t from = unescaped_.size();
  auto close = unescape_json_string(start, end_, unescaped_);
  if (!close) {
    p_ = close.error().at;
    return fail(close.error().what);
  }
  out = std::string_view(unescaped_).substr(from);
  p_ = *close + 1;
  return true;
}

bool Scanner::skip_number() {
  const char* start = p_;
  if (at('-')) ++p_;
  const char* digits = p_;
  while (p_ < end_ && ((*p_ >= '0' && *p_ <= '9') || *p_ == '.' || *p_ == 'e' || *p_ == 'E' ||
                       *p_ == '+' || *p_ == '-'))
    ++p_;
  if (p_ == digits) {
    p_ = start;
    return fail("expected a value");
  }
  return true;
}

// A value of a key this reader does not know (a newer writer's field): any JSON value.
bool Scanner::skip_value(int depth) {
  if (depth > kMaxDepth) return fail("nested too deeply");
  if (p_ == end_) return fail("unexpected end of line");
  std::string_view s;
  switch (*p_) {
    case '"': return string(s);
    case 'n': return literal("null") || fail("expected a value");
    case 't': return literal("true") || fail("expected a value");
    case 'f': return literal("false") || fail("expected a value");
    case '[':
    case '{': {
      const char close = *p_ == '[' ? ']' : '}';
      const bool keys = close == '}';
      ++p_;
      skip_ws();
      if (at(close)) {
        ++p_;
        return true;
      }
      for (;;) {
        skip_ws();
        if (keys) {
          if (!at('"')) return fail("expected a key");
          if (!string(s)) return false;
          skip_ws();
          if (!at(':')) return fail("expected ':'");
          ++p_;
          skip_ws();
        }
        if (!skip_value(depth + 1)) return false;
        skip_ws();
        if (at(',')) {
          ++p_;
          continue;
        }
        if (at(close)) {
          ++p_;
          return true;
        }
        return fail(keys ? "expected ',' or '}'" : "expected ',' or ']'");
      }
    }
    default: return skip_number();
  }
}

}  // namespace

std::expected<void, std::string> Line::scan(std::string_view line) {
  text = line;
  ts = {};
  ts_text = client = proto = qname = qtype = action = upstream = cache = devolved_from = {};
  id.reset();
  rule.reset();
  rcode.reset();
  latency_us.reset();
  dry_run.clear();
  ancount.reset();
  label_score.reset();
  unescaped_.clear();
  if (unescaped_.capacity() < line.size()) unescaped_.reserve(line.size());
  Scanner scanner(line, unescaped_);
  if (!scanner.object(*this)) return std::unexpected(scanner.take_error());
  return {};
}

}  // namespace dg::proxy::decision_log
