// MySqlSource::Impl: the source connector's state, shared by its files
// (mysql_source.cc: start, streaming, Kafka; source_snapshot.cc: snapshots).
// Internal header: include only from src/connectors/*.cc of the MySQL source.
// Threading: one thread (the connector's Run()); during a snapshot with
// snapshot.max.threads > 1 the reader threads of `snap_pool` also run, touching only what
// the "Parallel readers" members below say.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "config/connector_config.h"
#include "connectors/change_builder.h"
#include "connectors/kafka_history_store.h"
#include "connectors/mysql_source.h"
#include "connectors/schema_history.h"
#include "connectors/source_binlog_stream.h"
#include "connectors/source_offset.h"
#include "format/debezium/envelope.h"
#include "format/debezium/options.h"
#include "format/debezium/schema_builder.h"
#include "format/debezium/schema_change.h"
#include "kafka/admin.h"
#include "kafka/kafka_config.h"
#include "kafka/offset_store.h"
#include "kafka/producer.h"
#include "mysql/binlog_client.h"
#include "mysql/event_decoder.h"
#include "mysql/gtid.h"
#include "mysql/sql_connection.h"
#include "schema/history_store.h"
#include "schema/schema_tracker.h"
#include "schema/server_schema.h"
#include "snapshot/snapshot_state.h"

namespace tributary::snapshot {
class ChunkReaderPool;
class Progress;
class RateLimiter;
class KafkaSignalChannel;
struct Signal;
}  // namespace tributary::snapshot

namespace tributary::connectors {

namespace dbz = format::debezium;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace source_detail {

inline constexpr milliseconds kKafkaTimeout{30000};

inline int64_t NowMs() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Sleeps up to `d`, returning early when `stop` is requested.
inline void SleepFor(milliseconds d, std::stop_token stop) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  cv.wait_for(lock, stop, d, [] { return false; });
}

// Wakes a wait for Kafka's acknowledgements (ChunkDone's, for the previous chunk):
// Notify() is meant for ProducerOptions::on_acked (the delivery thread); without it the
// wait rechecks every millisecond.
struct AckWait {
  std::mutex mu;
  std::condition_variable_any cv;
  std::atomic<bool> waiting{false};
  void Notify() {
    if (!waiting.load(std::memory_order_acquire)) return;
    std::lock_guard lock(mu);
    cv.notify_all();
  }
  // Until done() (called under mu), the deadline or the stop token.
  template <typename Done>
  void Wait(Done done, Clock::time_point deadline, std::stop_token stop) {
    std::unique_lock lock(mu);
    waiting.store(true, std::memory_order_release);
    while (!done() && Clock::now() < deadline && !stop.stop_requested()) {
      cv.wait_for(lock, stop, milliseconds(1), done);
    }
    waiting.store(false, std::memory_order_release);
  }
};

}  // namespace source_detail

struct MySqlSource::Impl {
  // ------------------------------------------------------------------ settings
  config::ConnectorConfig cfg;
  std::string name;
  std::string server;  // topic.prefix
  mysql::BinlogClientOptions binlog;
  dbz::EncoderOptions enc_options;
  dbz::ColumnFilters filters;
  SkippedOperations skipped;
  std::string snapshot_mode;
  bool recovery_mode = false;  // snapshot.mode=recovery / schema_only_recovery
  std::string locking_mode;
  bool include_schema_changes = true;
  bool exactly_once = false;
  bool keep_alive = true;
  bool tolerate_errors = false;
  int64_t heartbeat_ms = 0;
  int64_t flush_ms = 60000;
  int64_t poll_ms = 500;
  int64_t max_batch = 2048;
  int64_t retry_timeout_ms = 0;
  size_t max_record_bytes = 1000000;
  std::string heartbeat_topic;
  std::string transaction_topic;
  std::string offsets_topic;
  std::string offsets_file;
  bool history_in_kafka = true;
  std::string history_topic;
  std::string history_file;
  kafka::ClientConfig producer_config;
  kafka::ClientConfig admin_config;

