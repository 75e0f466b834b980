#include "format/json_lines_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "config/connector_config.h"
#include "format/member_order_cache.h"

namespace tributary::format {

// ---------------------------------------------------------------- Java number text

namespace {

// Java's Double/Float.toString layout of a shortest decimal: digits d1d2..dn × 10^exp
// (exp = decimal exponent of d1).
std::string JavaLayout(bool negative, std::string_view digits, int exp) {
  std::string out;
  if (negative) out.push_back('-');
  if (exp >= -3 && exp < 7) {
    if (exp >= 0) {
      size_t int_len = static_cast<size_t>(exp) + 1;
      if (digits.size() <= int_len) {
        out.append(digits);
        out.append(int_len - digits.size(), '0');
        out.append(".0");
      } else {
        out.append(digits.substr(0, int_len));
        out.push_back('.');
        out.append(digits.substr(int_len));
      }
    } else {
      out.append("0.");
      out.append(static_cast<size_t>(-exp - 1), '0');
      out.append(digits);
    }
    return out;
  }
  out.push_back(digits[0]);
  out.push_back('.');
  if (digits.size() > 1) {
    out.append(digits.substr(1));
  } else {
    out.push_back('0');
  }
  out.push_back('E');
  out += std::to_string(exp);
  return out;
}

// Splits std::to_chars scientific output "d.ddde±XX" into digits and exponent.
void SplitScientific(std::string_view s, std::string* digits, int* exp) {
  digits->clear();
  size_t e = s.find('e');
  for (char c : s.substr(0, e)) {
    if (c >= '0' && c <= '9') digits->push_back(c);
  }
  std::string_view es = s.substr(e + 1);
  if (!es.empty() && es[0] == '+') es.remove_prefix(1);
  std::from_chars(es.data(), es.data() + es.size(), *exp);
  while (digits->size() > 1 && digits->back() == '0') digits->pop_back();
}

template <typename T>
std::string JavaFloatingText(T v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v < 0 ? "-Infinity" : "Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  bool negative = v < 0;
  T a = negative ? -v : v;
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), a, std::chars_format::scientific);
  std::string digits;
  int exp = 0;
  SplitScientific(std::string_view(buf, r.ptr - buf), &digits, &exp);
  if (digits.size() == 1) {
    // JDK 19+: when the shortest decimal has one digit, the closest of the one- and
    // two-digit decimals that round to the value is chosen (4.9E-324, not 5.0E-324).
    auto r2 = std::to_chars(buf, buf + sizeof(buf), a, std::chars_format::scientific, 1);
    T back = 0;
    std::from_chars(buf, r2.ptr, back);
    if (back == a) {
      std::string d2;
      int e2 = 0;
      SplitScientific(std::string_view(buf, r2.ptr - buf), &d2, &e2);
      digits = d2;
      exp = e2;
    }
  }
  return JavaLayout(negative, digits, exp);
}

}  // namespace

std::string JavaDoubleText(double value) { return JavaFloatingText(value); }
std::string JavaFloatText(float value) { return JavaFloatingText(value); }

int32_t JavaStringHash(std::string_view s) {
  uint32_t h = 0;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    int len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c >> 5) == 6) {
      cp = c & 0x1f;
      len = 2;
    } else if ((c >> 4) == 14) {
      cp = c & 0x0f;
      len = 3;
    } else {
      cp = c & 0x07;
      len = 4;
    }
    for (int k = 1; k < len && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    }
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      h = 31 * h + (0xD800 + (cp >> 10));
      h = 31 * h + (0xDC00 + (cp & 0x3ff));
    } else {
      h = 31 * h + cp;
    }
  }
  return static_cast<int32_t>(h);
}

namespace {

// JsonNode.doubleValue()/floatValue() of a number token read as a BigDecimal
// (USE_BIG_DECIMAL_FOR_FLOATS): correctly rounded, and a zero has no sign.
template <typename T>
T JavaFloating(std::string_view text) {
  T v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc::result_out_of_range) {
    bool neg = !text.empty() && text[0] == '-';
    bool tiny =
        text.find("e-") != std::string_view::npos || text.find("E-") != std::string_view::npos;
    v = tiny ? (neg ? -T(0) : T(0))
             : (neg ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity());
  }
  if (v == 0 && text.find_first_of("123456789") == std::string_view::npos) v = 0;  // +0
  return v;
}

