#include "format/schemaless_json_transcoder.h"

#include <simdjson.h>

#include <cstring>
#include <vector>

#include "common/utf8.h"
#include "format/member_order_cache.h"

namespace tributary::format {

namespace {

constexpr int kMaxDepth = 64;

// Bytes of `p[0..n)` before the first '"', '\\', control character (< 0x20) or lead byte
// of a 4-byte UTF-8 sequence (>= 0xF0): the run Jackson writes back unchanged. Eight
// bytes at a time.
size_t PlainRun(const char* p, size_t n) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    std::memcpy(&x, p + i, 8);
    uint64_t below20 = (x - kOnes * 0x20) & ~x;  // high bit: byte < 0x20 (or >= 0x80)
    uint64_t q = x ^ (kOnes * '"');
    uint64_t quote = (q - kOnes) & ~q;
    uint64_t b = x ^ (kOnes * '\\');
    uint64_t slash = (b - kOnes) & ~b;
    uint64_t f0 = (x & (kOnes * 0xF0)) ^ (kOnes * 0xF0);
    uint64_t four = (f0 - kOnes) & ~f0;
    if (((below20 | quote | slash | four) & kHigh) != 0) break;
  }
  for (; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(p[i]);
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0xf0) break;
  }
  return i;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}


}  // namespace

// A recursive-descent reader over one value that writes as it reads. Object members are
// written to a per-depth buffer in document order (their values only), then copied out in
// the cached member order behind their encoded names. Every read is bounds-checked; any
// doubt returns false (the caller declines).
class SchemalessJsonTranscoder::Scanner {
 public:
  Scanner(const JsonLinesOptions& options, EnvelopeMode envelope)
      : java_order_(options.java_map_order),
        check_envelope_(envelope == EnvelopeMode::kAuto),
        levels_(kMaxDepth + 1) {}

  bool Run(std::string_view json, std::string* out) {
    p_ = json.data();
    end_ = json.data() + json.size();
    SkipSpace();
    // Objects and arrays only: a null value is the null record of behavior.on.null.values,
    // and the general path has its own rules for a scalar at the root.
    if (p_ == end_ || (*p_ != '{' && *p_ != '[')) return false;
    if (!Value(out, 0)) return false;
    SkipSpace();
    return p_ == end_;
  }

 private:
  struct Level {
    std::string values;                  // member values in document order
    std::vector<uint32_t> ends;          // end of member i's value in `values`
    std::vector<std::string_view> keys;  // member names (views into the input)
  };

  void SkipSpace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  // After a scalar: the end, whitespace or a structural character must follow.
  bool AtDelimiter() const {
    if (p_ == end_) return true;
    char c = *p_;
    return c == ',' || c == ']' || c == '}' || c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  bool Value(std::string* out, int depth) {
    SkipSpace();
    if (p_ == end_) return false;
    switch (*p_) {
      case '{': return Object(out, depth);
      case '[': return Array(out, depth);
      case '"': return String(out);
      case 't': return Literal("true", out);
      case 'f': return Literal("false", out);
      case 'n': return Literal("null", out);
      default: return Number(out);
    }
  }

  bool Literal(std::string_view word, std::string* out) {
    if (static_cast<size_t>(end_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0) {
      return false;
    }
    p_ += word.size();
    if (!AtDelimiter()) return false;
    out->append(word);
    return true;
  }

  bool Number(std::string* out) {
    const char* start = p_;
    if (p_ < end_ && *p_ == '-') ++p_;
    if (p_ == end_) return false;
    if (*p_ == '0') {
      ++p_;
    } else if (*p_ >= '1' && *p_ <= '9') {
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    } else {
      return false;
    }
    bool is_integer = true;
    if (p_ < end_ && *p_ == '.') {
      is_integer = false;
      ++p_;
      const char* digits = p_;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
      if (p_ == digits) return false;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      is_integer = false;
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      const char* digits = p_;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
      if (p_ == digits) return false;
    }
    if (!AtDelimiter()) return false;
    AppendSchemalessNumber(std::string_view(start, static_cast<size_t>(p_ - start)), is_integer,
                           out);
    return true;
  }

  bool String(std::string* out) {
    const char* start = ++p_;  // past the quote
    size_t run = PlainRun(start, static_cast<size_t>(end_ - start));
    if (start + run < end_ && start[run] == '"') {
      out->append(start - 1, run + 2);  // the token, quotes included, is Jackson's text
      p_ = start + run + 1;
      return true;
    }
    // Escapes or characters Jackson escapes: unescape, then write as Jackson does.
    text_.assign(start, run);
    p_ = start + run;
    while (true) {
      if (p_ == end_) return false;
      unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') break;
      if (c < 0x20) return false;
      if (c != '\\') {
        text_.push_back(static_cast<char>(c));
        ++p_;
        continue;
      }
      if (end_ - p_ < 2) return false;
      char e = p_[1];
      p_ += 2;
      switch (e) {
        case '"': text_.push_back('"'); break;
        case '\\': text_.push_back('\\'); break;
        case '/': text_.push_back('/'); break;
        case 'b': text_.push_back('\b'); break;
        case 'f': text_.push_back('\f'); break;
        case 'n': text_.push_back('\n'); break;
        case 'r': text_.push_back('\r'); break;
        case 't': text_.push_back('\t'); break;
        case 'u': {
          int32_t unit = Hex4();
          if (unit < 0) return false;
          uint32_t cp = static_cast<uint32_t>(unit);
          if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // lone low surrogate
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
            p_ += 2;
            int32_t low = Hex4();
            if (low < 0xDC00 || low > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<uint32_t>(low) - 0xDC00);
          }
          AppendUtf8CodePoint(cp, &text_);
          break;
        }
        default: return false;
      }
    }
    ++p_;  // the closing quote
    AppendJacksonString(text_, out);
    return true;
  }

  // Four hex digits at p_ (consumed); -1 when they are not.
  int32_t Hex4() {
    if (end_ - p_ < 4) return -1;
    int32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      int h = HexValue(p_[i]);
      if (h < 0) return -1;
      v = v * 16 + h;
    }
    p_ += 4;
    return v;
  }

