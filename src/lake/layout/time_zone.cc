#include "lake/layout/time_zone.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>

namespace tributary::lake {

namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace


CivilTime CivilFromLocalMs(int64_t local_ms) {
  int64_t days = FloorDiv(local_ms, 86400000);
  int64_t ms_of_day = local_ms - days * 86400000;
  int64_t z = days + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  CivilTime c;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2);
  c.hour = static_cast<int>(ms_of_day / 3600000);
  c.minute = static_cast<int>(ms_of_day / 60000 % 60);
  c.second = static_cast<int>(ms_of_day / 1000 % 60);
  c.millis = static_cast<int>(ms_of_day % 1000);
  c.day_of_week = static_cast<int>(FloorDiv(days + 3, 7) * -7 + days + 3) + 1;
  c.day_of_year = static_cast<int>(days - DaysFromCivil(c.year, 1, 1) + 1);
  return c;
}

// ---------------------------------------------------------------- POSIX TZ rules

// "EST5EDT,M3.2.0,M11.1.0": standard and daylight offsets and the two yearly changes.
struct TimeZone::Rule {
  struct When {
    char kind = 'M';  // 'M' month/week/day, 'J' Julian 1-365 (no Feb 29), 'D' 0-365
    int month = 0, week = 0, weekday = 0, day = 0;
    int32_t time_s = 7200;  // local time of the change
  };
  int32_t std_offset_s = 0;
  int32_t dst_offset_s = 0;
  bool has_dst = false;
  When start, end;

  // Local (wall clock of the period before the change) seconds-of-epoch of a change.
  int64_t ChangeLocal(const When& w, int64_t year) const {
    int64_t day;
    if (w.kind == 'J') {
      int d = w.day;  // 1..365, Feb 29 never counted
      day = DaysFromCivil(year, 1, 1) + d - 1 + ((IsLeap(year) && d >= 60) ? 1 : 0);
    } else if (w.kind == 'D') {
      day = DaysFromCivil(year, 1, 1) + w.day;
    } else {
      int64_t first = DaysFromCivil(year, w.month, 1);
      int first_wd = static_cast<int>(((first + 4) % 7 + 7) % 7);  // 0 = Sunday
      int d = 1 + (w.weekday - first_wd + 7) % 7 + (w.week - 1) * 7;
      while (w.week == 5 && d > DaysInMonth(year, w.month)) d -= 7;
      if (d > DaysInMonth(year, w.month)) d -= 7;
      day = first + d - 1;
    }
    return day * 86400 + w.time_s;
  }
  // UTC instants of the start and end of daylight time in `year`.
  int64_t StartUtc(int64_t year) const { return ChangeLocal(start, year) - std_offset_s; }
  int64_t EndUtc(int64_t year) const { return ChangeLocal(end, year) - dst_offset_s; }

  int32_t OffsetAt(int64_t utc_s) const {
    if (!has_dst) return std_offset_s;
    int64_t year = CivilFromLocalMs((utc_s + std_offset_s) * 1000).year;
    int64_t s = StartUtc(year), e = EndUtc(year);
    bool dst = s < e ? (utc_s >= s && utc_s < e) : !(utc_s >= e && utc_s < s);
    return dst ? dst_offset_s : std_offset_s;
  }

  std::optional<int64_t> NextChange(int64_t utc_s) const {
    if (!has_dst) return std::nullopt;
    int64_t year = CivilFromLocalMs((utc_s + std_offset_s) * 1000).year;
    int64_t best = std::numeric_limits<int64_t>::max();
    for (int64_t y = year - 1; y <= year + 1; ++y) {
      for (int64_t t : {StartUtc(y), EndUtc(y)}) {
        if (t > utc_s && t < best) best = t;
      }
    }
    return best;
  }
};

namespace {

class RuleParser {
 public:
  explicit RuleParser(std::string_view s) : s_(s) {}

