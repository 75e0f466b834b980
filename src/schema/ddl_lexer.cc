#include "schema/ddl_lexer.h"

#include <fmt/format.h>

#include <limits>

namespace tributary::schema {
namespace {

bool IsSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(unsigned char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsIdentChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '_' ||
         c == '$' || c >= 0x80;
}

class Lexer {
 public:
  explicit Lexer(std::string_view sql) : sql_(sql) {}

  Result<std::vector<Token>> Run() {
    std::vector<Token> out;
    out.reserve(sql_.size() / 4 + 2);
    while (true) {
      if (Status s = SkipSpaceAndComments(); !s.ok()) return Error(s);
      if (pos_ >= sql_.size()) break;
      Token t;
      if (Status s = Next(out, &t); !s.ok()) return Error(s);
      out.push_back(std::move(t));
    }
    Token end;
    end.kind = TokenKind::kEnd;
    end.offset = end.end = static_cast<uint32_t>(sql_.size());
    out.push_back(std::move(end));
    FoldIntroducers(&out);
    return out;
  }

 private:
  unsigned char At(size_t i) const { return i < sql_.size() ? sql_[i] : 0; }

  Status Fail(size_t at, std::string_view what) const {
    return Status::InvalidArgument(fmt::format("DDL syntax error at offset {}: {}", at, what));
  }

  Status SkipSpaceAndComments() {
    while (pos_ < sql_.size()) {
      unsigned char c = sql_[pos_];
      if (IsSpace(c)) {
        ++pos_;
      } else if (c == '#' ||
                 (c == '-' && At(pos_ + 1) == '-' &&
                  (pos_ + 2 >= sql_.size() || At(pos_ + 2) <= ' '))) {
        while (pos_ < sql_.size() && sql_[pos_] != '\n') ++pos_;
      } else if (c == '/' && At(pos_ + 1) == '*') {
        size_t start = pos_;
        if (At(pos_ + 2) == '!' || (At(pos_ + 2) == 'M' && At(pos_ + 3) == '!')) {
          // Executable comment: lex its contents; its "*/" is skipped when met.
          pos_ += At(pos_ + 2) == '!' ? 3 : 4;
          for (int i = 0; i < 6 && IsDigit(At(pos_)); ++i) ++pos_;
          ++executable_depth_;
          continue;
        }
        size_t close = sql_.find("*/", pos_ + 2);
        if (close == std::string_view::npos) return Fail(start, "unterminated /* comment");
        pos_ = close + 2;
      } else if (c == '*' && At(pos_ + 1) == '/' && executable_depth_ > 0) {
        --executable_depth_;
        pos_ += 2;
      } else {
        break;
      }
    }
    return Status::Ok();
  }

  // Reads a quoted run starting at the opening quote; escapes as MySQL strings do when
  // `backslash` is set, doubled quotes always.
  Status ReadQuoted(char quote, bool backslash, std::string* text) {
    size_t start = pos_;
    ++pos_;
    while (true) {
      if (pos_ >= sql_.size()) {
        return Fail(start, quote == '`' ? "unterminated quoted identifier" : "unterminated string");
      }
      char c = sql_[pos_];
      if (backslash && c == '\\' && pos_ + 1 < sql_.size()) {
        char e = sql_[pos_ + 1];
        switch (e) {
          case '0': text->push_back('\0'); break;
          case 'b': text->push_back('\b'); break;
          case 'n': text->push_back('\n'); break;
          case 'r': text->push_back('\r'); break;
          case 't': text->push_back('\t'); break;
          case 'Z': text->push_back('\x1a'); break;
          case '%': case '_': text->push_back('\\'); text->push_back(e); break;
          default: text->push_back(e); break;
        }
        pos_ += 2;
      } else if (c == quote) {
        if (At(pos_ + 1) == static_cast<unsigned char>(quote)) {
          text->push_back(quote);
          pos_ += 2;
        } else {
          ++pos_;
          return Status::Ok();
        }
      } else {
        text->push_back(c);
        ++pos_;
      }
    }
  }