  // ------------------------------------------------------------------ runtime
  // Before `producer`, so it outlives the producer's delivery thread (on_acked).
  source_detail::AckWait ack_wait;
  std::unique_ptr<kafka::Producer> producer;
  std::unique_ptr<kafka::Admin> admin;
  std::unique_ptr<kafka::SourceOffsetStore> offsets;
  kafka::KafkaOffsetStore* kafka_offsets = nullptr;  // offsets, when in Kafka
  std::unique_ptr<mysql::SqlConnection> sql;         // before tracker: its hook uses it
  std::unique_ptr<schema::SchemaTracker> tracker;
  std::unique_ptr<SchemaHistory> history;
  std::unique_ptr<dbz::EventEncoder> encoder;
  std::unique_ptr<TableEncodings> encodings;
  std::set<std::string> topics_ready;
  dbz::RecordBuffer records;
  std::vector<kafka::RecordHeader> headers;

  OffsetCursor cursor;
  PendingOffsets pending;
  std::optional<SourceOffset> stored;  // the last offset made durable
  std::optional<SourceOffset> ready;   // newest offset whose records are all acknowledged
  bool mariadb = false;
  bool first_connect = true;

  // The binlog transaction being read.
  std::string file;             // current binlog file
  std::string txn_gtid;         // its GTID, empty without
  bool txn_begun = false;       // inside BEGIN ... COMMIT/XID
  std::optional<uint32_t> txn_maria_domain;
  int64_t txn_thread = -1;
  std::string txn_query;        // the last ROWS_QUERY / ANNOTATE_ROWS statement
  std::map<uint32_t, std::string> maria_gtids;  // completed position per domain
  mysql::GtidSet mysql_gtids;  // MySQL: executed GTID set (the offset's `gtids`)
  // Transaction metadata (provide.transaction.metadata).
  struct TxMeta {
    bool begun = false;
    std::string id;
    int64_t total = 0;
    int64_t ts_ms = 0;
    std::map<std::string, int64_t> per_table;
  } tx;

  // Exactly-once: the open Kafka transaction.
  bool kafka_txn_open = false;
  // A commit that failed without being aborted (broker away past the timeout) may still
  // complete inside librdkafka: until it is resolved (ResolvePendingCommit) nothing else is
  // sent and the cursor is not rewound. `pending_commit` is the offset it carries.
  bool kafka_commit_pending = false;
  SourceOffset pending_commit;
  int64_t kafka_txn_records = 0;
  Clock::time_point kafka_txn_started;
  // The open transaction may hold records of a snapshot chunk that the cursor does not
  // cover yet (set when a chunk's records are sent, cleared by ChunkDone once the cursor
  // moves past them, or by an abort). Committing then would store an offset before records
  // that are in Kafka: the restart reads the chunk again and a read_committed consumer
  // sees its rows twice. Such a transaction is aborted instead (CommitKafkaTransaction
  // refuses it, Finish aborts it).
  bool kafka_txn_uncovered = false;
  // A transaction was aborted and the cursor not yet rewound to the last commit: nothing
  // may commit (the cursor would cover the dropped records) until Stream rewinds.
  bool kafka_txn_dropped = false;
  std::optional<SourceOffset> committed;  // last committed (exactly-once)

  Clock::time_point last_flush = Clock::now();
  Clock::time_point last_heartbeat = Clock::now();
  uint64_t rows_emitted = 0;
  uint64_t records_sent = 0;
  uint64_t stream_rows_emitted = 0;  // of rows_emitted, the binlog's (the rest: snapshots)
  SourceMetrics* metrics = nullptr;  // not owned (run_source.cc); published at each Tick