  // A member name without escapes (views the input).
  bool Key(std::string_view* key) {
    if (p_ == end_ || *p_ != '"') return false;
    const char* start = ++p_;
    while (p_ < end_) {
      unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        *key = std::string_view(start, static_cast<size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c == '\\' || c < 0x20) return false;
      ++p_;
    }
    return false;
  }

  bool Array(std::string* out, int depth) {
    if (depth >= kMaxDepth) return false;
    ++p_;
    out->push_back('[');
    SkipSpace();
    if (p_ < end_ && *p_ == ']') {
      ++p_;
      out->push_back(']');
      return true;
    }
    while (true) {
      if (!Value(out, depth + 1)) return false;
      SkipSpace();
      if (p_ == end_) return false;
      if (*p_ == ',') {
        ++p_;
        out->push_back(',');
        continue;
      }
      if (*p_ != ']') return false;
      ++p_;
      out->push_back(']');
      return true;
    }
  }

  bool Object(std::string* out, int depth) {
    if (depth >= kMaxDepth) return false;
    ++p_;
    SkipSpace();
    if (p_ < end_ && *p_ == '}') {
      ++p_;
      out->append("{}");
      return true;
    }
    Level& level = levels_[depth];  // levels_ never grows: the reference stays valid
    level.values.clear();
    level.ends.clear();
    level.keys.clear();
    while (true) {
      SkipSpace();
      std::string_view key;
      if (!Key(&key)) return false;
      // {"schema": ..., "payload": ...} may be a converter envelope: the general path
      // decides (a plain object starting with either name goes there too).
      if (depth == 0 && check_envelope_ && level.keys.empty() &&
          (key == "schema" || key == "payload")) {
        return false;
      }
      SkipSpace();
      if (p_ == end_ || *p_ != ':') return false;
      ++p_;
      if (!Value(&level.values, depth + 1)) return false;
      level.keys.push_back(key);
      level.ends.push_back(static_cast<uint32_t>(level.values.size()));
      SkipSpace();
      if (p_ == end_) return false;
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ != '}') return false;
      ++p_;
      break;
    }
    const std::string_view values = level.values;
    auto value_of = [&](uint32_t m) {
      uint32_t begin = m == 0 ? 0 : level.ends[m - 1];
      return values.substr(begin, level.ends[m] - begin);
    };
    if (const MemberOrderCache::Shape* shape = cache_.Find(level.keys, java_order_)) {
      // Every piece's size is known: one resize, then plain copies.
      size_t at = out->size();
      size_t size = 2 + shape->prefixes.size();
      for (uint32_t m : shape->order) size += value_of(m).size();
      // (The callback returns the size it wants, not its `n`: libstdc++ 12 passes the
      // grown capacity there when it reallocates.)
      out->resize_and_overwrite(at + size, [&](char* buf, size_t) {
        char* w = buf + at;
        *w++ = '{';
        for (size_t i = 0; i < shape->order.size(); ++i) {
          std::string_view prefix = shape->Prefix(i);
          std::memcpy(w, prefix.data(), prefix.size());
          w += prefix.size();
          std::string_view v = value_of(shape->order[i]);
          std::memcpy(w, v.data(), v.size());
          w += v.size();
        }
        *w = '}';
        return at + size;
      });
      return true;
    }
    {
      out->push_back('{');
      ComputeMemberOrder(level.keys, java_order_, &order_);
      bool first = true;
      for (uint32_t m : order_) {
        if (!first) out->push_back(',');
        first = false;
        AppendJacksonString(level.keys[m], out);
        out->push_back(':');
        out->append(value_of(m));
      }
    }
    out->push_back('}');
    return true;
  }

  const bool java_order_;
  const bool check_envelope_;
  const char* p_ = nullptr;
  const char* end_ = nullptr;
  std::vector<Level> levels_;  // by nesting depth; sized once
  std::string text_;           // an unescaped string
  std::vector<uint32_t> order_;
  MemberOrderCache cache_;
};

SchemalessJsonTranscoder::SchemalessJsonTranscoder(const JsonLinesOptions& options,
                                                   EnvelopeMode envelope)
    : scanner_(std::make_unique<Scanner>(options, envelope)) {}

SchemalessJsonTranscoder::~SchemalessJsonTranscoder() = default;

bool SchemalessJsonTranscoder::Transcode(std::string_view json, std::string* out) {
  size_t at = out->size();
  // UTF-8 is checked last: most values pass, and one pass over the input is cheap.
  if (!scanner_->Run(json, out) || !simdjson::validate_utf8(json.data(), json.size())) {
    out->resize(at);
    ++declined_;
    return false;
  }
  ++transcoded_;
  return true;
}

}  // namespace tributary::format
