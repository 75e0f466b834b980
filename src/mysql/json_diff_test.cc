#include "mysql/json_diff.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common/byte_reader.h"
#include "mysql/json_binary.h"
#include "mysql/json_binary_test_util.h"

namespace tributary::mysql {
namespace {

using testing::AsBytes;
using testing::FromHex;
using testing::JArray;
using testing::JBool;
using testing::JDoc;
using testing::JInt16;
using testing::JNull;
using testing::JObject;
using testing::JString;
using testing::PutLittleEndian;

using Op = JsonDiff::Op;

constexpr std::string_view kTestData = TRIBUTARY_BINLOG_TESTDATA;

// MySQL's net_store_length().
void PutPackedLength(std::string* out, uint64_t n) {
  if (n < 251) {
    out->push_back(static_cast<char>(n));
  } else if (n < 65536) {
    out->push_back(static_cast<char>(0xFC));
    PutLittleEndian(out, n, 2);
  } else if (n < 16777216) {
    out->push_back(static_cast<char>(0xFD));
    PutLittleEndian(out, n, 3);
  } else {
    out->push_back(static_cast<char>(0xFE));
    PutLittleEndian(out, n, 8);
  }
}

// One diff as Json_diff::write_binary writes it.
std::string EncodeDiff(Op op, std::string_view path, std::string_view value = {}) {
  std::string out(1, static_cast<char>(op));
  PutPackedLength(&out, path.size());
  out.append(path);
  if (op != Op::kRemove) {
    PutPackedLength(&out, value.size());
    out.append(value);
  }
  return out;
}

// Parses `diff_bytes` and applies the diffs to `before`.
Result<std::string> Apply(std::string_view before, std::string_view diff_bytes) {
  auto diffs = ParseJsonDiffs(AsBytes(diff_bytes));
  if (!diffs) return Error(diffs.error());
  return ApplyJsonDiffs(AsBytes(before), *diffs);
}

std::string ApplyOrError(std::string_view before, std::string_view diff_bytes) {
  auto text = Apply(before, diff_bytes);
  return text ? *text : "ERROR " + text.error().ToString();
}

// {"a": [1, 2], "n": {"x": "y"}, "b c": true, "name": "Joe"}
std::string SampleDocument() {
  return JDoc(JObject({{"a", JArray({JInt16(1), JInt16(2)})},
                       {"n", JObject({{"x", JString("y")}})},
                       {"b c", JBool(true)},
                       {"name", JString("Joe")}}));
}

// ---------------------------------------------------------------------------------
// The real partial update of mysql8.0.22_json-partial-update (RMC json.binlog.000001):
// `UPDATE t SET json_col = JSON_REPLACE(json_col, '$.age', age + 1)` logged as a
// PARTIAL_UPDATE_ROWS event with one REPLACE $.age diff per row. The before documents
// are the after images of the preceding full UPDATE_ROWS event (age 25/33/41); the
// column bytes were extracted by hand from the file.
TEST(JsonDiffFileTest, ReplaceAgeFromMySql8022) {
  std::ifstream in(
      std::string(kTestData) + "/files/mysql8.0.22_json-partial-update__rust_mysql_common.bin",
      std::ios::binary);
  std::ostringstream file_bytes;
  file_bytes << in.rdbuf();
  const std::string file = file_bytes.str();
  ASSERT_FALSE(file.empty()) << "missing test data file";

  struct Row {
    std::string_view before_hex;  // JSON column of the UPDATE_ROWS after image
    std::string_view column_hex;  // JSON column of the PARTIAL_UPDATE_ROWS after image
    std::string_view expected;
  };
  const std::vector<Row> rows = {
      {"0003003300190003001c000400200004000519000c24000c2f00616765646174616e616d650a7878787878"
       "7878787878034a6f65",
       "0b000000 00 05 242e616765 03 051a00",
       "{\"age\": 26, \"data\": \"xxxxxxxxxx\", \"name\": \"Joe\"}"},
      {"0003003300190003001c000400200004000521000c24000c2f00616765646174616e616d650a7979797979"
       "797979797903537565",
       "0b000000 00 05 242e616765 03 052200",
       "{\"age\": 34, \"data\": \"yyyyyyyyyy\", \"name\": \"Sue\"}"},
      {"0003003400190003001c000400200004000529000c24000c2f00616765646174616e616d650a7a7a7a7a7a"
       "7a7a7a7a7a0450657465",
       "0b000000 00 05 242e616765 03 052a00",
       "{\"age\": 42, \"data\": \"zzzzzzzzzz\", \"name\": \"Pete\"}"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.expected);
    const std::string before = FromHex(row.before_hex);
    const std::string column = FromHex(row.column_hex);
    EXPECT_NE(file.find(before), std::string::npos) << "before document not in the file";
    EXPECT_NE(file.find(column), std::string::npos) << "diff column not in the file";

    // The column: a 4-byte length, then the diffs.
    ByteReader reader(AsBytes(column));
    auto length = reader.ReadU32();
    ASSERT_TRUE(length.has_value());
    ASSERT_EQ(*length, reader.remaining());
    auto diffs = ParseJsonDiffs(reader.Rest());
    ASSERT_TRUE(diffs.has_value()) << diffs.error().ToString();
    ASSERT_EQ(diffs->size(), 1u);
    EXPECT_EQ((*diffs)[0].op, Op::kReplace);
    EXPECT_EQ((*diffs)[0].path, "$.age");
    std::string value;
    ASSERT_TRUE(AppendJsonText((*diffs)[0].value, &value).ok());
    EXPECT_EQ(value, row.expected.substr(8, 2));

    auto after = ApplyJsonDiffs(AsBytes(before), *diffs);
    ASSERT_TRUE(after.has_value()) << after.error().ToString();
    EXPECT_EQ(*after, row.expected);
  }
}

// ---------------------------------------------------------------------------------
// Operations.

TEST(JsonDiffTest, NoDiffsPrintsTheBeforeDocument) {
  auto diffs = ParseJsonDiffs({});
  ASSERT_TRUE(diffs.has_value());
  EXPECT_TRUE(diffs->empty());
  EXPECT_EQ(ApplyOrError(SampleDocument(), ""),
            "{\"a\": [1, 2], \"n\": {\"x\": \"y\"}, \"b c\": true, \"name\": \"Joe\"}");
}

TEST(JsonDiffTest, ReplaceMembersAndElements) {
  const std::string doc = SampleDocument();
  EXPECT_EQ(ApplyOrError(doc, EncodeDiff(Op::kReplace, "$.name", JDoc(JString("Ann")))),
            "{\"a\": [1, 2], \"n\": {\"x\": \"y\"}, \"b c\": true, \"name\": \"Ann\"}");
  EXPECT_EQ(ApplyOrError(doc, EncodeDiff(Op::kReplace, "$.a[1]", JDoc(JNull()))),
            "{\"a\": [1, null], \"n\": {\"x\": \"y\"}, \"b c\": true, \"name\": \"Joe\"}");
  // Nested path, a container as the new value.
  EXPECT_EQ(ApplyOrError(doc, EncodeDiff(Op::kReplace, "$.n.x",
                                         JDoc(JObject({{"deep", JArray({JInt16(7)})}})))),
            "{\"a\": [1, 2], \"n\": {\"x\": {\"deep\": [7]}}, \"b c\": true, \"name\": \"Joe\"}");
  // A quoted member name (Json_path::to_string quotes names that are not identifiers).
  EXPECT_EQ(ApplyOrError(doc, EncodeDiff(Op::kReplace, "$.\"b c\"", JDoc(JBool(false)))),
            "{\"a\": [1, 2], \"n\": {\"x\": \"y\"}, \"b c\": false, \"name\": \"Joe\"}");
  // [last] counts from the end.
  EXPECT_EQ(ApplyOrError(doc, EncodeDiff(Op::kReplace, "$.a[last]", JDoc(JInt16(9)))),
            "{\"a\": [1, 9], \"n\": {\"x\": \"y\"}, \"b c\": true, \"name\": \"Joe\"}");
}

TEST(JsonDiffTest, InsertMembersInMySqlKeyOrder) {
  const std::string doc = SampleDocument();
  // New keys go where MySQL keeps them: by length, then bytes.
  EXPECT_EQ(ApplyOrError(doc, EncodeDiff(Op::kInsert, "$.m", JDoc(JInt16(5)))),
            "{\"a\": [1, 2], \"m\": 5, \"n\": {\"x\": \"y\"}, \"b c\": true, \"name\": \"Joe\"}");
  EXPECT_EQ(ApplyOrError(doc, EncodeDiff(Op::kInsert, "$.zz", JDoc(JString("new")))),
            "{\"a\": [1, 2], \"n\": {\"x\": \"y\"}, \"zz\": \"new\", \"b c\": true, \"name\": "
            "\"Joe\"}");
  EXPECT_EQ(ApplyOrError(doc, EncodeDiff(Op::kInsert, "$.n.\"w\\\"q\"", JDoc(JInt16(1)))),
            "{\"a\": [1, 2], \"n\": {\"x\": \"y\", \"w\\\"q\": 1}, \"b c\": true, \"name\": "
            "\"Joe\"}");
}

TEST(JsonDiffTest, InsertIntoArrays) {
  const std::string doc = JDoc(JObject({{"a", JArray({JInt16(1), JInt16(2), JInt16(3)})}}));
  EXPECT_EQ(ApplyOrError(doc, EncodeDiff(Op::kInsert, "$.a[0]", JDoc(JInt16(0)))),
            "{\"a\": [0, 1, 2, 3]}");
  EXPECT_EQ(ApplyOrError(doc, EncodeDiff(Op::kInsert, "$.a[2]", JDoc(JString("x")))),
            "{\"a\": [1, 2, \"x\", 3]}");
  // An index past the end appends (Json_array::insert_alias clamps).
  EXPECT_EQ(ApplyOrError(doc, EncodeDiff(Op::kInsert, "$.a[17]", JDoc(JInt16(4)))),
            "{\"a\": [1, 2, 3, 4]}");
  // [last] is the position of the last element; [last-9] is before the start: 0.
  EXPECT_EQ(ApplyOrError(doc, EncodeDiff(Op::kInsert, "$.a[last]", JDoc(JInt16(9)))),
            "{\"a\": [1, 2, 9, 3]}");
  EXPECT_EQ(ApplyOrError(doc, EncodeDiff(Op::kInsert, "$.a[last-9]", JDoc(JInt16(9)))),
            "{\"a\": [9, 1, 2, 3]}");
  // Into an array inside an array.
  const std::string nested = JDoc(JArray({JArray({}), JInt16(1)}));
  EXPECT_EQ(ApplyOrError(nested, EncodeDiff(Op::kInsert, "$[0][0]", JDoc(JBool(true)))),
            "[[true], 1]");
}

TEST(JsonDiffTest, RemoveMembersAndElements) {
  const std::string doc = SampleDocument();
  EXPECT_EQ(ApplyOrError(doc, EncodeDiff(Op::kRemove, "$.\"b c\"")),
            "{\"a\": [1, 2], \"n\": {\"x\": \"y\"}, \"name\": \"Joe\"}");
  EXPECT_EQ(ApplyOrError(doc, EncodeDiff(Op::kRemove, "$.n.x")),
            "{\"a\": [1, 2], \"n\": {}, \"b c\": true, \"name\": \"Joe\"}");
  EXPECT_EQ(ApplyOrError(doc, EncodeDiff(Op::kRemove, "$.a[0]")),
            "{\"a\": [2], \"n\": {\"x\": \"y\"}, \"b c\": true, \"name\": \"Joe\"}");
  EXPECT_EQ(ApplyOrError(doc, EncodeDiff(Op::kRemove, "$.a[last]")),
            "{\"a\": [1], \"n\": {\"x\": \"y\"}, \"b c\": true, \"name\": \"Joe\"}");
}

// Several diffs on one column apply in order, each to the result of the previous one.
TEST(JsonDiffTest, SeveralOperationsOnOneColumn) {
  const std::string diffs = EncodeDiff(Op::kReplace, "$.name", JDoc(JString("Ann"))) +
                            EncodeDiff(Op::kInsert, "$.a[0]", JDoc(JInt16(0))) +
                            EncodeDiff(Op::kRemove, "$.a[2]") +  // the 2, now at index 2
                            EncodeDiff(Op::kInsert, "$.n.list", JDoc(JArray({}))) +
                            EncodeDiff(Op::kInsert, "$.n.list[0]", JDoc(JString("first"))) +
                            EncodeDiff(Op::kRemove, "$.\"b c\"");
  auto parsed = ParseJsonDiffs(AsBytes(diffs));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  ASSERT_EQ(parsed->size(), 6u);
  EXPECT_EQ((*parsed)[2].op, Op::kRemove);
  EXPECT_TRUE((*parsed)[2].value.empty());
  EXPECT_EQ((*parsed)[4].path, "$.n.list[0]");
  EXPECT_EQ(ApplyOrError(SampleDocument(), diffs),
            "{\"a\": [0, 1], \"n\": {\"x\": \"y\", \"list\": [\"first\"]}, \"name\": \"Ann\"}");
}

TEST(JsonDiffTest, PathSyntaxMySqlAccepts) {
  const std::string doc = SampleDocument();
  // Whitespace between tokens, escapes in quoted and unquoted names.
  EXPECT_EQ(ApplyOrError(doc, EncodeDiff(Op::kReplace, " $ .n . x ", JDoc(JInt16(1)))),
            "{\"a\": [1, 2], \"n\": {\"x\": 1}, \"b c\": true, \"name\": \"Joe\"}");
  EXPECT_EQ(ApplyOrError(doc, EncodeDiff(Op::kReplace, "$.a[ 1 ]", JDoc(JInt16(5)))),
            "{\"a\": [1, 5], \"n\": {\"x\": \"y\"}, \"b c\": true, \"name\": \"Joe\"}");
  EXPECT_EQ(ApplyOrError(doc, EncodeDiff(Op::kReplace, "$.\"\\u006eame\"", JDoc(JNull()))),
            "{\"a\": [1, 2], \"n\": {\"x\": \"y\"}, \"b c\": true, \"name\": null}");
  // Non-ASCII names, escaped as a surrogate pair or written as UTF-8.
  const std::string emoji_doc = JDoc(JObject({{"\xf0\x9f\x98\x80", JInt16(1)}}));
  EXPECT_EQ(ApplyOrError(emoji_doc, EncodeDiff(Op::kRemove, "$.\"\\ud83d\\ude00\"")), "{}");
  EXPECT_EQ(ApplyOrError(emoji_doc, EncodeDiff(Op::kRemove, "$.\xf0\x9f\x98\x80")), "{}");
}

// ---------------------------------------------------------------------------------
// Diffs that do not apply to the before document.

TEST(JsonDiffTest, DiffsThatDoNotApplyAreErrors) {
  const std::string doc = SampleDocument();
  const std::vector<std::pair<std::string, std::string_view>> cases = {
      {EncodeDiff(Op::kReplace, "$.missing", JDoc(JNull())), "does not exist"},
      {EncodeDiff(Op::kReplace, "$.a[2]", JDoc(JNull())), "does not exist"},
      {EncodeDiff(Op::kReplace, "$.a.x", JDoc(JNull())), "does not exist"},
      {EncodeDiff(Op::kReplace, "$[0]", JDoc(JNull())), "does not exist"},
      {EncodeDiff(Op::kReplace, "$", JDoc(JNull())), "whole document"},
      {EncodeDiff(Op::kInsert, "$.name", JDoc(JNull())), "already exists"},
      {EncodeDiff(Op::kInsert, "$.name.x", JDoc(JNull())), "does not lead"},
      {EncodeDiff(Op::kInsert, "$.a.x", JDoc(JNull())), "does not lead"},
      {EncodeDiff(Op::kInsert, "$.missing.x", JDoc(JNull())), "does not lead"},
      {EncodeDiff(Op::kRemove, "$.missing"), "does not exist"},
      {EncodeDiff(Op::kRemove, "$.a[2]"), "does not exist"},
      {EncodeDiff(Op::kRemove, "$.a[last-2]"), "does not exist"},
      {EncodeDiff(Op::kRemove, "$.name[0]"), "does not lead"},
      {EncodeDiff(Op::kRemove, "$"), "whole document"},
      // A later diff that no longer applies after an earlier one.
      {EncodeDiff(Op::kRemove, "$.n") + EncodeDiff(Op::kRemove, "$.n.x"), "diff 1"},
  };
  for (const auto& [diffs, message] : cases) {
    auto text = Apply(doc, diffs);
    ASSERT_FALSE(text.has_value()) << *text;
    EXPECT_EQ(text.error().code(), StatusCode::kCorruption);
    EXPECT_NE(text.error().message().find(message), std::string::npos) << text.error().ToString();
  }
  // An empty before document is JSON null: no path exists in it.
  EXPECT_EQ(ApplyOrError("", EncodeDiff(Op::kReplace, "$.a", JDoc(JNull()))).substr(0, 5), "ERROR");
}

TEST(JsonDiffTest, ResultDeeperThanMySqlAllowsIsAnError) {
  testing::JsonBin deep = JArray({});
  for (int i = 1; i < kJsonMaxDepth; ++i) deep = JArray({deep});  // 100 levels
  const std::string doc = JDoc(JObject({{"a", JInt16(1)}}));
  // 100 levels under $.a would be 101 in the document.
  auto text = Apply(doc, EncodeDiff(Op::kReplace, "$.a", JDoc(deep)));
  ASSERT_FALSE(text.has_value());
  EXPECT_NE(text.error().message().find("deeper than 100"), std::string::npos);
  // 99 levels fit.
  testing::JsonBin fits = JArray({});
  for (int i = 1; i < kJsonMaxDepth - 1; ++i) fits = JArray({fits});
  EXPECT_EQ(ApplyOrError(doc, EncodeDiff(Op::kReplace, "$.a", JDoc(fits))),
            "{\"a\": " + std::string(99, '[') + std::string(99, ']') + "}");
}

// ---------------------------------------------------------------------------------
// Malformed diff lists.

TEST(JsonDiffTest, MalformedDiffListsAreErrors) {
  const std::string value = JDoc(JInt16(1));
  std::string long_path_length(1, '\0');
  PutPackedLength(&long_path_length, 300);
  long_path_length += "$.a";
  const std::vector<std::pair<std::string, std::string_view>> cases = {
      {std::string(1, '\x03') + EncodeDiff(Op::kRemove, "$.a").substr(1), "unknown operation 3"},
      {std::string(1, '\x00'), "offset 0"},               // no path length
      {std::string("\x00\x05$.a", 4), "offset 0"},        // path shorter than its length
      {std::string("\x02\xfb$.a", 4), "length-encoded"},  // NULL length prefix
      {std::string("\x02\xff$.a", 4), "length-encoded"},
      {long_path_length, "offset 0"},                           // 2-byte length past the end
      {std::string("\x00\x03$.a", 4), "offset 0"},              // REPLACE without a value
      {std::string("\x00\x03$.a\x05\x05\x01", 7), "offset 0"},  // value shorter than its length
      {EncodeDiff(Op::kReplace, "$.a", "\x0d"), "unknown value type"},
      {EncodeDiff(Op::kReplace, "$.a", FromHex("0201000800 0c0800 00")), "value at offset 6"},
      {EncodeDiff(Op::kRemove, "$.a") + std::string(1, '\x01'), "offset 5"},  // trailing op
      // Paths MySQL's parse_path() rejects, or that never appear in diffs.
      {EncodeDiff(Op::kRemove, ""), "does not start with $"},
      {EncodeDiff(Op::kRemove, "a.b"), "does not start with $"},
      {EncodeDiff(Op::kRemove, "$a"), "expected . or ["},
      {EncodeDiff(Op::kRemove, "$."), "missing member name"},
      {EncodeDiff(Op::kRemove, "$.1a"), "not an identifier"},
      {EncodeDiff(Op::kRemove, "$.\"abc"), "unterminated"},
      {EncodeDiff(Op::kRemove, "$.\"a\\qb\""), "invalid escape"},
      {EncodeDiff(Op::kRemove, "$.\"\\ud800\""), "surrogate"},
      {EncodeDiff(Op::kRemove, "$.\"a\nb\""), "invalid character"},
      {EncodeDiff(Op::kRemove, "$["), "missing array index"},
      {EncodeDiff(Op::kRemove, "$[x]"), "expected an array index"},
      {EncodeDiff(Op::kRemove, "$[1"), "unterminated array index"},
      {EncodeDiff(Op::kRemove, "$[4294967296]"), "too large"},
      {EncodeDiff(Op::kRemove, "$[1 to 2]"), "ranges"},
      {EncodeDiff(Op::kRemove, "$.*"), "wildcards"},
      {EncodeDiff(Op::kRemove, "$[*]"), "wildcards"},
      {EncodeDiff(Op::kRemove, "$**.a"), "wildcards"},
  };
  for (const auto& [bytes, message] : cases) {
    auto diffs = ParseJsonDiffs(AsBytes(bytes));
    ASSERT_FALSE(diffs.has_value()) << "accepted: " << message;
    EXPECT_EQ(diffs.error().code(), StatusCode::kCorruption);
    EXPECT_NE(diffs.error().message().find(message), std::string::npos) << diffs.error().ToString();
  }
}

// Paths are parsed again by ApplyJsonDiffs, so hand-made JsonDiff values are checked too.
TEST(JsonDiffTest, ApplyChecksHandMadeDiffs) {
  const std::string doc = SampleDocument();
  const std::string value = FromHex("0201000800 0c0800 00");  // corrupt
  const JsonDiff bad_path{Op::kRemove, "$..a", {}};
  const JsonDiff bad_value{Op::kReplace, "$.a", AsBytes(value)};
  const JsonDiff bad_op{static_cast<Op>(7), "$.a", {}};
  for (const JsonDiff& diff : {bad_path, bad_value, bad_op}) {
    auto text = ApplyJsonDiffs(AsBytes(doc), std::span<const JsonDiff>(&diff, 1));
    EXPECT_FALSE(text.has_value()) << *text;
  }
  auto corrupt_before = ApplyJsonDiffs(AsBytes(value), {});
  ASSERT_FALSE(corrupt_before.has_value());
  EXPECT_NE(corrupt_before.error().message().find("before image"), std::string::npos);
}

// Random changes to a valid diff list and document give an error or a result, never a
// crash (run under ASan).
TEST(JsonDiffTest, RandomByteFlipsNeverCrash) {
  const std::string doc = SampleDocument();
  const std::string diffs = EncodeDiff(Op::kReplace, "$.name", JDoc(JString("Ann"))) +
                            EncodeDiff(Op::kInsert, "$.a[1]", JDoc(JArray({JInt16(5)}))) +
                            EncodeDiff(Op::kRemove, "$.\"b c\"");
  std::mt19937 rng(42);
  size_t applied = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string mutated_doc = doc;
    std::string mutated_diffs = diffs;
    std::string& target = (round % 2 == 0) ? mutated_doc : mutated_diffs;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) {
      target[rng() % target.size()] = static_cast<char>(rng() & 0xFF);
    }
    auto text = Apply(mutated_doc, mutated_diffs);
    if (text) {
      ++applied;
    } else {
      EXPECT_EQ(text.error().code(), StatusCode::kCorruption) << text.error().ToString();
    }
  }
  EXPECT_GT(applied, 0u);
}

TEST(JsonDiffTest, OpNames) {
  EXPECT_EQ(JsonDiffOpName(Op::kReplace), "REPLACE");
  EXPECT_EQ(JsonDiffOpName(Op::kInsert), "INSERT");
  EXPECT_EQ(JsonDiffOpName(Op::kRemove), "REMOVE");
}

}  // namespace
}  // namespace tributary::mysql
