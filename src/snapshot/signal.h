// Debezium signals: what they say, parsed from the signal table, the Kafka signal topic,
// or written by us as incremental-snapshot watermarks.
//
// https://debezium.io/documentation/reference/stable/configuration/signalling.html
// A signal is a triple (id, type, data): `data` is JSON text, e.g.
//   execute-snapshot {"data-collections": ["db.t1", "db\\.t.*"], "type": "incremental",
//                     "additional-conditions": [{"data-collection": "db.t1", "filter": "id > 5"}]}
//   stop-snapshot    {"data-collections": ["db.t1"], "type": "incremental"}
//   pause-snapshot / resume-snapshot   (data empty or {})
//   log              {"message": "..."}
//   snapshot-window-open / snapshot-window-close   (written by the connector itself:
//                     Debezium's watermarks for incremental snapshots on the signal table)
// Debezium 1.x forms are accepted as well: `additional-condition` (one filter string that
// applies to every listed collection).
//
// Pure functions and plain values; thread-compatible. Nothing here keeps views into the
// inputs: a Signal owns its strings.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tributary::event {
struct TableSchema;
struct TableId;
struct Value;
}  // namespace tributary::event

namespace tributary::snapshot {

enum class SignalType {
  kExecuteSnapshot,  // "execute-snapshot"
  kStopSnapshot,     // "stop-snapshot"
  kPauseSnapshot,    // "pause-snapshot"
  kResumeSnapshot,   // "resume-snapshot"
  kLog,              // "log"
  kWindowOpen,       // "snapshot-window-open" (our own watermark rows)
  kWindowClose,      // "snapshot-window-close"
  kOther,            // anything else (type_text says what): not an error, ignored by callers
};

// The type name Debezium uses ("execute-snapshot", ...); "other" for kOther.
std::string_view SignalTypeName(SignalType type);

struct AdditionalCondition {
  std::string data_collection;  // "db.table" (as written; may be a regex)
  std::string filter;           // SQL predicate, e.g. "color = 'blue'"
};

struct Signal {
  std::string id;
  SignalType type = SignalType::kOther;
  std::string type_text;  // as received
  std::vector<std::string>
      data_collections;  // "db.table" (regexes allowed by Debezium: kept as text)
  std::vector<AdditionalCondition> additional_conditions;
  std::string snapshot_type = "incremental";  // "incremental" | "blocking" (lower case)
  std::string message;                        // kLog
  // Debezium 2.5+ `surrogate-key` of execute-snapshot (chunk on this column instead of
  // the primary key); empty when not given.
  std::string surrogate_key;
};

// Parses the (type, data) pair of a signal. `data` is JSON text; it may be empty or
// "null" (pause/resume need nothing). Errors: InvalidArgument naming the signal id and
// what is wrong (bad JSON, data not an object, data-collections missing or empty for
// execute-snapshot, not an array of strings, an unknown snapshot type, a condition without
// its collection or filter). An unknown signal type is NOT an error: kOther.
// `type` is matched exactly, as Debezium does (lower case with dashes).
Result<Signal> ParseSignal(std::string_view id, std::string_view type, std::string_view data);

// Recognises a signal-table row. Debezium reads the first three columns by position
// (id, type, data), whatever they are called, and acts on INSERTed rows only (an update
// or delete of a signal row is not a signal): call this for the after image of inserts.
// `after` holds one Value per column of `schema` (string, binary, JSON text and integer
// values are read; the values are copied, nothing is kept).
// Returns nullopt for a row that cannot be a signal (fewer than 3 columns, id or type
// NULL/absent): such rows are skipped, as Debezium skips them with a warning.
// Errors: as ParseSignal (bad data in a row that names a known type), and InvalidArgument
// for a column of another kind (a MySQL JSON `data` column arrives as binary JSON: the
// signal table's columns must be VARCHAR/TEXT, as Debezium documents).
Result<std::optional<Signal>> SignalFromRow(const event::TableSchema& schema,
                                            std::span<const event::Value> after);

// The watermark ids Debezium writes around an incremental-snapshot chunk:
// "<chunk id>-open" and "<chunk id>-close".
std::string WindowOpenId(std::string_view chunk_id);
std::string WindowCloseId(std::string_view chunk_id);

// The data column of a watermark row, as Debezium writes it (timestamps are ISO-8601
// instants, e.g. "2024-05-01T10:00:00.123456Z"):
//   open:  {"openWindowTimestamp": "<open>"}
//   close: {"openWindowTimestamp": "<open>", "closeWindowTimestamp": "<close>"}
// `close_timestamp` empty = the open form.
std::string WatermarkData(std::string_view open_timestamp, std::string_view close_timestamp = {});

// An ISO-8601 UTC instant with microseconds ("2024-05-01T10:00:00.123456Z") for `t`.
std::string Iso8601Instant(std::chrono::system_clock::time_point t);

// The INSERT of a watermark row into the signal table `signal_table` ("db.table", as in
// `signal.data.collection`; the first dot splits database and table). Debezium writes
//   INSERT INTO db.signals VALUES ('<chunk>-open', 'snapshot-window-open', '<data>')
// i.e. three values by position. With `schema` given (the signal table's schema) and more
// than three columns, the first three column names are listed so the statement still
// works; otherwise the VALUES are positional as Debezium's. Identifiers are back-quoted;
// strings are single-quoted with quotes doubled, and a string holding a backslash or a
// control byte is written as a hex literal X'..' instead (right whatever the sql_mode's
// NO_BACKSLASH_ESCAPES). Empty `data` = NULL. `type` must be kWindowOpen or kWindowClose.
// Errors: InvalidArgument for another type or a table name without a dot.
Result<std::string> WatermarkInsertSql(std::string_view signal_table, SignalType type,
                                       std::string_view chunk_id, std::string_view data,
                                       const event::TableSchema* schema = nullptr);

// The DELETE that closes a window with incremental.snapshot.watermarking.strategy =
// insert_delete: Debezium deletes the open row instead of inserting a close row
// (`DELETE FROM <table> WHERE id = '<chunk>-open'`; the id column is the first column:
// its name is taken from `schema` when given, else "id" as Debezium assumes).
// Errors: InvalidArgument for a table name without a dot.
Result<std::string> WatermarkDeleteSql(std::string_view signal_table, std::string_view chunk_id,
                                       const event::TableSchema* schema = nullptr);

// True for ids of our watermark rows ("...-open" / "...-close") and gives the chunk id.
std::optional<std::string_view> ChunkIdOfWindow(std::string_view id);

// True when `table` names the signal table `signal_table` ("db.table"); case-sensitive on
// the database and table as the server spells them.
bool IsSignalTable(std::string_view signal_table, const event::TableId& table);

}  // namespace tributary::snapshot
