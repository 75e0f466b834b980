// IsCanonicalDecimalText against the binary path it replaces: a text is canonical exactly
// when text → AppendDecimalBinary → AppendDecimalText gives the same text back.
#include "snapshot/decimal_text.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "mysql/decimal.h"

namespace tributary::snapshot {
namespace {

// What the reader's binary path makes of `text`: nullopt when the text is rejected.
std::optional<std::string> RoundTrip(std::string_view text, int p, int s) {
  std::string bin, out;
  if (!mysql::AppendDecimalBinary(text, p, s, &bin).ok()) return std::nullopt;
  if (!mysql::AppendDecimalText(bin, p, s, &out).ok()) return std::nullopt;
  return out;
}

void ExpectAgrees(std::string_view text, int p, int s) {
  auto rt = RoundTrip(text, p, s);
  const bool same = rt.has_value() && *rt == text;
  EXPECT_EQ(IsCanonicalDecimalText(text, p, s), same)
      << "'" << text << "' as DECIMAL(" << p << "," << s << "), round trip '"
      << rt.value_or("<rejected>") << "'";
}

TEST(DecimalText, WhatTheServerSends) {
  // MariaDB 10.11, binary protocol (row_reader_service_test.cc checks against the binlog).
  EXPECT_TRUE(IsCanonicalDecimalText("5.00", 12, 2));
  EXPECT_TRUE(IsCanonicalDecimalText("-0.50", 12, 2));
  EXPECT_TRUE(IsCanonicalDecimalText("0.00", 12, 2));
  EXPECT_TRUE(IsCanonicalDecimalText("0.50000", 10, 5));
  EXPECT_TRUE(IsCanonicalDecimalText("123", 5, 0));
  EXPECT_TRUE(IsCanonicalDecimalText("-99999", 5, 0));
  EXPECT_TRUE(IsCanonicalDecimalText("0", 5, 0));
  EXPECT_TRUE(IsCanonicalDecimalText("0.12", 2, 2));
  EXPECT_TRUE(IsCanonicalDecimalText("-0.99", 2, 2));
  const std::string max65(65, '9');
  EXPECT_TRUE(IsCanonicalDecimalText(max65, 65, 0));
  EXPECT_TRUE(IsCanonicalDecimalText("-" + max65, 65, 0));
  EXPECT_TRUE(IsCanonicalDecimalText(std::string(35, '9') + "." + std::string(30, '9'), 65, 30));
}

TEST(DecimalText, OtherFormsTakeTheBinaryPath) {
  EXPECT_FALSE(IsCanonicalDecimalText("005.00", 12, 2));   // ZEROFILL
  EXPECT_FALSE(IsCanonicalDecimalText("0000000005", 10, 0));
  EXPECT_FALSE(IsCanonicalDecimalText("-0.00", 12, 2));    // negative zero
  EXPECT_FALSE(IsCanonicalDecimalText("-0", 5, 0));
  EXPECT_FALSE(IsCanonicalDecimalText("+5.00", 12, 2));
  EXPECT_FALSE(IsCanonicalDecimalText("5.0", 12, 2));      // scale differs
  EXPECT_FALSE(IsCanonicalDecimalText("5.000", 12, 2));
  EXPECT_FALSE(IsCanonicalDecimalText("5", 12, 2));
  EXPECT_FALSE(IsCanonicalDecimalText("5.", 12, 0));
  EXPECT_FALSE(IsCanonicalDecimalText(".50", 12, 2));
  EXPECT_FALSE(IsCanonicalDecimalText("", 12, 2));
  EXPECT_FALSE(IsCanonicalDecimalText("-", 12, 2));
  EXPECT_FALSE(IsCanonicalDecimalText("1e5", 12, 0));
  EXPECT_FALSE(IsCanonicalDecimalText("1 ", 12, 0));
  EXPECT_FALSE(IsCanonicalDecimalText("123456", 5, 0));    // does not fit
  EXPECT_FALSE(IsCanonicalDecimalText("1.50", 2, 2));
  EXPECT_FALSE(IsCanonicalDecimalText("1", 66, 0));        // outside the limits
  EXPECT_FALSE(IsCanonicalDecimalText("1", 5, 6));
}

TEST(DecimalText, AgreesWithTheBinaryRoundTrip) {
  std::mt19937 rng(20261125);
  const char kAlphabet[] = "0123456789000000-.+ e";
  int canonical = 0, total = 0;
  for (int iter = 0; iter < 200000; ++iter) {
    const int p = 1 + static_cast<int>(rng() % 65);
    const int s = static_cast<int>(rng() % (std::min(p, 30) + 1));
    std::string text;
    if (rng() % 2) {
      // A value of the column, printed canonically, then perhaps mutated.
      std::string digits;
      const int intg = p - s;
      const int n_int = intg == 0 ? 0 : static_cast<int>(rng() % (intg + 1));
      for (int i = 0; i < n_int; ++i) digits.push_back(static_cast<char>('0' + rng() % 10));
      if (digits.empty()) digits = "0";
      text = (rng() % 3 == 0 ? "-" : "") + digits;
      if (s > 0) {
        text.push_back('.');
        for (int i = 0; i < s; ++i) text.push_back(static_cast<char>('0' + rng() % 10));
      }
      if (auto rt = RoundTrip(text, p, s); rt && rng() % 2) text = *rt;
      if (rng() % 4 == 0 && !text.empty()) {
        const size_t at = rng() % (text.size() + 1);
        switch (rng() % 3) {
          case 0: text.insert(at, 1, kAlphabet[rng() % (sizeof(kAlphabet) - 1)]); break;
          case 1:
            if (at < text.size()) text.erase(at, 1);
            break;
          default:
            if (at < text.size()) text[at] = kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
            break;
        }
      }
    } else {
      const size_t len = rng() % 12;
      for (size_t i = 0; i < len; ++i) text.push_back(kAlphabet[rng() % (sizeof(kAlphabet) - 1)]);
    }
    ExpectAgrees(text, p, s);
    canonical += IsCanonicalDecimalText(text, p, s);
    ++total;
    if (HasFailure()) break;
  }
  // Both kinds of input were tried in bulk.
  EXPECT_GT(canonical, total / 5);
  EXPECT_GT(total - canonical, total / 5);
}

}  // namespace
}  // namespace tributary::snapshot