// BigInteger.longValue: the low 64 bits of an integer token.
int64_t JavaLongValue(std::string_view integer) {
  bool negative = !integer.empty() && integer[0] == '-';
  uint64_t v = 0;
  for (char c : integer) {
    if (c >= '0' && c <= '9') v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (negative) v = ~v + 1;
  return static_cast<int64_t>(v);
}

// An integer token Java would print back unchanged as a long (JSON forbids leading zeros,
// so only "-0" and values past ±999,999,999,999,999,999 differ): its text is the output.
// `max_digits` narrows it further (an int32 field: 9 digits always fit).
bool VerbatimInteger(std::string_view integer, size_t max_digits) {
  size_t digits = integer.size() - (!integer.empty() && integer[0] == '-' ? 1 : 0);
  return digits <= max_digits && integer != "-0";
}

// hashCode of a boxed map key, from the key's JSON text as the encoder wrote it.
uint32_t JavaKeyHash(ConnectType type, const std::string& text) {
  switch (type) {
    case ConnectType::kBoolean: return text == "true" ? 1231 : 1237;
    case ConnectType::kInt8:
    case ConnectType::kInt16:
    case ConnectType::kInt32: return static_cast<uint32_t>(std::strtol(text.c_str(), nullptr, 10));
    case ConnectType::kInt64: {
      uint64_t v = static_cast<uint64_t>(std::strtoll(text.c_str(), nullptr, 10));
      return static_cast<uint32_t>(v ^ (v >> 32));
    }
    case ConnectType::kFloat32: {
      float f = std::strtof(text.c_str(), nullptr);
      uint32_t bits;
      std::memcpy(&bits, &f, 4);
      return bits;
    }
    case ConnectType::kFloat64: {
      double d = std::strtod(text.c_str(), nullptr);
      uint64_t bits;
      std::memcpy(&bits, &d, 8);
      return static_cast<uint32_t>(bits ^ (bits >> 32));
    }
    default: return 0;
  }
}

// Java's Double.toString of a decimal token without exponent whose significant digits
// (leading and trailing zeros dropped) number 2 to 15 and whose decimal exponent is in
// [-3, 7): such a decimal is the only one of at most 15 digits that rounds to its double
// (DBL_DIG), so it is the shortest, and Java prints it in plain notation: the token
// without its trailing fraction zeros (one kept after the point). False otherwise (the
// caller takes the general path). One-digit values are left out: JDK 19+ picks among
// one- and two-digit decimals for them.
bool AppendShortDecimal(std::string_view token, std::string* out) {
  size_t i = token.starts_with('-') ? 1 : 0;
  size_t dot = token.find('.', i);
  if (dot == std::string_view::npos) return false;
  std::string_view int_part = token.substr(i, dot - i);
  std::string_view frac = token.substr(dot + 1);
  if (int_part.empty() || frac.empty()) return false;
  for (char c : frac) {
    if (c < '0' || c > '9') return false;  // an exponent
  }
  while (frac.size() > 1 && frac.back() == '0') frac.remove_suffix(1);
  size_t significant;
  if (int_part != "0") {
    if (int_part.size() > 7) return false;  // exponent >= 7
    significant = int_part.size() + (frac == "0" ? 0 : frac.size());
    if (frac == "0") {  // trailing zeros of the integer part do not count
      std::string_view t = int_part;
      while (!t.empty() && t.back() == '0') {
        t.remove_suffix(1);
        --significant;
      }
    }
  } else {
    size_t zeros = 0;
    while (zeros < frac.size() && frac[zeros] == '0') ++zeros;
    if (zeros == frac.size() || zeros > 2) return false;  // zero, or exponent < -3
    significant = frac.size() - zeros;
  }
  if (significant < 2 || significant > 15) return false;
  out->append(token.substr(0, dot + 1));
  out->append(frac);
  return true;
}

}  // namespace

void AppendSchemalessNumber(std::string_view token, bool is_integer, std::string* out) {
  if (is_integer) {
    if (VerbatimInteger(token, 18)) {
      out->append(token);
    } else {
      fmt::format_to(std::back_inserter(*out), "{}", JavaLongValue(token));
    }
    return;
  }
  if (AppendShortDecimal(token, out)) return;
  std::string text = JavaDoubleText(JavaFloating<double>(token));
  // Jackson's QUOTE_NON_NUMERIC_NUMBERS (on by default).
  if (text == "NaN" || text == "Infinity" || text == "-Infinity") {
    out->push_back('"');
    out->append(text);
    out->push_back('"');
  } else {
    out->append(text);
  }
}