  // pos_ at a digit or at '.' followed by a digit: reads a decimal number.
  void ReadNumber() {
    while (IsDigit(At(pos_))) ++pos_;
    if (At(pos_) == '.') {
      ++pos_;
      while (IsDigit(At(pos_))) ++pos_;
    }
    if ((At(pos_) == 'e' || At(pos_) == 'E') &&
        (IsDigit(At(pos_ + 1)) ||
         ((At(pos_ + 1) == '+' || At(pos_ + 1) == '-') && IsDigit(At(pos_ + 2))))) {
      pos_ += 2;
      while (IsDigit(At(pos_))) ++pos_;
    }
  }

  Status Next(const std::vector<Token>& previous, Token* t) {
    size_t start = pos_;
    t->offset = static_cast<uint32_t>(start);
    unsigned char c = sql_[pos_];
    bool after_dot = !previous.empty() && previous.back().kind == TokenKind::kOperator &&
                     previous.back().text.size() == 1 && previous.back().text[0] == '.';
    if (c == '\'' || c == '"') {
      t->kind = TokenKind::kString;
      t->double_quoted = c == '"';
      if (Status s = ReadQuoted(static_cast<char>(c), true, &t->text); !s.ok()) return s;
    } else if (c == '`') {
      t->kind = TokenKind::kQuotedIdentifier;
      if (Status s = ReadQuoted('`', false, &t->text); !s.ok()) return s;
    } else if ((c == 'x' || c == 'X' || c == 'b' || c == 'B') && At(pos_ + 1) == '\'') {
      bool hex = c == 'x' || c == 'X';
      std::string body;
      ++pos_;
      if (Status s = ReadQuoted('\'', false, &body); !s.ok()) return s;
      t->kind = hex ? TokenKind::kHexLiteral : TokenKind::kBitLiteral;
      t->text.assign(sql_.substr(start, pos_ - start));
    } else if ((c == 'n' || c == 'N') && At(pos_ + 1) == '\'') {
      ++pos_;
      t->kind = TokenKind::kString;
      t->introducer = "N";
      if (Status s = ReadQuoted('\'', true, &t->text); !s.ok()) return s;
    } else if (IsDigit(c) && !after_dot) {
      if (c == '0' && (At(pos_ + 1) == 'x' || At(pos_ + 1) == 'b')) {
        bool hex = At(pos_ + 1) == 'x';
        size_t p = pos_ + 2;
        while (hex ? IsHexDigit(At(p)) : (At(p) == '0' || At(p) == '1')) ++p;
        if (p > pos_ + 2 && !IsIdentChar(At(p))) {
          pos_ = p;
          t->kind = hex ? TokenKind::kHexLiteral : TokenKind::kBitLiteral;
          t->text.assign(sql_.substr(start, pos_ - start));
          t->end = static_cast<uint32_t>(pos_);
          return Status::Ok();
        }
      }
      ReadNumber();
      if (IsIdentChar(At(pos_)) && sql_.substr(start, pos_ - start).find('.') ==
                                       std::string_view::npos) {
        // 1abc, 123_x: identifiers may start with digits.
        pos_ = start;
        while (IsIdentChar(At(pos_))) ++pos_;
        t->kind = TokenKind::kIdentifier;
      } else {
        t->kind = TokenKind::kNumber;
      }
      t->text.assign(sql_.substr(start, pos_ - start));
    } else if (c == '.' && IsDigit(At(pos_ + 1)) && !FollowsName(previous, start)) {
      ReadNumber();
      t->kind = TokenKind::kNumber;
      t->text.assign(sql_.substr(start, pos_ - start));
    } else if (IsIdentChar(c)) {
      while (IsIdentChar(At(pos_))) ++pos_;
      t->kind = TokenKind::kIdentifier;
      t->text.assign(sql_.substr(start, pos_ - start));
    } else if (c == '@') {
      ++pos_;
      if (At(pos_) == '@') ++pos_;
      unsigned char q = At(pos_);
      if (q == '\'' || q == '"' || q == '`') {
        std::string ignored;
        if (Status s = ReadQuoted(static_cast<char>(q), q != '`', &ignored); !s.ok()) return s;
      } else {
        while (IsIdentChar(At(pos_)) || At(pos_) == '.') ++pos_;
      }
      t->kind = TokenKind::kVariable;
      t->text.assign(sql_.substr(start, pos_ - start));
    } else {
      size_t len = 1;
      unsigned char n = At(pos_ + 1);
      switch (c) {
        case '<':
          len = n == '=' ? (At(pos_ + 2) == '>' ? 3 : 2) : (n == '<' || n == '>') ? 2 : 1;
          break;
        case '>': len = (n == '=' || n == '>') ? 2 : 1; break;
        case '-': len = n == '>' ? (At(pos_ + 2) == '>' ? 3 : 2) : 1; break;
        case '!': case ':': len = n == '=' ? 2 : 1; break;
        case '|': case '&': len = n == c ? 2 : 1; break;
        default: break;
      }
      pos_ += len;
      t->kind = TokenKind::kOperator;
      t->text.assign(sql_.substr(start, len));
    }
    t->end = static_cast<uint32_t>(pos_);
    return Status::Ok();
  }

