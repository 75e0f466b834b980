// DDL lexer: MySQL / MariaDB statement text -> tokens.
//
// Understands what appears in binlog QUERY events and mysqldump / SHOW CREATE TABLE
// output: bare identifiers (letters, digits, '_', '$', bytes >= 0x80; may start with a
// digit), `backtick` identifiers (doubled backtick = one backtick), '...' and "..." strings
// (backslash escapes and doubled quotes; adjacent literals are NOT joined here), the
// _charset introducer and N'..' (folded into the string token), X'..' / 0x.. / B'..' /
// 0b.. literals, numbers, operators, `@var` / `@@sys.var`, comments (`-- `, `#`, `/* */`),
// and executable comments `/*! ... */`, `/*!50100 ... */`, MariaDB `/*M!100301 ... */`,
// whose contents are lexed as SQL whatever the version number (a statement in the binlog
// ran on its server, so the server had that version or later).
//
// A double-quoted literal is a kString token with `double_quoted` set: the parser accepts
// it as an identifier where only an identifier can stand (ANSI_QUOTES spelling).
// NO_BACKSLASH_ESCAPES is not modelled: a backslash always escapes.
//
// Tokens own their text (decoded: quotes removed, escapes resolved). Stateless and
// thread-safe; never reads outside `sql`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tributary::schema {

enum class TokenKind : uint8_t {
  kEnd,                // after the last token (always present, once)
  kIdentifier,         // bare word: keyword or name; `text` as written
  kQuotedIdentifier,   // `name`: `text` unescaped, never a keyword
  kString,             // '..' or "..": `text` unescaped
  kNumber,             // 12, 1.5, .5e3, -- sign is a separate operator token
  kHexLiteral,         // X'4142' or 0x4142: `text` as written
  kBitLiteral,         // B'0101' or 0b0101: `text` as written
  kVariable,           // @name, @@name, @@global.name, @'quoted': `text` as written
  kOperator,           // ( ) , ; . = < > <= >= <> != <=> + - * / % etc.: `text` as written
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  uint32_t offset = 0;      // byte offset of the token's first character in the input
  uint32_t end = 0;         // byte offset just past the token
  bool double_quoted = false;  // kString written with "..."
  std::string introducer;   // kString: "_utf8mb4", "_binary", "N" if written; else empty
};

// The token kinds' names, for messages.
std::string_view TokenKindName(TokenKind kind);

// Splits `sql` into tokens; the last token is kEnd (offset = end = sql.size()).
// Errors (kInvalidArgument, naming the offset): an unterminated string, quoted
// identifier or comment. Inputs longer than 4 GiB are rejected.
Result<std::vector<Token>> TokenizeDdl(std::string_view sql);

// ASCII case-insensitive equality, for keywords.
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]);
    unsigned char y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace tributary::schema
