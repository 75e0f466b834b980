// Record values as the S3 sink reads them: JSON text, with or without the JsonConverter
// envelope {"schema": ..., "payload": ...}, often a Debezium change event.
//
// RecordValueParser turns a SinkRecord's value bytes into a ParsedValue:
//   - a JsonDocument (a compact tree; every string unescaped, every number kept as its
//     token text so decimals and big integers stay exact),
//   - the Connect schema when the message carries one (parsed once per distinct schema
//     text and cached: Debezium repeats the same 3-4 KB schema in every message; when a
//     message's schema bytes equal the previous message's, only its payload is parsed),
//   - the Debezium envelope parts (before/after/source/op) when the payload is one,
//   - lookup by dotted path (`after.id`, `source.ts_ms`) for partitioners and extractors.
// Errors name the record: "topic 'x' partition 0 offset 12: ...".
//
// Lifetime: a ParsedValue (and every JsonView taken from it) views the parser's document
// and is valid until the next Parse() call on the same parser; its `schema` is shared and
// may be kept. The parser copies what it needs from the record: the record's bytes may go
// away once Parse() returns.
// Threading: one RecordValueParser per thread (it reuses its buffers); ParsedValue and
// JsonDocument are thread-compatible; ConnectSchema is immutable once built.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "format/sink_record.h"

namespace tributary::config {
class ConnectorConfig;
}

namespace tributary::format {

// ---------------------------------------------------------------- JSON tree

enum class JsonType : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

struct JsonNode {
  static constexpr uint32_t kNone = 0xffffffffu;
  JsonType type = JsonType::kNull;
  bool bool_value = false;
  bool is_integer = false;  // number token without fraction or exponent
  uint32_t first_child = kNone;
  uint32_t next_sibling = kNone;
  uint32_t child_count = 0;
  std::string_view key;   // member name when the parent is an object (unescaped)
  std::string_view text;  // string: unescaped UTF-8; number: the token as written
};

class JsonDocument;

// A cheap handle to one value of a JsonDocument; default-constructed = "missing".
class JsonView {
 public:
  JsonView() = default;
  JsonView(const JsonDocument* doc, uint32_t index) : doc_(doc), index_(index) {}

  bool valid() const { return doc_ != nullptr && index_ != JsonNode::kNone; }
  // Missing and JSON null both count as null.
  bool is_null() const { return !valid() || node().type == JsonType::kNull; }
  JsonType type() const { return node().type; }
  bool is_object() const { return valid() && node().type == JsonType::kObject; }
  bool is_array() const { return valid() && node().type == JsonType::kArray; }
  bool is_string() const { return valid() && node().type == JsonType::kString; }
  bool is_number() const { return valid() && node().type == JsonType::kNumber; }
  bool is_bool() const { return valid() && node().type == JsonType::kBool; }
  bool is_integer() const { return is_number() && node().is_integer; }

  bool bool_value() const { return node().bool_value; }
  // String: the unescaped UTF-8 text. Number: the token as written ("-12", "1.5E3").
  std::string_view text() const { return node().text; }
  // Integers that fit in int64 (no fraction, no exponent); nullopt otherwise.
  std::optional<int64_t> AsInt64() const;
  // Any number, correctly rounded; nullopt for non-numbers.
  std::optional<double> AsDouble() const;

  // Arrays and objects: number of children; iterate with first_child()/next_sibling().
  uint32_t size() const { return node().child_count; }
  JsonView first_child() const;
  JsonView next_sibling() const;
  // The member name of this value inside its object (empty otherwise).
  std::string_view key() const { return node().key; }

  // The member `name` of an object (the last one when a name repeats, as Jackson reads
  // it); missing when this is not an object or has no such member.
  JsonView Get(std::string_view name) const;
  // Member path with '.' separators ("after.id"); each step must be an object member.
  JsonView Find(std::string_view dotted_path) const;

 private:
  const JsonNode& node() const;
  const JsonDocument* doc_ = nullptr;
  uint32_t index_ = JsonNode::kNone;
};

// An arena of JsonNodes plus the bytes they view (unescaped strings, number tokens); one
// made by Parse() owns everything it points to, so it can be moved and kept. (The
// documents inside RecordValueParser also view the parser's copy of the input, for text
// without escapes: they live as the ParsedValue does.) Not copyable (views would dangle).
class JsonDocument {
 public:
  JsonDocument() = default;
  JsonDocument(JsonDocument&&) noexcept = default;
  JsonDocument& operator=(JsonDocument&&) noexcept = default;
  JsonDocument(const JsonDocument&) = delete;
  JsonDocument& operator=(const JsonDocument&) = delete;

