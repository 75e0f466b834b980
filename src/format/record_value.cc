#include "format/record_value.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <list>
#include <unordered_map>

#include "config/connector_config.h"

namespace tributary::format {

namespace od = simdjson::ondemand;

// ---------------------------------------------------------------- JsonView

const JsonNode& JsonView::node() const { return doc_->node(index_); }

JsonView JsonView::first_child() const {
  if (!valid()) return {};
  return JsonView(doc_, node().first_child);
}

JsonView JsonView::next_sibling() const {
  if (!valid()) return {};
  return JsonView(doc_, node().next_sibling);
}

std::optional<int64_t> JsonView::AsInt64() const {
  if (!is_integer()) return std::nullopt;
  std::string_view t = node().text;
  // The usual case inline: the text is a JSON integer (an optional '-', then digits), and
  // up to 18 digits cannot overflow.
  const bool neg = !t.empty() && t[0] == '-';
  const size_t digits = t.size() - (neg ? 1 : 0);
  if (digits > 0 && digits <= 18) {
    int64_t v = 0;
    bool ok = true;
    for (size_t i = neg ? 1 : 0; i < t.size(); ++i) {
      auto d = static_cast<unsigned>(t[i] - '0');
      ok &= d <= 9;
      v = v * 10 + static_cast<int64_t>(d);
    }
    if (ok) return neg ? -v : v;
  }
  int64_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size()) return std::nullopt;
  return v;
}

std::optional<double> JsonView::AsDouble() const {
  if (!is_number()) return std::nullopt;
  std::string_view t = node().text;
  double v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec == std::errc::result_out_of_range) {
    // from_chars reports overflow/underflow; Java rounds to ±Infinity or ±0.
    bool neg = !t.empty() && t[0] == '-';
    bool tiny = t.find("e-") != std::string_view::npos || t.find("E-") != std::string_view::npos;
    if (tiny) return neg ? -0.0 : 0.0;
    return neg ? -HUGE_VAL : HUGE_VAL;
  }
  if (ec != std::errc()) return std::nullopt;
  return v;
}

JsonView JsonView::Get(std::string_view name) const {
  if (!is_object()) return {};
  JsonView found;
  for (JsonView c = first_child(); c.valid(); c = c.next_sibling()) {
    if (c.key() == name) found = c;
  }
  return found;
}

JsonView JsonView::Find(std::string_view dotted_path) const {
  JsonView cur = *this;
  while (cur.valid()) {
    size_t dot = dotted_path.find('.');
    std::string_view step = dotted_path.substr(0, dot);
    cur = cur.Get(step);
    if (dot == std::string_view::npos) return cur;
    dotted_path.remove_prefix(dot + 1);
  }
  return {};
}

// ---------------------------------------------------------------- building trees

namespace {

bool ValidJsonNumber(std::string_view t, bool* is_integer) {
  size_t i = 0, n = t.size();
  if (i < n && t[i] == '-') ++i;
  if (i >= n) return false;
  if (t[i] == '0') {
    ++i;
  } else if (t[i] >= '1' && t[i] <= '9') {
    while (i < n && t[i] >= '0' && t[i] <= '9') ++i;
  } else {
    return false;
  }
  *is_integer = true;
  if (i < n && t[i] == '.') {
    *is_integer = false;
    ++i;
    size_t start = i;
    while (i < n && t[i] >= '0' && t[i] <= '9') ++i;
    if (i == start) return false;
  }
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    *is_integer = false;
    ++i;
    if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
    size_t start = i;
    while (i < n && t[i] >= '0' && t[i] <= '9') ++i;
    if (i == start) return false;
  }
  return i == n;
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

constexpr int kMaxDepth = 512;

}  // namespace

// Fills a JsonDocument from simdjson on-demand values. Every byte the nodes view is
// copied into the document's storage, reserved once for the input size (unescaped text is
// never longer than its JSON form), so views never move. With `view_input`, keys and
// strings without escapes view the input itself instead (the caller keeps the input
// alive and unchanged as long as the document: RecordValueParser's buffer, until its next
// Parse); only escaped text is copied.
class JsonTreeBuilder {
 public:
  JsonTreeBuilder(JsonDocument* doc, size_t input_size, bool view_input = false)
      : doc_(doc), view_input_(view_input) {
    doc_->nodes_.clear();
    doc_->storage_.clear();
    doc_->storage_.reserve(input_size + 16);
  }

