#include "mysql/json_diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "common/utf8.h"
#include "common/byte_reader.h"
#include "mysql/json_binary.h"

namespace tributary::mysql {
namespace {

// ---------------------------------------------------------------------------------
// Paths.

// One leg of a diff path: an object member or an array index. Indexes follow MySQL's
// Json_array_index: `[n]` counts from the start, `[last-n]` from the end.
struct PathLeg {
  bool is_member = false;
  std::string member;
  uint32_t index = 0;
  bool from_end = false;

  bool WithinBounds(size_t size) const { return index < size; }
  // Where the index points in an array of `size` elements; past the end clamps to
  // `size`, before the start (from the end) to 0.
  size_t Position(size_t size) const {
    if (from_end) return index < size ? size - index - 1 : 0;
    return std::min<size_t>(index, size);
  }
};

// Parses the path syntax MySQL writes into diffs (Json_path::to_string) and reads back
// with parse_path(): `$`, then `.name`, `."quoted name"` and `[index]` legs, with
// optional whitespace between tokens. Wildcards, `**` and ranges are valid MySQL paths
// but never appear in diffs, so they are rejected.
class PathParser {
 public:
  explicit PathParser(std::string_view text) : text_(text) {}

  Result<std::vector<PathLeg>> Parse() {
    std::vector<PathLeg> legs;
    SkipWhitespace();
    if (AtEnd() || Next() != '$') return Error(Fail("does not start with $"));
    SkipWhitespace();
    while (!AtEnd()) {
      PathLeg leg;
      Status st;
      switch (Peek()) {
        case '.': st = ParseMember(&leg); break;
        case '[': st = ParseArrayIndex(&leg); break;
        case '*': return Error(Fail("wildcards are not allowed in a diff path"));
        default: return Error(Fail("expected . or ["));
      }
      if (!st.ok()) return Error(st);
      legs.push_back(std::move(leg));
      SkipWhitespace();
    }
    return legs;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }
  char Next() { return text_[pos_++]; }
  // my_isspace() of utf8mb4: ASCII space, \t, \n, \v, \f, \r.
  static bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
  void SkipWhitespace() {
    while (!AtEnd() && IsSpace(Peek())) ++pos_;
  }
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }
  Status Fail(std::string_view what) const {
    return Status::Corruption(fmt::format("JSON path {}: {} at byte {}", Quoted(), what, pos_));
  }
  std::string Quoted() const {
    std::string q;
    AppendJsonQuotedString(text_.substr(0, 200), &q);
    return q;
  }

  Status ParseMember(PathLeg* leg) {
    ++pos_;  // '.'
    SkipWhitespace();
    if (AtEnd()) return Fail("missing member name");
    if (Peek() == '*') return Fail("wildcards are not allowed in a diff path");
    leg->is_member = true;
    if (Peek() == '"') {
      ++pos_;
      const size_t start = pos_;
      // The name ends at the next unescaped quote.
      while (!AtEnd() && Peek() != '"') pos_ += (Peek() == '\\') ? 2 : 1;
      if (AtEnd()) return Fail("unterminated quoted member name");
      const std::string_view body = text_.substr(start, pos_ - start);
      ++pos_;  // closing quote
      return DecodeJsonStringBody(body, &leg->member);
    }
    // An unquoted name runs to whitespace, '.', '[', '*' or the end; it may contain
    // JSON escapes and must be an ECMAScript identifier.
    const size_t start = pos_;
    while (!AtEnd() && !IsSpace(Peek()) && Peek() != '.' && Peek() != '[' && Peek() != '*') ++pos_;
    if (Status st = DecodeJsonStringBody(text_.substr(start, pos_ - start), &leg->member);
        !st.ok()) {
      return st;
    }
    if (!IsIdentifier(leg->member)) return Fail("unquoted member name is not an identifier");
    return Status::Ok();
  }

