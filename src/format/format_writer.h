// FormatWriter: turns the records of one lake object into its bytes. No I/O.
//
// Lifecycle of one object (the DuckDB Parquet writer's prepare → write → finalize):
//   Begin(out) → Append(record, value)... → Finish()
// then Begin() again for the next object. Bytes are appended to `*out`, a buffer the
// caller owns; between calls the caller may take any prefix of it away (to upload a
// multipart part) and may clear it. Writers that must see the whole object (Parquet)
// append everything in Finish(); streaming writers (JSON, CSV, their gzip forms) append as
// they go, keeping only a small compression window inside.
//
// Before appending a record the caller asks RequiresNewObject(value): true means the
// record cannot go into the open object (CSV: its column set differs; the schema-change
// hook of `schema.compatibility`), so the caller finishes the object, starts a new one,
// and appends the record there. Append() refuses such a record (kFailedPrecondition).
//
// Threading: one writer per open object, used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "format/record_value.h"
#include "format/sink_record.h"

namespace tributary::format {

class FormatWriter {
 public:
  virtual ~FormatWriter() = default;

  // The object name's extension, leading dot included: ".json", ".json.gz", ".csv",
  // ".csv.gz", ".snappy.parquet", ...
  virtual std::string_view Extension() const = 0;

  // Starts a new object whose bytes go to *out (REQUIRES: out outlives Finish()).
  virtual Status Begin(std::string* out) = 0;
  // Adds one record. Tombstones reach the writer only with behavior.on.null.values=write.
  virtual Status Append(const SinkRecord& record, const ParsedValue& value) = 0;
  // Completes the object: the last bytes (gzip trailer, Parquet footer) go to *out.
  virtual Status Finish() = 0;

  // True when `value` may not share the open object with the records already in it.
  // Always false before the first Append of an object.
  virtual bool RequiresNewObject(const ParsedValue& value) const = 0;

  // Records appended since Begin().
  virtual uint64_t record_count() const = 0;
  // Bytes the object will have if finished now (written + held inside, estimated for
  // compressed tails): for rotation at a byte cap.
  virtual uint64_t EstimatedObjectBytes() const = 0;
  // Memory the writer holds besides *out (buffers, compression state): for the budget.
  virtual uint64_t BufferedBytes() const = 0;
};

}  // namespace tributary::format