namespace {

class Encoder {
 public:
  Encoder(const JsonLinesOptions& options, MemberOrderCache* cache, std::string* out)
      : options_(options), cache_(cache), out_(out) {}

  // Jackson writing Connect data without a schema (the JsonFormat path for Maps etc.).
  Status Schemaless(JsonView v, int depth) {
    if (depth > 512) return Status::Corruption("value nested too deeply");
    if (v.is_null()) {
      out_->append("null");
      return Status::Ok();
    }
    switch (v.type()) {
      case JsonType::kNull: out_->append("null"); break;
      case JsonType::kBool: out_->append(v.bool_value() ? "true" : "false"); break;
      case JsonType::kString: AppendJacksonString(v.text(), out_); break;
      case JsonType::kNumber: AppendSchemalessNumber(v.text(), v.is_integer(), out_); break;
      case JsonType::kArray: {
        out_->push_back('[');
        bool first = true;
        for (JsonView c = v.first_child(); c.valid(); c = c.next_sibling()) {
          if (!first) out_->push_back(',');
          first = false;
          if (Status s = Schemaless(c, depth + 1); !s.ok()) return s;
        }
        out_->push_back(']');
        break;
      }
      case JsonType::kObject: {
        out_->push_back('{');
        std::vector<JsonView>& members = cache_->Members(depth);
        std::vector<std::string_view>& keys = cache_->Keys(depth);
        members.clear();
        keys.clear();
        for (JsonView c = v.first_child(); c.valid(); c = c.next_sibling()) {
          members.push_back(c);
          keys.push_back(c.key());
        }
        if (auto shape = cache_->FindShared(keys, options_.java_map_order)) {
          for (size_t i = 0; i < shape->order.size(); ++i) {
            out_->append(shape->Prefix(i));
            if (Status s = Schemaless(members[shape->order[i]], depth + 1); !s.ok()) return s;
          }
          out_->push_back('}');
          break;
        }
        bool first = true;
        Status s = ForEachMember(v, depth, [&](JsonView m) {
          if (!first) out_->push_back(',');
          first = false;
          AppendJacksonString(m.key(), out_);
          out_->push_back(':');
          return Schemaless(m, depth + 1);
        });
        if (!s.ok()) return s;
        out_->push_back('}');
        break;
      }
    }
    return Status::Ok();
  }