  // ECMAScript IdentifierName for ASCII: a letter, '$' or '_' first, then also digits.
  // Non-ASCII (Unicode letters, marks, ...) is accepted without classifying it.
  static bool IsIdentifier(std::string_view name) {
    if (name.empty()) return false;
    for (size_t i = 0; i < name.size(); ++i) {
      const auto c = static_cast<unsigned char>(name[i]);
      const bool letter =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '$' || c == '_' || c >= 0x80;
      if (!letter && !(i > 0 && IsDigit(static_cast<char>(c)))) return false;
    }
    return true;
  }

  Status ParseArrayIndex(PathLeg* leg) {
    ++pos_;  // '['
    SkipWhitespace();
    if (AtEnd()) return Fail("missing array index");
    if (Peek() == '*') return Fail("wildcards are not allowed in a diff path");
    if (text_.substr(pos_, 4) == "last") {
      pos_ += 4;
      leg->from_end = true;
      SkipWhitespace();
      if (!AtEnd() && Peek() == '-') {
        ++pos_;
        SkipWhitespace();
        if (Status st = ParseIndexNumber(&leg->index); !st.ok()) return st;
      }
    } else if (Status st = ParseIndexNumber(&leg->index); !st.ok()) {
      return st;
    }
    SkipWhitespace();
    if (AtEnd()) return Fail("unterminated array index");
    if (Next() != ']') return Fail("expected ] (ranges are not allowed in a diff path)");
    return Status::Ok();
  }

  Status ParseIndexNumber(uint32_t* index) {
    if (AtEnd() || !IsDigit(Peek())) return Fail("expected an array index");
    uint64_t value = 0;
    while (!AtEnd() && IsDigit(Peek())) {
      value = value * 10 + static_cast<uint64_t>(Next() - '0');
      if (value > UINT32_MAX) return Fail("array index too large");
    }
    *index = static_cast<uint32_t>(value);
    return Status::Ok();
  }

