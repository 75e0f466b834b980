#include "schema/ddl_lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tributary::schema {
namespace {

// "kind:text" per token, kEnd left out.
std::vector<std::string> Lex(std::string_view sql) {
  auto tokens = TokenizeDdl(sql);
  EXPECT_TRUE(tokens.has_value()) << (tokens ? "" : tokens.error().ToString());
  std::vector<std::string> out;
  if (!tokens) return out;
  EXPECT_EQ(tokens->back().kind, TokenKind::kEnd);
  for (const Token& t : *tokens) {
    if (t.kind == TokenKind::kEnd) break;
    std::string s;
    switch (t.kind) {
      case TokenKind::kIdentifier: s = "id"; break;
      case TokenKind::kQuotedIdentifier: s = "qid"; break;
      case TokenKind::kString: s = t.double_quoted ? "dstr" : "str"; break;
      case TokenKind::kNumber: s = "num"; break;
      case TokenKind::kHexLiteral: s = "hex"; break;
      case TokenKind::kBitLiteral: s = "bit"; break;
      case TokenKind::kVariable: s = "var"; break;
      case TokenKind::kOperator: s = "op"; break;
      case TokenKind::kEnd: break;
    }
    out.push_back(s + ":" + t.text + (t.introducer.empty() ? "" : "@" + t.introducer));
  }
  return out;
}

using V = std::vector<std::string>;

TEST(DdlLexer, IdentifiersAndQuoting) {
  EXPECT_EQ(Lex("CREATE `my``tbl` \"ansi\" t$1 1abc `` _x"),
            (V{"id:CREATE", "qid:my`tbl", "dstr:ansi", "id:t$1", "id:1abc", "qid:", "id:_x"}));
  EXPECT_EQ(Lex("db.`t`.c"), (V{"id:db", "op:.", "qid:t", "op:.", "id:c"}));
  EXPECT_EQ(Lex("t.1col"), (V{"id:t", "op:.", "id:1col"}));
  EXPECT_EQ(Lex("\xe6\x97\xa5\xe6\x9c\xac"), (V{"id:\xe6\x97\xa5\xe6\x9c\xac"}));
}

TEST(DdlLexer, StringsAndEscapes) {
  EXPECT_EQ(Lex(R"('it''s' 'a\nb' "q\"x" 'x\%y' '\\')"),
            (V{"str:it's", "str:a\nb", "dstr:q\"x", "str:x\\%y", "str:\\"}));
  EXPECT_EQ(Lex("_utf8mb4'abc' N'n' _binary 'b' X'4142' x'' 0x1F b'101' 0b11"),
            (V{"str:abc@_utf8mb4", "str:n@N", "str:b@_binary", "hex:X'4142'", "hex:x''",
               "hex:0x1F", "bit:b'101'", "bit:0b11"}));
}

TEST(DdlLexer, NumbersAndOperators) {
  EXPECT_EQ(Lex("1 1.5 .5 1e3 2E-2 -3 DEFAULT .25"),
            (V{"num:1", "num:1.5", "num:.5", "num:1e3", "num:2E-2", "op:-", "num:3", "id:DEFAULT",
               "num:.25"}));
  EXPECT_EQ(Lex("a<=>b<=c>=d<>e!=f->>'$'->g:=h||i&&j"),
            (V{"id:a", "op:<=>", "id:b", "op:<=", "id:c", "op:>=", "id:d", "op:<>", "id:e",
               "op:!=", "id:f", "op:->>", "str:$", "op:->", "id:g", "op::=", "id:h", "op:||",
               "id:i", "op:&&", "id:j"}));
  EXPECT_EQ(Lex("@x @@global.sql_mode @'q' root@localhost"),
            (V{"var:@x", "var:@@global.sql_mode", "var:@'q'", "id:root", "var:@localhost"}));
}

TEST(DdlLexer, CommentsAndExecutableComments) {
  EXPECT_EQ(Lex("a -- comment\nb # hash\nc /* block */ d --e"),
            (V{"id:a", "id:b", "id:c", "id:d", "op:-", "op:-", "id:e"}));
  EXPECT_EQ(Lex("x /*!50100 PARTITION BY */ y /*!*/ z /*M!100301 INVISIBLE */"),
            (V{"id:x", "id:PARTITION", "id:BY", "id:y", "id:z", "id:INVISIBLE"}));
  EXPECT_EQ(Lex("/*!40101 SET @a=1 */;"), (V{"id:SET", "var:@a", "op:=", "num:1", "op:;"}));
  EXPECT_TRUE(Lex("").empty());
  EXPECT_TRUE(Lex("-- only a comment").empty());
}

TEST(DdlLexer, OffsetsPointIntoTheInput) {
  auto tokens = TokenizeDdl("  CREATE  `t`");
  ASSERT_TRUE(tokens);
  ASSERT_EQ(tokens->size(), 3u);
  EXPECT_EQ((*tokens)[0].offset, 2u);
  EXPECT_EQ((*tokens)[0].end, 8u);
  EXPECT_EQ((*tokens)[1].offset, 10u);
  EXPECT_EQ((*tokens)[1].end, 13u);
  EXPECT_EQ((*tokens)[2].offset, 13u);
}

TEST(DdlLexer, UnterminatedInputIsAnErrorWithItsOffset) {
  for (std::string_view bad : {"'abc", "\"abc", "`abc", "a /* x", "x'41", "'a\\"}) {
    auto r = TokenizeDdl(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.error().message().find("offset"), std::string::npos) << r.error().message();
  }
  // An executable comment left open is tolerated (its contents were lexed).
  EXPECT_EQ(Lex("/*!50100 a"), (V{"id:a"}));
}

TEST(DdlLexer, CaseInsensitiveKeywordCompare) {
  EXPECT_TRUE(EqualsIgnoreCase("CrEaTe", "CREATE"));
  EXPECT_FALSE(EqualsIgnoreCase("CREATE", "CREATES"));
  EXPECT_FALSE(EqualsIgnoreCase("\xc3\xa9", "\xc3\x89"));  // only ASCII folds
}

}  // namespace
}  // namespace tributary::schema
