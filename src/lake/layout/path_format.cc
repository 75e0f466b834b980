#include "lake/layout/path_format.h"

#include <fmt/format.h>

#include <cstdlib>

namespace tributary::lake {

namespace {

constexpr std::string_view kSupported = "GCYyxwweEDMdaKhHkmsSZ";

bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

void AppendPadded(int64_t v, int min_digits, std::string* out) {
  if (v < 0) {
    out->push_back('-');
    v = -v;
  }
  std::string digits = std::to_string(v);
  if (static_cast<int>(digits.size()) < min_digits) out->append(min_digits - digits.size(), '0');
  out->append(digits);
}

constexpr std::string_view kMonths[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};
constexpr std::string_view kDays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                      "Friday", "Saturday", "Sunday"};

// ISO week-based year and week of a civil date.
void IsoWeek(const CivilTime& c, int64_t* weekyear, int* week) {
  int64_t days = DaysFromCivil(c.year, c.month, c.day);
  int64_t thursday = days - (c.day_of_week - 1) + 3;
  CivilTime t = CivilFromLocalMs(thursday * 86400000);
  *weekyear = t.year;
  *week = static_cast<int>((thursday - DaysFromCivil(t.year, 1, 1)) / 7 + 1);
}

void AppendOffset(int64_t offset_ms, bool colon, std::string* out) {
  int64_t s = offset_ms / 1000;
  out->push_back(s < 0 ? '-' : '+');
  if (s < 0) s = -s;
  AppendPadded(s / 3600, 2, out);
  if (colon) out->push_back(':');
  AppendPadded(s / 60 % 60, 2, out);
}

}  // namespace

Result<PathFormat> PathFormat::Compile(std::string_view pattern) {
  PathFormat f;
  f.pattern_ = std::string(pattern);
  size_t i = 0;
  auto literal = [&](std::string_view text) {
    if (!f.tokens_.empty() && f.tokens_.back().letter == 0) {
      f.tokens_.back().literal.append(text);
    } else {
      Token t;
      t.literal = std::string(text);
      f.tokens_.push_back(std::move(t));
    }
  };
  while (i < pattern.size()) {
    char c = pattern[i];
    if (c == '\'') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {  // '' is a quote
        literal("'");
        i += 2;
        continue;
      }
      std::string text;
      size_t j = i + 1;
      bool closed = false;
      while (j < pattern.size()) {
        if (pattern[j] == '\'') {
          if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {
            text.push_back('\'');
            j += 2;
            continue;
          }
          closed = true;
          break;
        }
        text.push_back(pattern[j++]);
      }
      if (!closed) {
        return Error(Status::InvalidArgument(
            fmt::format("path.format '{}': a quote is not closed", pattern)));
      }
      literal(text);
      i = j + 1;
      continue;
    }
    if (!IsLetter(c)) {
      literal(std::string_view(&pattern[i], 1));
      ++i;
      continue;
    }
    size_t j = i;
    while (j < pattern.size() && pattern[j] == c) ++j;
    if (kSupported.find(c) == std::string_view::npos) {
      return Error(Status::InvalidArgument(fmt::format(
          "path.format '{}': pattern letter '{}' is not supported (Joda letters G C Y y x w e E "
          "D M d a K h H k m s S Z; quote literal text with ')",
          pattern, c)));
    }
    Token t;
    t.letter = c;
    t.count = static_cast<int>(j - i);
    f.tokens_.push_back(std::move(t));
    i = j;
  }
  return f;
}

void PathFormat::Format(int64_t utc_ms, const TimeZone& zone, std::string* out) const {
  int64_t offset = zone.OffsetAt(utc_ms);
  CivilTime c = CivilFromLocalMs(utc_ms + offset);
  for (const Token& t : tokens_) {
    if (t.letter == 0) {
      out->append(t.literal);
      continue;
    }
    int n = t.count;
    switch (t.letter) {
      case 'G': out->append(c.year > 0 ? "AD" : "BC"); break;
      case 'C': AppendPadded((c.year > 0 ? c.year : 1 - c.year) / 100, n, out); break;
      case 'Y':
      case 'y':
      case 'x': {
        int64_t y = c.year;
        if (t.letter == 'Y' && y <= 0) y = 1 - y;  // year of era
        if (t.letter == 'x') {
          int week;
          IsoWeek(c, &y, &week);
        }
        if (n == 2) {
          AppendPadded(((y % 100) + 100) % 100, 2, out);
        } else {
          AppendPadded(y, n, out);
        }
        break;
      }
      case 'w': {
        int64_t wy;
        int week;
        IsoWeek(c, &wy, &week);
        AppendPadded(week, n, out);
        break;
      }
      case 'e': AppendPadded(c.day_of_week, n, out); break;
      case 'E': {
        std::string_view name = kDays[c.day_of_week - 1];
        out->append(n >= 4 ? name : name.substr(0, 3));
        break;
      }
      case 'D': AppendPadded(c.day_of_year, n, out); break;
      case 'M':
        if (n >= 3) {
          std::string_view name = kMonths[c.month - 1];
          out->append(n >= 4 ? name : name.substr(0, 3));
        } else {
          AppendPadded(c.month, n, out);
        }
        break;
      case 'd': AppendPadded(c.day, n, out); break;
      case 'a': out->append(c.hour < 12 ? "AM" : "PM"); break;
      case 'K': AppendPadded(c.hour % 12, n, out); break;
      case 'h': AppendPadded(c.hour % 12 == 0 ? 12 : c.hour % 12, n, out); break;
      case 'H': AppendPadded(c.hour, n, out); break;
      case 'k': AppendPadded(c.hour == 0 ? 24 : c.hour, n, out); break;
      case 'm': AppendPadded(c.minute, n, out); break;
      case 's': AppendPadded(c.second, n, out); break;
      case 'S': {
        // Joda's fraction of second: exactly `n` digits, milliseconds truncated or padded.
        std::string ms = fmt::format("{:03d}", c.millis);
        if (n <= 3) {
          out->append(ms.substr(0, static_cast<size_t>(n)));
        } else {
          out->append(ms);
          out->append(static_cast<size_t>(n - 3), '0');
        }
        break;
      }
      case 'Z':
        if (n >= 3) {
          out->append(zone.name());
        } else {
          AppendOffset(offset, n == 2, out);
        }
        break;
      default: break;
    }
  }
}

std::string PathFormat::Format(int64_t utc_ms, const TimeZone& zone) const {
  std::string out;
  Format(utc_ms, zone, &out);
  return out;
}

}  // namespace tributary::lake
