#include "lake/layout/time_zone.h"

#include <gtest/gtest.h>

namespace tributary::lake {
namespace {

// Milliseconds of a UTC civil time.
int64_t Utc(int64_t y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return ((DaysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + s * 1000;
}

constexpr int64_t kHour = 3600000;

TEST(TimeZone, CivilConversions) {
  CivilTime c = CivilFromLocalMs(Utc(2024, 2, 29, 13, 45, 7) + 123);
  EXPECT_EQ(c.year, 2024);
  EXPECT_EQ(c.month, 2);
  EXPECT_EQ(c.day, 29);
  EXPECT_EQ(c.hour, 13);
  EXPECT_EQ(c.minute, 45);
  EXPECT_EQ(c.second, 7);
  EXPECT_EQ(c.millis, 123);
  EXPECT_EQ(c.day_of_week, 4);  // Thursday
  EXPECT_EQ(c.day_of_year, 60);
  CivilTime before_epoch = CivilFromLocalMs(-1);
  EXPECT_EQ(before_epoch.year, 1969);
  EXPECT_EQ(before_epoch.hour, 23);
  EXPECT_EQ(before_epoch.millis, 999);
  EXPECT_EQ(DaysFromCivil(2018, 6, 20), 17702);  // formats.md 2.11
}

TEST(TimeZone, FixedOffsets) {
  for (auto [name, offset] : {std::pair<const char*, int64_t>{"UTC", 0},
                              {"Z", 0},
                              {"+02:00", 2 * kHour},
                              {"-0530", -(5 * kHour + 1800000)},
                              {"UTC+01:00", kHour}}) {
    auto z = TimeZone::Load(name);
    ASSERT_TRUE(z.has_value()) << name;
    EXPECT_EQ((*z)->OffsetAt(Utc(2024, 7, 1)), offset) << name;
  }
  EXPECT_FALSE(TimeZone::Load("Mars/Olympus").has_value());
  EXPECT_FALSE(TimeZone::Load("../etc/passwd").has_value());
  EXPECT_FALSE(TimeZone::Load("+25:00").has_value());
}

TEST(TimeZone, NewYorkDst) {
  auto z = TimeZone::Load("America/New_York");
  ASSERT_TRUE(z.has_value()) << z.error().ToString();
  const TimeZone& ny = **z;
  EXPECT_EQ(ny.OffsetAt(Utc(2024, 1, 15)), -5 * kHour);
  EXPECT_EQ(ny.OffsetAt(Utc(2024, 7, 15)), -4 * kHour);
  // Spring forward 2024-03-10 07:00Z (02:00 EST → 03:00 EDT).
  EXPECT_EQ(ny.OffsetAt(Utc(2024, 3, 10, 6, 59, 59)), -5 * kHour);
  EXPECT_EQ(ny.OffsetAt(Utc(2024, 3, 10, 7)), -4 * kHour);
  EXPECT_EQ(ny.NextTransition(Utc(2024, 1, 1)), Utc(2024, 3, 10, 7));
  EXPECT_EQ(ny.NextTransition(Utc(2024, 3, 10, 7)), Utc(2024, 11, 3, 6));
  // Local 02:30 does not exist: Joda moves it forward (07:30Z = 03:30 EDT).
  EXPECT_EQ(ny.LocalToUtc(Utc(2024, 3, 10, 2, 30)), Utc(2024, 3, 10, 7, 30));
  // Local 01:30 on 2024-11-03 happens twice: the earlier (EDT) instant.
  EXPECT_EQ(ny.LocalToUtc(Utc(2024, 11, 3, 1, 30)), Utc(2024, 11, 3, 5, 30));
  EXPECT_EQ(ny.LocalToUtc(Utc(2024, 11, 3, 3, 0)), Utc(2024, 11, 3, 8, 0));
  // Past the TZif table (2037): the POSIX footer rule EST5EDT,M3.2.0,M11.1.0.
  EXPECT_EQ(ny.OffsetAt(Utc(2100, 7, 1)), -4 * kHour);
  EXPECT_EQ(ny.OffsetAt(Utc(2100, 12, 1)), -5 * kHour);
  EXPECT_EQ(ny.OffsetAt(Utc(2100, 3, 14, 6, 59)), -5 * kHour);  // 2nd Sunday of March 2100 = 14th
  EXPECT_EQ(ny.OffsetAt(Utc(2100, 3, 14, 7, 0)), -4 * kHour);
  EXPECT_EQ(ny.NextTransition(Utc(2100, 1, 1)), Utc(2100, 3, 14, 7));
}

TEST(TimeZone, SouthernHemisphereAndHalfHours) {
  auto syd = TimeZone::Load("Australia/Sydney");
  ASSERT_TRUE(syd.has_value());
  EXPECT_EQ((*syd)->OffsetAt(Utc(2024, 1, 15)), 11 * kHour);
  EXPECT_EQ((*syd)->OffsetAt(Utc(2024, 7, 15)), 10 * kHour);
  EXPECT_EQ((*syd)->OffsetAt(Utc(2090, 1, 15)), 11 * kHour);  // footer rule, DST across new year
  EXPECT_EQ((*syd)->OffsetAt(Utc(2090, 7, 15)), 10 * kHour);
  auto kol = TimeZone::Load("Asia/Kolkata");
  ASSERT_TRUE(kol.has_value());
  EXPECT_EQ((*kol)->OffsetAt(Utc(2024, 1, 1)), 5 * kHour + 1800000);
  auto paris = TimeZone::Load("Europe/Paris");
  ASSERT_TRUE(paris.has_value());
  EXPECT_EQ((*paris)->OffsetAt(Utc(2024, 3, 31, 0, 59)), kHour);
  EXPECT_EQ((*paris)->OffsetAt(Utc(2024, 3, 31, 1, 0)), 2 * kHour);
  // Eastern hemisphere gap: local 02:30 on 2024-03-31 → 01:30Z = 03:30 CEST (forward too).
  EXPECT_EQ((*paris)->LocalToUtc(Utc(2024, 3, 31, 2, 30)), Utc(2024, 3, 31, 1, 30));
  // Overlap: local 02:30 on 2024-10-27 happens at 00:30Z and 01:30Z; Joda's two-step
  // estimate lands on the later one east of Greenwich (the earlier one in New York).
  EXPECT_EQ((*paris)->LocalToUtc(Utc(2024, 10, 27, 2, 30)), Utc(2024, 10, 27, 1, 30));
}

}  // namespace
}  // namespace tributary::lake
