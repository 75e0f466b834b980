#include "lake/layout/path_format.h"

#include <gtest/gtest.h>

namespace tributary::lake {
namespace {

int64_t Utc(int64_t y, int mo, int d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  return ((DaysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + s * 1000 + ms;
}

std::string Fmt(std::string_view pattern, int64_t t, std::string_view zone = "UTC") {
  auto f = PathFormat::Compile(pattern);
  EXPECT_TRUE(f.has_value()) << pattern;
  auto z = TimeZone::Load(zone);
  EXPECT_TRUE(z.has_value()) << zone;
  return f->Format(t, **z);
}

TEST(PathFormat, ConfluentPatterns) {
  int64_t t = Utc(2024, 5, 1, 13, 7, 9, 45);
  EXPECT_EQ(Fmt("'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH", t),
            "year=2024/month=05/day=01/hour=13");
  EXPECT_EQ(Fmt("YYYY/MM/dd", t), "2024/05/01");
  EXPECT_EQ(Fmt("yyyy-MM-dd'T'HH:mm:ss.SSS", t), "2024-05-01T13:07:09.045");
  EXPECT_EQ(Fmt("'dt'=yyyyMMdd/'h'=H/'m'=m", t), "dt=20240501/h=13/m=7");
  EXPECT_EQ(Fmt("yy/D/DDD", t), "24/122/122");
  EXPECT_EQ(Fmt("EEE EEEE MMM MMMM e", t), "Wed Wednesday May May 3");
  EXPECT_EQ(Fmt("hh a K k", t), "01 PM 1 13");
  EXPECT_EQ(Fmt("hh a k", Utc(2024, 5, 1, 0, 0)), "12 AM 24");
  EXPECT_EQ(Fmt("S SS SSSS", t), "0 04 0450");
  EXPECT_EQ(Fmt("'it''s' ''", t), "it's '");
  EXPECT_EQ(Fmt("x-'W'ww", Utc(2021, 1, 3)), "2020-W53");  // ISO week-year
  EXPECT_EQ(Fmt("G C", t), "AD 20");
}

TEST(PathFormat, TimeZonesAndOffsets) {
  int64_t t = Utc(2024, 1, 1, 3, 30);  // 22:30 the day before in New York
  EXPECT_EQ(Fmt("'day'=dd/'hour'=HH Z ZZ", t, "America/New_York"), "day=31/hour=22 -0500 -05:00");
  EXPECT_EQ(Fmt("dd HH Z", t, "Asia/Kolkata"), "01 09 +0530");
  EXPECT_EQ(Fmt("ZZZ", t, "Europe/Paris"), "Europe/Paris");
  EXPECT_EQ(Fmt("HH ZZ", t, "UTC"), "03 +00:00");
}

TEST(PathFormat, RefusesWhatJodaRefuses) {
  EXPECT_FALSE(PathFormat::Compile("YYYY/q").has_value());
  EXPECT_FALSE(PathFormat::Compile("'year=YYYY").has_value());
  EXPECT_FALSE(PathFormat::Compile("zzz").has_value());
}

}  // namespace
}  // namespace tributary::lake