  // Builds the value `v`; returns its node index.
  Result<uint32_t> Build(od::value v, std::string_view key, int depth) {
    if (depth > kMaxDepth) return Error(Status::Corruption("JSON nested too deeply"));
    od::json_type type;
    if (auto e = v.type().get(type); e) return Fail(e);
    uint32_t index = NewNode(key);
    switch (type) {
      case od::json_type::object: {
        od::object obj;
        if (auto e = v.get_object().get(obj); e) return Fail(e);
        doc_->nodes_[index].type = JsonType::kObject;
        uint32_t last = JsonNode::kNone;
        uint32_t count = 0;
        for (auto field : obj) {
          std::string_view stored_key;
          if (!RawKey(field, &stored_key)) {
            std::string_view k;
            if (auto e = field.unescaped_key().get(k); e) return Fail(e);
            if (auto s = Store(k); !s)
              return Error(s.error());
            else
              stored_key = *s;
          }
          od::value child;
          if (auto e = field.value().get(child); e) return Fail(e);
          auto ci = Build(child, stored_key, depth + 1);
          if (!ci) return ci;
          Link(index, &last, *ci);
          ++count;
        }
        doc_->nodes_[index].child_count = count;
        return index;
      }
      case od::json_type::array: {
        od::array arr;
        if (auto e = v.get_array().get(arr); e) return Fail(e);
        doc_->nodes_[index].type = JsonType::kArray;
        uint32_t last = JsonNode::kNone;
        uint32_t count = 0;
        for (auto elem : arr) {
          od::value child;
          if (auto e = elem.get(child); e) return Fail(e);
          auto ci = Build(child, {}, depth + 1);
          if (!ci) return ci;
          Link(index, &last, *ci);
          ++count;
        }
        doc_->nodes_[index].child_count = count;
        return index;
      }
      case od::json_type::string: {
        if (view_input_) {
          // Text without escapes is its own unescaped form: view it in the input.
          std::string_view raw = TrimRight(v.raw_json_token());
          if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"' &&
              raw.substr(1, raw.size() - 2).find('\\') == std::string_view::npos) {
            doc_->nodes_[index].type = JsonType::kString;
            doc_->nodes_[index].text = raw.substr(1, raw.size() - 2);
            return index;
          }
        }
        std::string_view s;
        if (auto e = v.get_string().get(s); e) return Fail(e);
        return SetString(index, s);
      }
      case od::json_type::number: {
        return SetNumber(index, TrimRight(v.raw_json_token()));
      }
      case od::json_type::boolean: {
        bool b;
        if (auto e = v.get_bool().get(b); e) return Fail(e);
        doc_->nodes_[index].type = JsonType::kBool;
        doc_->nodes_[index].bool_value = b;
        return index;
      }
      case od::json_type::null: {
        bool is_null = false;
        if (auto e = v.is_null().get(is_null); e || !is_null) {
          return Error(Status::Corruption("invalid JSON literal"));
        }
        return index;
      }
    }
    return Error(Status::Corruption("unknown JSON value type"));
  }

  // Builds a scalar document root (simdjson cannot give it as a value).
  Result<uint32_t> BuildScalarRoot(od::document& doc, std::string_view json) {
    od::json_type type;
    if (auto e = doc.type().get(type); e) return Fail(e);
    uint32_t index = NewNode({});
    switch (type) {
      case od::json_type::string: {
        std::string_view s;
        if (auto e = doc.get_string().get(s); e) return Fail(e);
        return SetString(index, s);
      }
      case od::json_type::number: {
        std::string_view raw;
        if (auto e = doc.raw_json_token().get(raw); e) return Fail(e);
        raw = TrimRight(raw);
        // simdjson does not move past a root number read as a token: nothing but
        // whitespace may follow it.
        if (raw.data() + raw.size() != TrimRight(json).data() + TrimRight(json).size()) {
          return Error(Status::Corruption("trailing content after the JSON value"));
        }
        return SetNumber(index, raw);
      }
      case od::json_type::boolean: {
        bool b;
        if (auto e = doc.get_bool().get(b); e) return Fail(e);
        doc_->nodes_[index].type = JsonType::kBool;
        doc_->nodes_[index].bool_value = b;
        return index;
      }
      case od::json_type::null: {
        bool is_null = false;
        if (auto e = doc.is_null().get(is_null); e || !is_null) {
          return Error(Status::Corruption("invalid JSON literal"));
        }
        return index;
      }
      default: return Error(Status::Corruption("unexpected JSON root"));
    }
  }

 private:
  static std::unexpected<Status> Fail(simdjson::error_code e) {
    return Error(Status::Corruption(fmt::format("invalid JSON ({})", simdjson::error_message(e))));
  }

  // With view_input: the key of `field` as it is in the input when it has no escape.
  template <typename Field>
  bool RawKey(Field& field, std::string_view* key) {
    if (!view_input_) return false;
    od::raw_json_string raw;
    if (field.key().get(raw) != simdjson::SUCCESS) return false;
    const char* p = reinterpret_cast<const char*>(raw.raw());  // after the quote
    const char* q = p;
    while (*q != '"' && *q != '\\') ++q;  // stage 1 found the closing quote
    if (*q != '"') return false;
    *key = std::string_view(p, static_cast<size_t>(q - p));
    return true;
  }

  uint32_t NewNode(std::string_view key) {
    JsonNode n;
    n.key = key;
    doc_->nodes_.push_back(n);
    return static_cast<uint32_t>(doc_->nodes_.size() - 1);
  }

  void Link(uint32_t parent, uint32_t* last, uint32_t child) {
    if (*last == JsonNode::kNone) {
      doc_->nodes_[parent].first_child = child;
    } else {
      doc_->nodes_[*last].next_sibling = child;
    }
    *last = child;
  }

  Result<std::string_view> Store(std::string_view s) {
    std::string& st = doc_->storage_;
    if (st.size() + s.size() > st.capacity()) {
      return Error(Status::Internal("JSON tree storage overflow"));
    }
    size_t at = st.size();
    st.append(s);
    return std::string_view(st.data() + at, s.size());
  }

  Result<uint32_t> SetString(uint32_t index, std::string_view s) {
    auto stored = Store(s);
    if (!stored) return Error(stored.error());
    doc_->nodes_[index].type = JsonType::kString;
    doc_->nodes_[index].text = *stored;
    return index;
  }

  Result<uint32_t> SetNumber(uint32_t index, std::string_view raw) {
    bool is_integer = false;
    if (!ValidJsonNumber(raw, &is_integer)) {
      return Error(Status::Corruption(fmt::format("invalid JSON number '{}'", raw.substr(0, 40))));
    }
    // A number's text has no escapes: with view_input it is viewed where it is, as
    // strings without escapes are.
    std::string_view text = raw;
    if (!view_input_) {
      auto stored = Store(raw);
      if (!stored) return Error(stored.error());
      text = *stored;
    }
    doc_->nodes_[index].type = JsonType::kNumber;
    doc_->nodes_[index].is_integer = is_integer;
    doc_->nodes_[index].text = text;
    return index;
  }

  JsonDocument* doc_;
  bool view_input_;
};

