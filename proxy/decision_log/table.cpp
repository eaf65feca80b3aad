#include "proxy/decision_log/table.hpp"

#include <algorithm>
#include <charconv>

namespace dg::proxy::decision_log {
namespace {

constexpr std::array<std::string_view, Table::kColumns> kHeader = {
    "ts", "client", "proto", "qtype", "qname", "action", "rule", "rcode", "latency_us", "detail"};
constexpr std::size_t kLatency = 8;  // right-aligned: a number
constexpr std::size_t kLast = Table::kColumns - 1;

// A cell's text: unescaped values may hold control characters (a rule name from YAML, a
// client's odd bytes), which must not reach the terminal as such.
void set_cell(std::string& cell, std::string_view value, std::string_view none = "-") {
  cell.assign(value.empty() ? none : value);
  for (char& c : cell)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
}

// Columns on a terminal: UTF-8 continuation bytes take none.
std::size_t width_of(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

void pad(std::string& out, std::size_t n) { out.append(n, ' '); }

}  // namespace

std::string detail_of(const Line& line) {
  std::string d;
  const auto part = [&d](std::string_view what, std::string_view value) {
    if (!d.empty()) d.push_back(' ');
    d.append(what);
    d.append(value);
  };
  if (!line.devolved_from.empty()) part("from ", line.devolved_from);
  if (!line.upstream.empty()) part("via ", line.upstream);
  if (!line.cache.empty()) part("cache=", line.cache);
  if (!line.dry_run.empty()) {
    std::string rules;
    for (auto r : line.dry_run) rules.append(rules.empty() ? "" : ",").append(r);
    part("dry_run=", rules);
  }
  char num[24];
  if (line.ancount) {
    const auto end = std::to_chars(num, num + sizeof num, *line.ancount).ptr;
    part("ancount=", std::string_view(num, static_cast<std::size_t>(end - num)));
  }
  if (line.label_score) {
    const auto end =
        std::to_chars(num, num + sizeof num, *line.label_score, std::chars_format::fixed, 3).ptr;
    part("label_score=", std::string_view(num, static_cast<std::size_t>(end - num)));
  }
  return d;
}

Table::Table(Sink sink, std::size_t batch) : sink_(std::move(sink)), batch_(batch) {
  for (std::size_t i = 0; i < kColumns; ++i) widths_[i] = kHeader[i].size();
}

void Table::add(const Line& line) {
  if (used_ == rows_.size()) rows_.emplace_back();
  Row& row = rows_[used_++];
  set_cell(row[0], line.ts_text);
  set_cell(row[1], line.client);
  set_cell(row[2], line.proto);
  set_cell(row[3], line.qtype);
  set_cell(row[4], line.qname);
  set_cell(row[5], line.action);
  set_cell(row[6], line.rule.value_or(""));
  set_cell(row[7], line.rcode.value_or(""));
  char num[24];
  const auto end = line.latency_us ? std::to_chars(num, num + sizeof num, *line.latency_us).ptr
                                   : num;
  set_cell(row[8], std::string_view(num, static_cast<std::size_t>(end - num)));
  set_cell(row[9], detail_of(line), "");
  if (used_ >= batch_) flush();
}

void Table::flush() {
  if (used_ == 0) return;
  for (std::size_t r = 0; r < used_; ++r)
    for (std::size_t i = 0; i < kLast; ++i)
      widths_[i] = std::max(widths_[i], width_of(rows_[r][i]));

  const auto append_row = [this](const auto& cells) {
    for (std::size_t i = 0; i < kColumns; ++i) {
      const std::string_view cell = cells[i];
      if (i == kLast) {
        out_.append(cell);
        break;
      }
      const std::size_t room = widths_[i] - width_of(cell);
      if (i == kLatency) pad(out_, room);
      out_.append(cell);
      if (i != kLatency) pad(out_, room);
      out_.append("  ");
    }
    while (!out_.empty() && out_.back() == ' ') out_.pop_back();  // no detail: no trailing blanks
    out_.push_back('\n');
  };
  out_.clear();
  if (!header_done_) {
    append_row(kHeader);
    header_done_ = true;
  }
  for (std::size_t r = 0; r < used_; ++r) append_row(rows_[r]);
  used_ = 0;
  sink_(out_);
}

}  // namespace dg::proxy::decision_log