  // ------------------------------------------------------------------ snapshot
  // (source_snapshot.cc; docs/architecture.md "Snapshots")
  std::optional<snapshot::SnapshotState> snap;       // the snapshot running, if any
  std::vector<snapshot::SnapshotState> queued_snaps;  // incremental, behind the running one
  std::unique_ptr<mysql::SqlConnection> snap_sql;     // its reads, each chunk its own view
  std::string stream_file;                            // where the stream is: the end of
  uint64_t stream_pos = 0;                            // the last event handled
  bool wants_data_snapshot = false;                   // initial, initial_only, when_needed, always
  bool stop_after_snapshot = false;                   // initial_only
  bool finished = false;                              // Run() returns (initial_only done)
  uint64_t chunk_bytes = 8u << 20;                    // initial snapshot: bytes per chunk
  uint64_t incremental_chunk_rows = 1024;
  bool chunk_rows_explicit = false;  // incremental.snapshot.chunk.size given: initial too
  std::vector<std::string> snapshot_include;          // snapshot.include.collection.list
  std::map<event::TableId, std::string> select_overrides;
  std::optional<event::TableId> signal_table;         // signal.data.collection
  bool kafka_signals = false;
  bool source_signals = true;
  std::unique_ptr<snapshot::KafkaSignalChannel> signal_channel;
  Clock::time_point last_signal_poll = Clock::now();
  std::unique_ptr<snapshot::Progress> progress;
  std::unique_ptr<snapshot::RateLimiter> limiter;
  dbz::RecordBuffer held;                             // a snapshot row sent one row late
  std::map<event::TableId, uint64_t> chunk_rows_of;   // rows per chunk, by row width
  uint64_t fetch_rows = 0;        // snapshot.fetch.size: most rows per chunk query (0: none)
  // Rows of an initial-snapshot chunk, capped by snapshot.fetch.size.
  uint64_t FetchCap(uint64_t rows) const {
    return fetch_rows > 0 ? std::min(rows, fetch_rows) : rows;
  }
  milliseconds snapshot_delay{0};  // snapshot.delay.ms, before this run's first chunk
  bool snapshot_delay_done = false;
  int64_t lock_timeout_ms = 10000;  // snapshot.lock.timeout.ms: FLUSH TABLES WITH READ LOCK
  uint64_t snap_sql_id = 0;         // the server's id of snap_sql (KILL QUERY on stop)
  // snapshot.locking.mode=extended: a connection holding FLUSH TABLES WITH READ LOCK from
  // the initial snapshot's first chunk to its end (Debezium: writes blocked meanwhile).
  std::unique_ptr<mysql::SqlConnection> extended_lock;
  Clock::time_point snapshot_started = Clock::now();
  std::string snapshot_method = "auto";  // tributary.snapshot.method
  bool read_only = false;                // read.only: no watermark writes
  // The watermark method (no consistent-view position, no lock): a chunk read between a
  // low and a high watermark, held until the stream passes the high one, minus the rows
  // whose keys the stream changed inside the window (the DBLog algorithm).
  struct PendingChunk {
    std::string id;                 // watermark rows "<id>-open" / "<id>-close"
    event::TableId table;
    dbz::RecordBuffer records;      // the chunk's r records, encoded when read
    std::set<std::string> touched;  // record keys the stream changed inside the window
    bool in_window = false;
    bool by_position = false;       // read.only: the window is [lo, hi) of binlog positions
    BinlogPosition lo, hi;
    uint64_t rows = 0;
    bool more = false;
    std::string last_key;
    std::string topic;
  };
  std::optional<PendingChunk> pending_chunk;
  uint64_t chunk_counter = 0;
  // Parallel readers (snapshot.max.threads > 1, view and lock methods, keyed tables):
  // worker connections read and encode the next chunks ahead, each in its own view,
  // views opened in chunk order; this thread emits them strictly in chunk order
  // (source_snapshot.cc, "Read-ahead"). Workers touch only their ReadAheadChunk, the
  // (immutable) encoder options and `limiter` (thread-safe).
  int snapshot_threads = 1;
  struct ReadAheadChunk;  // source_snapshot.cc
  std::unique_ptr<snapshot::ChunkReaderPool> snap_pool;
  std::deque<std::shared_ptr<ReadAheadChunk>> read_ahead;  // submitted, in chunk order
  std::vector<dbz::RecordBuffer> spare_chunk_buffers;      // their capacity, reused
  int sequential_chunks = 0;  // after a reader's failure: chunks read the one-thread way
  int read_ahead_failures = 0;  // reader failures since the last chunk they delivered
  int view_retakes = 0;       // read-ahead views found behind the stream, in a row
  uint64_t previous_chunk_sequence = 0;  // producer sequence of the previous chunk's last record
  std::map<event::TableId, std::shared_ptr<const dbz::TableEncoding>> read_ahead_encodings;