namespace {

// Checks that nothing but whitespace follows the root value.
Status CheckAtEnd(od::document& doc) {
  const char* loc = nullptr;
  auto e = doc.current_location().get(loc);
  if (e == simdjson::SUCCESS && loc != nullptr) {
    return Status::Corruption("trailing content after the JSON value");
  }
  return Status::Ok();
}

// Parses `json` (which must be followed by SIMDJSON_PADDING readable bytes) into *out.
Status ParseInto(od::parser& parser, std::string_view padded_json, JsonDocument* out) {
  od::document doc;
  auto e = parser
               .iterate(padded_json.data(), padded_json.size(),
                        padded_json.size() + simdjson::SIMDJSON_PADDING)
               .get(doc);
  if (e) return Status::Corruption(fmt::format("invalid JSON ({})", simdjson::error_message(e)));
  JsonTreeBuilder builder(out, padded_json.size());
  bool scalar = false;
  if (auto se = doc.is_scalar().get(scalar); se) {
    return Status::Corruption(fmt::format("invalid JSON ({})", simdjson::error_message(se)));
  }
  Result<uint32_t> root = Error(Status::Internal("unset"));
  if (scalar) {
    root = builder.BuildScalarRoot(doc, padded_json);
  } else {
    od::value v;
    if (auto ve = doc.get_value().get(v); ve) {
      return Status::Corruption(fmt::format("invalid JSON ({})", simdjson::error_message(ve)));
    }
    root = builder.Build(v, {}, 0);
  }
  if (!root) return root.error();
  // A root number is read as its raw token (which ValidJsonNumber checked whole); simdjson
  // does not advance past it, so there is nothing more to check.
  if (scalar && out->node(*root).type == JsonType::kNumber) return Status::Ok();
  return CheckAtEnd(doc);
}

}  // namespace

Result<JsonDocument> JsonDocument::Parse(std::string_view json) {
  std::string padded;
  padded.reserve(json.size() + simdjson::SIMDJSON_PADDING);
  padded.append(json);
  padded.append(simdjson::SIMDJSON_PADDING, '\0');
  od::parser parser;
  JsonDocument doc;
  Status s = ParseInto(parser, std::string_view(padded.data(), json.size()), &doc);
  if (!s.ok()) return Error(s);
  return doc;
}

// ---------------------------------------------------------------- compact JSON

namespace {

// Length of the prefix of `s` that Jackson writes as it is: no byte below 0x20, no '"',
// no '\\', no lead byte of a 4-byte UTF-8 sequence (>= 0xF0). Eight bytes at a time.
size_t PlainJsonPrefix(std::string_view s) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    uint64_t below20 = (x - kOnes * 0x20) & ~x;            // high bit: byte < 0x20 (or >= 0x80)
    uint64_t q = x ^ (kOnes * '"');  // zero byte: '"'
    uint64_t quote = (q - kOnes) & ~q;
    uint64_t b = x ^ (kOnes * '\\');  // zero byte: '\\'
    uint64_t slash = (b - kOnes) & ~b;
    uint64_t f0 = ((x & (kOnes * 0xF0)) ^ (kOnes * 0xF0));  // zero byte: >= 0xF0
    uint64_t four = (f0 - kOnes) & ~f0;
    if (((below20 | quote | slash | four) & kHigh) != 0) break;
  }
  for (; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0xf0) break;
  }
  return i;
}

}  // namespace

void AppendJacksonString(std::string_view utf8, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->push_back('"');
  size_t plain = PlainJsonPrefix(utf8);
  if (plain == utf8.size()) {
    out->append(utf8);
    out->push_back('"');
    return;
  }
  size_t run = 0;
  for (size_t i = plain; i < utf8.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c >= 0xf0 && i + 3 < utf8.size()) {
      // Jackson writes characters outside the BMP as an escaped UTF-16 surrogate pair.
      uint32_t cp = ((c & 0x07u) << 18) |
                    ((static_cast<unsigned char>(utf8[i + 1]) & 0x3fu) << 12) |
                    ((static_cast<unsigned char>(utf8[i + 2]) & 0x3fu) << 6) |
                    (static_cast<unsigned char>(utf8[i + 3]) & 0x3fu);
      out->append(utf8.data() + run, i - run);
      cp -= 0x10000;
      for (uint32_t unit : {0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3ff)}) {
        out->append("\\u");
        for (int shift = 12; shift >= 0; shift -= 4) out->push_back(kHex[(unit >> shift) & 15]);
      }
      i += 3;
      run = i + 1;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(utf8.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\t': out->append("\\t"); break;
      case '\n': out->append("\\n"); break;
      case '\f': out->append("\\f"); break;
      case '\r': out->append("\\r"); break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
    }
  }
  out->append(utf8.data() + run, utf8.size() - run);
  out->push_back('"');
}

void AppendCompactJson(JsonView value, std::string* out) {
  if (!value.valid()) {
    out->append("null");
    return;
  }
  switch (value.type()) {
    case JsonType::kNull: out->append("null"); return;
    case JsonType::kBool: out->append(value.bool_value() ? "true" : "false"); return;
    case JsonType::kNumber: out->append(value.text()); return;
    case JsonType::kString: AppendJacksonString(value.text(), out); return;
    case JsonType::kArray: {
      out->push_back('[');
      bool first = true;
      for (JsonView c = value.first_child(); c.valid(); c = c.next_sibling()) {
        if (!first) out->push_back(',');
        first = false;
        AppendCompactJson(c, out);
      }
      out->push_back(']');
      return;
    }
    case JsonType::kObject: {
      out->push_back('{');
      bool first = true;
      for (JsonView c = value.first_child(); c.valid(); c = c.next_sibling()) {
        if (!first) out->push_back(',');
        first = false;
        AppendJacksonString(c.key(), out);
        out->push_back(':');
        AppendCompactJson(c, out);
      }
      out->push_back('}');
      return;
    }
  }
}

// ---------------------------------------------------------------- Connect schema

std::string_view ConnectTypeName(ConnectType type) {
  switch (type) {
    case ConnectType::kBoolean: return "boolean";
    case ConnectType::kInt8: return "int8";
    case ConnectType::kInt16: return "int16";
    case ConnectType::kInt32: return "int32";
    case ConnectType::kInt64: return "int64";
    case ConnectType::kFloat32: return "float";
    case ConnectType::kFloat64: return "double";
    case ConnectType::kBytes: return "bytes";
    case ConnectType::kString: return "string";
    case ConnectType::kArray: return "array";
    case ConnectType::kMap: return "map";
    case ConnectType::kStruct: return "struct";
  }
  return "?";
}

const ConnectField* ConnectSchema::FindField(std::string_view field_name) const {
  for (const ConnectField& f : fields) {
    if (f.name == field_name) return &f;
  }
  return nullptr;
}

