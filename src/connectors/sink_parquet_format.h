// The sink's ParquetFormat (io.confluent.connect.s3.format.parquet.ParquetFormat): a
// FormatWriter over our ParquetWriter (src/format/parquet/) that types its columns from
// the Connect schema each message carries (value.converter.schemas.enable=true), as
// Confluent's does through Avro:
//   struct → group (the record's root struct = the file's columns; a Debezium envelope
//            gives nested optional groups before/after, a required group source, op,
//            ts_ms: "envelope mode"; unwrapped rows give flat columns);
//   boolean → BOOLEAN; int8/int16/int32 → INT32 (INT(8/16/32)); int64 → INT64;
//   float32 → FLOAT; float64 → DOUBLE; string → STRING; bytes → BYTE_ARRAY;
//   Connect Decimal → DECIMAL(precision from connect.decimal.precision, else 38 → STRING
//   text when wider than 38); Connect/Debezium Date → DATE; Debezium Time / Connect Time →
//   TIME(MILLIS), MicroTime → TIME(MICROS); Connect Timestamp → TIMESTAMP(MILLIS, UTC);
//   Debezium Timestamp → TIMESTAMP(MILLIS), MicroTimestamp → TIMESTAMP(MICROS), both
//   local (not UTC-adjusted), NanoTimestamp → TIMESTAMP(NANOS); io.debezium.data.Json →
//   JSON; ZonedTimestamp (ISO text with an offset) → TIMESTAMP(MICROS, UTC-adjusted);
//   arrays and maps → JSON text.
// Optional fields are optional columns; a null optional struct nulls every leaf under it.
// Records without a schema are refused (as Confluent refuses them): kUnsupported; for
// schemaless Debezium topics the task first attaches the table's schema from the
// source's schema-change topic (sink_schema_topic.h, tributary.parquet.schema.topic).
// One schema per object: a record with another schema RequiresNewObject().
//
// The whole object is produced by the writer (row groups streamed to the object buffer
// as they fill, the footer at Finish). Threading: one object at a time, one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "common/status.h"
#include "format/format_writer.h"
#include "format/parquet/parquet_writer.h"

namespace tributary::config {
class ConnectorConfig;
}

namespace tributary::connectors {

struct SinkParquetOptions {
  format::parquet::WriterOptions writer;
  // parquet.codec, and row groups / pages sized from the sink's memory budget so that
  // many open objects stay within it. Errors: kUnsupported for codecs we lack (lz4).
  static Result<SinkParquetOptions> FromConfig(const config::ConnectorConfig& config,
                                               uint64_t memory_budget_bytes);
};

std::unique_ptr<format::FormatWriter> MakeSinkParquetFormat(const SinkParquetOptions& options);

// Microseconds since the epoch of a Debezium ZonedTimestamp ("2024-03-01T10:00:00.5Z",
// "...+02:00"); nullopt when the text is not an ISO-8601 instant with an offset.
std::optional<int64_t> ParseZonedTimestampMicros(std::string_view text);

}  // namespace tributary::connectors
