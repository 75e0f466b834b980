// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil):
// one implementation for the Debezium encoder, the snapshot reader and the lake layout.
// Pure; any thread.
#pragma once

#include <cstdint>

namespace tributary {

constexpr int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static_assert(DaysFromCivil(1970, 1, 1) == 0);
static_assert(DaysFromCivil(2000, 3, 1) == 11017);
static_assert(DaysFromCivil(1969, 12, 31) == -1);
static_assert(DaysFromCivil(0, 1, 1) == -719528);

}  // namespace tributary