std::optional<std::string_view> ConnectSchema::Parameter(std::string_view key) const {
  for (const auto& [k, v] : parameters) {
    if (k == key) return std::string_view(v);
  }
  return std::nullopt;
}

int32_t ConnectSchema::DecimalScale() const {
  auto p = Parameter("scale");
  if (!p) return 0;
  int32_t scale = 0;
  auto [ptr, ec] = std::from_chars(p->data(), p->data() + p->size(), scale);
  if (ec != std::errc() || ptr != p->data() + p->size()) return 0;
  return scale;
}

namespace {

std::string DefaultText(const ConnectSchema& s) {
  std::string t;
  if (s.default_value) AppendCompactJson(s.default_value->root(), &t);
  return t;
}

bool SamePtr(const std::shared_ptr<const ConnectSchema>& a,
             const std::shared_ptr<const ConnectSchema>& b) {
  if (!a || !b) return !a && !b;
  return SameSchema(*a, *b);
}

}  // namespace

bool SameSchema(const ConnectSchema& a, const ConnectSchema& b) {
  if (a.type != b.type || a.optional != b.optional || a.name != b.name || a.version != b.version ||
      a.doc != b.doc || a.fields.size() != b.fields.size()) {
    return false;
  }
  // Connect compares parameters as maps.
  if (a.parameters.size() != b.parameters.size()) return false;
  for (const auto& [k, v] : a.parameters) {
    auto other = b.Parameter(k);
    if (!other || *other != v) return false;
  }
  if (DefaultText(a) != DefaultText(b)) return false;
  for (size_t i = 0; i < a.fields.size(); ++i) {
    if (a.fields[i].name != b.fields[i].name ||
        !SameSchema(a.fields[i].schema, b.fields[i].schema)) {
      return false;
    }
  }
  return SamePtr(a.items, b.items) && SamePtr(a.keys, b.keys) && SamePtr(a.values, b.values);
}

namespace {

Result<ConnectSchema> ParseSchemaAt(JsonView j, const std::string& path, int depth) {
  auto fail = [&](std::string_view what) {
    return Error(
        Status::Corruption(fmt::format("schema{}: {}", path.empty() ? "" : " " + path, what)));
  };
  if (depth > kMaxDepth) return fail("nested too deeply");
  if (!j.is_object()) return fail("not a JSON object");
  JsonView type = j.Get("type");
  if (!type.is_string()) return fail("no \"type\"");
  static constexpr std::pair<std::string_view, ConnectType> kTypes[] = {
      {"boolean", ConnectType::kBoolean}, {"int8", ConnectType::kInt8},
      {"int16", ConnectType::kInt16},     {"int32", ConnectType::kInt32},
      {"int64", ConnectType::kInt64},     {"float", ConnectType::kFloat32},
      {"double", ConnectType::kFloat64},  {"bytes", ConnectType::kBytes},
      {"string", ConnectType::kString},   {"array", ConnectType::kArray},
      {"map", ConnectType::kMap},         {"struct", ConnectType::kStruct},
  };
  ConnectSchema s;
  bool known = false;
  for (const auto& [name, t] : kTypes) {
    if (type.text() == name) {
      s.type = t;
      known = true;
    }
  }
  if (!known) return fail(fmt::format("unknown type \"{}\"", type.text()));
  JsonView optional = j.Get("optional");
  s.optional = optional.is_bool() && optional.bool_value();
  if (JsonView name = j.Get("name"); name.is_string()) s.name = std::string(name.text());
  if (JsonView version = j.Get("version"); version.is_integer()) {
    if (auto v = version.AsInt64()) s.version = static_cast<int32_t>(*v);
  }
  if (JsonView doc = j.Get("doc"); doc.is_string()) s.doc = std::string(doc.text());
  if (JsonView params = j.Get("parameters"); params.is_object()) {
    for (JsonView p = params.first_child(); p.valid(); p = p.next_sibling()) {
      if (!p.is_string()) return fail("parameters must have string values");
      s.parameters.emplace_back(std::string(p.key()), std::string(p.text()));
    }
  }
  switch (s.type) {
    case ConnectType::kStruct: {
      JsonView fields = j.Get("fields");
      if (!fields.is_array()) return fail("struct without a \"fields\" array");
      for (JsonView f = fields.first_child(); f.valid(); f = f.next_sibling()) {
        JsonView fname = f.Get("field");
        if (!fname.is_string()) return fail("struct field without a \"field\" name");
        std::string sub =
            path.empty() ? std::string(fname.text()) : path + "." + std::string(fname.text());
        auto fs = ParseSchemaAt(f, sub, depth + 1);
        if (!fs) return Error(fs.error());
        s.fields.push_back(ConnectField{std::string(fname.text()), std::move(*fs)});
      }
      break;
    }
    case ConnectType::kArray: {
      JsonView items = j.Get("items");
      if (items.is_null()) return fail("array without \"items\"");
      auto is = ParseSchemaAt(items, path + "[]", depth + 1);
      if (!is) return Error(is.error());
      s.items = std::make_shared<const ConnectSchema>(std::move(*is));
      break;
    }
    case ConnectType::kMap: {
      JsonView keys = j.Get("keys");
      JsonView values = j.Get("values");
      if (!keys.valid() || !values.valid()) return fail("map without \"keys\" and \"values\"");
      auto ks = ParseSchemaAt(keys, path + "{key}", depth + 1);
      if (!ks) return Error(ks.error());
      auto vs = ParseSchemaAt(values, path + "{value}", depth + 1);
      if (!vs) return Error(vs.error());
      s.keys = std::make_shared<const ConnectSchema>(std::move(*ks));
      s.values = std::make_shared<const ConnectSchema>(std::move(*vs));
      break;
    }
    default: break;
  }
  if (JsonView def = j.Get("default"); def.valid() && def.type() != JsonType::kNull) {
    std::string text;
    AppendCompactJson(def, &text);
    auto d = JsonDocument::Parse(text);
    if (!d) return Error(d.error());
    s.default_value = std::make_shared<const JsonDocument>(std::move(*d));
  }
  return s;
}

}  // namespace

