// Chunk SQL: the SELECT that reads one key-ordered chunk of a table for a snapshot, and
// the table statistics used to size chunks and report progress.
//
// A chunk is "the rows whose key is greater than the key of the last row already sent, in
// key order, at most N of them". The key of that last row travels in the source offset as
// JSON (RowReader::LastKeyJson()), so a restarted snapshot continues after it.
//
// Key JSON: an array with one element per key column, in key order:
//   integers (signed, unsigned, YEAR, BIT as unsigned, ENUM/SET as their index) as JSON
//   numbers (literal: the number); strings as {"cs":"<charset>","hex":"<hex of the stored
//   bytes>"} (literal `_<charset> X'..'`, so the column's collation decides the order:
//   case and accent rules, PAD SPACE); binary strings as {"hex":".."} (literal X'..');
//   DECIMAL as {"dec":"-12.50"} (literal: the exact-value number, compared as a decimal,
//   not as a double); FLOAT/DOUBLE (widened to double, shortest round-trip text) and
//   temporal values as a JSON string of their SQL text (literal: quoted); TIMESTAMP as
//   its UTC date and time (REQUIRES the session time_zone '+00:00'); SQL NULL as null
//   (the chunk predicate then uses IS NULL / IS NOT NULL: NULLs sort first).
//
// Pure functions except ReadTableStats (one query on the given connection, same thread).
#pragma once

#include <cstdint>
#include <optional>
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

// What one chunk reads. `table` is borrowed for the call only.
struct ChunkSpec {
  const event::TableSchema* table = nullptr;  // columns selected = table->columns, in order
  std::vector<std::string> key_columns;       // ordering key; empty = no key (single scan)
  std::optional<std::string> after_key;       // JSON from RowReader::LastKeyJson(): rows with key > it
  std::optional<std::string> through_key;     // same format: rows with key <= it (a closed
                                              // range (after_key, through_key] of parallel
                                              // readers); needs key_columns
  std::string additional_condition;           // SQL boolean expression ANDed in, or empty
  std::string select_override;                // snapshot.select.statement.overrides: used as the
                                              // row source: SELECT cols FROM (override) AS t ...
  uint64_t limit = 0;                         // 0 = no LIMIT
  uint64_t offset = 0;                        // rows skipped first (LIMIT n OFFSET m; needs limit)
};

// SELECT `c1`,`c2`,... FROM `db`.`t` [WHERE key > after AND key <= through AND (cond)]
// ORDER BY key [LIMIT n [OFFSET m]]. Composite keys as (a > ? OR (a = ? AND b > ?)) and
// (a < ? OR (a = ? AND b <= ?)) so indexes are used (MariaDB does not range-scan row
// constructors well). A chunk boundary is found without reading the rows by a SELECT of a
// key-only table (the key columns alone) with `limit` 2 and `offset` n-1. Errors: InvalidArgument (no table, bad after_key JSON
// or a key JSON whose length differs from the key, key column not in the table).
Result<std::string> BuildChunkSelect(const ChunkSpec& spec);

// The SQL literals of the key JSON `after_key` (one per key column, in order), as
// BuildChunkSelect writes them: `123`, `_utf8mb4 X'616263'`, `X'00ff'`, `'2024-01-02'`,
// `NULL`. Errors: InvalidArgument for malformed JSON.
Result<std::vector<std::string>> KeyLiterals(std::string_view after_key);

// Appends the key JSON element of one key value `v` (the format above). Errors:
// Corruption for a DECIMAL whose bytes are not a decimal.
Status AppendKeyElementJson(const event::Value& v, std::string* out);

// Row count estimate and average row length (information_schema.TABLES), for chunk sizing
// and progress. Missing/NULL → 0. Errors: the connection's (Unavailable, ...).
struct TableStats {
  uint64_t rows = 0;
  uint64_t avg_row_bytes = 0;
};
Result<TableStats> ReadTableStats(mysql::SqlConnection& conn, const event::TableId& id);

}  // namespace tributary::snapshot