  // Decodes the inside of a JSON string literal (as rapidjson does for MySQL): the
  // escapes \" \\ \/ \b \f \n \r \t \uXXXX (with surrogate pairs) become UTF-8;
  // unescaped quotes and control characters are errors.
  Status DecodeJsonStringBody(std::string_view body, std::string* out) const {
    out->clear();
    for (size_t i = 0; i < body.size(); ++i) {
      const char c = body[i];
      if (c == '"' || static_cast<unsigned char>(c) < 0x20) {
        return Fail("invalid character in member name");
      }
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (++i >= body.size()) return Fail("incomplete escape in member name");
      switch (body[i]) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          uint32_t code = 0;
          if (!ReadHex4(body, i + 1, &code)) return Fail("invalid \\u escape in member name");
          i += 4;
          if (code >= 0xDC00 && code <= 0xDFFF) return Fail("lone low surrogate in member name");
          if (code >= 0xD800 && code <= 0xDBFF) {
            uint32_t low = 0;
            if (i + 2 >= body.size() || body[i + 1] != '\\' || body[i + 2] != 'u' ||
                !ReadHex4(body, i + 3, &low) || low < 0xDC00 || low > 0xDFFF) {
              return Fail("unpaired surrogate in member name");
            }
            i += 6;
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          }
          AppendUtf8CodePoint(code, out);
          break;
        }
        default: return Fail("invalid escape in member name");
      }
    }
    return Status::Ok();
  }

  static bool ReadHex4(std::string_view s, size_t at, uint32_t* value) {
    if (at + 4 > s.size()) return false;
    *value = 0;
    for (size_t k = at; k < at + 4; ++k) {
      const char c = s[k];
      uint32_t digit;
      if (c >= '0' && c <= '9') {
        digit = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        digit = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        digit = c - 'A' + 10;
      } else {
        return false;
      }
      *value = *value * 16 + digit;
    }
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------
// A small DOM: enough to apply diffs and print the result. Scalars stay views into
// the binary documents they came from (the before image and the diff values), which
// outlive the DOM.

struct JsonMember;

struct JsonNode {
  enum class Kind : uint8_t { kScalar, kObject, kArray };

  Kind kind = Kind::kScalar;
  JsonScalar scalar;                // kScalar
  std::vector<JsonMember> members;  // kObject, in MySQL key order (KeyLess)
  std::vector<JsonNode> elements;   // kArray
};

struct JsonMember {
  std::string key;
  JsonNode value;
};

// MySQL's key order (json_key_less): shorter keys first, then bytewise.
bool KeyLess(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

std::vector<JsonMember>::iterator FindSlot(std::vector<JsonMember>& members, std::string_view key) {
  return std::lower_bound(
      members.begin(), members.end(), key,
      [](const JsonMember& m, std::string_view k) { return KeyLess(m.key, k); });
}

JsonNode* FindMember(JsonNode* object, std::string_view key) {
  auto it = FindSlot(object->members, key);
  return (it != object->members.end() && it->key == key) ? &it->value : nullptr;
}

// Nesting depth of arrays and objects (a scalar is 0). Bounded by kJsonMaxDepth for
// every DOM built here, so the recursion is too.
int Depth(const JsonNode& node) {
  int deepest = 0;
  for (const JsonMember& m : node.members) deepest = std::max(deepest, Depth(m.value));
  for (const JsonNode& e : node.elements) deepest = std::max(deepest, Depth(e));
  return node.kind == JsonNode::Kind::kScalar ? 0 : deepest + 1;
}

// Builds a DOM from a binary document's walk. Duplicate keys keep the last value,
// like MySQL's Json_object::add_alias.
class DomBuilder final : public JsonBinaryVisitor {
 public:
  Status OnObjectBegin(uint32_t member_count) override {
    JsonNode* node = Place();
    node->kind = JsonNode::Kind::kObject;
    // The walker checked that the entries fit the document, so this is bounded.
    node->members.reserve(member_count);
    open_.push_back(node);
    return Status::Ok();
  }
  Status OnKey(std::string_view key) override {
    key_.assign(key);
    return Status::Ok();
  }
  Status OnObjectEnd() override {
    open_.pop_back();
    return Status::Ok();
  }
  Status OnArrayBegin(uint32_t element_count) override {
    JsonNode* node = Place();
    node->kind = JsonNode::Kind::kArray;
    node->elements.reserve(element_count);
    open_.push_back(node);
    return Status::Ok();
  }
  Status OnArrayEnd() override {
    open_.pop_back();
    return Status::Ok();
  }
  Status OnScalar(const JsonScalar& scalar) override {
    JsonNode* node = Place();
    node->kind = JsonNode::Kind::kScalar;
    node->scalar = scalar;
    return Status::Ok();
  }

  JsonNode Take() { return std::move(root_); }

 private:
  // The node the next value goes into. Only the innermost open container grows, so
  // the pointers in open_ (to its ancestors) stay valid.
  JsonNode* Place() {
    if (open_.empty()) return &root_;
    JsonNode* parent = open_.back();
    if (parent->kind == JsonNode::Kind::kArray) return &parent->elements.emplace_back();
    auto it = FindSlot(parent->members, key_);
    if (it != parent->members.end() && it->key == key_) {
      it->value = JsonNode{};
      return &it->value;
    }
    return &parent->members.insert(it, JsonMember{key_, JsonNode{}})->value;
  }

  JsonNode root_;
  std::vector<JsonNode*> open_;
  std::string key_;
};

Result<JsonNode> BuildDom(std::span<const std::byte> binary) {
  DomBuilder builder;
  if (Status st = WalkJsonBinary(binary, &builder); !st.ok()) return Error(st);
  return builder.Take();
}

// Checks a binary document without keeping anything.
class NullVisitor final : public JsonBinaryVisitor {
 public:
  Status OnObjectBegin(uint32_t) override { return Status::Ok(); }
  Status OnKey(std::string_view) override { return Status::Ok(); }
  Status OnObjectEnd() override { return Status::Ok(); }
  Status OnArrayBegin(uint32_t) override { return Status::Ok(); }
  Status OnArrayEnd() override { return Status::Ok(); }
  Status OnScalar(const JsonScalar&) override { return Status::Ok(); }
};

// Prints like Json_wrapper::to_string (see json_binary.h).
Status AppendNodeText(const JsonNode& node, int depth, std::string* out) {
  if (node.kind == JsonNode::Kind::kScalar) return AppendJsonScalarText(node.scalar, out);
  if (depth + 1 > kJsonMaxDepth) {
    return Status::Corruption(
        fmt::format("JSON document nested deeper than {} levels", kJsonMaxDepth));
  }
  const bool object = node.kind == JsonNode::Kind::kObject;
  out->push_back(object ? '{' : '[');
  const size_t n = object ? node.members.size() : node.elements.size();
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out->append(", ");
    if (object) {
      AppendJsonQuotedString(node.members[i].key, out);
      out->append(": ");
    }
    const JsonNode& child = object ? node.members[i].value : node.elements[i];
    if (Status st = AppendNodeText(child, depth + 1, out); !st.ok()) return st;
  }
  out->push_back(object ? '}' : ']');
  return Status::Ok();
}

// MySQL's seek_exact_path(): follows member legs through objects and in-bounds index
// legs through arrays; nullptr when the path leaves the document.
JsonNode* SeekExact(JsonNode* node, std::span<const PathLeg> legs) {
  for (const PathLeg& leg : legs) {
    if (node->kind == JsonNode::Kind::kArray && !leg.is_member) {
      if (!leg.WithinBounds(node->elements.size())) return nullptr;
      node = &node->elements[leg.Position(node->elements.size())];
    } else if (node->kind == JsonNode::Kind::kObject && leg.is_member) {
      node = FindMember(node, leg.member);
      if (node == nullptr) return nullptr;
    } else {
      return nullptr;
    }
  }
  return node;
}

// Applies one diff to `doc`; `value` is the diff's value (unused for REMOVE). Returns
// a description of why the diff does not apply, or ok.
Status ApplyOne(JsonNode* doc, JsonDiff::Op op, const std::vector<PathLeg>& legs, JsonNode value) {
  if (legs.empty()) return Status::Corruption("a diff cannot change the whole document ($)");
  if (op != JsonDiff::Op::kRemove &&
      legs.size() + static_cast<size_t>(Depth(value)) > static_cast<size_t>(kJsonMaxDepth)) {
    return Status::Corruption(
        fmt::format("the result would be nested deeper than {} levels", kJsonMaxDepth));
  }
  const std::span<const PathLeg> all(legs);
  switch (op) {
    case JsonDiff::Op::kReplace: {
      JsonNode* target = SeekExact(doc, all);
      if (target == nullptr) return Status::Corruption("the path does not exist in the document");
      *target = std::move(value);
      return Status::Ok();
    }
    case JsonDiff::Op::kInsert: {
      JsonNode* parent = SeekExact(doc, all.first(all.size() - 1));
      const PathLeg& last = legs.back();
      if (parent != nullptr && parent->kind == JsonNode::Kind::kObject && last.is_member) {
        auto it = FindSlot(parent->members, last.member);
        if (it != parent->members.end() && it->key == last.member) {
          return Status::Corruption("the member to insert already exists");
        }
        parent->members.insert(it, JsonMember{last.member, std::move(value)});
        return Status::Ok();
      }
      if (parent != nullptr && parent->kind == JsonNode::Kind::kArray && !last.is_member) {
        auto& elements = parent->elements;
        elements.insert(elements.begin() + static_cast<ptrdiff_t>(last.Position(elements.size())),
                        std::move(value));
        return Status::Ok();
      }
      return Status::Corruption("the path does not lead into an object member or array slot");
    }
    case JsonDiff::Op::kRemove: {
      JsonNode* parent = SeekExact(doc, all.first(all.size() - 1));
      const PathLeg& last = legs.back();
      if (parent != nullptr && parent->kind == JsonNode::Kind::kObject && last.is_member) {
        auto it = FindSlot(parent->members, last.member);
        if (it == parent->members.end() || it->key != last.member) {
          return Status::Corruption("the member to remove does not exist");
        }
        parent->members.erase(it);
        return Status::Ok();
      }
      if (parent != nullptr && parent->kind == JsonNode::Kind::kArray && !last.is_member) {
        auto& elements = parent->elements;
        if (!last.WithinBounds(elements.size())) {
          return Status::Corruption("the array element to remove does not exist");
        }
        elements.erase(elements.begin() + static_cast<ptrdiff_t>(last.Position(elements.size())));
        return Status::Ok();
      }
      return Status::Corruption("the path does not lead to an object member or array element");
    }
  }
  return Status::InvalidArgument(
      fmt::format("unknown JSON diff operation {}", static_cast<int>(op)));
}

}  // namespace