Result<ConnectSchema> ParseConnectSchema(JsonView schema_json) {
  return ParseSchemaAt(schema_json, "", 0);
}

// ---------------------------------------------------------------- ParsedValue

const ConnectSchema* ParsedValue::SchemaAt(std::string_view dotted_path) const {
  const ConnectSchema* cur = schema.get();
  while (cur != nullptr) {
    size_t dot = dotted_path.find('.');
    const ConnectField* f = cur->FindField(dotted_path.substr(0, dot));
    if (f == nullptr) return nullptr;
    cur = &f->schema;
    if (dot == std::string_view::npos) return cur;
    dotted_path.remove_prefix(dot + 1);
  }
  return nullptr;
}

std::string RecordPosition(const SinkRecord& record) {
  return fmt::format("topic '{}' partition {} offset {}", record.topic, record.partition,
                     record.offset);
}

// ---------------------------------------------------------------- RecordValueParser

struct RecordValueParser::Impl {
  RecordValueOptions options;
  od::parser parser;
  std::string padded;
  JsonDocument doc;
  uint64_t hits = 0, misses = 0;
  uint64_t repeated_schema_hits = 0;  // records read by ParseRepeatedSchema
  // The schema of the previous record (its text and its parse).
  bool has_last = false;
  std::string last_text;
  std::shared_ptr<const ConnectSchema> last_schema;

  // LRU cache: schema text → parsed schema.
  std::list<std::pair<std::string, std::shared_ptr<const ConnectSchema>>> lru;
  std::unordered_map<std::string_view, decltype(lru)::iterator> index;

  Result<std::shared_ptr<const ConnectSchema>> SchemaFor(std::string_view text) {
    // Consecutive records of a topic mostly carry the same schema: one compare instead of
    // hashing the (often several KB) text.
    if (has_last && text == last_text) {
      ++hits;
      return last_schema;
    }
    auto found = SchemaLookup(text);
    if (found && options.schema_cache_size > 0) {
      has_last = true;
      last_text.assign(text);
      last_schema = *found;
    }
    return found;
  }

  Result<std::shared_ptr<const ConnectSchema>> SchemaLookup(std::string_view text) {
    if (auto it = index.find(text); it != index.end()) {
      ++hits;
      lru.splice(lru.begin(), lru, it->second);
      return it->second->second;
    }
    ++misses;
    auto doc = JsonDocument::Parse(text);
    if (!doc) return Error(doc.error().WithContext("schema"));
    std::shared_ptr<const ConnectSchema> schema;
    if (doc->root().type() != JsonType::kNull) {
      auto parsed = ParseConnectSchema(doc->root());
      if (!parsed) return Error(parsed.error());
      schema = std::make_shared<const ConnectSchema>(std::move(*parsed));
    }
    if (options.schema_cache_size > 0) {
      lru.emplace_front(std::string(text), schema);
      index.emplace(lru.front().first, lru.begin());
      while (lru.size() > options.schema_cache_size) {
        index.erase(lru.back().first);
        lru.pop_back();
      }
    }
    return schema;
  }

  // One pass over the root object's members: an envelope has exactly "schema" and
  // "payload". The payload's tree is built as it is met (so an envelope is read once; the
  // schema value is only skipped); the raw span of the schema value is kept. A first
  // member of another name ends the scan at once (plain JSON, e.g. a Debezium payload).
  // When it is not an envelope the caller rewinds (when *rewindable) or iterates afresh,
  // and builds the whole value.
  Status ScanEnvelope(od::document& d, std::string_view input, JsonTreeBuilder& builder,
                      bool* is_envelope, std::string_view* schema_text, uint32_t* payload_index,
                      bool* rewindable) {
    *is_envelope = false;
    *rewindable = false;
    od::object obj;
    if (auto e = d.get_object().get(obj); e) {
      return Status::Corruption(fmt::format("invalid JSON ({})", simdjson::error_message(e)));
    }
    int count = 0;
    bool has_schema = false, has_payload = false, schema_first = false;
    const char* schema_start = nullptr;
    const char* second_key = nullptr;
    for (auto field : obj) {
      ++count;
      if (count > 2) return Status::Ok();
      od::raw_json_string raw_key;
      if (auto e = field.key().get(raw_key); e) {
        return Status::Corruption(fmt::format("invalid JSON ({})", simdjson::error_message(e)));
      }
      std::string_view k;
      if (auto e = field.unescaped_key().get(k); e) {
        return Status::Corruption(fmt::format("invalid JSON ({})", simdjson::error_message(e)));
      }
      if (count == 2) second_key = reinterpret_cast<const char*>(raw_key.raw()) - 1;
      od::value v;
      if (k == "schema" && !has_schema) {
        has_schema = true;
        schema_first = count == 1;
        if (auto e = field.value().get(v); e) {
          return Status::Corruption(fmt::format("invalid JSON ({})", simdjson::error_message(e)));
        }
        schema_start = v.raw_json_token().data();
      } else if (k == "payload" && !has_payload) {
        has_payload = true;
        if (auto e = field.value().get(v); e) {
          return Status::Corruption(fmt::format("invalid JSON ({})", simdjson::error_message(e)));
        }
        auto idx = builder.Build(v, {}, 0);
        if (!idx) return idx.error();
        *payload_index = *idx;
      } else {
        // Another member: not an envelope. Only a key was read when it is the first one;
        // past a value the iterator may have given up on malformed input (simdjson then
        // cannot rewind), so the caller iterates afresh.
        *rewindable = count == 1;
        return Status::Ok();
      }
    }
    if (count != 2 || !has_schema || !has_payload) return Status::Ok();
    const char* end;
    if (schema_first) {
      end = second_key;  // the quote of "payload"; back over the comma and spaces
      while (end > schema_start &&
             (end[-1] == ' ' || end[-1] == '\n' || end[-1] == '\r' || end[-1] == '\t')) {
        --end;
      }
      if (end > schema_start && end[-1] == ',') --end;
    } else {
      std::string_view whole = TrimRight(input);
      end = whole.data() + whole.size();
      if (end > schema_start && end[-1] == '}') --end;
    }
    *schema_text =
        TrimRight(std::string_view(schema_start, static_cast<size_t>(end - schema_start)));
    *is_envelope = true;
    return Status::Ok();
  }