  // Parses one complete JSON text (trailing whitespace allowed, nothing else).
  static Result<JsonDocument> Parse(std::string_view json);

  JsonView root() const { return JsonView(this, nodes_.empty() ? JsonNode::kNone : 0); }
  const JsonNode& node(uint32_t index) const { return nodes_[index]; }
  // Bytes held by the tree (for memory accounting).
  size_t MemoryBytes() const { return nodes_.capacity() * sizeof(JsonNode) + storage_.capacity(); }

 private:
  friend class JsonTreeBuilder;
  std::vector<JsonNode> nodes_;
  std::string storage_;  // reserved up front, never reallocated while building
};

// Compact JSON text of a value, members in document order, strings escaped as Jackson
// does (\" \\ \b \t \n \f \r, other control characters as \u00XX upper-case hex, characters
// outside the BMP as an escaped surrogate pair \uD83D\uDE00; the rest as UTF-8).
void AppendCompactJson(JsonView value, std::string* out);
// A JSON string literal, Jackson-escaped (quotes included). REQUIRES: valid UTF-8.
void AppendJacksonString(std::string_view utf8, std::string* out);

// ---------------------------------------------------------------- Connect schema

enum class ConnectType : uint8_t {
  kBoolean,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kFloat32,
  kFloat64,
  kBytes,
  kString,
  kArray,
  kMap,
  kStruct,
};
std::string_view ConnectTypeName(ConnectType type);  // "int32", "struct", ...

inline constexpr std::string_view kConnectDecimalName = "org.apache.kafka.connect.data.Decimal";
inline constexpr std::string_view kConnectTimestampName = "org.apache.kafka.connect.data.Timestamp";
inline constexpr std::string_view kConnectDateName = "org.apache.kafka.connect.data.Date";
inline constexpr std::string_view kConnectTimeName = "org.apache.kafka.connect.data.Time";
inline constexpr std::string_view kDebeziumVariableScaleDecimalName =
    "io.debezium.data.VariableScaleDecimal";

struct ConnectField;

// One Connect schema as JsonConverter writes it (KAFKA JsonConverter.asConnectSchema).
struct ConnectSchema {
  ConnectType type = ConnectType::kStruct;
  bool optional = false;
  std::string name;  // empty: none
  std::optional<int32_t> version;
  std::string doc;
  std::vector<std::pair<std::string, std::string>> parameters;  // in JSON order
  std::shared_ptr<const JsonDocument> default_value;            // null: no default
  std::vector<ConnectField> fields;                             // struct
  std::shared_ptr<const ConnectSchema> items;                   // array
  std::shared_ptr<const ConnectSchema> keys, values;            // map

  const ConnectField* FindField(std::string_view field_name) const;
  // The parameter's value, or nullopt.
  std::optional<std::string_view> Parameter(std::string_view key) const;
  bool is_decimal() const { return type == ConnectType::kBytes && name == kConnectDecimalName; }
  // Decimal scale from parameters (0 when absent or malformed).
  int32_t DecimalScale() const;
};

struct ConnectField {
  std::string name;
  ConnectSchema schema;
};

// Connect's Schema.equals: type, optional, name, version, doc, parameters, default and
// children all equal.
bool SameSchema(const ConnectSchema& a, const ConnectSchema& b);

// Builds a ConnectSchema from its JSON form. Errors are kCorruption with the JSON path.
Result<ConnectSchema> ParseConnectSchema(JsonView schema_json);

// ---------------------------------------------------------------- parsed values

enum class ValueKind : uint8_t {
  kTombstone,  // Kafka null value
  kPlain,      // JSON without the converter envelope (schemas.enable=false)
  kEnveloped,  // {"schema": ..., "payload": ...}; `schema` null when the schema is JSON null
};

// The parts of a Debezium change event (views into the payload).
struct DebeziumEnvelope {
  char op = 0;  // 'c' create, 'u' update, 'd' delete, 'r' read, 't' truncate, 'm' message
  JsonView before, after, source, transaction, ts_ms;
  const ConnectSchema* row_schema = nullptr;  // schema of before/after when known

