// SchemaHistory: the schema tracker's records, persisted in Debezium's history format.
//
// Joins schema/ (SchemaTracker, HistoryStore) and format/debezium (the history record
// JSON): every SchemaChangeRecord the tracker produces is written, with the binlog
// position after its DDL, as one Debezium history record; on restart the records up to
// the resume position are replayed into a fresh tracker (their tableChanges are
// authoritative, so a history written by Debezium itself can be read too).
//
// Positions: `{"file":F,"pos":P,"ts_sec":S[,"gtids":G][,"snapshot":true]}` where P is
// the end of the DDL event, i.e. where decoding resumes after it. A record is replayed
// when its position is at or before the resume position (same binlog base name assumed:
// file names compare by their numeric suffix).
//
// Threading: the connector's decode thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "format/debezium/schema_change.h"
#include "schema/history_store.h"
#include "schema/schema_tracker.h"

namespace tributary::connectors {

struct BinlogPosition {
  std::string file;
  uint64_t pos = 4;
  std::string gtids;  // optional: GTID set (MySQL) or position (MariaDB) at this point
  int64_t ts_sec = 0;
  bool snapshot = false;
};

// -1, 0, 1 comparing (file, pos); files by their numeric suffix ("x.000010" > "x.000009").
int ComparePositions(const BinlogPosition& a, const BinlogPosition& b);

// The tracker's table changes as Debezium's record encoders take them (history records,
// the schema-change topic).
std::vector<format::debezium::TableChange> ToDebeziumChanges(
    const std::vector<schema::TableChange>& changes);

struct ReplayStats {
  size_t records = 0;      // read from the store
  size_t replayed = 0;     // applied (at or before the resume position)
  size_t tables = 0;       // tables known afterwards
};

class SchemaHistory {
 public:
  // `server` is the connector's topic.prefix (the record's source partition).
  SchemaHistory(std::unique_ptr<schema::HistoryStore> store, std::string server)
      : store_(std::move(store)), server_(std::move(server)) {}

  schema::HistoryStore& store() { return *store_; }
  Result<bool> Exists() { return store_->Exists(); }

  // Replays every record at or before `resume` (all records when nullopt) into `tracker`.
  // Errors: the store's (corruption names where), or a record that is not a history record.
  Result<ReplayStats> Recover(schema::SchemaTracker& tracker,
                              const std::optional<BinlogPosition>& resume);

  // Appends one record at `position`; returns once it is durable. A record at or before
  // the last position already in the store (decoding a range again after a restart) is
  // not written twice.
  Status Record(const schema::SchemaChangeRecord& record, const BinlogPosition& position,
                int64_t ts_ms);

 private:
  std::unique_ptr<schema::HistoryStore> store_;
  std::string server_;
  std::optional<BinlogPosition> last_;  // the latest position in the store
};

}  // namespace tributary::connectors