  bool Parse(TimeZone::Rule* r) {
    if (!Name()) return false;
    int32_t off;
    if (!Offset(&off)) return false;
    r->std_offset_s = -off;  // POSIX offsets are west-positive
    if (AtEnd()) return true;
    if (!Name()) return false;
    r->has_dst = true;
    r->dst_offset_s = r->std_offset_s + 3600;
    if (!AtEnd() && s_[i_] != ',') {
      if (!Offset(&off)) return false;
      r->dst_offset_s = -off;
    }
    if (AtEnd()) {  // no rule: the US rules are POSIX's default
      r->start = {'M', 3, 2, 0, 0, 7200};
      r->end = {'M', 11, 1, 0, 0, 7200};
      return true;
    }
    if (s_[i_++] != ',' || !When(&r->start)) return false;
    if (AtEnd() || s_[i_++] != ',' || !When(&r->end)) return false;
    return AtEnd();
  }

 private:
  bool AtEnd() const { return i_ >= s_.size(); }

  bool Name() {
    if (!AtEnd() && s_[i_] == '<') {
      size_t close = s_.find('>', i_);
      if (close == std::string_view::npos) return false;
      i_ = close + 1;
      return true;
    }
    size_t start = i_;
    while (!AtEnd() && ((s_[i_] >= 'A' && s_[i_] <= 'Z') || (s_[i_] >= 'a' && s_[i_] <= 'z'))) ++i_;
    return i_ - start >= 3;
  }

  bool Number(int* out) {
    size_t start = i_;
    int v = 0;
    while (!AtEnd() && s_[i_] >= '0' && s_[i_] <= '9') v = v * 10 + (s_[i_++] - '0');
    *out = v;
    return i_ > start;
  }

  // [+-]hh[:mm[:ss]] in seconds.
  bool Offset(int32_t* out) {
    int sign = 1;
    if (!AtEnd() && (s_[i_] == '+' || s_[i_] == '-')) sign = s_[i_++] == '-' ? -1 : 1;
    int h, m = 0, sec = 0;
    if (!Number(&h)) return false;
    if (!AtEnd() && s_[i_] == ':') {
      ++i_;
      if (!Number(&m)) return false;
      if (!AtEnd() && s_[i_] == ':') {
        ++i_;
        if (!Number(&sec)) return false;
      }
    }
    *out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }

  bool When(TimeZone::Rule::When* w) {
    if (AtEnd()) return false;
    if (s_[i_] == 'M') {
      ++i_;
      w->kind = 'M';
      if (!Number(&w->month) || AtEnd() || s_[i_++] != '.' || !Number(&w->week) || AtEnd() ||
          s_[i_++] != '.' || !Number(&w->weekday)) {
        return false;
      }
      if (w->month < 1 || w->month > 12 || w->week < 1 || w->week > 5 || w->weekday > 6)
        return false;
    } else if (s_[i_] == 'J') {
      ++i_;
      w->kind = 'J';
      if (!Number(&w->day) || w->day < 1 || w->day > 365) return false;
    } else {
      w->kind = 'D';
      if (!Number(&w->day) || w->day > 365) return false;
    }
    w->time_s = 7200;
    if (!AtEnd() && s_[i_] == '/') {
      ++i_;
      if (!Offset(&w->time_s)) return false;
    }
    return true;
  }