  static bool IsJsonSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
  static size_t SkipSpace(std::string_view s, size_t i) {
    while (i < s.size() && IsJsonSpace(s[i])) ++i;
    return i;
  }
  static size_t SkipSpaceBack(std::string_view s, size_t e) {
    while (e > 0 && IsJsonSpace(s[e - 1])) --e;
    return e;
  }
  static bool At(std::string_view s, size_t i, std::string_view what) {
    return i <= s.size() && s.size() - i >= what.size() &&
           std::memcmp(s.data() + i, what.data(), what.size()) == 0;
  }

  // The span of the payload value when `json` is {"schema": S, "payload": P} or
  // {"payload": P, "schema": S} (any JSON whitespace between tokens) and S is byte for byte
  // the previous record's schema text; empty otherwise. P is not checked here: the caller
  // parses it as a complete JSON text. That is enough for the split to be the envelope's:
  // S was parsed whole before (a complete value, so it ends where its bytes end), and a
  // valid S and a valid P make the input exactly that two-member object, which JSON's
  // grammar reads one way only. Anything else (escaped member names, other members,
  // repeated names, another schema) is left to the general path.
  std::string_view RepeatedSchemaPayload(std::string_view json) const {
    const std::string_view schema = last_text;
    size_t i = SkipSpace(json, 0);
    if (i >= json.size() || json[i] != '{') return {};
    i = SkipSpace(json, i + 1);
    size_t end = SkipSpaceBack(json, json.size());
    if (end == 0 || json[end - 1] != '}') return {};
    --end;  // the object's closing brace
    if (At(json, i, "\"schema\"")) {
      i = SkipSpace(json, i + 8);
      if (!At(json, i, ":")) return {};
      i = SkipSpace(json, i + 1);
      if (!At(json, i, schema)) return {};
      i = SkipSpace(json, i + schema.size());
      if (!At(json, i, ",")) return {};
      i = SkipSpace(json, i + 1);
      if (!At(json, i, "\"payload\"")) return {};
      i = SkipSpace(json, i + 9);
      if (!At(json, i, ":")) return {};
      ++i;
      if (i >= end) return {};
      return json.substr(i, end - i);
    }
    if (!At(json, i, "\"payload\"")) return {};
    i = SkipSpace(json, i + 9);
    if (!At(json, i, ":")) return {};
    ++i;
    // From the end: , "schema" : S }
    end = SkipSpaceBack(json, end);
    if (end < i + schema.size() || !At(json, end - schema.size(), schema)) return {};
    end = SkipSpaceBack(json, end - schema.size());
    if (end < i + 1 || json[end - 1] != ':') return {};
    end = SkipSpaceBack(json, end - 1);
    if (end < i + 8 || !At(json, end - 8, "\"schema\"")) return {};
    end = SkipSpaceBack(json, end - 8);
    if (end < i + 1 || json[end - 1] != ',') return {};
    --end;
    if (end <= i) return {};
    return json.substr(i, end - i);
  }

  // Fast path for messages that repeat the previous record's schema (Debezium with
  // schemas.enable=true: the same 2-4 KB schema before every payload): the schema bytes
  // are compared, not parsed, and only the payload goes through simdjson. Returns false
  // (and leaves `doc` to be rebuilt) whenever the general path must decide.
  // Only the payload's bytes are copied into `padded` (the schema, most of the message,
  // is compared in place and never copied).
  bool ParseRepeatedSchema(std::string_view input, ParsedValue* out) {
    std::string_view found = RepeatedSchemaPayload(input);
    if (found.empty()) return false;
    padded.assign(found);
    padded.append(simdjson::SIMDJSON_PADDING, '\0');
    std::string_view payload(padded.data(), found.size());
    od::document d;
    if (parser.iterate(payload.data(), payload.size(), padded.size()).get(d) != simdjson::SUCCESS) {
      return false;
    }
    bool scalar = false;
    if (d.is_scalar().get(scalar) != simdjson::SUCCESS) return false;
    JsonTreeBuilder builder(&doc, payload.size(), /*view_input=*/true);
    Result<uint32_t> root = Error(Status::Internal("unset"));
    if (scalar) {
      root = builder.BuildScalarRoot(d, payload);
    } else {
      od::value v;
      if (d.get_value().get(v) != simdjson::SUCCESS) return false;
      root = builder.Build(v, {}, 0);
    }
    if (!root) return false;
    if ((!scalar || doc.node(*root).type != JsonType::kNumber) && !CheckAtEnd(d).ok()) {
      return false;
    }
    ++hits;
    ++repeated_schema_hits;
    out->kind = ValueKind::kEnveloped;
    out->schema = last_schema;
    out->payload = JsonView(&doc, *root);
    if (options.detect_debezium) DetectDebezium(out);
    return true;
  }

