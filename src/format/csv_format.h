// CsvFormat: Tributary's CSV objects (Confluent has no CSV format). format.class
// `io.tributary.connect.s3.format.csv.CsvFormat` (or the simple name `CsvFormat`).
//
// One header row, then one row per record:
//   - the row columns: for a Debezium event the unwrapped row (`after`; `before` for
//     deletes), in the row schema's field order when the message has a schema, else in
//     the JSON member order of the first record of the object; for any other JSON object
//     its members; for a JSON scalar or array a single column `value`;
//   - then the chosen metadata columns (`csv.metadata.columns`, in this fixed order):
//     __op, __ts_ms, __source_ts_ms, __db, __table, __file, __pos, __gtid (empty/NULL for
//     values that are not Debezium events).
// Cells: RFC 4180 (a cell holding , " CR or LF, or starting/ending with a space, is
// quoted; " doubled). NULL is `csv.null.value` (default: nothing, unquoted) and the empty
// string is always "" (quoted), so the two never collide; a string equal to the NULL
// token is quoted too. Connect Decimal (and Debezium VariableScaleDecimal) → exact
// decimal text; bytes → base64; nested structs, maps and arrays → compact JSON; numbers
// as the message wrote them; booleans true/false. Rows end with `csv.line.separator`
// (default "\n"). s3.compression.type=gzip → ".csv.gz".
//
// A record whose column set differs from the object's header cannot join it:
// RequiresNewObject() says so and the caller starts a new object (the header changes).
// Threading: one writer per open object (see FormatWriter).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "format/format_writer.h"
#include "format/gzip_stream.h"
#include "format/json_lines_format.h"  // Compression

namespace tributary::config {
class ConnectorConfig;
}

namespace tributary::format {

inline constexpr std::string_view kCsvFormatClass = "io.tributary.connect.s3.format.csv.CsvFormat";

enum class CsvMetadata : uint8_t { kOp, kTsMs, kSourceTsMs, kDb, kTable, kFile, kPos, kGtid };
// "__op", "__ts_ms", ...
std::string_view CsvMetadataColumnName(CsvMetadata column);
// Parses a list like "op,source.ts_ms,__table" (with or without the "__" prefix, and
// `source.` accepted before db/table/file/pos/gtid/ts_ms).
Result<std::vector<CsvMetadata>> ParseCsvMetadataColumns(const std::vector<std::string>& names);

struct CsvOptions {
  Compression compression = Compression::kNone;  // s3.compression.type
  int compression_level = -1;                    // s3.compression.level
  std::vector<CsvMetadata> metadata = {CsvMetadata::kOp, CsvMetadata::kSourceTsMs};
  std::string null_value;             // csv.null.value
  bool header = true;                 // csv.header
  std::string line_separator = "\n";  // csv.line.separator: "\n" or "\r\n"

  // From a validated sink config; unknown metadata names are kInvalidArgument.
  static Result<CsvOptions> FromConfig(const config::ConnectorConfig& config);
};

class CsvFormat final : public FormatWriter {
 public:
  explicit CsvFormat(CsvOptions options);
  ~CsvFormat() override;

  std::string_view Extension() const override;
  Status Begin(std::string* out) override;
  Status Append(const SinkRecord& record, const ParsedValue& value) override;
  Status Finish() override;
  bool RequiresNewObject(const ParsedValue& value) const override;
  uint64_t record_count() const override { return records_; }
  uint64_t EstimatedObjectBytes() const override;
  uint64_t BufferedBytes() const override;

  // The row columns of the open object (empty before the first record).
  const std::vector<std::string>& columns() const { return columns_; }

 private:
  Status Emit(std::string_view bytes);
  CsvOptions options_;
  std::unique_ptr<GzipStream> gzip_;
  std::string* out_ = nullptr;
  std::vector<std::string> columns_;
  bool columns_known_ = false;
  std::string row_;
  uint64_t records_ = 0;
  uint64_t plain_bytes_ = 0;
};

// The row columns a value would have (what RequiresNewObject compares). A value with no
// row (tombstone, a truncate event without schema) gives nullopt: it fits any object.
std::optional<std::vector<std::string>> CsvRowColumns(const ParsedValue& value);

// Appends one RFC 4180 cell (quoted when needed) for a string value.
void AppendCsvText(std::string_view text, std::string_view null_value, std::string* out);

}  // namespace tributary::format
