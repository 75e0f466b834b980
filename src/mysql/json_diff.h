// Partial JSON updates: the JSON diffs of PARTIAL_UPDATE_ROWS_EVENT.
//
// With binlog_row_value_options=PARTIAL_JSON, MySQL logs an UPDATE that changes a JSON
// column with JSON_SET / JSON_REPLACE / JSON_REMOVE (...) as a list of diffs instead of
// the whole new document. In the after image such a column holds a 4-byte
// little-endian length and then the diffs (MySQL Json_diff_vector::write_binary):
//
//   operation  1 byte: 0 REPLACE, 1 INSERT, 2 REMOVE
//   path       length-encoded length (net_field_length), then the path text as
//              Json_path::to_string writes it: `$.a[1]."b c"`
//   value      REPLACE and INSERT only: length-encoded length, then a binary JSON
//              document (see json_binary.h)
//
// The new document is the before image's document with the diffs applied in order,
// with the semantics of MySQL's apply_json_diffs(): REPLACE needs the path to exist;
// INSERT adds an object member that must not exist yet, or inserts into an array at
// the index (clamped to the end); REMOVE needs the member or array element to exist.
// A diff that does not apply means the before image is not the document the server
// changed, and is reported as Corruption.
//
// Thread-safe: no shared state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tributary::mysql {

struct JsonDiff {
  enum class Op : uint8_t { kReplace = 0, kInsert = 1, kRemove = 2 };

  Op op = Op::kReplace;
  // Views into the bytes given to ParseJsonDiffs; they live as long as those bytes.
  std::string_view path;             // e.g. `$.a[1]."b c"`
  std::span<const std::byte> value;  // binary JSON; empty for kRemove (and an empty
                                     // REPLACE/INSERT value is JSON null)
};

// "REPLACE", "INSERT", "REMOVE" (or "UNKNOWN").
std::string_view JsonDiffOpName(JsonDiff::Op op);

// Parses the diff list of one column: the bytes after its 4-byte length. Checks the
// operations, lengths, path syntax and every value document; errors are Corruption
// with the offset in `diff_bytes`. Paths may only use member names (plain or quoted)
// and array indexes (`[3]`, `[last]`, `[last-1]`), as MySQL logs them.
Result<std::vector<JsonDiff>> ParseJsonDiffs(std::span<const std::byte> diff_bytes);

// Applies `diffs` in order to the before-image document `before_binary` (binary JSON;
// empty is JSON null) and returns the resulting document's text as MySQL would print
// it (see AppendJsonText). A result nested deeper than kJsonMaxDepth is rejected like
// MySQL rejects it.
Result<std::string> ApplyJsonDiffs(std::span<const std::byte> before_binary,
                                   std::span<const JsonDiff> diffs);

}  // namespace tributary::mysql
