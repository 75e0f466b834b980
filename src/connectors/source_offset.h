// The MySQL source's resume position: the offset object stored in `connect-offsets` (or
// the offsets file), its JSON form, and the two pieces of bookkeeping around it.
//
//   SourceOffset   {"file","pos","gtids","row","event","ts_sec","server_id"} as Debezium's
//                  MySQL connector writes it (formats.md 4.3); zero/empty fields omitted.
//   OffsetCursor   follows the binlog stream and says, after each emitted row, which
//                  offset would resume right after it.
//   ResumeSkipper  on a (re)start at an offset: which rows were emitted already and must
//                  not be sent again.
//   PendingOffsets ordered acknowledgement: offsets waiting for the producer records
//                  sent before them; hands out the newest offset whose records are all
//                  acknowledged.
//
// Meaning of an offset: restart the binlog at file:pos, which is either the start of the
// transaction in progress (its GTID event, or BEGIN without GTIDs) or the end of the last
// complete transaction; then skip `event` complete rows events and `row` rows of the next
// one. Tributary counts rows events only (Debezium counts every event after BEGIN); both
// write event=row=0 at transaction boundaries, where nearly all stored offsets fall.
//
// Plain values and single-thread classes (the connector's streaming thread).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tributary::connectors {

struct SourceOffset {
  std::string file;
  uint64_t pos = 4;
  std::string gtids;   // MySQL: completed GTID set; MariaDB: GTID position; "" = unknown
  uint64_t event = 0;  // complete rows events after file:pos already emitted
  uint64_t row = 0;    // rows of the next rows event already emitted
  int64_t ts_sec = 0;
  uint64_t server_id = 0;
  // A snapshot in progress: SnapshotStateJson (snapshot/snapshot_state.h), written as
  // "tributary_snapshot" (plus Debezium's "snapshot":true for an initial snapshot);
  // empty = streaming only.
  std::string snapshot;
  bool snapshot_initial = false;

  friend bool operator==(const SourceOffset&, const SourceOffset&) = default;
};

// Compact JSON, fields in the order file, pos, gtids, row, event, ts_sec, server_id,
// snapshot, tributary_snapshot; each only when non-zero / non-empty (pos always).
std::string SourceOffsetJson(const SourceOffset& offset);

// Parses an offset object (ours or Debezium's, any field order; unknown fields such as
// `snapshot` or `transaction_id` ignored; numbers may be JSON numbers or strings).
// Errors: Corruption naming what is wrong (not an object, no `file`, bad numbers).
Result<SourceOffset> ParseSourceOffset(std::string_view json);

// Follows the stream position. Call in binlog order.
class OffsetCursor {
 public:
  OffsetCursor() = default;
  // Starts at `offset` (the connector connected at its file:pos). The stream replays
  // the transaction from its start, so the event/row counts are counted again as the
  // ResumeSkipper skips what they cover.
  explicit OffsetCursor(const SourceOffset& offset) : offset_(offset) {}

  // The current binlog file changed (ROTATE). Outside a transaction the resume point
  // moves to `file`:`pos`.
  void OnRotate(std::string_view file, uint64_t pos);
  // An event that opens a transaction (GTID, or BEGIN when no GTID event came first)
  // starting at `event_pos` of the current file.
  void OnTransactionStart(uint64_t event_pos);
  bool in_transaction() const { return in_transaction_; }
  // A row of a rows event was handled (emitted or skipped): `index` of `count` rows.
  void OnRowDone(uint64_t index, uint64_t count);
  // A rows event was handled without touching its rows (other table, no rows).
  void OnRowsEventDone();
  // The transaction ended (XID, COMMIT, DDL); `next_pos` is the end of that event,
  // `gtids` the completed GTID state afterwards ("" keeps the previous one).
  void OnTransactionEnd(uint64_t next_pos, std::string_view gtids);
  // The snapshot progress carried by every offset from now on ("" = none).
  void SetSnapshot(std::string state_json, bool initial) {
    offset_.snapshot = std::move(state_json);
    offset_.snapshot_initial = initial && !offset_.snapshot.empty();
  }
  void SetEventInfo(int64_t ts_sec, uint64_t server_id) {
    offset_.ts_sec = ts_sec;
    offset_.server_id = server_id;
  }

  const std::string& file() const { return file_.empty() ? offset_.file : file_; }
  // The offset that resumes right after everything handled so far.
  const SourceOffset& offset() const { return offset_; }

 private:
  SourceOffset offset_;
  std::string file_;  // the file being read (differs from offset_.file inside a transaction
                      // that spans a rotate, which MySQL never writes; kept for safety)
  bool in_transaction_ = false;
};

// Skips what a previous run emitted: after connecting at offset.file:pos, the first
// `event` rows events are skipped whole and the next one loses its first `row` rows.
class ResumeSkipper {
 public:
  ResumeSkipper() = default;
  ResumeSkipper(uint64_t events, uint64_t rows) : events_(events), rows_(rows) {}

  // For each rows event in stream order: how many of its leading rows to skip
  // (>= row_count: the whole event).
  uint64_t RowsToSkip(uint64_t row_count);
  bool done() const { return events_ == 0 && rows_ == 0; }

 private:
  uint64_t events_ = 0;
  uint64_t rows_ = 0;
};

// Offsets waiting for acknowledgements. Producer sequence numbers are 1, 2, 3, ...;
// an offset added when the last sent record had sequence `s` becomes committable once
// AckedThrough() >= s.
class PendingOffsets {
 public:
  // Adds the offset valid once records 1..`last_sequence` are acknowledged. An offset
  // with the same sequence as the newest pending one replaces it.
  void Add(uint64_t last_sequence, const SourceOffset& offset);
  // The newest offset whose records are all acknowledged, removing it and every older
  // one; nullopt when there is none.
  std::optional<SourceOffset> TakeCommittable(uint64_t acked_through);
  size_t size() const { return pending_.size(); }
  void Clear() { pending_.clear(); }

 private:
  struct Entry {
    uint64_t sequence;
    SourceOffset offset;
  };
  std::deque<Entry> pending_;
};

}  // namespace tributary::connectors
