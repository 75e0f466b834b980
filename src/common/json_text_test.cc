#include "common/json_text.h"

#include <gtest/gtest.h>

namespace tributary {
namespace {

std::string J(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

TEST(JsonTextTest, EscapesAndPassesUtf8) {
  EXPECT_EQ(J("plain"), "\"plain\"");
  EXPECT_EQ(J("a\"b\\c\n\t\x01"), "\"a\\\"b\\\\c\\n\\t\\u0001\"");
  EXPECT_EQ(J("h\xC3\xA9llo \xF0\x9F\x98\x80"), "\"h\xC3\xA9llo \xF0\x9F\x98\x80\"");  // é, 😀
}

TEST(JsonTextTest, InvalidUtf8BytesBecomeEscapes) {
  EXPECT_EQ(J("caf\xE9"), "\"caf\\u00e9\"");           // latin1 é
  EXPECT_EQ(J("\xC0\xAF"), "\"\\u00c0\\u00af\"");       // overlong '/'
  EXPECT_EQ(J("\xED\xA0\x80"), "\"\\u00ed\\u00a0\\u0080\"");  // surrogate
  EXPECT_EQ(J("\xF0\x9F\x98"), "\"\\u00f0\\u009f\\u0098\"");  // truncated 4-byte
}

}  // namespace
}  // namespace tributary