  std::string_view s_;
  size_t i_ = 0;
};

// "+02:00", "-0530", "+5", "UTC+01:00": seconds east of UTC.
std::optional<int32_t> ParseFixedOffset(std::string_view s) {
  if (s.starts_with("UTC") || s.starts_with("GMT")) s.remove_prefix(3);
  if (s.empty() || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  int sign = s[0] == '-' ? -1 : 1;
  s.remove_prefix(1);
  std::string digits;
  for (char c : s) {
    if (c == ':') continue;
    if (c < '0' || c > '9') return std::nullopt;
    digits.push_back(c);
  }
  int h = 0, m = 0;
  if (digits.size() == 1 || digits.size() == 2) {
    h = std::stoi(digits);
  } else if (digits.size() == 4) {
    h = std::stoi(digits.substr(0, 2));
    m = std::stoi(digits.substr(2));
  } else {
    return std::nullopt;
  }
  if (h > 23 || m > 59) return std::nullopt;
  return sign * (h * 3600 + m * 60);
}

class TzifReader {
 public:
  explicit TzifReader(std::string_view data) : d_(data) {}

  bool Skip(size_t n) {
    if (p_ + n > d_.size()) return false;
    p_ += n;
    return true;
  }
  bool Be32(int64_t* out) {
    if (p_ + 4 > d_.size()) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(d_[p_ + i]);
    p_ += 4;
    *out = static_cast<int32_t>(v);
    return true;
  }
  bool Be64(int64_t* out) {
    if (p_ + 8 > d_.size()) return false;
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(d_[p_ + i]);
    p_ += 8;
    *out = static_cast<int64_t>(v);
    return true;
  }
  bool Byte(uint8_t* out) {
    if (p_ >= d_.size()) return false;
    *out = static_cast<uint8_t>(d_[p_++]);
    return true;
  }
  size_t pos() const { return p_; }
  std::string_view rest() const { return d_.substr(p_); }

 private:
  std::string_view d_;
  size_t p_ = 0;
};

struct TzifHeader {
  char version = 0;
  int64_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
};

bool ReadHeader(TzifReader& r, std::string_view data, TzifHeader* h) {
  size_t at = r.pos();
  if (data.substr(at, 4) != "TZif") return false;
  h->version = data.size() > at + 4 ? data[at + 4] : 0;
  if (!r.Skip(20)) return false;
  return r.Be32(&h->isutcnt) && r.Be32(&h->isstdcnt) && r.Be32(&h->leapcnt) &&
         r.Be32(&h->timecnt) && r.Be32(&h->typecnt) && r.Be32(&h->charcnt) && h->typecnt > 0 &&
         h->timecnt >= 0 && h->timecnt < 100000 && h->typecnt < 256;
}

}  // namespace

TimeZone::TimeZone() = default;
TimeZone::~TimeZone() = default;

std::shared_ptr<const TimeZone> TimeZone::Utc() {
  static const std::shared_ptr<const TimeZone> kUtc = [] {
    auto z = std::make_shared<TimeZone>();
    z->name_ = "UTC";
    return z;
  }();
  return kUtc;
}

Result<std::shared_ptr<const TimeZone>> TimeZone::Load(std::string_view name,
                                                       std::string_view zoneinfo_dir) {
  if (name == "UTC" || name == "GMT" || name == "Z" || name == "Etc/UTC" || name == "UCT") {
    auto z = std::make_shared<TimeZone>();
    z->name_ = std::string(name);
    return std::shared_ptr<const TimeZone>(std::move(z));
  }
  if (auto off = ParseFixedOffset(name)) {
    auto z = std::make_shared<TimeZone>();
    z->name_ = std::string(name);
    z->initial_offset_s_ = *off;
    return std::shared_ptr<const TimeZone>(std::move(z));
  }
  auto bad = [&](std::string_view why) {
    return Error(Status::InvalidArgument(fmt::format("timezone '{}': {}", name, why)));
  };
  if (name.empty() || name.find("..") != std::string_view::npos || name[0] == '/') {
    return bad("not a time zone id (use e.g. UTC, Europe/Paris or +02:00)");
  }
  for (char c : name) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
          c == '_' || c == '-' || c == '+')) {
      return bad("not a time zone id (use e.g. UTC, Europe/Paris or +02:00)");
    }
  }
  std::string path = fmt::format("{}/{}", zoneinfo_dir, name);
  std::ifstream in(path, std::ios::binary);
  if (!in) return bad(fmt::format("unknown (no {})", path));
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  TzifReader r(data);
  TzifHeader h;
  if (!ReadHeader(r, data, &h)) return bad(fmt::format("{} is not a TZif file", path));
  bool v2 = h.version >= '2';
  if (v2) {
    // Skip the 32-bit block; the 64-bit one follows with its own header.
    size_t skip =
        h.timecnt * 5 + h.typecnt * 6 + h.charcnt + h.leapcnt * 8 + h.isstdcnt + h.isutcnt;
    if (!r.Skip(skip) || !ReadHeader(r, data, &h)) return bad(fmt::format("{} is truncated", path));
  }
  auto z = std::make_shared<TimeZone>();
  z->name_ = std::string(name);
  std::vector<int64_t> times(h.timecnt);
  for (auto& t : times) {
    if (!(v2 ? r.Be64(&t) : r.Be32(&t))) return bad(fmt::format("{} is truncated", path));
  }
  std::vector<uint8_t> idx(h.timecnt);
  for (auto& i : idx) {
    if (!r.Byte(&i) || i >= h.typecnt) return bad(fmt::format("{} is corrupt", path));
  }
  std::vector<int32_t> offsets(h.typecnt);
  for (auto& o : offsets) {
    int64_t off;
    uint8_t isdst, desig;
    if (!r.Be32(&off) || !r.Byte(&isdst) || !r.Byte(&desig))
      return bad(fmt::format("{} is truncated", path));
    o = static_cast<int32_t>(off);
  }
  z->initial_offset_s_ = offsets[0];
  int32_t prev = offsets[0];
  for (size_t i = 0; i < times.size(); ++i) {
    int32_t off = offsets[idx[i]];
    if (off == prev) continue;  // a change of name or isdst only
    z->transitions_.push_back({times[i], off});
    prev = off;
  }
  if (v2) {
    size_t skip = h.charcnt + h.leapcnt * 12 + h.isstdcnt + h.isutcnt;
    if (r.Skip(skip)) {
      std::string_view footer = r.rest();
      if (footer.size() >= 2 && footer[0] == '\n') {
        size_t end = footer.find('\n', 1);
        std::string_view tz = footer.substr(1, end == std::string_view::npos ? 0 : end - 1);
        if (!tz.empty()) {
          auto rule = std::make_unique<Rule>();
          if (RuleParser(tz).Parse(rule.get())) z->rule_ = std::move(rule);
        }
      }
    }
  }
  return std::shared_ptr<const TimeZone>(std::move(z));
}