  // JsonConverter.convertToConnect then convertToJson (schemas.enable=false) of `v` under
  // `schema`; `path` names the field in errors.
  Status WithSchema(const ConnectSchema& schema, JsonView v, std::string& path, int depth) {
    if (depth > 512) return Status::Corruption("value nested too deeply");
    if (v.is_null()) {
      if (schema.default_value)
        return WithSchema(schema, schema.default_value->root(), path, depth + 1);
      if (schema.optional) {
        out_->append("null");
        return Status::Ok();
      }
      return Fail(path,
                  fmt::format("null value for a required {} field", ConnectTypeName(schema.type)));
    }
    if (!schema.name.empty() && schema.name == kConnectDecimalName)
      return DecimalOut(schema, v, path);
    switch (schema.type) {
      case ConnectType::kBoolean:
        if (!v.is_bool()) return Mismatch(path, "boolean", v);
        out_->append(v.bool_value() ? "true" : "false");
        return Status::Ok();
      case ConnectType::kInt8:
      case ConnectType::kInt16:
      case ConnectType::kInt32:
      case ConnectType::kInt64: {
        if (!v.is_number()) return Mismatch(path, ConnectTypeName(schema.type), v);
        if (v.is_integer()) {
          size_t max_digits = schema.type == ConnectType::kInt64   ? 18
                              : schema.type == ConnectType::kInt32 ? 9
                              : schema.type == ConnectType::kInt16 ? 4
                                                                   : 2;
          if (VerbatimInteger(v.text(), max_digits)) {
            out_->append(v.text());
            return Status::Ok();
          }
        }
        int64_t x;
        if (v.is_integer()) {
          x = JavaLongValue(v.text());
        } else {
          double d = v.AsDouble().value_or(0);
          x = std::isnan(d)                 ? 0
              : d >= 9.2233720368547758e18  ? INT64_MAX
              : d <= -9.2233720368547758e18 ? INT64_MIN
                                            : static_cast<int64_t>(d);
        }
        // JsonNode.intValue()/longValue() and the narrowing casts of the converter.
        if (schema.type != ConnectType::kInt64) x = static_cast<int32_t>(x);
        if (schema.type == ConnectType::kInt16) x = static_cast<int16_t>(x);
        if (schema.type == ConnectType::kInt8) x = static_cast<int8_t>(x);
        fmt::format_to(std::back_inserter(*out_), "{}", x);
        return Status::Ok();
      }
      case ConnectType::kFloat32:
        if (!v.is_number()) return Mismatch(path, "float", v);
        out_->append(QuotedIfNotFinite(JavaFloatText(JavaFloating<float>(v.text()))));
        return Status::Ok();
      case ConnectType::kFloat64:
        if (!v.is_number()) return Mismatch(path, "double", v);
        out_->append(QuotedIfNotFinite(JavaDoubleText(JavaFloating<double>(v.text()))));
        return Status::Ok();
      case ConnectType::kString:
        if (!v.is_string()) return Mismatch(path, "string", v);
        AppendJacksonString(v.text(), out_);
        return Status::Ok();
      case ConnectType::kBytes: {
        if (!v.is_string()) return Mismatch(path, "bytes (base64 text)", v);
        auto bytes = DecodeBase64(v.text());
        if (!bytes) return Fail(path, "bytes value is not valid base64");
        out_->push_back('"');
        AppendBase64(*bytes, out_);
        out_->push_back('"');
        return Status::Ok();
      }
      case ConnectType::kArray: {
        if (!v.is_array()) return Mismatch(path, "array", v);
        out_->push_back('[');
        bool first = true;
        size_t len = path.size();
        path += "[]";
        for (JsonView c = v.first_child(); c.valid(); c = c.next_sibling()) {
          if (!first) out_->push_back(',');
          first = false;
          if (Status s = WithSchema(*schema.items, c, path, depth + 1); !s.ok()) return s;
        }
        path.resize(len);
        out_->push_back(']');
        return Status::Ok();
      }
      case ConnectType::kMap: {
        if (schema.keys->type == ConnectType::kString) {
          if (!v.is_object()) return Mismatch(path, "map (JSON object)", v);
          out_->push_back('{');
          bool first = true;
          Status s = ForEachMember(v, depth, [&](JsonView m) {
            if (!first) out_->push_back(',');
            first = false;
            AppendJacksonString(m.key(), out_);
            out_->push_back(':');
            size_t len = path.size();
            path += ".";
            path += m.key();
            Status ms = WithSchema(*schema.values, m, path, depth + 1);
            path.resize(len);
            return ms;
          });
          if (!s.ok()) return s;
          out_->push_back('}');
          return Status::Ok();
        }
        // Non-string keys: an array of [key, value] pairs, in java.util.HashMap order of
        // the keys' hashCode (integers, booleans, doubles; other key types keep message order).
        if (!v.is_array()) return Mismatch(path, "map (array of pairs)", v);
        struct Entry {
          std::string key_json, value_json;
          uint32_t hash = 0;
        };
        std::vector<Entry> entries;
        for (JsonView pair = v.first_child(); pair.valid(); pair = pair.next_sibling()) {
          if (!pair.is_array() || pair.size() != 2)
            return Fail(path, "map entry is not a [key, value] pair");
          Entry e;
          std::string* saved = out_;
          out_ = &e.key_json;
          Status ks = WithSchema(*schema.keys, pair.first_child(), path, depth + 1);
          out_ = &e.value_json;
          Status vs = ks.ok() ? WithSchema(*schema.values, pair.first_child().next_sibling(), path,
                                           depth + 1)
                              : ks;
          out_ = saved;
          if (!vs.ok()) return vs;
          e.hash = JavaKeyHash(schema.keys->type, e.key_json);
          bool replaced = false;
          for (Entry& old : entries) {
            if (old.key_json == e.key_json) {
              old.value_json = std::move(e.value_json);
              replaced = true;
              break;
            }
          }
          if (!replaced) entries.push_back(std::move(e));
        }
        bool hashable = schema.keys->type <= ConnectType::kFloat64 && schema.keys->name.empty();
        std::vector<size_t> order(entries.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
        if (hashable && options_.java_map_order) {
          size_t capacity = 16;
          while (entries.size() > capacity * 3 / 4) capacity *= 2;
          auto bucket = [&](size_t i) {
            uint32_t h = entries[i].hash;
            return (h ^ (h >> 16)) & static_cast<uint32_t>(capacity - 1);
          };
          std::stable_sort(order.begin(), order.end(),
                           [&](size_t a, size_t b) { return bucket(a) < bucket(b); });
        }
        out_->push_back('[');
        bool first = true;
        for (size_t i : order) {
          if (!first) out_->push_back(',');
          first = false;
          out_->push_back('[');
          out_->append(entries[i].key_json);
          out_->push_back(',');
          out_->append(entries[i].value_json);
          out_->push_back(']');
        }
        out_->push_back(']');
        return Status::Ok();
      }
      case ConnectType::kStruct: {
        if (!v.is_object()) return Mismatch(path, "struct (JSON object)", v);
        out_->push_back('{');
        bool first = true;
        if (v.size() == schema.fields.size()) {
          // Members in the schema's order (as JsonConverter writes them): no lookups. Field
          // names are unique, so equal names in order also mean no repeated member.
          bool aligned = true;
          JsonView c = v.first_child();
          for (const ConnectField& f : schema.fields) {
            if (!c.valid() || c.key() != f.name) {
              aligned = false;
              break;
            }
            c = c.next_sibling();
          }
          if (aligned) {
            c = v.first_child();
            for (const ConnectField& f : schema.fields) {
              if (!first) out_->push_back(',');
              first = false;
              AppendJacksonString(f.name, out_);
              out_->push_back(':');
              size_t len = path.size();
              if (!path.empty()) path += ".";
              path += f.name;
              if (Status s = WithSchema(f.schema, c, path, depth + 1); !s.ok()) return s;
              path.resize(len);
              c = c.next_sibling();
            }
            out_->push_back('}');
            return Status::Ok();
          }
        }
        for (const ConnectField& f : schema.fields) {
          if (!first) out_->push_back(',');
          first = false;
          AppendJacksonString(f.name, out_);
          out_->push_back(':');
          size_t len = path.size();
          if (!path.empty()) path += ".";
          path += f.name;
          if (Status s = WithSchema(f.schema, v.Get(f.name), path, depth + 1); !s.ok()) return s;
          path.resize(len);
        }
        out_->push_back('}');
        return Status::Ok();
      }
    }
    return Status::Internal("unknown Connect type");
  }

 private:
  static std::string QuotedIfNotFinite(std::string text) {
    // Jackson's QUOTE_NON_NUMERIC_NUMBERS (on by default).
    if (text == "NaN" || text == "Infinity" || text == "-Infinity") return "\"" + text + "\"";
    return text;
  }

  static Status Fail(const std::string& path, std::string_view what) {
    return Status::Corruption(
        fmt::format("{}{}", path.empty() ? "" : "field " + path + ": ", what));
  }

  static Status Mismatch(const std::string& path, std::string_view expected, JsonView v) {
    static constexpr std::string_view kNames[] = {"null",   "boolean", "number",
                                                  "string", "array",   "object"};
    return Fail(path, fmt::format("schema says {} but the value is a JSON {}", expected,
                                  kNames[static_cast<int>(v.type())]));
  }

  Status DecimalOut(const ConnectSchema& schema, JsonView v, const std::string& path) {
    DecimalValue d;
    if (v.is_number()) {
      auto parsed = DecimalFromNumberText(v.text());
      if (!parsed) return Fail(path, "invalid decimal number");
      d = *parsed;
    } else if (v.is_string()) {
      auto bytes = DecodeBase64(v.text());
      if (!bytes) return Fail(path, "decimal value is not valid base64");
      d = DecimalFromTwosComplement(*bytes, schema.DecimalScale());
    } else {
      return Mismatch(path, "Decimal (base64 or number)", v);
    }
    if (options_.decimal_format == DecimalFormat::kNumeric) {
      out_->append(DecimalJavaText(d));
      return Status::Ok();
    }
    if (d.scale != schema.DecimalScale()) {
      return Fail(path, fmt::format("decimal has scale {} but the schema says {}", d.scale,
                                    schema.DecimalScale()));
    }
    out_->push_back('"');
    AppendBase64(DecimalTwosComplement(d), out_);
    out_->push_back('"');
    return Status::Ok();
  }

  // Calls f(member) for the members of object `v` in the order Jackson writes them.
  template <typename F>
  Status ForEachMember(JsonView v, int depth, F&& f) {
    std::vector<JsonView>& members = cache_->Members(depth);
    std::vector<std::string_view>& keys = cache_->Keys(depth);
    members.clear();
    keys.clear();
    for (JsonView c = v.first_child(); c.valid(); c = c.next_sibling()) {
      members.push_back(c);
      keys.push_back(c.key());
    }
    std::vector<uint32_t>& order = cache_->Orders(depth);
    cache_->Order(keys, options_.java_map_order, &order);
    for (uint32_t i : order) {
      if (Status s = f(members[i]); !s.ok()) return s;
    }
    return Status::Ok();
  }

  const JsonLinesOptions& options_;
  MemberOrderCache* cache_;
  std::string* out_;
};

}  // namespace

Status EncodeConfluentJson(const ParsedValue& value, const JsonLinesOptions& options,
                           std::string* out) {
  MemberOrderCache cache;
  return EncodeConfluentJson(value, options, &cache, out);
}

Status EncodeConfluentJson(const ParsedValue& value, const JsonLinesOptions& options,
                           MemberOrderCache* cache, std::string* out) {
  if (value.encoded_json) {
    out->append(*value.encoded_json);
    return Status::Ok();
  }
  if (value.is_tombstone()) {
    out->append("null");
    return Status::Ok();
  }
  Encoder encoder(options, cache, out);
  if (value.schema) {
    std::string path;
    return encoder.WithSchema(*value.schema, value.payload, path, 0);
  }
  return encoder.Schemaless(value.payload, 0);
}

// ---------------------------------------------------------------- JsonLinesFormat

JsonLinesOptions JsonLinesOptions::FromConfig(const config::ConnectorConfig& config) {
  JsonLinesOptions o;
  if (config.Has("s3.compression.type") && config.GetString("s3.compression.type") == "gzip") {
    o.compression = Compression::kGzip;
  }
  if (config.Has("s3.compression.level")) {
    o.compression_level = static_cast<int>(config.GetLong("s3.compression.level"));
  }
  if (config.Has("json.decimal.format") && config.GetString("json.decimal.format") == "NUMERIC") {
    o.decimal_format = DecimalFormat::kNumeric;
  }
  return o;
}

JsonLinesFormat::JsonLinesFormat(JsonLinesOptions options)
    : options_(options), member_orders_(std::make_unique<MemberOrderCache>()) {
  if (options_.compression == Compression::kGzip) {
    gzip_ = std::make_unique<GzipStream>(options_.compression_level);
  }
}

JsonLinesFormat::~JsonLinesFormat() = default;

std::string_view JsonLinesFormat::Extension() const {
  return options_.compression == Compression::kGzip ? ".json.gz" : ".json";
}

Status JsonLinesFormat::Begin(std::string* out) {
  out_ = out;
  records_ = 0;
  plain_bytes_ = 0;
  if (gzip_) return gzip_->Begin(out_);
  return Status::Ok();
}

Status JsonLinesFormat::Append(const SinkRecord& record, const ParsedValue& value) {
  if (out_ == nullptr) return Status::Internal("JsonLinesFormat::Append before Begin");
  if (!gzip_) {
    // Straight into the object (no copy); a value that cannot be encoded leaves nothing.
    size_t at = out_->size();
    Status s = EncodeConfluentJson(value, options_, member_orders_.get(), out_);
    if (!s.ok()) {
      out_->resize(at);
      return s.WithContext(RecordPosition(record));
    }
    out_->push_back('\n');
    plain_bytes_ += out_->size() - at;
    ++records_;
    return Status::Ok();
  }
  line_.clear();
  Status s = EncodeConfluentJson(value, options_, member_orders_.get(), &line_);
  if (!s.ok()) return s.WithContext(RecordPosition(record));
  line_.push_back('\n');
  plain_bytes_ += line_.size();
  ++records_;
  return gzip_->Write(line_, out_);
}

Status JsonLinesFormat::Finish() {
  if (out_ == nullptr) return Status::Internal("JsonLinesFormat::Finish before Begin");
  Status s = gzip_ ? gzip_->Finish(out_) : Status::Ok();
  out_ = nullptr;
  return s;
}

uint64_t JsonLinesFormat::EstimatedObjectBytes() const {
  if (!gzip_) return plain_bytes_;
  // What is out plus the pending input at a pessimistic 1:2 ratio, plus the trailer.
  return gzip_->bytes_out() + gzip_->pending_in() / 2 + 8;
}

uint64_t JsonLinesFormat::BufferedBytes() const {
  return line_.capacity() + (gzip_ ? GzipStream::kStateBytes : 0);
}

}  // namespace tributary::format
