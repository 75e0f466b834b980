// JsonLinesFormat: Confluent's JsonFormat (io.confluent.connect.s3.format.json.JsonFormat),
// byte for byte: one JSON value per line, each followed by "\n" (the last one too), the
// payload only (never the converter's schema, the key or the headers).
//
// Confluent does not copy the message bytes: the worker's JsonConverter reads them into
// Connect data and the format's own JsonConverter (schemas.enable=false) writes them
// again. This writer re-encodes the same way (docs/formats.md "JSON lines (sink)"):
//   - with a schema: struct members in schema order, every field written, a null field
//     with a schema default written as the default, Decimal as base64 of the minimal
//     unscaled bytes (json.decimal.format=BASE64) or as Java's BigDecimal.toString
//     (NUMERIC), bytes re-encoded as base64, int8..int64 as integers, float/double as
//     Java's Float/Double.toString (1.0E10), maps with string keys in java.util.HashMap
//     order;
//   - without a schema: objects in java.util.HashMap order, integers as longs, other
//     numbers as doubles (Double.toString), as Jackson writes a schemaless Map;
//   - compact, strings escaped as Jackson does; a null value (tombstone) is "null".
// s3.compression.type=gzip: the same bytes through GzipStream (".json.gz").
// Threading: one writer per open object (see FormatWriter).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "format/format_writer.h"
#include "format/gzip_stream.h"

namespace tributary::config {
class ConnectorConfig;
}

namespace tributary::format {

class MemberOrderCache;  // json_lines_format.cc

enum class Compression : uint8_t { kNone, kGzip };
enum class DecimalFormat : uint8_t { kBase64, kNumeric };

struct JsonLinesOptions {
  Compression compression = Compression::kNone;           // s3.compression.type
  int compression_level = -1;                             // s3.compression.level
  DecimalFormat decimal_format = DecimalFormat::kBase64;  // json.decimal.format
  // Objects without a schema (and Connect maps) in java.util.HashMap order, as Confluent
  // writes them; false keeps the message's member order.
  bool java_map_order = true;

  // From a validated sink config (keys above).
  static JsonLinesOptions FromConfig(const config::ConnectorConfig& config);
};

class JsonLinesFormat final : public FormatWriter {
 public:
  explicit JsonLinesFormat(JsonLinesOptions options);
  ~JsonLinesFormat() override;

  std::string_view Extension() const override;
  Status Begin(std::string* out) override;
  Status Append(const SinkRecord& record, const ParsedValue& value) override;
  Status Finish() override;
  bool RequiresNewObject(const ParsedValue&) const override { return false; }
  uint64_t record_count() const override { return records_; }
  uint64_t EstimatedObjectBytes() const override;
  uint64_t BufferedBytes() const override;
  const JsonLinesOptions& options() const { return options_; }

 private:
  JsonLinesOptions options_;
  std::unique_ptr<GzipStream> gzip_;
  std::unique_ptr<MemberOrderCache> member_orders_;  // object member orders per shape
  std::string* out_ = nullptr;
  std::string line_;  // one encoded line (reused)
  uint64_t records_ = 0;
  uint64_t plain_bytes_ = 0;
};

// Encodes one value as Confluent's JsonFormat line (without the "\n"); exposed for tests
// and for the keys/headers files. Errors are kCorruption ("<path>: ...").
Status EncodeConfluentJson(const ParsedValue& value, const JsonLinesOptions& options,
                           std::string* out);
// The same with the member orders of earlier values kept in `cache` (a writer's own).
Status EncodeConfluentJson(const ParsedValue& value, const JsonLinesOptions& options,
                           MemberOrderCache* cache, std::string* out);

// The text Jackson writes for a JSON number token read as schemaless Connect data:
// integers as a long (BigInteger.longValue: the low 64 bits), other numbers as
// Double.toString of the correctly rounded double ("NaN"/"Infinity" quoted). `is_integer`:
// the token has no fraction and no exponent. REQUIRES: a valid JSON number token.
void AppendSchemalessNumber(std::string_view token, bool is_integer, std::string* out);

// Java's Double.toString / Float.toString (JDK 19+ shortest form): "1.0", "1.0E10",
// "1.0E-5", "123.456", "NaN", "Infinity".
std::string JavaDoubleText(double value);
std::string JavaFloatText(float value);

// java.lang.String.hashCode of UTF-8 text (computed over its UTF-16 code units).
int32_t JavaStringHash(std::string_view utf8);

}  // namespace tributary::format