int32_t TimeZone::RuleOffset(int64_t utc_s) const { return rule_->OffsetAt(utc_s); }

int64_t TimeZone::OffsetAt(int64_t utc_ms) const {
  int64_t s = FloorDiv(utc_ms, 1000);
  if (transitions_.empty() || s < transitions_.front().at_s) {
    if (transitions_.empty() && rule_) return int64_t{RuleOffset(s)} * 1000;
    return int64_t{initial_offset_s_} * 1000;
  }
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), s,
                             [](int64_t v, const Transition& t) { return v < t.at_s; });
  if (it == transitions_.end() && rule_) return int64_t{RuleOffset(s)} * 1000;
  return int64_t{std::prev(it)->offset_s} * 1000;
}

int64_t TimeZone::RuleNextTransition(int64_t utc_s) const {
  auto next = rule_->NextChange(utc_s);
  return next ? *next : std::numeric_limits<int64_t>::min();
}

int64_t TimeZone::NextTransition(int64_t utc_ms) const {
  int64_t s = FloorDiv(utc_ms, 1000);
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), s,
                             [](int64_t v, const Transition& t) { return v < t.at_s; });
  if (it != transitions_.end()) return it->at_s * 1000;
  if (rule_) {
    int64_t from = transitions_.empty() ? s : std::max(s, transitions_.back().at_s);
    int64_t next = RuleNextTransition(from);
    if (next != std::numeric_limits<int64_t>::min()) return next * 1000;
  }
  return utc_ms;
}

int64_t TimeZone::LocalToUtc(int64_t local_ms) const {
  // Joda-Time DateTimeZone.convertLocalToUTC(instantLocal, strict = false).
  int64_t offset_local = OffsetAt(local_ms);
  int64_t offset = OffsetAt(local_ms - offset_local);
  if (offset_local != offset && offset_local < 0) {
    int64_t next_local = NextTransition(local_ms - offset_local);
    if (next_local == local_ms - offset_local) next_local = std::numeric_limits<int64_t>::max();
    int64_t next_adjusted = NextTransition(local_ms - offset);
    if (next_adjusted == local_ms - offset) next_adjusted = std::numeric_limits<int64_t>::max();
    if (next_local != next_adjusted) offset = offset_local;  // in the DST gap
  }
  return local_ms - offset;
}

}  // namespace tributary::lake
