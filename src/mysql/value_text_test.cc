// The word-at-a-time UTF-8 and latin1 paths of value_text.cc against byte-by-byte
// references (the conversion rules as written before the fast paths), at every position
// of short strings and on random mixes of ASCII, well-formed and ill-formed sequences.
#include "mysql/value_text.h"

#include <gtest/gtest.h>

#include <array>
#include <random>
#include <string>
#include <vector>

#include "mysql/decimal.h"

namespace tributary::mysql {
namespace {

constexpr uint16_t kUtf8mb4 = 45;   // utf8mb4_general_ci
constexpr uint16_t kUtf8mb3 = 33;   // utf8mb3_general_ci
constexpr uint16_t kBinary = 63;
constexpr uint16_t kLatin1 = 8;     // latin1_swedish_ci
constexpr uint16_t kAscii = 11;     // ascii_general_ci
constexpr std::string_view kFffd = "\xEF\xBF\xBD";

// Reference: one sequence at a time, each maximal ill-formed subpart → U+FFFD.
std::string ReferenceUtf8(std::string_view in) {
  std::string out;
  size_t i = 0;
  while (i < in.size()) {
    const auto b0 = static_cast<unsigned char>(in[i]);
    size_t need = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 < 0x80) {
      out.push_back(in[i++]);
      continue;
    }
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      need = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      need = 3;
      if (b0 == 0xE0) lo = 0xA0;
      if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      need = 4;
      if (b0 == 0xF0) lo = 0x90;
      if (b0 == 0xF4) hi = 0x8F;
    }
    if (need == 0) {
      out.append(kFffd);
      ++i;
      continue;
    }
    size_t k = 1;
    for (; k < need; ++k) {
      if (i + k >= in.size()) break;
      const auto b = static_cast<unsigned char>(in[i + k]);
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) break;
    }
    if (k == need) {
      out.append(in.substr(i, need));
    } else {
      out.append(kFffd);
    }
    i += k;
  }
  return out;
}

std::string ReferenceLatin1(std::string_view in, bool ascii_only) {
  static constexpr std::array<char16_t, 32> kHigh = {
      0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};
  std::string out;
  for (char ch : in) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(ch);
    } else if (ascii_only) {
      out.append(kFffd);
    } else {
      const char32_t cp = c < 0xA0 ? char32_t{kHigh[c - 0x80]} : char32_t{c};
      if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      } else {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      }
    }
  }
  return out;
}

