// PathFormat: the Joda-Time DateTimeFormat patterns of `path.format`, e.g.
// "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH".
//
// Supported letters (Joda meaning; count = minimum digits unless noted):
//   G era (AD/BC)      C century of era    Y year of era   y year   x weekyear
//   w week of weekyear e day of week (1-7) E day of week text (E..EEE "Mon", EEEE "Monday")
//   D day of year      M month (M/MM number, MMM "Jan", MMMM "January")   d day of month
//   a AM/PM            K hour 0-11   h hour 1-12   H hour 0-23   k hour 1-24
//   m minute           s second      S fraction of second (count = digits)
//   Z offset (Z "+0100", ZZ "+01:00", ZZZ zone id)
// Two-letter y/Y/x print the last two digits. Text in '...' is literal ('' is a quote);
// other non-letters are literal. Text is English whatever `locale` says (documented).
// Other letters are refused, as Joda refuses them.
// Immutable after Compile(); thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "lake/layout/time_zone.h"

namespace tributary::lake {

class PathFormat {
 public:
  static Result<PathFormat> Compile(std::string_view pattern);

  // Appends the instant `utc_ms`, seen in `zone`, as the pattern says.
  void Format(int64_t utc_ms, const TimeZone& zone, std::string* out) const;
  std::string Format(int64_t utc_ms, const TimeZone& zone) const;

  const std::string& pattern() const { return pattern_; }

  struct Token {
    char letter = 0;  // 0: literal
    int count = 0;
    std::string literal;
  };

 private:
  std::string pattern_;
  std::vector<Token> tokens_;
};

}  // namespace tributary::lake