  Status Parse(std::string_view input, ParsedValue* out) {
    if (has_last && options.envelope != EnvelopeMode::kNever && ParseRepeatedSchema(input, out)) {
      return Status::Ok();
    }
    padded.assign(input);
    padded.append(simdjson::SIMDJSON_PADDING, '\0');
    std::string_view json(padded.data(), input.size());
    od::document d;
    if (auto e = parser.iterate(json.data(), json.size(), padded.size()).get(d); e) {
      return Status::Corruption(fmt::format("not JSON ({})", simdjson::error_message(e)));
    }
    bool scalar = false;
    if (auto e = d.is_scalar().get(scalar); e) {
      return Status::Corruption(fmt::format("not JSON ({})", simdjson::error_message(e)));
    }
    bool envelope = false;
    std::string_view schema_text;
    od::json_type root_type = od::json_type::null;
    if (!scalar) {
      if (auto e = d.type().get(root_type); e) {
        return Status::Corruption(fmt::format("not JSON ({})", simdjson::error_message(e)));
      }
    }
    uint32_t payload_index = JsonNode::kNone;
    if (!scalar && root_type == od::json_type::object && options.envelope != EnvelopeMode::kNever) {
      JsonTreeBuilder builder(&doc, input.size(), /*view_input=*/true);
      bool rewindable = false;
      Status s = ScanEnvelope(d, json, builder, &envelope, &schema_text, &payload_index,
                              &rewindable);
      if (!s.ok()) return s;
      if (!envelope && rewindable) {
        d.rewind();
      } else if (!envelope) {
        if (auto e = parser.iterate(json.data(), json.size(), padded.size()).get(d); e) {
          return Status::Corruption(fmt::format("not JSON ({})", simdjson::error_message(e)));
        }
      }
    }
    if (options.envelope == EnvelopeMode::kRequired && !envelope) {
      return Status::Corruption(
          "value.converter.schemas.enable=true needs {\"schema\": ..., \"payload\": ...} and "
          "no other members; set it to false for plain JSON");
    }
    if (envelope) {
      Status end = CheckAtEnd(d);
      if (!end.ok()) return end;
      auto schema = SchemaFor(schema_text);
      if (!schema) return schema.error();
      out->kind = ValueKind::kEnveloped;
      out->schema = std::move(*schema);
      out->payload = JsonView(&doc, payload_index);
    } else {
      JsonTreeBuilder builder(&doc, input.size(), /*view_input=*/true);  // starts afresh
      Result<uint32_t> root = Error(Status::Internal("unset"));
      if (scalar) {
        root = builder.BuildScalarRoot(d, json);
      } else {
        od::value v;
        if (auto e = d.get_value().get(v); e) {
          return Status::Corruption(fmt::format("not JSON ({})", simdjson::error_message(e)));
        }
        root = builder.Build(v, {}, 0);
      }
      if (!root) return root.error();
      if (!scalar || doc.node(*root).type != JsonType::kNumber) {
        Status end = CheckAtEnd(d);
        if (!end.ok()) return end;
      }
      out->kind = ValueKind::kPlain;
      out->schema = nullptr;
      out->payload = JsonView(&doc, *root);
    }
    if (options.detect_debezium) DetectDebezium(out);
    return Status::Ok();
  }

  static void DetectDebezium(ParsedValue* v) {
    const JsonView p = v->payload;
    if (!p.is_object()) return;
    // One pass over the members (the last of a repeated name wins, as JsonView::Get).
    JsonView op, source, before, after, transaction, ts_ms;
    for (JsonView c = p.first_child(); c.valid(); c = c.next_sibling()) {
      std::string_view k = c.key();
      if (k == "op") {
        op = c;
      } else if (k == "source") {
        source = c;
      } else if (k == "before") {
        before = c;
      } else if (k == "after") {
        after = c;
      } else if (k == "transaction") {
        transaction = c;
      } else if (k == "ts_ms") {
        ts_ms = c;
      }
    }
    if (!op.is_string() || op.text().size() != 1 || !source.is_object()) return;
    if (std::string_view("crudtm").find(op.text()[0]) == std::string_view::npos) return;
    if (!before.valid() && !after.valid()) return;
    DebeziumEnvelope env;
    env.op = op.text()[0];
    env.before = before;
    env.after = after;
    env.source = source;
    env.transaction = transaction;
    env.ts_ms = ts_ms;
    if (v->schema) {
      const ConnectField* f = v->schema->FindField(env.op == 'd' ? "before" : "after");
      if (f == nullptr) f = v->schema->FindField("after");
      if (f != nullptr && f->schema.type == ConnectType::kStruct) env.row_schema = &f->schema;
    }
    v->debezium = env;
  }
};

RecordValueOptions RecordValueOptions::FromConfig(const config::ConnectorConfig& config) {
  RecordValueOptions o;
  if (config.IsExplicit("value.converter.schemas.enable")) {
    o.envelope = config.GetBool("value.converter.schemas.enable") ? EnvelopeMode::kRequired
                                                                  : EnvelopeMode::kNever;
  }
  if (config.Has("schemas.cache.config")) {
    int64_t n = config.GetLong("schemas.cache.config");
    o.schema_cache_size = n > 0 ? static_cast<size_t>(n) : 0;
  }
  return o;
}

RecordValueParser::RecordValueParser(RecordValueOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
}

RecordValueParser::~RecordValueParser() = default;

Result<ParsedValue> RecordValueParser::Parse(const SinkRecord& record) {
  ParsedValue out;
  if (!record.value.has_value()) {
    out.kind = ValueKind::kTombstone;
    return out;
  }
  Status s = impl_->Parse(*record.value, &out);
  if (!s.ok()) return Error(s.WithContext(RecordPosition(record)));
  return out;
}

uint64_t RecordValueParser::schema_cache_hits() const { return impl_->hits; }
uint64_t RecordValueParser::schema_cache_misses() const { return impl_->misses; }
uint64_t RecordValueParser::repeated_schema_hits() const { return impl_->repeated_schema_hits; }

// ---------------------------------------------------------------- value helpers

namespace {

constexpr char kBase64Chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Magnitude of a big-endian two's-complement number, as big-endian unsigned bytes.
std::string Magnitude(std::string_view be, bool* negative) {
  *negative = !be.empty() && (static_cast<unsigned char>(be[0]) & 0x80) != 0;
  std::string m(be);
  if (*negative) {
    // two's complement negate: invert and add one
    for (char& c : m) c = static_cast<char>(~static_cast<unsigned char>(c));
    for (size_t i = m.size(); i-- > 0;) {
      unsigned char c = static_cast<unsigned char>(m[i]);
      m[i] = static_cast<char>(c + 1);
      if (c != 0xff) break;
    }
  }
  return m;
}

// Decimal digits of a big-endian unsigned magnitude ("0" for zero).
std::string UnsignedDigits(std::string m) {
  std::string digits;
  size_t start = 0;
  while (start < m.size() && m[start] == 0) ++start;
  while (start < m.size()) {
    unsigned rem = 0;
    for (size_t i = start; i < m.size(); ++i) {
      unsigned cur = (rem << 8) | static_cast<unsigned char>(m[i]);
      m[i] = static_cast<char>(cur / 10);
      rem = cur % 10;
    }
    digits.push_back(static_cast<char>('0' + rem));
    while (start < m.size() && m[start] == 0) ++start;
  }
  if (digits.empty()) digits = "0";
  std::reverse(digits.begin(), digits.end());
  return digits;
}

}  // namespace

