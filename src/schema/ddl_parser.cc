#include "schema/ddl_parser.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <initializer_list>
#include <string>
#include <utility>

#include "schema/ddl_lexer.h"

namespace tributary::schema {
namespace {

using event::Column;
using event::SqlType;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// "utf8" -> "utf8mb3", lower case.
std::string NormalizeCharset(std::string_view name) {
  std::string s = Lower(name);
  if (s == "utf8") return "utf8mb3";
  return s;
}

// "utf8_general_ci" -> "utf8mb3_general_ci", lower case.
std::string NormalizeCollation(std::string_view name) {
  std::string s = Lower(name);
  if (s.starts_with("utf8_")) return "utf8mb3" + s.substr(4);
  return s;
}

// The bytes of X'4142' / 0x4142 ("AB"); odd digit counts get a leading zero.
std::string HexLiteralBytes(std::string_view text) {
  std::string_view digits = text;
  if (digits.size() >= 2 && (digits[0] == '0') && (digits[1] == 'x')) {
    digits.remove_prefix(2);
  } else if (digits.size() >= 3) {
    digits = digits.substr(2, digits.size() - 3);  // X'...'
  }
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 0;
  };
  std::string out;
  size_t i = 0;
  if (digits.size() % 2 == 1) {
    out.push_back(static_cast<char>(nibble(digits[0])));
    i = 1;
  }
  for (; i + 1 < digits.size(); i += 2) {
    out.push_back(static_cast<char>(nibble(digits[i]) * 16 + nibble(digits[i + 1])));
  }
  return out;
}

// Exact comparison, lengths first (std::string == const char* measures and memcmp's).
bool Is(std::string_view a, std::string_view b) { return a.size() == b.size() && a == b; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Where a statement-level skip should stop.
enum class SkipTo : uint8_t { kStatementEnd, kInputEnd };

class Parser {
 public:
  Parser(std::string_view sql, std::vector<Token> tokens)
      : sql_(sql), tokens_(std::move(tokens)) {}

  Result<std::vector<DdlStatement>> ParseAll() {
    std::vector<DdlStatement> out;
    while (true) {
      while (PeekOp(";")) ++pos_;
      if (Peek().kind == TokenKind::kEnd) break;
      uint32_t start = Peek().offset;
      auto body = ParseStatement();
      if (!body) return Error(body.error());
      if (!AtStatementEnd()) return Error(Fail("end of statement"));
      DdlStatement st;
      st.body = std::move(*body);
      st.offset = start;
      st.end = pos_ > 0 ? tokens_[pos_ - 1].end : start;
      if (st.end < start) st.end = start;
      out.push_back(std::move(st));
    }
    return out;
  }

 private:
  // ---- token access ----
  const Token& Peek(size_t ahead = 0) const {
    size_t i = pos_ + ahead;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }
  void Advance() {
    if (pos_ + 1 < tokens_.size()) ++pos_;
  }
  static bool IsWord(const Token& t, std::string_view kw) {
    return t.kind == TokenKind::kIdentifier && EqualsIgnoreCase(t.text, kw);
  }
  bool PeekWord(std::string_view kw, size_t ahead = 0) const { return IsWord(Peek(ahead), kw); }
  bool PeekAnyWord(std::initializer_list<std::string_view> kws, size_t ahead = 0) const {
    for (std::string_view kw : kws) {
      if (PeekWord(kw, ahead)) return true;
    }
    return false;
  }
  bool PeekOp(std::string_view op, size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.kind == TokenKind::kOperator && t.text.size() == op.size() &&
           std::string_view(t.text) == op;
  }
  bool AcceptWord(std::string_view kw) {
    if (!PeekWord(kw)) return false;
    Advance();
    return true;
  }
  bool AcceptOp(std::string_view op) {
    if (!PeekOp(op)) return false;
    Advance();
    return true;
  }
  bool AtStatementEnd() const { return Peek().kind == TokenKind::kEnd || PeekOp(";"); }
  // End of a table element / alter specification.
  bool AtElementEnd() const { return AtStatementEnd() || PeekOp(",") || PeekOp(")"); }

  Status Fail(std::string_view expected) const {
    const Token& t = Peek();
    std::string excerpt(sql_.substr(t.offset, 40));
    for (char& c : excerpt) {
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    if (t.kind == TokenKind::kEnd) {
      return Status::InvalidArgument(
          fmt::format("DDL syntax error at offset {} (end of statement): expected {}", t.offset,
                      expected));
    }
    return Status::InvalidArgument(fmt::format("DDL syntax error at offset {} near '{}': expected {}",
                                               t.offset, excerpt, expected));
  }
  Status ExpectWord(std::string_view kw) {
    if (AcceptWord(kw)) return Status::Ok();
    return Fail(kw);
  }
  Status ExpectOp(std::string_view op) {
    if (AcceptOp(op)) return Status::Ok();
    return Fail(fmt::format("'{}'", op));
  }

  // At '(' : consumes through the matching ')'. Returns false at a premature end.
  bool SkipBalanced() {
    if (!PeekOp("(")) return false;
    int depth = 0;
    while (Peek().kind != TokenKind::kEnd) {
      if (PeekOp("(")) {
        ++depth;
      } else if (PeekOp(")")) {
        --depth;
        if (depth == 0) {
          Advance();
          return true;
        }
      }
      Advance();
    }
    return false;
  }
  Status SkipParens() {
    if (!PeekOp("(")) return Fail("'('");
    if (!SkipBalanced()) return Fail("')'");
    return Status::Ok();
  }
  // Skips tokens (balanced) up to the end of the current table element / specification.
  void SkipElement() {
    while (!AtElementEnd()) {
      if (PeekOp("(")) {
        if (!SkipBalanced()) return;
      } else {
        Advance();
      }
    }
  }
  void SkipStatement(SkipTo to) {
    while (Peek().kind != TokenKind::kEnd && (to == SkipTo::kInputEnd || !PeekOp(";"))) Advance();
  }

  // ---- names and literals ----
  static bool IsNameToken(const Token& t) {
    return t.kind == TokenKind::kIdentifier || t.kind == TokenKind::kQuotedIdentifier ||
           (t.kind == TokenKind::kString && t.double_quoted);
  }
  Result<std::string> ParseName(std::string_view what = "a name") {
    if (!IsNameToken(Peek())) return Error(Fail(what));
    std::string s = Peek().text;
    Advance();
    return s;
  }
  Result<TableRef> ParseTableRef() {
    TableRef ref;
    if (PeekOp(".") && IsNameToken(Peek(1))) Advance();  // ".t": the current database
    auto first = ParseName("a table name");
    if (!first) return Error(first.error());
    if (PeekOp(".") && IsNameToken(Peek(1))) {
      Advance();
      ref.database = std::move(*first);
      ref.table = Peek().text;
      Advance();
    } else {
      ref.table = std::move(*first);
    }
    return ref;
  }
  // A string literal, joining adjacent literals ('a' 'b' = 'ab').
  Result<std::string> ParseString(std::string_view what = "a string") {
    if (Peek().kind != TokenKind::kString) return Error(Fail(what));
    std::string s;
    while (Peek().kind == TokenKind::kString) {
      s += Peek().text;
      Advance();
    }
    return s;
  }
  // A charset or collation name: word, quoted name or string.
  Result<std::string> ParseCharsetName() {
    const Token& t = Peek();
    if (t.kind == TokenKind::kIdentifier || t.kind == TokenKind::kQuotedIdentifier ||
        t.kind == TokenKind::kString) {
      std::string s = t.text;
      Advance();
      return s;
    }
    return Error(Fail("a character set or collation name"));
  }
  Result<int64_t> ParseInteger() {
    const Token& t = Peek();
    int64_t v = 0;
    if (t.kind != TokenKind::kNumber) return Error(Fail("a number"));
    auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
    if (ec != std::errc() || p != t.text.data() + t.text.size()) return Error(Fail("an integer"));
    Advance();
    return v;
  }
  // A single option value after `NAME [=]`: word, string(s), number, literal, or (...).
  Status SkipOptionValue() {
    const Token& t = Peek();
    if (PeekOp("(")) return SkipParens();
    if (PeekOp("-") || PeekOp("+")) Advance();
    switch (Peek().kind) {
      case TokenKind::kString:
        while (Peek().kind == TokenKind::kString) Advance();
        return Status::Ok();
      case TokenKind::kIdentifier:
      case TokenKind::kQuotedIdentifier:
      case TokenKind::kNumber:
      case TokenKind::kHexLiteral:
      case TokenKind::kBitLiteral:
        Advance();
        return Status::Ok();
      default:
        (void)t;
        return Fail("an option value");
    }
  }
  // Source text between two token offsets, as written.
  std::string SourceText(uint32_t from, uint32_t to) const {
    if (to < from || from > sql_.size()) return "";
    return std::string(sql_.substr(from, to - from));
  }

  // ---- statements ----
  Result<DdlBody> Skipped(std::string what, SkipTo to = SkipTo::kStatementEnd) {
    SkipStatement(to);
    return DdlBody(SkippedStatement{std::move(what)});
  }

  Result<DdlBody> ParseStatement() {
    const Token& t = Peek();
    if (PeekOp("(")) return Skipped("SELECT");
    if (t.kind != TokenKind::kIdentifier) return Error(Fail("a statement"));
    std::string kw = Upper(t.text);
    if (Is(kw, "CREATE")) return ParseCreate();
    if (Is(kw, "ALTER")) return ParseAlter();
    if (Is(kw, "DROP")) return ParseDrop();
    if (Is(kw, "RENAME")) return ParseRename();
    if (Is(kw, "TRUNCATE")) return ParseTruncate();
    if (Is(kw, "USE")) {
      Advance();
      auto name = ParseName("a database name");
      if (!name) return Error(name.error());
      return DdlBody(UseStatement{std::move(*name)});
    }
    if (Is(kw, "BEGIN")) {
      if (PeekWord("NOT", 1) || (!PeekWord("WORK", 1) && Peek(1).kind != TokenKind::kEnd &&
                                 !PeekOp(";", 1))) {
        return Skipped("compound statement", SkipTo::kInputEnd);  // BEGIN NOT ATOMIC ... END
      }
      return Skipped("BEGIN");
    }
    static constexpr std::array<std::string_view, 52> kSkipped = {
        "GRANT",    "REVOKE",   "ANALYZE",  "OPTIMIZE",   "REPAIR",   "CHECK",    "CHECKSUM",
        "FLUSH",    "SET",      "START",    "COMMIT",     "ROLLBACK", "XA",       "SAVEPOINT",
        "RELEASE",  "LOCK",     "UNLOCK",   "INSERT",     "UPDATE",   "DELETE",   "REPLACE",
        "SELECT",   "CALL",     "DO",       "INSTALL",    "UNINSTALL", "LOAD",    "HANDLER",
        "PREPARE",  "EXECUTE",  "DEALLOCATE", "RESET",    "PURGE",    "CHANGE",   "STOP",
        "SHOW",     "KILL",     "WITH",     "VALUES",     "TABLE",    "DESCRIBE", "DESC",
        "EXPLAIN",  "HELP",     "SHUTDOWN", "CACHE",      "BINLOG",   "CLONE",    "IMPORT",
        "RESTART",  "BACKUP",   "SIGNAL"};
    for (std::string_view s : kSkipped) {
      if (Is(kw, s)) return Skipped(kw);
    }
    return Error(Fail("a statement"));
  }

  // Objects whose CREATE / ALTER / DROP are skipped; `compound` ones hold a body with ';'.
  struct OtherObject {
    std::string_view word;
    bool compound;
  };
  static constexpr std::array<OtherObject, 18> kOtherObjects = {{
      {"VIEW", false},      {"PROCEDURE", true}, {"FUNCTION", true},  {"TRIGGER", true},
      {"EVENT", true},      {"PACKAGE", true},   {"USER", false},     {"ROLE", false},
      {"SEQUENCE", false},  {"SERVER", false},   {"TABLESPACE", false}, {"LOGFILE", false},
      {"SPATIAL", false},   {"RESOURCE", false}, {"INSTANCE", false}, {"UNDO", false},
      {"SYNONYM", false},   {"DATABASE", false},
  }};

  // CREATE/ALTER/DROP of an object we skip: finds its keyword among the next tokens
  // (DEFINER=..., ALGORITHM=..., SQL SECURITY ... come first).
  Result<DdlBody> SkipOtherObject(std::string_view verb) {
    for (size_t i = 0; i < 64; ++i) {
      const Token& t = Peek(i);
      if (t.kind == TokenKind::kEnd || (t.kind == TokenKind::kOperator && t.text == ";")) break;
      for (const OtherObject& o : kOtherObjects) {
        if (o.word == "DATABASE" || o.word == "SPATIAL") continue;
        if (IsWord(t, o.word)) {
          // Bodies with ';' only come with CREATE, and with ALTER EVENT ... DO.
          bool body = o.compound && (verb == "CREATE" || (verb == "ALTER" && o.word == "EVENT"));
          return Skipped(fmt::format("{} {}", verb, o.word),
                         body ? SkipTo::kInputEnd : SkipTo::kStatementEnd);
        }
      }
      if (i == 0 && (IsWord(t, "SPATIAL") || IsWord(t, "AGGREGATE"))) continue;
    }
    return Error(Fail(fmt::format("a {} statement", verb)));
  }

  Result<DdlBody> ParseCreate() {
    Advance();  // CREATE
    bool or_replace = false;
    if (PeekWord("OR") && PeekWord("REPLACE", 1)) {
      pos_ += 2;
      or_replace = true;
    }
    bool temporary = AcceptWord("TEMPORARY");
    if (PeekWord("TABLE")) return ParseCreateTable(or_replace, temporary);
    if (temporary) {
      if (PeekWord("SEQUENCE")) return Skipped("CREATE SEQUENCE");
      return Error(Fail("TABLE"));
    }
    if (PeekWord("DATABASE") || PeekWord("SCHEMA")) return ParseCreateDatabase(or_replace);
    if (PeekWord("SPATIAL") && PeekWord("REFERENCE", 1)) {
      return Skipped("CREATE SPATIAL REFERENCE SYSTEM");
    }
    size_t save = pos_;
    bool online = AcceptWord("ONLINE") || AcceptWord("OFFLINE");
    if (PeekAnyWord({"UNIQUE", "FULLTEXT", "SPATIAL", "INDEX"})) return ParseCreateIndex();
    if (online) pos_ = save;
    return SkipOtherObject("CREATE");
  }

  Result<DdlBody> ParseCreateDatabase(bool or_replace) {
    Advance();  // DATABASE | SCHEMA
    CreateDatabaseStatement st;
    st.or_replace = or_replace;
    if (PeekWord("IF")) {
      Advance();
      if (Status s = ExpectWord("NOT"); !s.ok()) return Error(s);
      if (Status s = ExpectWord("EXISTS"); !s.ok()) return Error(s);
      st.if_not_exists = true;
    }
    auto name = ParseName("a database name");
    if (!name) return Error(name.error());
    st.name = std::move(*name);
    if (Status s = ParseDatabaseOptions(&st.charset, &st.collation); !s.ok()) return Error(s);
    return DdlBody(std::move(st));
  }

  Status ParseDatabaseOptions(std::optional<std::string>* charset,
                              std::optional<std::string>* collation) {
    while (!AtStatementEnd()) {
      AcceptWord("DEFAULT");
      if (PeekWord("CHARACTER") || PeekWord("CHAR")) {
        Advance();
        if (Status s = ExpectWord("SET"); !s.ok()) return s;
        AcceptOp("=");
        auto n = ParseCharsetName();
        if (!n) return n.error();
        *charset = NormalizeCharset(*n);
      } else if (PeekWord("CHARSET")) {
        Advance();
        AcceptOp("=");
        auto n = ParseCharsetName();
        if (!n) return n.error();
        *charset = NormalizeCharset(*n);
      } else if (PeekWord("COLLATE")) {
        Advance();
        AcceptOp("=");
        auto n = ParseCharsetName();
        if (!n) return n.error();
        *collation = NormalizeCollation(*n);
      } else if (PeekAnyWord({"ENCRYPTION", "COMMENT"})) {
        Advance();
        AcceptOp("=");
        if (Status s = SkipOptionValue(); !s.ok()) return s;
      } else if (PeekWord("READ") && PeekWord("ONLY", 1)) {
        pos_ += 2;
        AcceptOp("=");
        if (Status s = SkipOptionValue(); !s.ok()) return s;
      } else if (PeekWord("UPGRADE")) {
        SkipStatement(SkipTo::kStatementEnd);  // ALTER DATABASE x UPGRADE DATA DIRECTORY NAME
      } else {
        return Fail("a database option");
      }
    }
    return Status::Ok();
  }

  Result<DdlBody> ParseCreateIndex() {
    CreateIndexStatement st;
    IndexDefinition& ix = st.index;
    if (AcceptWord("UNIQUE")) {
      ix.kind = IndexDefinition::Kind::kUnique;
    } else if (AcceptWord("FULLTEXT")) {
      ix.kind = IndexDefinition::Kind::kFulltext;
    } else if (AcceptWord("SPATIAL")) {
      ix.kind = IndexDefinition::Kind::kSpatial;
    }
    if (Status s = ExpectWord("INDEX"); !s.ok()) return Error(s);
    if (PeekWord("IF") && PeekWord("NOT", 1)) {
      pos_ += 2;
      if (Status s = ExpectWord("EXISTS"); !s.ok()) return Error(s);
      st.if_not_exists = true;
    }
    auto name = ParseName("an index name");
    if (!name) return Error(name.error());
    ix.name = std::move(*name);
    if (Status s = SkipIndexType(); !s.ok()) return Error(s);
    if (Status s = ExpectWord("ON"); !s.ok()) return Error(s);
    auto table = ParseTableRef();
    if (!table) return Error(table.error());
    st.table = std::move(*table);
    if (Status s = ParseKeyParts(&ix); !s.ok()) return Error(s);
    if (Status s = SkipIndexOptions(/*allow_algorithm_lock=*/true); !s.ok()) return Error(s);
    return DdlBody(std::move(st));
  }

  Result<DdlBody> ParseCreateTable(bool or_replace, bool temporary) {
    Advance();  // TABLE
    CreateTableStatement st;
    st.or_replace = or_replace;
    st.temporary = temporary;
    if (PeekWord("IF")) {
      Advance();
      if (Status s = ExpectWord("NOT"); !s.ok()) return Error(s);
      if (Status s = ExpectWord("EXISTS"); !s.ok()) return Error(s);
      st.if_not_exists = true;
    }
    auto table = ParseTableRef();
    if (!table) return Error(table.error());
    st.table = std::move(*table);
    if (AcceptWord("LIKE")) {
      auto like = ParseTableRef();
      if (!like) return Error(like.error());
      st.like = std::move(*like);
      return DdlBody(std::move(st));
    }
    if (PeekOp("(")) {
      if (PeekWord("LIKE", 1)) {
        pos_ += 2;
        auto like = ParseTableRef();
        if (!like) return Error(like.error());
        st.like = std::move(*like);
        if (Status s = ExpectOp(")"); !s.ok()) return Error(s);
        return DdlBody(std::move(st));
      }
      if (PeekAnyWord({"SELECT", "WITH", "VALUES", "TABLE"}, 1) || PeekOp("(", 1)) {
        st.as_select = true;
        SkipStatement(SkipTo::kStatementEnd);
        return DdlBody(std::move(st));
      }
      Advance();  // (
      st.columns.reserve(16);
      while (true) {
        if (Status s = ParseTableElement(&st.columns, &st.indexes); !s.ok()) return Error(s);
        if (AcceptOp(",")) continue;
        if (Status s = ExpectOp(")"); !s.ok()) return Error(s);
        break;
      }
    }
    if (Status s = ParseTableOptions(&st.options, /*in_alter=*/false); !s.ok()) return Error(s);
    if (PeekWord("PARTITION")) SkipPartitioning();
    if (AcceptWord("IGNORE") || AcceptWord("REPLACE")) {
      // CREATE TABLE ... IGNORE|REPLACE [AS] SELECT
    }
    if (AcceptWord("AS") || PeekAnyWord({"SELECT", "WITH", "VALUES", "TABLE"}) || PeekOp("(")) {
      st.as_select = true;
      SkipStatement(SkipTo::kStatementEnd);
    }
    return DdlBody(std::move(st));
  }

  // PARTITION BY ... [PARTITIONS n] [SUBPARTITION BY ...] [(partition definitions)]:
  // skipped up to the end of the statement or a CREATE ... SELECT's SELECT.
  void SkipPartitioning() {
    while (!AtStatementEnd() && !PeekAnyWord({"AS", "SELECT", "IGNORE", "REPLACE"})) {
      if (PeekOp("(")) {
        if (!SkipBalanced()) return;
      } else {
        Advance();
      }
    }
  }

  static bool IsIndexStart(const Token& t) {
    static constexpr std::array<std::string_view, 9> kWords = {
        "CONSTRAINT", "PRIMARY", "UNIQUE", "KEY", "INDEX", "FULLTEXT", "SPATIAL", "FOREIGN", "CHECK"};
    for (std::string_view w : kWords) {
      if (IsWord(t, w)) return true;
    }
    return false;
  }

  Status ParseTableElement(std::vector<ColumnDefinition>* columns,
                           std::vector<IndexDefinition>* indexes) {
    if (IsIndexStart(Peek())) {
      IndexDefinition ix;
      bool ignored_if_not_exists = false;
      if (Status s = ParseIndexDefinition(&ix, &ignored_if_not_exists); !s.ok()) return s;
      indexes->push_back(std::move(ix));
      return Status::Ok();
    }
    if (PeekWord("PERIOD") && PeekWord("FOR", 1)) {
      IndexDefinition period;
      if (Status s = ParsePeriod(&period); !s.ok()) return s;
      indexes->push_back(std::move(period));
      return Status::Ok();
    }
    ColumnDefinition def;
    if (Status s = ParseColumnDefinition(&def); !s.ok()) return s;
    columns->push_back(std::move(def));
    return Status::Ok();
  }

  // PERIOD FOR name (start, end)
  Status ParsePeriod(IndexDefinition* period) {
    pos_ += 2;  // PERIOD FOR
    period->kind = IndexDefinition::Kind::kPeriod;
    auto name = ParseName("a period name");
    if (!name) return name.error();
    period->name = std::move(*name);
    return ParseKeyParts(period);
  }

  Status SkipIndexType() {
    while (PeekWord("USING") || PeekWord("TYPE")) {
      Advance();
      if (Peek().kind != TokenKind::kIdentifier) return Fail("BTREE, HASH or RTREE");
      Advance();
    }
    return Status::Ok();
  }

  Status SkipIndexOptions(bool allow_algorithm_lock) {
    while (true) {
      if (PeekWord("USING") || PeekWord("TYPE")) {
        if (Status s = SkipIndexType(); !s.ok()) return s;
      } else if (PeekAnyWord({"KEY_BLOCK_SIZE", "COMMENT", "ENGINE_ATTRIBUTE",
                              "SECONDARY_ENGINE_ATTRIBUTE", "CLUSTERING"})) {
        Advance();
        AcceptOp("=");
        if (Status s = SkipOptionValue(); !s.ok()) return s;
      } else if (PeekWord("WITH") && PeekWord("PARSER", 1)) {
        pos_ += 2;
        if (Status s = SkipOptionValue(); !s.ok()) return s;
      } else if (PeekAnyWord({"VISIBLE", "INVISIBLE", "IGNORED"})) {
        Advance();
      } else if (PeekWord("NOT") && PeekWord("IGNORED", 1)) {
        pos_ += 2;
      } else if (allow_algorithm_lock && PeekAnyWord({"ALGORITHM", "LOCK"})) {
        Advance();
        AcceptOp("=");
        if (Status s = SkipOptionValue(); !s.ok()) return s;
      } else if (allow_algorithm_lock && PeekWord("WAIT")) {
        Advance();
        if (Status s = SkipOptionValue(); !s.ok()) return s;
      } else if (allow_algorithm_lock && PeekWord("NOWAIT")) {
        Advance();
      } else {
        return Status::Ok();
      }
    }
  }

  // (part, ...): part = name [(len)] [ASC|DESC] | (expr) [ASC|DESC]
  Status ParseKeyParts(IndexDefinition* ix) {
    if (Status s = ExpectOp("("); !s.ok()) return s;
    while (true) {
      if (PeekOp("(")) {
        if (Status s = SkipParens(); !s.ok()) return s;
        ix->has_expression_parts = true;
      } else {
        auto name = ParseName("a key column");
        if (!name) return name.error();
        ix->columns.push_back(std::move(*name));
        if (PeekOp("(")) {
          if (Status s = SkipParens(); !s.ok()) return s;
        }
      }
      if (!AcceptWord("ASC")) AcceptWord("DESC");
      if (AcceptOp(",")) continue;
      return ExpectOp(")");
    }
  }

  Status ParseIndexDefinition(IndexDefinition* ix, bool* if_not_exists) {
    std::string symbol;
    if (AcceptWord("CONSTRAINT")) {
      if (!PeekAnyWord({"PRIMARY", "UNIQUE", "FOREIGN", "CHECK"})) {
        auto n = ParseName("a constraint name");
        if (!n) return n.error();
        symbol = std::move(*n);
      }
    }
    auto parse_if_not_exists = [&]() -> Status {
      if (PeekWord("IF") && PeekWord("NOT", 1)) {
        pos_ += 2;
        if (Status s = ExpectWord("EXISTS"); !s.ok()) return s;
        *if_not_exists = true;
      }
      return Status::Ok();
    };
    auto parse_optional_name = [&]() -> Status {
      if (Status s = parse_if_not_exists(); !s.ok()) return s;
      if (!PeekOp("(") && !PeekWord("USING") && !PeekWord("TYPE")) {
        auto n = ParseName("an index name");
        if (!n) return n.error();
        ix->name = std::move(*n);
      }
      return Status::Ok();
    };
    if (AcceptWord("PRIMARY")) {
      if (Status s = ExpectWord("KEY"); !s.ok()) return s;
      ix->kind = IndexDefinition::Kind::kPrimary;
      ix->name = "PRIMARY";
      if (!PeekOp("(") && !PeekWord("USING") && IsNameToken(Peek())) Advance();  // ignored name
    } else if (AcceptWord("UNIQUE")) {
      ix->kind = IndexDefinition::Kind::kUnique;
      if (!AcceptWord("INDEX")) AcceptWord("KEY");
      if (Status s = parse_optional_name(); !s.ok()) return s;
      if (ix->name.empty()) ix->name = symbol;
    } else if (AcceptWord("KEY") || AcceptWord("INDEX")) {
      ix->kind = IndexDefinition::Kind::kIndex;
      if (Status s = parse_optional_name(); !s.ok()) return s;
    } else if (AcceptWord("FULLTEXT") || AcceptWord("SPATIAL")) {
      ix->kind = EqualsIgnoreCase(tokens_[pos_ - 1].text, "FULLTEXT") ? IndexDefinition::Kind::kFulltext
                                                                       : IndexDefinition::Kind::kSpatial;
      if (!AcceptWord("INDEX")) AcceptWord("KEY");
      if (Status s = parse_optional_name(); !s.ok()) return s;
    } else if (AcceptWord("FOREIGN")) {
      if (Status s = ExpectWord("KEY"); !s.ok()) return s;
      ix->kind = IndexDefinition::Kind::kForeignKey;
      if (Status s = parse_optional_name(); !s.ok()) return s;
      if (ix->name.empty()) ix->name = symbol;
      if (Status s = ParseKeyParts(ix); !s.ok()) return s;
      if (Status s = ParseReferences(); !s.ok()) return s;
      return Status::Ok();
    } else if (AcceptWord("CHECK")) {
      ix->kind = IndexDefinition::Kind::kCheck;
      ix->name = symbol;
      if (Status s = SkipParens(); !s.ok()) return s;
      SkipEnforced();
      return Status::Ok();
    } else {
      return Fail("PRIMARY KEY, UNIQUE, INDEX, FOREIGN KEY or CHECK");
    }
    if (Status s = SkipIndexType(); !s.ok()) return s;
    if (Status s = ParseKeyParts(ix); !s.ok()) return s;
    return SkipIndexOptions(/*allow_algorithm_lock=*/false);
  }

  void SkipEnforced() {
    if (PeekWord("NOT") && PeekWord("ENFORCED", 1)) {
      pos_ += 2;
    } else {
      AcceptWord("ENFORCED");
    }
  }

  // REFERENCES tbl [(cols)] [MATCH ...] [ON DELETE|UPDATE action]...
  Status ParseReferences() {
    if (Status s = ExpectWord("REFERENCES"); !s.ok()) return s;
    auto ref = ParseTableRef();
    if (!ref) return ref.error();
    if (PeekOp("(")) {
      if (Status s = SkipParens(); !s.ok()) return s;
    }
    while (true) {
      if (AcceptWord("MATCH")) {
        if (Peek().kind != TokenKind::kIdentifier) return Fail("FULL, PARTIAL or SIMPLE");
        Advance();
      } else if (AcceptWord("ON")) {
        if (!AcceptWord("DELETE") && !AcceptWord("UPDATE")) return Fail("DELETE or UPDATE");
        if (AcceptWord("SET")) {
          if (!AcceptWord("NULL") && !AcceptWord("DEFAULT")) return Fail("NULL or DEFAULT");
        } else if (AcceptWord("NO")) {
          if (Status s = ExpectWord("ACTION"); !s.ok()) return s;
        } else if (!AcceptWord("RESTRICT") && !AcceptWord("CASCADE")) {
          return Fail("RESTRICT, CASCADE, SET NULL, SET DEFAULT or NO ACTION");
        }
      } else {
        return Status::Ok();
      }
    }
  }

  // ---- column definitions ----
  // name, tbl.name or db.tbl.name (the qualifiers must name the table; not checked).
  Result<std::string> ParseColumnName() {
    auto name = ParseName("a column name");
    if (!name) return name;
    for (int i = 0; i < 2 && PeekOp(".") && IsNameToken(Peek(1)); ++i) {
      Advance();
      name = Peek().text;
      Advance();
    }
    return name;
  }

  Status ParseColumnDefinition(ColumnDefinition* def) {
    auto name = ParseColumnName();
    if (!name) return name.error();
    def->column.name = std::move(*name);
    if (Status s = ParseDataType(def); !s.ok()) return s;
    return ParseColumnAttributes(def);
  }

  struct TypeInfo {
    std::string_view word;
    SqlType type;
    std::string_view canonical;
  };

  Status ParseDataType(ColumnDefinition* def) {
    Column& c = def->column;
    const Token& t = Peek();
    if (t.kind != TokenKind::kIdentifier) return Fail("a column type");
    std::string w = Upper(t.text);
    Advance();
    bool national = false;
    if (Is(w, "NATIONAL")) {
      national = true;
      if (Peek().kind != TokenKind::kIdentifier) return Fail("CHAR or VARCHAR");
      w = Upper(Peek().text);
      Advance();
    }
    if (Is(w, "NCHAR")) {
      national = true;
      w = "CHAR";
    } else if (Is(w, "NVARCHAR") || Is(w, "NVARCHAR2")) {
      national = true;
      w = "VARCHAR";
    }
    if (Is(w, "CHARACTER")) w = "CHAR";
    if (Is(w, "CHAR") || Is(w, "VARCHAR")) {
      if (AcceptWord("VARYING")) w = "VARCHAR";
      if (Is(w, "CHAR") && PeekWord("VARCHAR")) {  // NCHAR VARCHAR
        Advance();
        w = "VARCHAR";
      }
    }
    if (Is(w, "LONG")) {
      if (AcceptWord("VARBINARY")) {
        w = "MEDIUMBLOB";
      } else {
        if (AcceptWord("CHAR") || AcceptWord("CHARACTER")) {
          if (Status s = ExpectWord("VARYING"); !s.ok()) return s;
        } else {
          AcceptWord("VARCHAR");
        }
        w = "MEDIUMTEXT";
      }
    }
    if (Is(w, "DOUBLE")) AcceptWord("PRECISION");
    static constexpr std::array<TypeInfo, 68> kTypes = {{
        {"BOOL", SqlType::kBoolean, "BOOLEAN"},
        {"BOOLEAN", SqlType::kBoolean, "BOOLEAN"},
        {"TINYINT", SqlType::kTinyInt, "TINYINT"},
        {"INT1", SqlType::kTinyInt, "TINYINT"},
        {"SMALLINT", SqlType::kSmallInt, "SMALLINT"},
        {"INT2", SqlType::kSmallInt, "SMALLINT"},
        {"MEDIUMINT", SqlType::kMediumInt, "MEDIUMINT"},
        {"INT3", SqlType::kMediumInt, "MEDIUMINT"},
        {"MIDDLEINT", SqlType::kMediumInt, "MEDIUMINT"},
        {"INT", SqlType::kInt, "INT"},
        {"INTEGER", SqlType::kInt, "INT"},
        {"INT4", SqlType::kInt, "INT"},
        {"BIGINT", SqlType::kBigInt, "BIGINT"},
        {"INT8", SqlType::kBigInt, "BIGINT"},
        {"SERIAL", SqlType::kBigInt, "BIGINT"},
        {"DECIMAL", SqlType::kDecimal, "DECIMAL"},
        {"DEC", SqlType::kDecimal, "DECIMAL"},
        {"NUMERIC", SqlType::kDecimal, "DECIMAL"},
        {"FIXED", SqlType::kDecimal, "DECIMAL"},
        {"NUMBER", SqlType::kDecimal, "DECIMAL"},
        {"FLOAT", SqlType::kFloat, "FLOAT"},
        {"FLOAT4", SqlType::kFloat, "FLOAT"},
        {"FLOAT8", SqlType::kDouble, "DOUBLE"},
        {"DOUBLE", SqlType::kDouble, "DOUBLE"},
        {"REAL", SqlType::kDouble, "DOUBLE"},
        {"BIT", SqlType::kBit, "BIT"},
        {"YEAR", SqlType::kYear, "YEAR"},
        {"DATE", SqlType::kDate, "DATE"},
        {"TIME", SqlType::kTime, "TIME"},
        {"DATETIME", SqlType::kDateTime, "DATETIME"},
        {"TIMESTAMP", SqlType::kTimestamp, "TIMESTAMP"},
        {"CHAR", SqlType::kChar, "CHAR"},
        {"VARCHAR", SqlType::kVarchar, "VARCHAR"},
        {"VARCHARACTER", SqlType::kVarchar, "VARCHAR"},
        {"VARCHAR2", SqlType::kVarchar, "VARCHAR"},
        {"BINARY", SqlType::kBinary, "BINARY"},
        {"VARBINARY", SqlType::kVarbinary, "VARBINARY"},
        {"RAW", SqlType::kVarbinary, "VARBINARY"},
        {"TINYTEXT", SqlType::kTinyText, "TINYTEXT"},
        {"TEXT", SqlType::kText, "TEXT"},
        {"MEDIUMTEXT", SqlType::kMediumText, "MEDIUMTEXT"},
        {"LONGTEXT", SqlType::kLongText, "LONGTEXT"},
        {"CLOB", SqlType::kLongText, "LONGTEXT"},
        {"TINYBLOB", SqlType::kTinyBlob, "TINYBLOB"},
        {"BLOB", SqlType::kBlob, "BLOB"},
        {"MEDIUMBLOB", SqlType::kMediumBlob, "MEDIUMBLOB"},
        {"LONGBLOB", SqlType::kLongBlob, "LONGBLOB"},
        {"ENUM", SqlType::kEnum, "ENUM"},
        {"SET", SqlType::kSet, "SET"},
        {"JSON", SqlType::kJson, "JSON"},
        {"GEOMETRY", SqlType::kGeometry, "GEOMETRY"},
        {"POINT", SqlType::kGeometry, "POINT"},
        {"LINESTRING", SqlType::kGeometry, "LINESTRING"},
        {"POLYGON", SqlType::kGeometry, "POLYGON"},
        {"MULTIPOINT", SqlType::kGeometry, "MULTIPOINT"},
        {"MULTILINESTRING", SqlType::kGeometry, "MULTILINESTRING"},
        {"MULTIPOLYGON", SqlType::kGeometry, "MULTIPOLYGON"},
        {"GEOMETRYCOLLECTION", SqlType::kGeometry, "GEOMETRYCOLLECTION"},
        {"GEOMCOLLECTION", SqlType::kGeometry, "GEOMETRYCOLLECTION"},
        {"VECTOR", SqlType::kVector, "VECTOR"},
        {"UUID", SqlType::kUuid, "UUID"},
        {"INET4", SqlType::kInet4, "INET4"},
        {"INET6", SqlType::kInet6, "INET6"},
        {"MEDIUMTEXT", SqlType::kMediumText, "MEDIUMTEXT"},
        {"MEDIUMBLOB", SqlType::kMediumBlob, "MEDIUMBLOB"},
        {"LONGVARCHAR", SqlType::kMediumText, "MEDIUMTEXT"},
        {"NVARCHAR", SqlType::kVarchar, "VARCHAR"},
        {"NCHAR", SqlType::kChar, "CHAR"},
    }};
    const TypeInfo* info = nullptr;
    for (const TypeInfo& ti : kTypes) {
      if (Is(w, ti.word)) {
        info = &ti;
        break;
      }
    }
    if (info == nullptr) {
      --pos_;
      return Fail("a column type");
    }
    c.type = info->type;
    c.type_name = std::string(info->canonical);
    if (national) c.charset = "utf8mb3";
    if (Is(w, "SERIAL")) {
      c.is_unsigned = true;
      c.nullable = false;
      c.auto_increment = true;
      def->unique_key = true;
      def->explicit_not_null = true;
    }
    if (c.type == SqlType::kEnum || c.type == SqlType::kSet) {
      if (Status s = ExpectOp("("); !s.ok()) return s;
      while (true) {
        if (Peek().kind == TokenKind::kHexLiteral) {
          c.enum_values.push_back(HexLiteralBytes(Peek().text));
          Advance();
        } else {
          auto v = ParseString("an ENUM / SET member");
          if (!v) return v.error();
          c.enum_values.push_back(std::move(*v));
        }
        if (AcceptOp(",")) continue;
        if (Status s = ExpectOp(")"); !s.ok()) return s;
        break;
      }
      return Status::Ok();
    }
    if (PeekOp("(")) {
      Advance();
      auto m = ParseInteger();
      if (!m) return m.error();
      std::optional<int64_t> d;
      if (AcceptOp(",")) {
        auto dv = ParseInteger();
        if (!dv) return dv.error();
        d = *dv;
      }
      if (Status s = ExpectOp(")"); !s.ok()) return s;
      if (*m < 0 || *m > UINT32_MAX || (d && (*d < 0 || *d > INT32_MAX))) {
        return Fail("a length that fits 32 bits");
      }
      // TEXT(M) / BLOB(M) accept up to 2^32 - 1; anything past 2^31 is LONG* anyway.
      if (*m > INT32_MAX) m = INT32_MAX;
      if (c.type == SqlType::kFloat && !d) {
        // FLOAT(p): precision in bits picks FLOAT or DOUBLE; no M/D to keep.
        if (*m > 24) {
          c.type = SqlType::kDouble;
          c.type_name = "DOUBLE";
        }
      } else {
        c.length = static_cast<int32_t>(*m);
        if (d) c.scale = static_cast<int32_t>(*d);
      }
    }
    return Status::Ok();
  }

  // DEFAULT / ON UPDATE value. Sets *value (nullopt for NULL) and *is_null.
  // DEFAULT / ON UPDATE value. Sets *value (nullopt for NULL), *is_null, and
  // *is_expression when the value is an expression (not a literal or CURRENT_TIMESTAMP).
  Status ParseDefaultValue(std::optional<std::string>* value, bool* is_null,
                           bool* is_expression) {
    *is_null = false;
    *is_expression = false;
    const Token& t = Peek();
    uint32_t start = t.offset;
    auto finish_expression = [&]() {
      // MariaDB accepts unparenthesised expressions: DEFAULT 1 + 1, DEFAULT a || b.
      static constexpr std::array<std::string_view, 13> kBinary = {
          "+", "-", "*", "/", "%", "||", "&&", "|", "&", "^", "<<", ">>", "->"};
      bool extended = false;
      while (true) {
        bool op = false;
        for (std::string_view b : kBinary) op = op || PeekOp(b);
        op = op || PeekAnyWord({"DIV", "MOD"});
        if (!op) break;
        Advance();
        if (AtElementEnd()) break;
        if (PeekOp("(")) {
          if (!SkipBalanced()) break;
        } else {
          Advance();
          if (PeekOp("(") && !SkipBalanced()) break;
        }
        extended = true;
      }
      if (extended) {
        *value = SourceText(start, tokens_[pos_ - 1].end);
        *is_expression = true;
      }
    };
    if (PeekOp("(")) {
      uint32_t inner = t.end;
      if (Status s = SkipParens(); !s.ok()) return s;
      // MySQL 8 prints DEFAULT (curdate()), MariaDB DEFAULT curdate(): keep "curdate()".
      *value = std::string(Trim(SourceText(inner, tokens_[pos_ - 1].offset)));
      *is_expression = true;
      finish_expression();  // (a) + 1: the whole expression as written
      return Status::Ok();
    }
    if (PeekOp("-") || PeekOp("+")) {
      std::string sign = PeekOp("-") ? "-" : "";
      Advance();
      if (Peek().kind != TokenKind::kNumber) return Fail("a number");
      *value = sign + Peek().text;
      Advance();
      finish_expression();
      return Status::Ok();
    }
    switch (t.kind) {
      case TokenKind::kString: {
        auto s = ParseString();
        if (!s) return s.error();
        *value = std::move(*s);
        return Status::Ok();
      }
      case TokenKind::kNumber:
        *value = t.text;
        Advance();
        finish_expression();
        return Status::Ok();
      case TokenKind::kHexLiteral:  // the bytes, as SHOW CREATE TABLE prints them
        *value = HexLiteralBytes(t.text);
        Advance();
        return Status::Ok();
      case TokenKind::kBitLiteral:
        *value = t.text;
        Advance();
        return Status::Ok();
      case TokenKind::kIdentifier:
        break;
      default:
        return Fail("a default value");
    }
    if (AcceptWord("NULL")) {
      *value = std::nullopt;
      *is_null = true;
      return Status::Ok();
    }
    if (AcceptWord("TRUE")) {
      *value = "1";
      return Status::Ok();
    }
    if (AcceptWord("FALSE")) {
      *value = "0";
      return Status::Ok();
    }
    if (PeekAnyWord({"CURRENT_TIMESTAMP", "NOW", "LOCALTIME", "LOCALTIMESTAMP"})) {
      bool needs_parens = PeekWord("NOW");
      Advance();
      std::string v = "CURRENT_TIMESTAMP";
      if (AcceptOp("(")) {
        if (Peek().kind == TokenKind::kNumber) {
          auto n = ParseInteger();
          if (!n) return n.error();
          if (*n != 0) v = fmt::format("CURRENT_TIMESTAMP({})", *n);
        }
        if (Status s = ExpectOp(")"); !s.ok()) return s;
      } else if (needs_parens) {
        return Fail("'('");
      }
      *value = std::move(v);
      finish_expression();
      return Status::Ok();
    }
    if (PeekWord("NEXT") && PeekWord("VALUE", 1) && PeekWord("FOR", 2)) {
      pos_ += 3;
      auto seq = ParseTableRef();
      if (!seq) return seq.error();
      *value = SourceText(start, tokens_[pos_ - 1].end);
      *is_expression = true;
      return Status::Ok();
    }
    *is_expression = true;
    Advance();  // a function name or a bare word (CURRENT_DATE, CURRENT_USER, ...)
    if (PeekOp("(")) {
      if (Status s = SkipParens(); !s.ok()) return s;
    }
    *value = SourceText(start, tokens_[pos_ - 1].end);
    finish_expression();
    return Status::Ok();
  }

  // PARTITION BY / REMOVE PARTITIONING may follow the last ALTER specification directly.
  bool AtPartitionClause() const {
    return (PeekWord("PARTITION") && PeekWord("BY", 1)) ||
           (PeekWord("REMOVE") && PeekWord("PARTITIONING", 1));
  }

  Status ParseColumnAttributes(ColumnDefinition* def) {
    Column& c = def->column;
    while (!AtElementEnd() && !PeekWord("FIRST") && !PeekWord("AFTER") && !AtPartitionClause()) {
      if (PeekWord("NOT") && PeekWord("NULL", 1)) {
        pos_ += 2;
        c.nullable = false;
        def->explicit_not_null = true;
        def->explicit_null = false;
      } else if (PeekWord("NOT") && PeekWord("SECONDARY", 1)) {
        pos_ += 2;
      } else if (AcceptWord("NULL")) {
        c.nullable = true;
        def->explicit_null = true;
        def->explicit_not_null = false;
      } else if (AcceptWord("DEFAULT")) {
        bool is_null = false, is_expression = false;
        std::optional<std::string> v;
        if (Status s = ParseDefaultValue(&v, &is_null, &is_expression); !s.ok()) return s;
        c.default_value = std::move(v);
        c.default_is_null = is_null;
        c.default_is_expression = is_expression;
      } else if (PeekWord("ON") && PeekWord("UPDATE", 1)) {
        pos_ += 2;
        bool is_null = false, is_expression = false;
        std::optional<std::string> v;
        if (Status s = ParseDefaultValue(&v, &is_null, &is_expression); !s.ok()) return s;
      } else if (AcceptWord("AUTO_INCREMENT")) {
        c.auto_increment = true;
      } else if (AcceptWord("UNIQUE")) {
        AcceptWord("KEY");
        def->unique_key = true;
      } else if (AcceptWord("PRIMARY")) {
        if (Status s = ExpectWord("KEY"); !s.ok()) return s;
        def->primary_key = true;
      } else if (AcceptWord("KEY")) {
        def->primary_key = true;
      } else if (AcceptWord("COMMENT")) {
        auto s = ParseString("a comment");
        if (!s) return s.error();
        c.comment = std::move(*s);
      } else if (AcceptWord("COLLATE")) {
        auto n = ParseCharsetName();
        if (!n) return n.error();
        c.collation = NormalizeCollation(*n);
      } else if ((PeekWord("CHARACTER") || PeekWord("CHAR")) && PeekWord("SET", 1)) {
        pos_ += 2;
        auto n = ParseCharsetName();
        if (!n) return n.error();
        c.charset = NormalizeCharset(*n);
      } else if (AcceptWord("CHARSET")) {
        auto n = ParseCharsetName();
        if (!n) return n.error();
        c.charset = NormalizeCharset(*n);
      } else if (AcceptWord("BINARY") || AcceptWord("BYTE")) {
        if (c.type == SqlType::kChar && tokens_[pos_ - 1].text.size() == 4 &&
            EqualsIgnoreCase(tokens_[pos_ - 1].text, "BYTE")) {
          c.type = SqlType::kBinary;  // CHAR BYTE = BINARY
          c.type_name = "BINARY";
        } else {
          def->binary_collation = true;
        }
      } else if (AcceptWord("ASCII")) {
        c.charset = "latin1";
      } else if (AcceptWord("UNICODE")) {
        c.charset = "ucs2";
      } else if (AcceptWord("UNSIGNED")) {
        c.is_unsigned = true;
      } else if (AcceptWord("SIGNED")) {
        c.is_unsigned = false;
      } else if (AcceptWord("ZEROFILL")) {
        c.zerofill = true;
        c.is_unsigned = true;
      } else if (PeekAnyWord({"COLUMN_FORMAT", "STORAGE"})) {
        Advance();
        if (Peek().kind != TokenKind::kIdentifier) return Fail("a column format or storage");
        Advance();
      } else if (PeekAnyWord({"ENGINE_ATTRIBUTE", "SECONDARY_ENGINE_ATTRIBUTE", "REF_SYSTEM_ID"})) {
        Advance();
        AcceptOp("=");
        if (Status s = SkipOptionValue(); !s.ok()) return s;
      } else if (PeekWord("GENERATED") || PeekWord("AS")) {
        if (AcceptWord("GENERATED")) {
          if (Status s = ExpectWord("ALWAYS"); !s.ok()) return s;
        }
        if (Status s = ExpectWord("AS"); !s.ok()) return s;
        if (PeekWord("ROW")) {  // MariaDB system versioning: AS ROW START | END
          pos_ += 1;
          if (!AcceptWord("START") && !AcceptWord("END")) return Fail("START or END");
          continue;
        }
        if (!PeekOp("(")) return Fail("'(' of a generated column expression");
        uint32_t inner = Peek().end;
        if (Status s = SkipParens(); !s.ok()) return s;
        uint32_t close = tokens_[pos_ - 1].offset;
        c.generated_expression = std::string(Trim(SourceText(inner, close)));
      } else if (AcceptWord("VIRTUAL")) {
        c.generated_stored = false;
      } else if (AcceptWord("STORED") || AcceptWord("PERSISTENT")) {
        c.generated_stored = true;
      } else if (AcceptWord("INVISIBLE")) {
        c.invisible = true;
      } else if (AcceptWord("VISIBLE")) {
        c.invisible = false;
      } else if (AcceptWord("SRID")) {
        auto n = ParseInteger();
        if (!n) return n.error();
        if (*n < 0 || *n > UINT32_MAX) return Fail("an SRID");
        c.srid = static_cast<uint32_t>(*n);
      } else if (PeekWord("CHECK") || PeekWord("CONSTRAINT")) {
        if (AcceptWord("CONSTRAINT") && !PeekWord("CHECK")) {
          auto n = ParseName("a constraint name");
          if (!n) return n.error();
        }
        if (Status s = ExpectWord("CHECK"); !s.ok()) return s;
        // MariaDB's JSON is LONGTEXT with CHECK (json_valid(`col`)): report it as JSON.
        if (PeekOp("(") && PeekWord("json_valid", 1) && PeekOp("(", 2) && IsNameToken(Peek(3)) &&
            EqualsIgnoreCase(Peek(3).text, c.name) && PeekOp(")", 4) && PeekOp(")", 5) &&
            c.type == SqlType::kLongText) {
          c.type = SqlType::kJson;
          c.type_name = "JSON";
          c.charset.clear();
          c.collation.clear();
        }
        if (Status s = SkipParens(); !s.ok()) return s;
        SkipEnforced();
      } else if (PeekWord("REFERENCES")) {
        if (Status s = ParseReferences(); !s.ok()) return s;
      } else if ((PeekWord("WITH") || PeekWord("WITHOUT")) && PeekWord("SYSTEM", 1)) {
        pos_ += 2;
        if (Status s = ExpectWord("VERSIONING"); !s.ok()) return s;
      } else if (AcceptWord("COMPRESSED")) {
        if (AcceptOp("=")) {
          if (Status s = SkipOptionValue(); !s.ok()) return s;
        }
      } else if (PeekWord("SERIAL") && PeekWord("DEFAULT", 1) && PeekWord("VALUE", 2)) {
        pos_ += 3;
        c.nullable = false;
        c.auto_increment = true;
        def->unique_key = true;
        def->explicit_not_null = true;
      } else {
        return Fail("a column attribute");
      }
    }
    return Status::Ok();
  }

  // ---- table options ----
  static bool IsTableOptionWord(const Token& t) {
    static constexpr std::array<std::string_view, 45> kWords = {
        "ENGINE",        "TYPE",            "AUTO_INCREMENT",  "AVG_ROW_LENGTH",
        "CHECKSUM",      "TABLE_CHECKSUM",  "COMMENT",         "COMPRESSION",
        "CONNECTION",    "DATA",            "INDEX",           "DELAY_KEY_WRITE",
        "ENCRYPTION",    "ENCRYPTED",       "ENCRYPTION_KEY_ID", "ENGINE_ATTRIBUTE",
        "SECONDARY_ENGINE", "SECONDARY_ENGINE_ATTRIBUTE", "INSERT_METHOD", "KEY_BLOCK_SIZE",
        "MAX_ROWS",      "MIN_ROWS",        "PACK_KEYS",       "PASSWORD",
        "ROW_FORMAT",    "STATS_AUTO_RECALC", "STATS_PERSISTENT", "STATS_SAMPLE_PAGES",
        "TABLESPACE",    "STORAGE",         "UNION",           "PAGE_CHECKSUM",
        "TRANSACTIONAL", "IETF_QUOTES",     "SEQUENCE",        "PAGE_COMPRESSED",
        "PAGE_COMPRESSION_LEVEL", "AUTOEXTEND_SIZE", "START",  "DEFAULT",
        "CHARACTER",     "CHARSET",         "COLLATE",         "WITH",
        "CHAR"};
    for (std::string_view w : kWords) {
      if (IsWord(t, w)) return true;
    }
    return false;
  }

  bool AtTableOption(bool in_alter) const {
    const Token& t = Peek();
    // MariaDB's SHOW CREATE TABLE quotes engine-defined options: `PAGE_COMPRESSED`='ON'.
    if (t.kind == TokenKind::kQuotedIdentifier) return PeekOp("=", 1);
    if (t.kind != TokenKind::kIdentifier) return false;
    if (IsWord(t, "WITH")) return PeekWord("SYSTEM", 1);
    if (IsWord(t, "START")) return PeekWord("TRANSACTION", 1);
    if (IsWord(t, "INDEX") || IsWord(t, "DATA")) return PeekWord("DIRECTORY", 1);
    if (IsWord(t, "CHAR")) return PeekWord("SET", 1);
    if (in_alter && IsWord(t, "DEFAULT")) {
      return PeekAnyWord({"CHARSET", "CHARACTER", "COLLATE", "CHAR"}, 1);
    }
    if (IsTableOptionWord(t)) return true;
    // Engine-defined options (MariaDB): any word followed by '='.
    return PeekOp("=", 1) && !IsWord(t, "ALGORITHM") && !IsWord(t, "LOCK");
  }

  Status ParseTableOptions(TableOptions* options, bool in_alter) {
    while (AtTableOption(in_alter)) {
      bool is_default = AcceptWord("DEFAULT");
      std::string w = Upper(Peek().text);
      if (Is(w, "CHARACTER") || Is(w, "CHAR")) {
        Advance();
        if (Status s = ExpectWord("SET"); !s.ok()) return s;
        w = "CHARSET";
      } else {
        Advance();
      }
      if (Is(w, "CHARSET") || Is(w, "COLLATE")) {
        AcceptOp("=");
        auto n = ParseCharsetName();
        if (!n) return n.error();
        if (Is(w, "CHARSET")) {
          options->charset = NormalizeCharset(*n);
        } else {
          options->collation = NormalizeCollation(*n);
        }
      } else if (is_default) {
        return Fail("CHARACTER SET or COLLATE");
      } else if (Is(w, "COMMENT")) {
        AcceptOp("=");
        auto s = ParseString("a comment");
        if (!s) return s.error();
        options->comment = std::move(*s);
      } else if (Is(w, "ENGINE") || Is(w, "TYPE")) {
        AcceptOp("=");
        auto n = ParseCharsetName();
        if (!n) return n.error();
        options->engine = std::move(*n);
      } else if (Is(w, "START")) {
        Advance();  // TRANSACTION
      } else if (Is(w, "WITH")) {
        pos_ += 1;  // SYSTEM
        if (Status s = ExpectWord("VERSIONING"); !s.ok()) return s;
      } else if (Is(w, "DATA") || Is(w, "INDEX")) {
        Advance();  // DIRECTORY
        AcceptOp("=");
        if (Status s = SkipOptionValue(); !s.ok()) return s;
      } else if (Is(w, "TABLESPACE")) {
        AcceptOp("=");
        if (Status s = SkipOptionValue(); !s.ok()) return s;
        if (PeekWord("STORAGE")) {
          Advance();
          if (Status s = SkipOptionValue(); !s.ok()) return s;
        }
      } else if (Is(w, "STORAGE")) {
        if (Status s = SkipOptionValue(); !s.ok()) return s;
      } else {
        AcceptOp("=");
        if (Status s = SkipOptionValue(); !s.ok()) return s;
      }
      if (PeekOp(",") && !in_alter) {
        Advance();
        if (!AtTableOption(in_alter)) return Fail("a table option");
      }
    }
    return Status::Ok();
  }

  // ---- ALTER ----
  Result<DdlBody> ParseAlter() {
    Advance();  // ALTER
    size_t save = pos_;
    while (AcceptWord("ONLINE") || AcceptWord("OFFLINE") || AcceptWord("IGNORE")) {
    }
    if (PeekWord("TABLE")) return ParseAlterTable();
    pos_ = save;
    if (PeekWord("DATABASE") || PeekWord("SCHEMA")) {
      Advance();
      AlterDatabaseStatement st;
      if (!AtStatementEnd() &&
          !PeekAnyWord({"DEFAULT", "CHARACTER", "CHARSET", "COLLATE", "ENCRYPTION", "READ",
                        "COMMENT", "CHAR"})) {
        auto n = ParseName("a database name");
        if (!n) return Error(n.error());
        st.name = std::move(*n);
      }
      if (Status s = ParseDatabaseOptions(&st.charset, &st.collation); !s.ok()) return Error(s);
      return DdlBody(std::move(st));
    }
    return SkipOtherObject("ALTER");
  }

  Result<DdlBody> ParseAlterTable() {
    Advance();  // TABLE
    AlterTableStatement st;
    if (PeekWord("IF") && PeekWord("EXISTS", 1)) {
      pos_ += 2;
      st.if_exists = true;
    }
    auto table = ParseTableRef();
    if (!table) return Error(table.error());
    st.table = std::move(*table);
    if (AcceptWord("WAIT")) {
      if (Status s = SkipOptionValue(); !s.ok()) return Error(s);
    } else {
      AcceptWord("NOWAIT");
    }
    while (!AtStatementEnd()) {
      if (PeekWord("ADD") && (PeekOp("(", 1) || (PeekWord("COLUMN", 1) && PeekOp("(", 2)))) {
        // ADD [COLUMN] (c1 ..., c2 ..., INDEX ...): one specification per element.
        pos_ += PeekOp("(", 1) ? 2 : 3;
        std::vector<ColumnDefinition> columns;
        std::vector<IndexDefinition> indexes;
        while (true) {
          if (Status s = ParseTableElement(&columns, &indexes); !s.ok()) return Error(s);
          if (AcceptOp(",")) continue;
          if (Status s = ExpectOp(")"); !s.ok()) return Error(s);
          break;
        }
        for (ColumnDefinition& c : columns) {
          AlterSpec spec;
          spec.kind = AlterSpec::Kind::kAddColumn;
          spec.column = std::move(c);
          st.specs.push_back(std::move(spec));
        }
        for (IndexDefinition& ix : indexes) {
          AlterSpec spec;
          spec.kind = AlterSpec::Kind::kAddIndex;
          spec.index = std::move(ix);
          st.specs.push_back(std::move(spec));
        }
        if (AcceptOp(",")) continue;
        if (AtStatementEnd()) break;
        if (!AtTableOption(true) && !PeekWord("PARTITION") && !AtPartitionClause()) {
        return Error(Fail("',' or end of statement"));
      }
        continue;
      }
      AlterSpec spec;
      bool to_end = false;
      if (Status s = ParseAlterSpec(&spec, &to_end); !s.ok()) return Error(s);
      st.specs.push_back(std::move(spec));
      if (to_end) {
        SkipStatement(SkipTo::kStatementEnd);
        break;
      }
      if (AcceptOp(",")) continue;
      if (AtStatementEnd()) break;
      // Space-separated table options and partitioning may follow a specification.
      if (!AtTableOption(true) && !PeekWord("PARTITION") && !AtPartitionClause()) {
        return Error(Fail("',' or end of statement"));
      }
    }
    return DdlBody(std::move(st));
  }

  Status ParseColumnPlace(AlterSpec* spec) {
    if (AcceptWord("FIRST")) {
      spec->place = ColumnPlace::kFirst;
    } else if (AcceptWord("AFTER")) {
      auto n = ParseName("a column name");
      if (!n) return n.error();
      spec->place = ColumnPlace::kAfter;
      spec->after = std::move(*n);
    }
    return Status::Ok();
  }

  Status ParseIfExists(bool* flag) {
    if (PeekWord("IF") && PeekWord("EXISTS", 1)) {
      pos_ += 2;
      *flag = true;
    }
    return Status::Ok();
  }

  static bool IsPartitionOp(const Token& t) {
    static constexpr std::array<std::string_view, 11> kWords = {
        "TRUNCATE", "COALESCE", "REORGANIZE", "EXCHANGE", "ANALYZE", "CHECK",
        "OPTIMIZE", "REBUILD",  "REPAIR",     "DISCARD",  "IMPORT"};
    for (std::string_view w : kWords) {
      if (IsWord(t, w)) return true;
    }
    return false;
  }

  Status ParseAlterSpec(AlterSpec* spec, bool* to_end) {
    using K = AlterSpec::Kind;
    const Token& t = Peek();
    auto no_shape = [&](std::string what) {
      spec->kind = K::kNoShapeChange;
      spec->name = std::move(what);
    };
    if (AcceptWord("ADD")) {
      if (PeekWord("PARTITION")) {
        no_shape("ADD PARTITION");
        *to_end = true;
        return Status::Ok();
      }
      if (PeekWord("PERIOD") && PeekWord("FOR", 1)) {
        spec->kind = K::kAddIndex;
        if (PeekWord("IF", 2)) {  // ADD PERIOD IF NOT EXISTS FOR (MariaDB)
          SkipElement();
          no_shape("ADD PERIOD");
          return Status::Ok();
        }
        return ParsePeriod(&spec->index);
      }
      if (PeekWord("SYSTEM") && PeekWord("VERSIONING", 1)) {
        pos_ += 2;
        no_shape("ADD SYSTEM VERSIONING");
        return Status::Ok();
      }
      if (IsIndexStart(Peek())) {
        spec->kind = K::kAddIndex;
        return ParseIndexDefinition(&spec->index, &spec->if_not_exists);
      }
      AcceptWord("COLUMN");
      if (PeekWord("IF") && PeekWord("NOT", 1)) {
        pos_ += 2;
        if (Status s = ExpectWord("EXISTS"); !s.ok()) return s;
        spec->if_not_exists = true;
      }
      spec->kind = K::kAddColumn;
      if (Status s = ParseColumnDefinition(&spec->column); !s.ok()) return s;
      return ParseColumnPlace(spec);
    }
    if (AcceptWord("DROP")) {
      if (PeekWord("PRIMARY")) {
        Advance();
        if (Status s = ExpectWord("KEY"); !s.ok()) return s;
        spec->kind = K::kDropPrimaryKey;
        return Status::Ok();
      }
      if (PeekAnyWord({"INDEX", "KEY", "CONSTRAINT", "CHECK"}) ||
          (PeekWord("FOREIGN") && PeekWord("KEY", 1))) {
        if (AcceptWord("FOREIGN")) {
          spec->index.kind = IndexDefinition::Kind::kForeignKey;
        } else if (PeekWord("CHECK")) {
          spec->index.kind = IndexDefinition::Kind::kCheck;
        }
        Advance();
        if (Status s = ParseIfExists(&spec->if_exists); !s.ok()) return s;
        auto n = ParseName("an index or constraint name");
        if (!n) return n.error();
        spec->kind = K::kDropIndex;
        spec->name = std::move(*n);
        return Status::Ok();
      }
      if (PeekWord("PARTITION")) {
        no_shape("DROP PARTITION");
        *to_end = true;
        return Status::Ok();
      }
      if (PeekWord("PERIOD") && PeekWord("FOR", 1)) {
        SkipElement();
        no_shape("DROP PERIOD");
        return Status::Ok();
      }
      if (PeekWord("SYSTEM") && PeekWord("VERSIONING", 1)) {
        pos_ += 2;
        no_shape("DROP SYSTEM VERSIONING");
        return Status::Ok();
      }
      AcceptWord("COLUMN");
      if (Status s = ParseIfExists(&spec->if_exists); !s.ok()) return s;
      auto n = ParseName("a column name");
      if (!n) return n.error();
      spec->kind = K::kDropColumn;
      spec->name = std::move(*n);
      if (!AcceptWord("RESTRICT")) AcceptWord("CASCADE");
      return Status::Ok();
    }
    if (AcceptWord("MODIFY")) {
      AcceptWord("COLUMN");
      if (Status s = ParseIfExists(&spec->if_exists); !s.ok()) return s;
      spec->kind = K::kModifyColumn;
      if (Status s = ParseColumnDefinition(&spec->column); !s.ok()) return s;
      spec->name = spec->column.column.name;
      return ParseColumnPlace(spec);
    }
    if (AcceptWord("CHANGE")) {
      AcceptWord("COLUMN");
      if (Status s = ParseIfExists(&spec->if_exists); !s.ok()) return s;
      auto n = ParseName("a column name");
      if (!n) return n.error();
      spec->kind = K::kChangeColumn;
      spec->name = std::move(*n);
      if (Status s = ParseColumnDefinition(&spec->column); !s.ok()) return s;
      return ParseColumnPlace(spec);
    }
    if (AcceptWord("RENAME")) {
      if (AcceptWord("COLUMN")) {
        if (Status s = ParseIfExists(&spec->if_exists); !s.ok()) return s;
        auto from = ParseName("a column name");
        if (!from) return from.error();
        if (Status s = ExpectWord("TO"); !s.ok()) return s;
        auto to = ParseName("a column name");
        if (!to) return to.error();
        spec->kind = K::kRenameColumn;
        spec->name = std::move(*from);
        spec->new_name = std::move(*to);
        return Status::Ok();
      }
      if (AcceptWord("INDEX") || AcceptWord("KEY")) {
        if (Status s = ParseIfExists(&spec->if_exists); !s.ok()) return s;
        auto from = ParseName("an index name");
        if (!from) return from.error();
        if (Status s = ExpectWord("TO"); !s.ok()) return s;
        auto to = ParseName("an index name");
        if (!to) return to.error();
        spec->kind = K::kRenameIndex;
        spec->name = std::move(*from);
        spec->new_name = std::move(*to);
        return Status::Ok();
      }
      if (!AcceptWord("TO")) AcceptWord("AS");
      auto to = ParseTableRef();
      if (!to) return to.error();
      spec->kind = K::kRenameTable;
      spec->rename_to = std::move(*to);
      return Status::Ok();
    }
    if (PeekWord("ALTER")) {
      Advance();
      if (PeekAnyWord({"INDEX", "KEY", "CHECK", "CONSTRAINT"})) {
        std::string what = "ALTER " + Upper(Peek().text);
        SkipElement();
        no_shape(std::move(what));
        return Status::Ok();
      }
      AcceptWord("COLUMN");
      if (Status s = ParseIfExists(&spec->if_exists); !s.ok()) return s;
      auto n = ParseName("a column name");
      if (!n) return n.error();
      spec->name = std::move(*n);
      if (AcceptWord("SET")) {
        if (AcceptWord("DEFAULT")) {
          spec->kind = K::kSetDefault;
          bool is_null = false, is_expression = false;
          if (Status s = ParseDefaultValue(&spec->default_value, &is_null, &is_expression);
              !s.ok()) {
            return s;
          }
          spec->default_is_null = is_null;
          spec->default_is_expression = is_expression;
          return Status::Ok();
        }
        if (AcceptWord("VISIBLE") || AcceptWord("INVISIBLE")) {
          spec->kind = K::kSetVisibility;
          spec->invisible = EqualsIgnoreCase(tokens_[pos_ - 1].text, "INVISIBLE");
          return Status::Ok();
        }
        return Fail("DEFAULT, VISIBLE or INVISIBLE");
      }
      if (AcceptWord("DROP")) {
        if (Status s = ExpectWord("DEFAULT"); !s.ok()) return s;
        spec->kind = K::kDropDefault;
        return Status::Ok();
      }
      return Fail("SET or DROP");
    }
    if (AcceptWord("CONVERT")) {
      if (Status s = ExpectWord("TO"); !s.ok()) return s;
      if (AcceptWord("CHARACTER") || AcceptWord("CHAR")) {
        if (Status s = ExpectWord("SET"); !s.ok()) return s;
      } else if (!AcceptWord("CHARSET")) {
        return Fail("CHARACTER SET");
      }
      AcceptOp("=");
      auto n = ParseCharsetName();
      if (!n) return n.error();
      spec->kind = K::kConvertCharset;
      spec->charset = NormalizeCharset(*n);
      if (AcceptWord("COLLATE")) {
        AcceptOp("=");
        auto c = ParseCharsetName();
        if (!c) return c.error();
        spec->collation = NormalizeCollation(*c);
      }
      return Status::Ok();
    }
    if (PeekAnyWord({"ALGORITHM", "LOCK"})) {
      std::string what = Upper(t.text);
      Advance();
      AcceptOp("=");
      if (Status s = SkipOptionValue(); !s.ok()) return s;
      no_shape(std::move(what));
      return Status::Ok();
    }
    if (AcceptWord("FORCE")) {
      no_shape("FORCE");
      return Status::Ok();
    }
    if ((PeekWord("ENABLE") || PeekWord("DISABLE")) && PeekWord("KEYS", 1)) {
      std::string what = Upper(t.text) + " KEYS";
      pos_ += 2;
      no_shape(std::move(what));
      return Status::Ok();
    }
    if ((PeekWord("DISCARD") || PeekWord("IMPORT")) && PeekWord("TABLESPACE", 1)) {
      std::string what = Upper(t.text) + " TABLESPACE";
      pos_ += 2;
      no_shape(std::move(what));
      return Status::Ok();
    }
    if (PeekWord("ORDER") && PeekWord("BY", 1)) {
      pos_ += 2;
      while (true) {
        auto n = ParseColumnName();
        if (!n) return n.error();
        if (!AcceptWord("ASC")) AcceptWord("DESC");
        if (PeekOp(",") && IsNameToken(Peek(1)) && !IsAlterSpecStart(Peek(1))) {
          Advance();
          continue;
        }
        break;
      }
      no_shape("ORDER BY");
      return Status::Ok();
    }
    if ((PeekWord("WITH") || PeekWord("WITHOUT")) && PeekWord("VALIDATION", 1)) {
      pos_ += 2;
      no_shape("VALIDATION");
      return Status::Ok();
    }
    if (PeekAnyWord({"SECONDARY_LOAD", "SECONDARY_UNLOAD"})) {
      no_shape(Upper(t.text));
      Advance();
      return Status::Ok();
    }
    if ((IsPartitionOp(t) && PeekWord("PARTITION", 1)) || PeekWord("PARTITION") ||
        (PeekWord("REMOVE") && PeekWord("PARTITIONING", 1)) ||
        (PeekWord("UPGRADE") && PeekWord("PARTITIONING", 1))) {
      no_shape("PARTITION");
      *to_end = true;
      return Status::Ok();
    }
    if (AtTableOption(true)) {
      spec->kind = K::kTableOptions;
      return ParseTableOptions(&spec->options, true);
    }
    return Fail("an ALTER TABLE specification");
  }

  static bool IsAlterSpecStart(const Token& t) {
    static constexpr std::array<std::string_view, 12> kWords = {
        "ADD", "DROP", "MODIFY", "CHANGE", "RENAME", "ALTER", "CONVERT", "ALGORITHM", "LOCK",
        "FORCE", "ORDER", "ENGINE"};
    for (std::string_view w : kWords) {
      if (IsWord(t, w)) return true;
    }
    return false;
  }

  // ---- DROP / RENAME / TRUNCATE ----
  Result<DdlBody> ParseDrop() {
    Advance();  // DROP
    bool temporary = AcceptWord("TEMPORARY");
    if (PeekWord("TABLE") || PeekWord("TABLES")) {
      Advance();
      DropTableStatement st;
      st.temporary = temporary;
      if (PeekWord("IF") && PeekWord("EXISTS", 1)) {
        pos_ += 2;
        st.if_exists = true;
      }
      while (true) {
        auto t = ParseTableRef();
        if (!t) return Error(t.error());
        st.tables.push_back(std::move(*t));
        if (!AcceptOp(",")) break;
      }
      if (AcceptWord("WAIT")) {
        if (Status s = SkipOptionValue(); !s.ok()) return Error(s);
      } else {
        AcceptWord("NOWAIT");
      }
      if (!AcceptWord("RESTRICT")) AcceptWord("CASCADE");
      return DdlBody(std::move(st));
    }
    if (temporary) {
      if (PeekWord("SEQUENCE")) return Skipped("DROP SEQUENCE");
      return Error(Fail("TABLE"));
    }
    if (PeekWord("DATABASE") || PeekWord("SCHEMA")) {
      Advance();
      DropDatabaseStatement st;
      if (PeekWord("IF") && PeekWord("EXISTS", 1)) {
        pos_ += 2;
        st.if_exists = true;
      }
      auto n = ParseName("a database name");
      if (!n) return Error(n.error());
      st.name = std::move(*n);
      return DdlBody(std::move(st));
    }
    size_t save = pos_;
    bool online = AcceptWord("ONLINE") || AcceptWord("OFFLINE");
    if (PeekWord("INDEX")) {
      Advance();
      DropIndexStatement st;
      if (PeekWord("IF") && PeekWord("EXISTS", 1)) {
        pos_ += 2;
        st.if_exists = true;
      }
      auto n = ParseName("an index name");
      if (!n) return Error(n.error());
      st.name = std::move(*n);
      if (Status s = ExpectWord("ON"); !s.ok()) return Error(s);
      auto t = ParseTableRef();
      if (!t) return Error(t.error());
      st.table = std::move(*t);
      if (Status s = SkipIndexOptions(/*allow_algorithm_lock=*/true); !s.ok()) return Error(s);
      return DdlBody(std::move(st));
    }
    if (online) pos_ = save;
    if (PeekWord("PREPARE")) return Skipped("DROP PREPARE");
    if (PeekWord("STATISTICS")) return Skipped("DROP STATISTICS");
    return SkipOtherObject("DROP");
  }

  Result<DdlBody> ParseRename() {
    Advance();  // RENAME
    if (!PeekWord("TABLE") && !PeekWord("TABLES")) return SkipOtherObject("RENAME");
    Advance();
    RenameTableStatement st;
    if (PeekWord("IF") && PeekWord("EXISTS", 1)) pos_ += 2;
    while (true) {
      auto from = ParseTableRef();
      if (!from) return Error(from.error());
      if (AcceptWord("WAIT")) {
        if (Status s = SkipOptionValue(); !s.ok()) return Error(s);
      } else {
        AcceptWord("NOWAIT");
      }
      if (Status s = ExpectWord("TO"); !s.ok()) return Error(s);
      auto to = ParseTableRef();
      if (!to) return Error(to.error());
      st.renames.emplace_back(std::move(*from), std::move(*to));
      if (!AcceptOp(",")) break;
    }
    return DdlBody(std::move(st));
  }

  Result<DdlBody> ParseTruncate() {
    Advance();  // TRUNCATE
    AcceptWord("TABLE");
    auto t = ParseTableRef();
    if (!t) return Error(t.error());
    if (AcceptWord("WAIT")) {
      if (Status s = SkipOptionValue(); !s.ok()) return Error(s);
    } else {
      AcceptWord("NOWAIT");
    }
    return DdlBody(TruncateTableStatement{std::move(*t)});
  }

  std::string_view sql_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

}  // namespace

Result<std::vector<DdlStatement>> ParseDdl(std::string_view sql) {
  auto tokens = TokenizeDdl(sql);
  if (!tokens) return Error(tokens.error());
  return Parser(sql, std::move(*tokens)).ParseAll();
}

Result<DdlStatement> ParseDdlStatement(std::string_view sql) {
  auto all = ParseDdl(sql);
  if (!all) return Error(all.error());
  if (all->empty()) return Error(Status::InvalidArgument("empty DDL statement"));
  if (all->size() > 1) {
    return Error(Status::InvalidArgument(
        fmt::format("expected one DDL statement, found {} (second at offset {})", all->size(),
                    (*all)[1].offset)));
  }
  return std::move(all->front());
}

}  // namespace tributary::schema