  Status ConfigureSnapshot();
  // The captured tables `patterns` (anchored regexes of db.table; empty = all) select, in
  // the order of table.include.list's patterns, then by name.
  std::vector<event::TableId> SnapshotTables(const std::vector<event::TableId>& candidates,
                                             const std::vector<std::string>& patterns) const;
  // Starts a snapshot of `tables` (initial: at bootstrap; incremental: from a signal).
  void StartSnapshot(snapshot::SnapshotState state);
  // A table of the running initial snapshot whose first chunk is still to come: its
  // changes are all in the rows that chunk reads, so its change events are not sent (the
  // topic starts with the snapshot's rows, as with Debezium).
  bool NotYetSnapshotted(const event::TableId& id) const {
    if (!snap || snap->kind != snapshot::SnapshotKind::kInitial || snap->tables.empty()) {
      return false;
    }
    if (snap->tables.front() == id) {
      // Inside a watermark window the table's changes are needed: they say which rows
      // of the chunk are stale.
      return snap->rows_in_table == 0 && !snap->after_key &&
             !(pending_chunk && pending_chunk->in_window);
    }
    return std::find(snap->tables.begin() + 1, snap->tables.end(), id) != snap->tables.end();
  }
  bool SnapshotDue() const {
    return snap && !snap->paused && !cursor.in_transaction() && !pending_chunk;
  }
  // Reads the next chunk in a consistent view at binlog position S, brings the stream to
  // S and emits the chunk's rows as `r` events there.
  Status SnapshotChunk(BinlogStream& stream, ResumeSkipper& skipper, std::stop_token stop);
  Status SnapshotStep(BinlogStream& stream, ResumeSkipper& skipper, std::stop_token stop);
  Status CatchUp(BinlogStream& stream, ResumeSkipper& skipper, const BinlogPosition& to,
                 std::stop_token stop);
  Status HandleItems(std::span<const BinlogStreamItem> batch, ResumeSkipper& skipper,
                     std::stop_token stop);
  Status OpenSnapshotConnection();
  Status WatermarkChunk(std::stop_token stop);
  Status EmitPendingChunk(std::stop_token stop);
  // After a stream row of `id` was encoded into `records`: inside a watermark window, its
  // keys mark the chunk's rows stale.
  void NoteStreamKeys(const event::TableId& id) {
    if (!pending_chunk || !pending_chunk->in_window || pending_chunk->table != id) return;
    for (const auto& r : records.records()) {
      if (r.has_key) pending_chunk->touched.insert(r.key);
    }
  }
  // Position-bounded windows (read.only): before and after each stream event.
  void OpenWindowAt(std::string_view file, uint64_t pos);
  Status CloseWindowAt(std::stop_token stop);
  Result<BinlogPosition> ReadServerPosition(mysql::SqlConnection& conn);
  Result<BinlogPosition> BeginChunkView(bool lock);
  struct ChunkPlan;
  struct ChunkRead {
    uint64_t rows = 0;     // rows sent
    bool more = false;     // the table goes on after them
    std::string last_key;  // key of the last row sent (when `more`)
    bool stopped = false;  // the stop token ended the read: the chunk does not count
  };
  Result<std::optional<ChunkPlan>> PlanChunk();
  // The chunk of `id` after key `after` (nullopt: from the start); `table_start`: the
  // table's first chunk (reads its size, starts its progress).
  Result<std::optional<ChunkPlan>> PlanChunkAt(const event::TableId& id,
                                               const std::optional<std::string>& after,
                                               bool table_start);
  // Read-ahead: whether the front table's next chunk goes through the workers; queueing
  // chunks until snapshot_threads are in flight; emitting the oldest one; dropping them.
  bool ReadAheadApplies() const;
  // Encoded bytes per read-ahead chunk: the chunks in flight hold about 2 x chunk_bytes
  // together (chunk_bytes each with 2 threads, half that with 4, ...).
  uint64_t ReadAheadChunkBytes() const {
    return std::max<uint64_t>(1u << 20, chunk_bytes * 2 / std::max(2, snapshot_threads));
  }
  Status FillReadAhead();
  Status ReadAheadChunkStep(BinlogStream& stream, ResumeSkipper& skipper, std::stop_token stop);
  void DropReadAhead();
  // `pipelined`: `deliver` runs on a thread of its own (BatchSender) with batches of
  // records while this thread reads and encodes; it must then touch nothing this thread
  // uses during the chunk (SendRecords qualifies: the producer state is this chunk's).
  Status ReadChunk(const ChunkPlan& plan, const BinlogPosition& at, ChunkRead* out,
                   const std::function<Status(const dbz::RecordBuffer&)>& deliver,
                   std::stop_token stop, bool pipelined = false);
  // `window` (read-ahead): instead of waiting for every record (one thread), wait only
  // for the previous chunk's (or until *window is triggered), so at most two chunks are
  // unacknowledged in Kafka's hands.
  Status ChunkDone(const ChunkRead& read, const std::stop_token* window = nullptr);
  void PublishSnapshotState();
  Status EndSnapshot();
  // Signals: the signal table's rows (streaming) and the Kafka channel (Tick).
  Status HandleSignalRows(const mysql::RowsEvent& rows, std::stop_token stop);
  Status HandleSignal(const snapshot::Signal& signal);
  Status PollSignals();
  void SnapshotTick(Clock::time_point now);
  // The snapshot state of `offset` (after an aborted Kafka transaction: back to the last
  // committed one).
  Status RestoreSnapshotState(const SourceOffset& offset);
  // Whether the server still has binlog file `name` (SHOW BINARY LOGS).
  bool BinlogFileExists(const std::string& name);
  Impl();
  ~Impl();

