// SnapshotState: where a running snapshot is, as stored in the source offset.
//
// A snapshot is a list of tables read chunk by chunk in key order. Each chunk is read in
// its own consistent view at an exact binlog position and its rows are emitted at that
// point of the stream (docs/architecture.md, "Snapshots"), so the state that must survive
// a restart is small: the tables still to read, the key of the last row emitted from the
// first of them, and counters for the `source.snapshot` markers and the progress log.
// It travels in the source offset (`tributary_snapshot`) and moves only with offsets whose
// records are all acknowledged: a restart continues after the last chunk Kafka has.
//
// Plain value; no I/O.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "event/table_schema.h"

namespace tributary::snapshot {

enum class SnapshotKind {
  kInitial,      // snapshot.mode initial / initial_only / when_needed / always: markers
                 // first / first_in_data_collection / true / last_in_data_collection / last
  kIncremental,  // execute-snapshot signals: marker `incremental`
};

struct SnapshotState {
  SnapshotKind kind = SnapshotKind::kInitial;
  std::string signal_id;              // incremental: id of the execute-snapshot signal
  std::vector<event::TableId> tables;  // still to read, in order; front() is in progress
  std::map<event::TableId, std::string> conditions;  // additional-conditions (SQL) per table
  std::optional<std::string> after_key;  // front table: key (RowReader JSON) of the last row sent
  uint64_t rows_in_table = 0;            // front table: rows sent so far
  uint64_t rows_total = 0;               // rows sent by this snapshot so far
  uint64_t tables_total = 0;             // tables in the snapshot when it started
  bool paused = false;                   // pause-snapshot signal

  bool done() const { return tables.empty(); }
  bool first_table() const { return tables.size() == tables_total; }
  bool last_table() const { return tables.size() == 1; }
  // The front table is complete: the next one starts from its first row.
  void NextTable();
};

// Compact JSON object (the `tributary_snapshot` field of the offset).
std::string SnapshotStateJson(const SnapshotState& state);
// Errors: Corruption naming what is wrong.
Result<SnapshotState> ParseSnapshotState(std::string_view json);

const char* SnapshotKindName(SnapshotKind kind);

}  // namespace tributary::snapshot
