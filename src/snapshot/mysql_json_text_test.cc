// AppendJsonBinaryFromText: MySQL's JSON text → binary document, checked through the
// binlog's binary JSON decoder: decode(encode(text printed by the decoder)) must print
// the same text again.
#include "snapshot/mysql_json_text.h"

#include <gtest/gtest.h>

#include <span>

#include "mysql/json_binary.h"
#include "mysql/json_binary_test_util.h"

namespace tributary::snapshot {
namespace {

std::string BinaryToText(std::string_view bin) {
  std::string out;
  Status s = mysql::AppendJsonText(
      std::span<const std::byte>(reinterpret_cast<const std::byte*>(bin.data()), bin.size()), &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

std::string TextToBinary(std::string_view text) {
  std::string out;
  Status s = AppendJsonBinaryFromText(text, &out);
  EXPECT_TRUE(s.ok()) << text << ": " << s.ToString();
  return out;
}

TEST(MySqlJsonText, ServerTextRoundTrips) {
  // Texts as MySQL prints them (Json_wrapper::to_string), keys in stored order.
  for (const char* text : {
           R"({"a": 1, "b": [true, false, null], "cc": {"x": "y"}})",
           R"([])", R"({})", R"("just a string")", "null", "true", "-17",
           "18446744073709551615", "9223372036854775807", "-9223372036854775808",
           "1.5", "-0.0", "1e300", "2.5e-308", "0.1", "100.0",
           R"(["esc \" \\ \n \t \u0001", "ünïcödé 😀", ""])",
           R"({"k": [1, [2, [3, [4, {"deep": [5.25]}]]]]})",
       }) {
    std::string once = BinaryToText(TextToBinary(text));
    EXPECT_EQ(BinaryToText(TextToBinary(once)), once) << text;
  }
}

TEST(MySqlJsonText, MatchesServerDocuments) {
  using namespace mysql::testing;
  // A document as the server stores it (small containers, int16) and its printed text:
  // re-encoding the text must print exactly as the original document does.
  std::string server = JDoc(JObject({{"a", JInt16(1)},
                                     {"bb", JArray({JDouble(1.5), JString("x"), JNull(),
                                                    JUint32(4000000000u), JInt32(-70000)})}}));
  std::string text = BinaryToText(server);
  EXPECT_EQ(text, R"({"a": 1, "bb": [1.5, "x", null, 4000000000, -70000]})");
  EXPECT_EQ(BinaryToText(TextToBinary(text)), text);
  std::string long_string(70000, 'z');
  std::string doc = "[\"" + long_string + "\", 65536, -32769]";
  EXPECT_EQ(BinaryToText(TextToBinary(doc)), doc);
}

TEST(MySqlJsonText, RejectsNonJson) {
  std::string out = "keep";
  EXPECT_FALSE(AppendJsonBinaryFromText("{", &out).ok());
  EXPECT_FALSE(AppendJsonBinaryFromText("", &out).ok());
  std::string deep(101, '[');
  deep += std::string(101, ']');
  EXPECT_FALSE(AppendJsonBinaryFromText(deep, &out).ok());
  EXPECT_EQ(out, "keep");
}

}  // namespace
}  // namespace tributary::snapshot