// JSON string literal of already-valid UTF-8, as AppendValueJson escapes it.
std::string ReferenceJson(std::string_view utf8) {
  std::string out = "\"";
  for (char ch : utf8) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      default:
        if (c < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out.append("\\u00");
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string Converted(std::string_view in, uint16_t collation) {
  auto r = ToUtf8(in, collation);
  EXPECT_TRUE(r.has_value());
  return r ? *r : std::string();
}

std::string Json(std::string_view in, uint16_t collation) {
  event::Value v;
  v.kind = event::ValueKind::kString;
  v.charset = collation;
  v.bytes = in;
  std::string out = "prefix";
  EXPECT_TRUE(AppendValueJson(v, &out).ok());
  return out.substr(6);
}

void ExpectAllForms(const std::string& in) {
  const std::string ref = ReferenceUtf8(in);
  ASSERT_EQ(Converted(in, kUtf8mb4), ref) << testing::PrintToString(in);
  ASSERT_EQ(Converted(in, kUtf8mb3), ref);
  ASSERT_EQ(Converted(in, kBinary), ref);
  ASSERT_EQ(Json(in, kUtf8mb4), ReferenceJson(ref));
  ASSERT_EQ(Converted(in, kLatin1), ReferenceLatin1(in, false));
  ASSERT_EQ(Converted(in, kAscii), ReferenceLatin1(in, true));
  ASSERT_EQ(Json(in, kLatin1), ReferenceJson(ReferenceLatin1(in, false)));
}

// Pieces that exercise every branch: ASCII, escapes, each sequence length, the edges of
// the second-byte ranges, truncated sequences, stray continuation and invalid lead bytes.
const std::vector<std::string>& Pieces() {
  static const std::vector<std::string> kPieces = {
      "a", "Z", "\"", "\\", "\n", std::string(1, '\0'), "\x1f", "\x7f",
      "\xC3\xA9",          // é
      "\xE2\x82\xAC",      // €
      "\xF0\x9F\x98\x80",  // U+1F600
      "\xEF\xBF\xBF", "\xF4\x8F\xBF\xBF", "\xE0\xA0\x80", "\xF0\x90\x80\x80",
      "\xC0\xAF", "\xC1\xBF", "\xE0\x9F\xBF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
      "\xF5\x80\x80\x80", "\xFF", "\x80", "\xBF", "\xC3", "\xE2\x82", "\xF0\x9F\x98",
      "\xF0\x9F", "\xE2",
  };
  return kPieces;
}

TEST(Utf8FastPath, EveryPieceAtEveryPositionOfAsciiRuns) {
  for (size_t len = 0; len <= 40; ++len) {
    const std::string ascii(len, 'x');
    ExpectAllForms(ascii);
    for (const std::string& piece : Pieces()) {
      for (size_t at = 0; at <= len; ++at) {
        std::string s = ascii;
        s.insert(at, piece);
        ExpectAllForms(s);
      }
    }
  }
}

TEST(Utf8FastPath, TwoPiecesAcrossWordBoundaries) {
  for (const std::string& a : Pieces()) {
    for (const std::string& b : Pieces()) {
      for (size_t gap = 0; gap <= 18; ++gap) {
        for (size_t lead = 0; lead <= 17; lead += 3) {
          ExpectAllForms(std::string(lead, 'q') + a + std::string(gap, 'r') + b + "tail");
        }
      }
    }
  }
}

TEST(Utf8FastPath, RandomMixes) {
  std::mt19937 rng(20261125);
  const auto& pieces = Pieces();
  for (int n = 0; n < 20000; ++n) {
    std::string s;
    const int parts = static_cast<int>(rng() % 24);
    for (int p = 0; p < parts; ++p) {
      switch (rng() % 4) {
        case 0: s.append(pieces[rng() % pieces.size()]); break;
        case 1: s.push_back(static_cast<char>(rng() % 256)); break;
        default: s.append(std::string(rng() % 20, static_cast<char>('a' + rng() % 26))); break;
      }
    }
    ExpectAllForms(s);
  }
}

TEST(Utf8FastPath, WellFormedTextIsUnchanged) {
  const std::string text =
      "Grüße aus Köln – 東京 😀 and plain ASCII text long enough for several words.";
  EXPECT_EQ(Converted(text, kUtf8mb4), text);
  EXPECT_EQ(Json(text, kUtf8mb4), "\"" + text + "\"");
  const std::string long_ascii(1000, 'k');
  EXPECT_EQ(Converted(long_ascii, kUtf8mb4), long_ascii);
  EXPECT_EQ(Converted(long_ascii, kLatin1), long_ascii);
  // A bad byte deep inside a long ASCII run.
  std::string bad = long_ascii;
  bad[777] = '\xFE';
  EXPECT_EQ(Converted(bad, kUtf8mb4), long_ascii.substr(0, 777) + std::string(kFffd) +
                                          long_ascii.substr(778));
  EXPECT_EQ(Converted(bad, kLatin1), long_ascii.substr(0, 777) + "\xC3\xBE" + long_ascii.substr(778));
}

// The snapshot reader's DECIMAL text renders as the binary form of the same value does.
TEST(ValueJson, DecimalTextAsTheBinaryForm) {
  for (const char* text : {"0.00", "-12.50", "99999.99", "-0.01"}) {
    std::string bin;
    ASSERT_TRUE(AppendDecimalBinary(text, 7, 2, &bin).ok()) << text;
    event::Value b;
    b.kind = event::ValueKind::kDecimal;
    b.precision = 7;
    b.scale = 2;
    b.bytes = bin;
    event::Value t = b;
    t.kind = event::ValueKind::kDecimalText;
    t.bytes = text;
    std::string from_binary, from_text;
    ASSERT_TRUE(AppendValueJson(b, &from_binary).ok());
    ASSERT_TRUE(AppendValueJson(t, &from_text).ok());
    EXPECT_EQ(from_text, from_binary);
    EXPECT_EQ(from_text, std::string("\"") + text + "\"");
  }
}

}  // namespace
}  // namespace tributary::mysql