std::string_view JsonDiffOpName(JsonDiff::Op op) {
  switch (op) {
    case JsonDiff::Op::kReplace: return "REPLACE";
    case JsonDiff::Op::kInsert: return "INSERT";
    case JsonDiff::Op::kRemove: return "REMOVE";
  }
  return "UNKNOWN";
}

Result<std::vector<JsonDiff>> ParseJsonDiffs(std::span<const std::byte> diff_bytes) {
  ByteReader reader(diff_bytes);
  std::vector<JsonDiff> diffs;
  while (!reader.empty()) {
    const size_t start = reader.position();
    auto fail = [&](const Status& cause) {
      return Error(
          Status::Corruption(fmt::format("JSON diff at offset {}: {}", start, cause.message())));
    };
    auto op = reader.ReadU8();
    if (!op) return fail(op.error());
    if (*op > static_cast<uint8_t>(JsonDiff::Op::kRemove)) {
      return fail(Status::Corruption(fmt::format("unknown operation {}", *op)));
    }
    JsonDiff diff;
    diff.op = static_cast<JsonDiff::Op>(*op);
    auto path_length = reader.ReadLengthEncoded();
    if (!path_length) return fail(path_length.error());
    auto path = reader.ReadString(*path_length);
    if (!path) return fail(path.error());
    if (auto legs = PathParser(*path).Parse(); !legs) return fail(legs.error());
    diff.path = *path;
    if (diff.op != JsonDiff::Op::kRemove) {
      auto value_length = reader.ReadLengthEncoded();
      if (!value_length) return fail(value_length.error());
      const size_t value_offset = reader.position();
      auto value = reader.ReadBytes(*value_length);
      if (!value) return fail(value.error());
      NullVisitor check;
      if (Status st = WalkJsonBinary(*value, &check); !st.ok()) {
        return fail(st.WithContext(fmt::format("value at offset {}", value_offset)));
      }
      diff.value = *value;
    }
    diffs.push_back(diff);
  }
  return diffs;
}

Result<std::string> ApplyJsonDiffs(std::span<const std::byte> before_binary,
                                   std::span<const JsonDiff> diffs) {
  auto doc = BuildDom(before_binary);
  if (!doc) return Error(doc.error().WithContext("JSON partial update: before image"));
  for (size_t i = 0; i < diffs.size(); ++i) {
    const JsonDiff& diff = diffs[i];
    auto context = [&] {
      return fmt::format("JSON partial update: diff {} ({} {})", i, JsonDiffOpName(diff.op),
                         diff.path.substr(0, 200));
    };
    auto legs = PathParser(diff.path).Parse();
    if (!legs) return Error(legs.error().WithContext(context()));
    JsonNode value;
    if (diff.op != JsonDiff::Op::kRemove) {
      auto built = BuildDom(diff.value);
      if (!built) return Error(built.error().WithContext(context()));
      value = std::move(*built);
    }
    if (Status st = ApplyOne(&*doc, diff.op, *legs, std::move(value)); !st.ok()) {
      return Error(st.WithContext(context()));
    }
  }
  std::string text;
  if (Status st = AppendNodeText(*doc, 0, &text); !st.ok()) {
    return Error(st.WithContext("JSON partial update"));
  }
  return text;
}

}  // namespace tributary::mysql