  // The row image a flat output uses: `before` for deletes, `after` otherwise.
  JsonView row() const { return op == 'd' ? before : after; }
};

struct ParsedValue {
  ValueKind kind = ValueKind::kTombstone;
  JsonView payload;                             // missing for tombstones
  std::shared_ptr<const ConnectSchema> schema;  // null: no schema
  std::optional<DebeziumEnvelope> debezium;     // set when the payload is a Debezium envelope
  // Set instead of a tree when the sink transcoded a plain JSON value straight to the line
  // JsonLinesFormat writes (SchemalessJsonTranscoder; `payload` is then missing, `kind`
  // kPlain): that line without "\n". Views the sink task's line buffer, valid until its
  // next record.
  std::optional<std::string_view> encoded_json;

  bool is_tombstone() const { return kind == ValueKind::kTombstone; }
  // What the Connect sink sees as a null value: a tombstone, or a JSON null payload
  // without a schema default (ExtractNewRecordState's deletes: {"schema":{...},"payload":null}).
  bool is_null_value() const;
  JsonView Find(std::string_view dotted_path) const { return payload.Find(dotted_path); }
  // The schema of a dotted path inside the payload (nullptr when unknown or no schema).
  const ConnectSchema* SchemaAt(std::string_view dotted_path) const;
};

// How to read the converter envelope (the sink's `value.converter.schemas.enable`).
enum class EnvelopeMode : uint8_t {
  kAuto,      // an object with exactly the members "schema" and "payload" is an envelope
  kRequired,  // schemas.enable=true: anything else is an error (as JsonConverter says)
  kNever,     // schemas.enable=false: the value is plain JSON, whatever its members
};

struct RecordValueOptions {
  EnvelopeMode envelope = EnvelopeMode::kAuto;
  size_t schema_cache_size = 1000;  // distinct schema texts kept (`schemas.cache.config`)
  bool detect_debezium = true;

  // value.converter.schemas.enable given explicitly: true → kRequired, false → kNever;
  // not given → kAuto. schemas.cache.config → schema_cache_size.
  static RecordValueOptions FromConfig(const config::ConnectorConfig& config);
};

class RecordValueParser {
 public:
  explicit RecordValueParser(RecordValueOptions options = {});
  ~RecordValueParser();
  RecordValueParser(const RecordValueParser&) = delete;
  RecordValueParser& operator=(const RecordValueParser&) = delete;

  // Parses the record's value. Tombstones give kind kTombstone. Errors (kCorruption) name
  // the topic, partition and offset. The result is valid until the next Parse().
  Result<ParsedValue> Parse(const SinkRecord& record);

  uint64_t schema_cache_hits() const;
  uint64_t schema_cache_misses() const;
  // Records whose schema bytes equalled the previous record's, so only their payload was
  // parsed (a subset of the cache hits).
  uint64_t repeated_schema_hits() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "topic 'orders' partition 3 offset 1200": the prefix of every per-record error.
std::string RecordPosition(const SinkRecord& record);

// ---------------------------------------------------------------- Connect value helpers

// Standard base64 (RFC 4648, padding required, as Java's decoder wants it).
std::optional<std::string> DecodeBase64(std::string_view text);
void AppendBase64(std::string_view bytes, std::string* out);

// An exact decimal: unscaled value as decimal digits, and a scale (value = unscaled * 10^-scale),
// like Java's BigDecimal.
struct DecimalValue {
  bool negative = false;
  std::string digits = "0";  // no leading zeros ("0" for zero)
  int32_t scale = 0;
};
// Connect Decimal: big-endian two's-complement unscaled bytes and the schema's scale.
DecimalValue DecimalFromTwosComplement(std::string_view unscaled_be, int32_t scale);
// new BigDecimal(text) of a JSON number token ("12.50" → digits 1250, scale 2).
std::optional<DecimalValue> DecimalFromNumberText(std::string_view number);
// BigDecimal.toPlainString: "-123.45", "0.00", "1200".
std::string DecimalPlainText(const DecimalValue& d);
// BigDecimal.toString (scientific when scale < 0 or the exponent is < -6): what Jackson
// writes for json.decimal.format=NUMERIC.
std::string DecimalJavaText(const DecimalValue& d);
// BigInteger.toByteArray of the unscaled value: minimal big-endian two's complement.
std::string DecimalTwosComplement(const DecimalValue& d);

}  // namespace tributary::format