std::optional<std::string> DecodeBase64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = text[i + k];
      if (c == '=' && i + 4 == text.size() && k >= 2) {
        v[k] = 0;
        ++pad;
      } else {
        if (pad > 0) return std::nullopt;
        v[k] = Base64Value(c);
        if (v[k] < 0) return std::nullopt;
      }
    }
    uint32_t n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out.push_back(static_cast<char>(n >> 16));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xff));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xff));
  }
  return out;
}

void AppendBase64(std::string_view bytes, std::string* out) {
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out->push_back(kBase64Chars[n >> 18]);
    out->push_back(kBase64Chars[(n >> 12) & 63]);
    out->push_back(kBase64Chars[(n >> 6) & 63]);
    out->push_back(kBase64Chars[n & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    out->push_back(kBase64Chars[n >> 18]);
    out->push_back(kBase64Chars[(n >> 12) & 63]);
    out->append("==");
  } else if (rest == 2) {
    uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out->push_back(kBase64Chars[n >> 18]);
    out->push_back(kBase64Chars[(n >> 12) & 63]);
    out->push_back(kBase64Chars[(n >> 6) & 63]);
    out->push_back('=');
  }
}

DecimalValue DecimalFromTwosComplement(std::string_view unscaled_be, int32_t scale) {
  DecimalValue d;
  d.digits = UnsignedDigits(Magnitude(unscaled_be, &d.negative));
  if (d.digits == "0") d.negative = false;
  d.scale = scale;
  return d;
}

std::optional<DecimalValue> DecimalFromNumberText(std::string_view t) {
  bool is_integer = false;
  if (!ValidJsonNumber(t, &is_integer)) return std::nullopt;
  DecimalValue d;
  size_t i = 0;
  if (t[0] == '-') {
    d.negative = true;
    ++i;
  }
  std::string digits;
  int64_t scale = 0;
  bool fraction = false;
  for (; i < t.size() && t[i] != 'e' && t[i] != 'E'; ++i) {
    if (t[i] == '.') {
      fraction = true;
      continue;
    }
    digits.push_back(t[i]);
    if (fraction) ++scale;
  }
  if (i < t.size()) {
    int64_t exp = 0;
    std::string_view e = t.substr(i + 1);
    if (!e.empty() && e[0] == '+') e.remove_prefix(1);
    auto [p, ec] = std::from_chars(e.data(), e.data() + e.size(), exp);
    if (ec != std::errc() || exp > 1000000000 || exp < -1000000000) return std::nullopt;
    scale -= exp;
  }
  size_t nz = digits.find_first_not_of('0');
  d.digits = nz == std::string::npos ? "0" : digits.substr(nz);
  if (d.digits == "0") d.negative = false;
  if (scale > INT32_MAX || scale < INT32_MIN) return std::nullopt;
  d.scale = static_cast<int32_t>(scale);
  return d;
}

std::string DecimalPlainText(const DecimalValue& d) {
  std::string out;
  if (d.negative) out.push_back('-');
  if (d.scale <= 0) {
    out += d.digits;
    if (d.digits != "0") out.append(static_cast<size_t>(-static_cast<int64_t>(d.scale)), '0');
    return out;
  }
  std::string digits = d.digits;
  size_t s = static_cast<size_t>(d.scale);
  if (digits.size() <= s) digits.insert(0, s + 1 - digits.size(), '0');
  out.append(digits, 0, digits.size() - s);
  out.push_back('.');
  out.append(digits, digits.size() - s, s);
  return out;
}

std::string DecimalJavaText(const DecimalValue& d) {
  int64_t adjusted = -static_cast<int64_t>(d.scale) + static_cast<int64_t>(d.digits.size()) - 1;
  if (d.scale >= 0 && adjusted >= -6) return DecimalPlainText(d);
  std::string out;
  if (d.negative) out.push_back('-');
  out.push_back(d.digits[0]);
  if (d.digits.size() > 1) {
    out.push_back('.');
    out.append(d.digits, 1, std::string::npos);
  }
  out.push_back('E');
  if (adjusted >= 0) out.push_back('+');
  out += std::to_string(adjusted);
  return out;
}

std::string DecimalTwosComplement(const DecimalValue& d) {
  // Magnitude as little-endian bytes from the decimal digits.
  std::vector<uint8_t> mag;  // little-endian
  for (char c : d.digits) {
    unsigned carry = static_cast<unsigned>(c - '0');
    for (uint8_t& b : mag) {
      unsigned cur = b * 10u + carry;
      b = static_cast<uint8_t>(cur & 0xff);
      carry = cur >> 8;
    }
    while (carry > 0) {
      mag.push_back(static_cast<uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  if (mag.empty()) mag.push_back(0);
  mag.push_back(0);  // room for the sign bit
  if (d.negative) {
    for (uint8_t& b : mag) b = static_cast<uint8_t>(~b);
    for (uint8_t& b : mag) {
      if (++b != 0) break;
    }
  }
  std::string be(mag.rbegin(), mag.rend());
  size_t i = 0;
  while (i + 1 < be.size()) {
    unsigned char b0 = static_cast<unsigned char>(be[i]);
    unsigned char b1 = static_cast<unsigned char>(be[i + 1]);
    if ((b0 == 0x00 && (b1 & 0x80) == 0) || (b0 == 0xff && (b1 & 0x80) != 0)) {
      ++i;
    } else {
      break;
    }
  }
  return be.substr(i);
}

bool ParsedValue::is_null_value() const {
  if (kind == ValueKind::kTombstone) return true;
  if (encoded_json) return false;  // a transcoded value is never JSON null
  if (!payload.is_null()) return false;
  return !(schema && schema->default_value);
}

}  // namespace tributary::format
