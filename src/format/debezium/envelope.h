// EventEncoder: one row change → the Kafka records Debezium + Kafka Connect's
// JsonConverter would produce, byte for byte (formats.md 2.1–2.5, 2.12, 2.13).
//
//   create/read/update → 1 record; delete → the delete plus a tombstone when
//   `tombstones.on.delete`; an update that changes the key → delete (header
//   `__debezium.newkey`), tombstone, create (header `__debezium.oldkey`); truncate → one
//   record with a null key. With ExtractNewRecordState configured the records are the
//   flattened ones (unwrap.h), possibly none.
//
// Hot path: no allocation once the RecordBuffer's strings have grown; schemas come
// pre-rendered from the TableEncoding. Processing time is passed in (testability).
//
// Threading: an EventEncoder is used by one thread at a time (it owns scratch buffers).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "event/value.h"
#include "format/debezium/options.h"
#include "format/debezium/schema_builder.h"

namespace tributary::format::debezium {

enum class Operation : char {
  kCreate = 'c',
  kUpdate = 'u',
  kDelete = 'd',
  kRead = 'r',
  kTruncate = 't',
};

// The `source` block. Views must outlive the Encode call only.
struct SourceInfo {
  int64_t ts_us = 0;  // change time in the database (binlog header: whole seconds)
  // Snapshot marker: empty while streaming (JSON shows the schema default "false");
  // "true", "first", "first_in_data_collection", "last_in_data_collection", "last",
  // "incremental" during snapshots.
  std::string_view snapshot;
  std::string_view db;
  std::string_view table;  // empty → null
  int64_t server_id = 0;
  std::string_view gtid;  // empty → null
  std::string_view file;
  int64_t pos = 0;
  int32_t row = 0;
  std::optional<int64_t> thread;
  std::string_view query;  // written only with include.query; empty → null
};

struct TransactionInfo {
  std::string_view id;  // the GTID, or "file=<f>,pos=<p>"
  int64_t total_order = 0;
  int64_t data_collection_order = 0;
};

struct ChangeEvent {
  Operation op = Operation::kCreate;
  std::span<const event::Value> before;  // full row image in table column order
  std::span<const event::Value> after;
  SourceInfo source;
  const TransactionInfo* transaction = nullptr;  // with provide.transaction.metadata
  int64_t ts_ns = 0;                             // processing time (the envelope ts_*)
};

struct RecordHeader {
  std::string key;
  bool has_value = true;
  std::string value;  // as Kafka Connect's SimpleHeaderConverter writes it
};

struct EncodedRecord {
  bool has_key = false;    // false: null key
  std::string key;
  bool has_value = false;  // false: tombstone (null value)
  std::string value;
  std::vector<RecordHeader> headers;
  // Headers of an earlier use of this record, kept for their string capacity
  // (RecordBuffer::Add moves them here, AddHeader takes them back): no allocation per
  // header once the buffer has warmed up. Not part of the record: a copy starts empty.
  struct SpareHeaders {
    std::vector<RecordHeader> items;
    SpareHeaders() = default;
    SpareHeaders(const SpareHeaders&) {}
    SpareHeaders& operator=(const SpareHeaders&) { return *this; }
    SpareHeaders(SpareHeaders&&) = default;
    SpareHeaders& operator=(SpareHeaders&&) = default;
  };
  SpareHeaders spare_headers;
};

// Appends a header to `r`, reusing a spare one's strings when there is one.
void AddHeader(EncodedRecord* r, std::string_view key, bool has_value, std::string_view value);

// Records of one event; Clear() keeps the string capacity for the next event.
class RecordBuffer {
 public:
  void Clear() { size_ = 0; }
  size_t size() const { return size_; }
  const EncodedRecord& operator[](size_t i) const { return records_[i]; }
  std::span<const EncodedRecord> records() const { return {records_.data(), size_}; }
  // A cleared record appended to the buffer.
  EncodedRecord& Add();
  // Drops the last record (kept for reuse).
  void PopBack() {
    if (size_ > 0) --size_;
  }

 private:
  std::vector<EncodedRecord> records_;
  size_t size_ = 0;
};

class EventEncoder {
 public:
  explicit EventEncoder(EncoderOptions options);

  const EncoderOptions& options() const { return options_; }

  // Appends the records of `event` to `out` (not cleared first). Errors: Corruption for
  // a value that does not fit its column (naming table and column), InvalidArgument
  // for row images whose size does not match the table.
  Status Encode(const TableEncoding& table, const ChangeEvent& event, RecordBuffer* out);

  // Appends the `source` struct payload.
  void AppendSource(const SourceInfo& s, std::string* out);

 private:
  Status AppendRow(const std::vector<ColumnPlan>& plans, std::span<const event::Value> row,
                   bool replace, std::string* out);
  Status AppendKeyPayload(const TableEncoding& t, std::span<const event::Value> row,
                          std::string* out);
  Status AppendEnvelopePayload(const TableEncoding& t, const ChangeEvent& e, Operation op,
                               bool with_before, bool with_after, std::string* out);
  Status EmitChange(const TableEncoding& t, const ChangeEvent& e, Operation op, bool with_before,
                    bool with_after, std::span<const event::Value> key_row, RecordBuffer* out,
                    EncodedRecord** record);
  Status EmitUnwrapped(const TableEncoding& t, const ChangeEvent& e, Operation op,
                       std::span<const event::Value> row, std::span<const event::Value> key_row,
                       RecordBuffer* out, EncodedRecord** record);
  void AddUnwrapHeaders(const TableEncoding& t, const ChangeEvent* e, Operation op,
                        EncodedRecord* r);
  Status AppendKey(const TableEncoding& t, std::span<const event::Value> row, EncodedRecord* r);
  // Appends a tombstone with the key and headers of record `like_index` of `out`.
  void Tombstone(size_t like_index, RecordBuffer* out);

  void RenderSourceHead(const SourceInfo& s, std::string* out) const;

  EncoderOptions options_;
  // `{"version":"…","connector":"…","name":"…","ts_ms":`, rendered once.
  std::string source_prefix_;
  // The `source` block of the last event up to `"row":`, and the fields it shows.
  struct SourceHeadCache {
    bool valid = false;
    int64_t ts_us = 0, pos = 0, server_id = 0;
    std::string snapshot, file, table, db, gtid;
    std::string text;
    bool Matches(const SourceInfo& s) const;
    void Keep(const SourceInfo& s);
  } source_head_;
  // `,"thread":…,"query":…}` of the last event.
  struct {
    bool valid = false;
    int64_t thread = -1;  // -1: null
    std::string query;
    std::string text;
  } source_tail_;
  std::string scratch_;
  std::string key_a_, key_b_;
};

// Debezium 3.x's `__debezium.context.*` headers (with `extended.headers.enabled`), which it
// puts on change events and schema-change records alike.
void AddContextHeaders(const EncoderOptions& options, EncodedRecord* record);

}  // namespace tributary::format::debezium
