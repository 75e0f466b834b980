// RowReader: the rows of one snapshot SELECT as binlog Values.
//
// Every Value is what the binlog decoder (mysql/column_decoder.cc) produces for the same
// stored value, so that the change-event encoders give byte-identical output for a row
// read by a snapshot (op `r`) and the same row decoded from the binlog:
//   integers kInt/kUInt by signedness; YEAR kYear; FLOAT/DOUBLE with their exact bits
//   (binary protocol); DECIMAL kDecimalText (the server's text, when it is the canonical
//   text of the binary form: decimal_text.h), else kDecimal in MySQL's binary form, both
//   with the column's precision/scale; DATE/DATETIME/TIME with zero parts and fsp;
//   TIMESTAMP as UTC epoch seconds + micros; CHAR/VARCHAR/TEXT kString with the column's collation id; BINARY(n)
//   padded to n bytes; BIT kBit big-endian; ENUM/SET as index/bitmask ('' = 0); MariaDB
//   JSON (LONGTEXT) as kString; MySQL JSON re-encoded as kJsonBinary (mysql_json_text.h:
//   opaque scalars are not recoverable from the text); GEOMETRY as SRID + WKB; MariaDB
//   UUID/INET4/INET6 as their stored bytes (kBytes); virtual generated columns included
//   (MariaDB logs them in FULL images).
// Checked value by value and as Debezium JSON against the binlog on MariaDB 10.11
// (row_reader_service_test.cc).
//
// REQUIRES of the caller: the session time zone is UTC (`SET time_zone='+00:00'`) before
// the SELECT runs, because the server sends TIMESTAMP values in the session time zone and
// the reader reads them as UTC; the session character set is binary-safe for the column
// bytes (the reader sets `character_set_results = NULL` on the connection itself, so text
// arrives exactly as stored).
//
// Memory: prepared statement, unbuffered fetch: one row plus fetch buffers, never the
// whole result set. Owns nothing of the connection; the connection must outlive the reader
// and must not be used for anything else until the reader is destroyed or Finish()ed.
// One thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "event/table_schema.h"
#include "event/value.h"

namespace tributary::mysql {
class SqlConnection;
}

namespace tributary::snapshot {

class RowReader {
 public:
  // Prepares and executes `select`, whose result columns are exactly table->columns in
  // order (BuildChunkSelect writes such statements). `key_columns` name the columns whose
  // values LastKeyJson() reports (empty: LastKeyJson() returns "[]").
  // Errors: InvalidArgument (a key column not in the table, a column count that differs
  // from the table), the server's error for the statement (Unavailable when the
  // connection is lost).
  static Result<std::unique_ptr<RowReader>> Open(mysql::SqlConnection& conn,
                                                 std::shared_ptr<const event::TableSchema> table,
                                                 std::string_view select,
                                                 std::vector<std::string> key_columns);
  ~RowReader();
  RowReader(const RowReader&) = delete;
  RowReader& operator=(const RowReader&) = delete;

  // The next row: one Value per table column, valid until the next call (byte-carrying
  // Values view the reader's buffers). nullptr at the end. Errors name the table and the
  // column (e.g. a value that does not convert).
  Result<const std::vector<event::Value>*> Next();

  // The key of the row last returned by Next(), as JSON for ChunkSpec::after_key (format:
  // chunk_sql.h). "[]" before the first row or without key columns.
  std::string LastKeyJson() const;

  // Bytes of row data read so far (for byte-rate limits and chunk byte budgets).
  uint64_t bytes_read() const;

  // Rows returned by Next() so far.
  uint64_t rows_read() const;

  // Stops early: discards the rest of the result so the connection is usable again.
  // Idempotent; the destructor calls it.
  Status Finish();

  class Impl;

 private:
  explicit RowReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::snapshot
