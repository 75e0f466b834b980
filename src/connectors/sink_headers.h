// HeadersJsonFormat: the `<name>.headers.json` companion objects of store.kafka.headers=true,
// as Confluent's S3 sink writes them with headers.format.class=JsonFormat: one line per
// value record, its headers in order, enveloped as Confluent's HeaderRecordView does for
// JSON (a Connect struct `RecordHeaders` with one field `headers`, an array of
// {key: string, value: string}, written by JsonConverter with schemas.enable=false):
//
//   {"headers":[{"key":"trace-id","value":"abc"},{"key":"retries","value":"3"}]}
//
// Header values: Kafka Connect reads each header with its header.converter
// (SimpleHeaderConverter by default: the bytes as a UTF-8 string, then parsed by
// `Values.parseString`) and Confluent writes it back with `Values.convertToString`. For
// text, booleans and plain integers that round trip gives the bytes back; Tributary always
// writes the header's bytes as the string (each byte of an invalid UTF-8 sequence as
// U+FFFD; Java's decoder may fold a truncated sequence into one), so values Connect would
// re-spell (numbers with leading zeros or trailing fraction zeros, lists, maps, dates)
// keep the producer's spelling. A header with a null value is written `"value":null`
// (Confluent's struct refuses it and fails the record). Strings are escaped as Jackson
// does.
//
// A record with no header at all cannot be written (Confluent: "Headers cannot be null"):
// MissingHeadersError() is the record's fault, so errors.tolerance=all skips it (to the
// dead letter queue) and otherwise the sink stops naming topic, partition and offset.
//
// s3.compression.type=gzip: the same lines gzipped (`.headers.json.gz`), as Confluent's
// JsonFormat does for every file it writes.
// Threading: one writer per open object (see FormatWriter).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "format/format_writer.h"
#include "format/json_lines_format.h"

namespace tributary::format {
class GzipStream;
}

namespace tributary::connectors {

class HeadersJsonFormat final : public format::FormatWriter {
 public:
  // Uses `options.compression` and `options.compression_level` only.
  explicit HeadersJsonFormat(const format::JsonLinesOptions& options);
  ~HeadersJsonFormat() override;

  std::string_view Extension() const override;
  Status Begin(std::string* out) override;
  // Writes record.headers (`value` is not read). REQUIRES: record.headers is not empty
  // (the caller checks with MissingHeadersError first, so no object is left half written).
  Status Append(const format::SinkRecord& record, const format::ParsedValue& value) override;
  Status Finish() override;
  bool RequiresNewObject(const format::ParsedValue&) const override { return false; }
  uint64_t record_count() const override { return records_; }
  uint64_t EstimatedObjectBytes() const override;
  uint64_t BufferedBytes() const override;

 private:
  std::unique_ptr<format::GzipStream> gzip_;
  std::string* out_ = nullptr;
  std::string line_;  // one encoded line (reused)
  uint64_t records_ = 0;
  uint64_t plain_bytes_ = 0;
};

// Appends the headers line of `record` (without the "\n"), as described above.
void EncodeHeadersLine(const format::SinkRecord& record, std::string* out);

// Ok when `record` has headers; else the record's error (kInvalidArgument) naming topic,
// partition and offset, worded as Confluent's DataException.
Status MissingHeadersError(const format::SinkRecord& record);

}  // namespace tributary::connectors