  // True when the previous token is a name ending right here, so that "t.5" is a
  // qualifier dot ("DEFAULT .5" is a number).
  static bool FollowsName(const std::vector<Token>& previous, size_t at) {
    if (previous.empty()) return false;
    const Token& p = previous.back();
    if (p.end != at) return false;
    return p.kind == TokenKind::kIdentifier || p.kind == TokenKind::kQuotedIdentifier ||
           (p.kind == TokenKind::kString && p.double_quoted);
  }

  // `_utf8mb4 'x'`, `_binary 0x41`: the introducer moves into the literal's token.
  static void FoldIntroducers(std::vector<Token>* tokens) {
    size_t w = 0;
    for (size_t r = 0; r < tokens->size(); ++r) {
      Token& t = (*tokens)[r];
      if (t.kind == TokenKind::kIdentifier && t.text.size() > 1 && t.text[0] == '_' &&
          r + 1 < tokens->size()) {
        Token& n = (*tokens)[r + 1];
        bool literal = (n.kind == TokenKind::kString && !n.double_quoted && n.introducer.empty()) ||
                       n.kind == TokenKind::kHexLiteral || n.kind == TokenKind::kBitLiteral;
        if (literal) {
          n.introducer = std::move(t.text);
          n.offset = t.offset;
          continue;
        }
      }
      if (w != r) (*tokens)[w] = std::move(t);
      ++w;
    }
    tokens->resize(w);
  }

  std::string_view sql_;
  size_t pos_ = 0;
  int executable_depth_ = 0;
};

}  // namespace

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEnd: return "end of statement";
    case TokenKind::kIdentifier: return "identifier";
    case TokenKind::kQuotedIdentifier: return "quoted identifier";
    case TokenKind::kString: return "string";
    case TokenKind::kNumber: return "number";
    case TokenKind::kHexLiteral: return "hex literal";
    case TokenKind::kBitLiteral: return "bit literal";
    case TokenKind::kVariable: return "variable";
    case TokenKind::kOperator: return "operator";
  }
  return "token";
}

Result<std::vector<Token>> TokenizeDdl(std::string_view sql) {
  if (sql.size() >= std::numeric_limits<uint32_t>::max()) {
    return Error(Status::InvalidArgument("DDL statement longer than 4 GiB"));
  }
  return Lexer(sql).Run();
}

}  // namespace tributary::schema
