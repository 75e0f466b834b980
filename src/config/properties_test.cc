#include "config/properties.h"

#include <gtest/gtest.h>

namespace tributary::config {
namespace {

TEST(PropertiesTest, SeparatorsCommentsAndContinuations) {
  auto props = ParseProperties(
      "# comment\n"
      "! also a comment\n"
      "a=1\n"
      "b : two words \n"
      "c three\n"
      "   \n"
      "d = first \\\n"
      "    second\n"
      "e\\=key = x\\ty\n"
      "f=\\u00e9t\\u00E9\n"
      "empty=\n"
      "last=no newline");
  ASSERT_TRUE(props.has_value()) << props.error().ToString();
  PropertyList want = {{"a", "1"},        {"b", "two words "},   {"c", "three"},
                       {"d", "first second"}, {"e=key", "x\ty"}, {"f", "\xC3\xA9t\xC3\xA9"},
                       {"empty", ""},     {"last", "no newline"}};
  EXPECT_EQ(*props, want);
}

TEST(PropertiesTest, CrlfAndRepeatedKeysKeptInOrder) {
  auto props = ParseProperties("k=1\r\nk=2\r\n");
  ASSERT_TRUE(props.has_value());
  ASSERT_EQ(props->size(), 2u);
  EXPECT_EQ((*props)[1].second, "2");
}

TEST(PropertiesTest, MalformedUnicodeEscapeNamesTheLine) {
  auto props = ParseProperties("ok=1\nbad=\\u12\n");
  ASSERT_FALSE(props.has_value());
  EXPECT_NE(props.error().message().find("line 2"), std::string::npos);
  EXPECT_FALSE(ParseProperties("bad=\\u12G4").has_value());
}

}  // namespace
}  // namespace tributary::config
