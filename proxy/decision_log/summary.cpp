#include "proxy/decision_log/summary.hpp"

#include <algorithm>
#include <cstdio>

namespace dg::proxy::decision_log {
namespace {

using std::chrono::minutes;

constexpr std::string_view kNoRule = "(none)";

std::string percent(uint64_t part, uint64_t whole) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%5.1f%%", whole ? 100.0 * part / whole : 0.0);
  return buf;
}

std::string number(uint64_t n) { return std::to_string(n); }

// A block of `title` and rows (name, count, note), the names padded to one width.
void append_block(std::string& out, std::string_view title,
                  const std::vector<std::pair<std::string_view, uint64_t>>& rows, uint64_t total,
                  const std::vector<std::string>& notes = {}) {
  std::size_t name_w = title.size(), count_w = 5;
  for (const auto& [name, count] : rows) {
    name_w = std::max(name_w, name.size());
    count_w = std::max(count_w, number(count).size());
  }
  out.append(title).append(name_w - title.size() + 2, ' ');
  out.append(count_w - 5, ' ').append("count       %\n");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& [name, count] = rows[i];
    const std::string n = number(count);
    out.append(name).append(name_w - name.size() + 2, ' ');
    out.append(count_w - n.size(), ' ').append(n).append("  ").append(percent(count, total));
    if (i < notes.size() && !notes[i].empty()) out.append("  ").append(notes[i]);
    out.push_back('\n');
  }
  out.push_back('\n');
}

// Bucket sizes in minutes for the histogram, smallest first; beyond them, whole days.
constexpr int64_t kBuckets[] = {1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440};

int64_t bucket_minutes(int64_t span, std::size_t max_rows) {
  const auto rows = [span](int64_t k) { return span / k + 1; };
  for (int64_t k : kBuckets)
    if (rows(k) <= static_cast<int64_t>(max_rows)) return k;
  const int64_t days = (span / 1440) / static_cast<int64_t>(max_rows - 1) + 1;
  return days * 1440;
}

// "minute", "5 minutes", "hour", "2 hours", "day", "3 days".
std::string bucket_name(int64_t k) {
  const auto unit = [](int64_t n, const char* name) {
    return n == 1 ? std::string(name) : std::to_string(n) + " " + name + "s";
  };
  if (k % 1440 == 0) return unit(k / 1440, "day");
  if (k % 60 == 0) return unit(k / 60, "hour");
  return unit(k, "minute");
}

std::string minute_label(int64_t minute) {
  const std::string ts = format_timestamp(Micros{minutes{minute}});
  return ts.substr(0, 16) + "Z";  // "2026-11-23T07:30Z"
}

}  // namespace

void Summary::add(const Line& line) {
  ++total_;
  first_ = std::min(first_, line.ts);
  last_ = std::max(last_, line.ts);
  actions_.add(line.action);
  rules_.add(line.rule.value_or(kNoRule));
  clients_.add(line.client);
  if (!line.devolved_from.empty()) {
    pair_.assign(line.qname).push_back('\0');
    pair_.append(line.devolved_from);
    devolved_.add(pair_);
  }
  // Lines come in time order, so the minute rarely changes from one line to the next.
  const int64_t minute = std::chrono::floor<minutes>(line.ts).time_since_epoch().count();
  if (minute != minute_) {
    minute_ = minute;
    minute_count_ = &per_minute_[minute];  // std::map: the pointer stays valid
  }
  ++*minute_count_;
}

// "client", "client (top 10 of 523)", or with more distinct values than a Tally holds
// "client (top 10 of more than 100000; counts may be low)".
std::string Summary::title(std::string_view what, const Tally& tally) {
  std::string t(what);
  if (tally.approximate())
    return t + " (top " + number(kTop) + " of more than " + number(Tally::kCapacity / 2) +
           "; counts may be low)";
  if (tally.size() > kTop) return t + " (top " + number(kTop) + " of " + number(tally.size()) + ")";
  return t;
}

std::string Summary::report() const {
  std::string out;
  if (total_ == 0) return "no matching lines\n";
  out.append(number(total_)).append(total_ == 1 ? " line" : " lines");
  out.append(" from ").append(format_timestamp(first_));
  out.append(" to ").append(format_timestamp(last_)).append("\n\n");

  append_block(out, "action", actions_.top(), total_);
  append_block(out, "rule", rules_.top(), total_);
  append_block(out, title("client", clients_), clients_.top(kTop), total_);

  if (devolved_.size() > 0) append_devolved(out);
  append_histogram(out);
  return out;
}

// The devolved names with the most queries, each with the (up to 3) names they came from.
void Summary::append_devolved(std::string& out) const {
  const auto pairs = devolved_.top();  // most frequent first
  Tally names(pairs.size() + 2);
  for (const auto& [pair, n] : pairs) names.add(pair.substr(0, pair.find('\0')), n);
  std::vector<std::string> notes;
  const auto top = names.top(kTop);
  for (const auto& [name, count] : top) {
    std::string note = "from ";
    std::size_t shown = 0, more = 0;
    for (const auto& [pair, n] : pairs) {
      if (pair.size() <= name.size() || pair[name.size()] != '\0' || !pair.starts_with(name))
        continue;
      if (shown++ < 3) {
        note.append(shown > 1 ? ", " : "").append(pair.substr(name.size() + 1));
        note.append(" (").append(number(n)).append(")");
      } else {
        ++more;
      }
    }
    if (more > 0) note.append(", ").append(number(more)).append(" more");
    notes.push_back(std::move(note));
  }
  std::string what = "devolved name";
  if (devolved_.approximate()) {
    what += " (top " + number(kTop) + " of many; counts may be low)";
  } else if (names.size() > kTop) {
    what += " (top " + number(kTop) + " of " + number(names.size()) + ")";
  }
  append_block(out, what, top, total_, notes);
}

// One row per bucket from the first query to the last, empty buckets included, so that a
// quiet stretch shows; buckets grow past one minute so the histogram stays short.
void Summary::append_histogram(std::string& out) const {
  const int64_t first = per_minute_.begin()->first, last = per_minute_.rbegin()->first;
  const int64_t k = bucket_minutes(last - first, kMaxHistogramRows);
  const auto bucket_of = [k](int64_t m) { return (m >= 0 ? m / k : (m - k + 1) / k) * k; };
  std::map<int64_t, uint64_t> buckets;
  for (const auto& [minute, n] : per_minute_) buckets[bucket_of(minute)] += n;
  uint64_t max = 0;
  for (const auto& [b, n] : buckets) max = std::max(max, n);
  const std::size_t count_w = number(max).size();

  out.append("queries per ").append(bucket_name(k)).append(" (UTC)\n");
  for (int64_t b = bucket_of(first); b <= last; b += k) {
    const auto it = buckets.find(b);
    const uint64_t n = it == buckets.end() ? 0 : it->second;
    const std::string text = number(n);
    const auto bar = static_cast<std::size_t>((n * kBarWidth + max - 1) / max);  // n > 0: >= 1
    out.append(minute_label(b)).append("  ");
    out.append(count_w - text.size(), ' ').append(text);
    if (bar > 0) out.append(" ").append(bar, '#');
    out.push_back('\n');
  }
}

}  // namespace dg::proxy::decision_log