  // The GTID state of the offset the stream starts from.
  Status LoadGtids(const std::string& gtids);
  Status Configure();
  Status Start(std::stop_token stop);
  Status ConnectKafka(std::stop_token stop);
  Status Bootstrap(std::stop_token stop);
  Status RebuildHistory(const SourceOffset& offset, std::stop_token stop);
  Result<size_t> RecordServerSchema(const schema::ServerSchema& server, const SourceOffset& at,
                                    std::stop_token stop);
  Status FlushSchemaChanges();
  Status Stream(std::stop_token stop);
  Status StreamOnce(std::stop_token stop, bool* progressed);
  Status HandleEvent(const mysql::DecodedEvent& e, const BinlogEventPlace& at,
                     ResumeSkipper& skipper, std::stop_token stop);
  Status HandleRows(const mysql::RowsEvent& rows, const mysql::DecodedEvent& e,
                    const BinlogEventPlace& at, ResumeSkipper& skipper, std::stop_token stop);
  Status HandleTruncate(const event::TableId& id, const mysql::DecodedEvent& e,
                        const BinlogEventPlace& at, std::stop_token stop);
  Status EndTransaction(const mysql::DecodedEvent& e, const BinlogEventPlace& at,
                        std::stop_token stop);
  Status StorePendingSchemaRecords(const mysql::DecodedEvent& e, const BinlogEventPlace& at,
                                   std::stop_token stop);
  Status RecordSchemaChange(const schema::SchemaChangeRecord& record, const BinlogPosition& at,
                            const dbz::SourceInfo& source, std::stop_token stop);
  Status Tick(std::stop_token stop);
  // Sends `records` (the shared buffer), or the given records, to `topic`.
  Status SendRecords(std::string_view topic, int32_t partition, std::string_view what,
                     std::stop_token stop) {
    return SendRecords(records.records(), topic, partition, what, stop);
  }
  Status SendRecords(std::span<const dbz::EncodedRecord> batch, std::string_view topic,
                     int32_t partition, std::string_view what, std::stop_token stop);
  Status EnsureTopic(const std::string& topic, bool single_partition);
  Status BeginKafkaTransaction();
  Status CommitKafkaTransaction();
  void AbortKafkaTransaction();
  // Sends a snapshot chunk's records (exactly-once: marks the transaction uncovered).
  Status SendChunkRecords(std::span<const dbz::EncodedRecord> batch, std::string_view topic,
                          std::string_view what, std::stop_token stop) {
    if (exactly_once) kafka_txn_uncovered = true;
    return SendRecords(batch, topic, kafka::kAnyPartition, what, stop);
  }
  Status ResolvePendingCommit();
  Status FlushOffsets(bool final);
  // At-least-once: queues the current offset behind the records sent so far.
  void MarkOffset() {
    if (!exactly_once) pending.Add(producer->LastSequence(), cursor.offset());
  }
  // Moves acknowledged offsets out of `pending` (keeps it as small as the records in
  // flight, whatever offset.flush.interval.ms is).
  void DrainAcknowledged() {
    if (auto r = pending.TakeCommittable(producer->AckedThrough())) ready = std::move(r);
  }
  Status StoreOffsetNow(const SourceOffset& offset);
  Status Finish(Status status);
  dbz::SourceInfo BaseSource(const mysql::DecodedEvent& e, const BinlogEventPlace& at) const;
  std::string CurrentGtids() const;
};


}  // namespace tributary::connectors
