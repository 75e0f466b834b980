// TimeZone: UTC offsets of one zone over time, read from the system tz database
// (/usr/share/zoneinfo TZif files, their POSIX footer rule for years past the table), or
// a fixed offset ("UTC", "GMT", "Z", "+02:00", "-0530", "UTC+01:00").
//
// g++ 12 has no <chrono> tzdb and localtime_r needs the process-wide TZ, so this reads the
// files itself: immutable after Load(), safe to share between threads.
// The conversions are Joda-Time's (DateTimeZone), which the Confluent partitioners use.
#pragma once

#include "common/civil_date.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tributary::lake {

class TimeZone {
 public:
  // `name`: an IANA id ("America/New_York"), "UTC"/"GMT"/"Z", or an offset ("+02:00").
  // `zoneinfo_dir`: where the TZif files are (tests may point elsewhere).
  static Result<std::shared_ptr<const TimeZone>> Load(
      std::string_view name, std::string_view zoneinfo_dir = "/usr/share/zoneinfo");
  static std::shared_ptr<const TimeZone> Utc();

  const std::string& name() const { return name_; }

  // Offset from UTC in ms at the instant `utc_ms` (Joda getOffset).
  int64_t OffsetAt(int64_t utc_ms) const;
  // The first transition strictly after `utc_ms`, or `utc_ms` itself when there is none
  // (Joda nextTransition).
  int64_t NextTransition(int64_t utc_ms) const;

  // Joda convertUTCToLocal: utc + offset.
  int64_t UtcToLocal(int64_t utc_ms) const { return utc_ms + OffsetAt(utc_ms); }
  // Joda convertLocalToUTC(local, strict=false): a local time in a DST gap moves forward
  // by the gap; one in an overlap gets Joda's two-step estimate (the earlier instant for
  // zones west of Greenwich, the later one east of it).
  int64_t LocalToUtc(int64_t local_ms) const;

  // Public for the TZif reader; not part of the interface.
  struct Transition {
    int64_t at_s;      // UTC seconds
    int32_t offset_s;  // offset from then on
  };
  struct Rule;  // POSIX TZ footer rule

  TimeZone();
  ~TimeZone();

 private:
  int32_t RuleOffset(int64_t utc_s) const;
  int64_t RuleNextTransition(int64_t utc_s) const;

  std::string name_;
  int32_t initial_offset_s_ = 0;
  std::vector<Transition> transitions_;
  std::unique_ptr<Rule> rule_;  // after the last transition (nullptr: last offset holds)
};

// Civil date-time fields of a local instant (proleptic Gregorian).
struct CivilTime {
  int64_t year;
  int month;  // 1-12
  int day;    // 1-31
  int hour, minute, second, millis;
  int day_of_week;  // 1 = Monday ... 7 = Sunday (ISO, Joda)
  int day_of_year;  // 1-366
};
CivilTime CivilFromLocalMs(int64_t local_ms);
// Days since 1970-01-01 of a civil date (common/civil_date.h).
using ::tributary::DaysFromCivil;

}  // namespace tributary::lake
