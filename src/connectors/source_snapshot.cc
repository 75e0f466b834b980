// Snapshots of the MySQL source (initial and incremental): chunks read in consistent views
// at exact binlog positions and emitted at those positions of the stream.
//
// How a chunk stays consistent without locks (MariaDB): the chunk's transaction starts
// with START TRANSACTION WITH CONSISTENT SNAPSHOT, and MariaDB reports the binlog position
// that view corresponds to (Binlog_snapshot_file/position). Every change before that
// position is in the rows read, none after it. The stream is brought exactly to that
// position (never past it: we take the view only between transactions, and retry while
// the view is older than what the stream already handled), then the rows go out as `r`
// events, then streaming continues. Per key, Kafka therefore holds the binlog's history
// with the chunk's row state inserted at the right place: replaying the topic gives the
// table. The offset stored after the chunk is that position plus the snapshot state (the
// tables left and the key of the last row sent), so a restart continues with the next
// chunk. MySQL has no such status: there the view is taken under a brief
// FLUSH TABLES WITH READ LOCK (snapshot.locking.mode minimal/extended).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <limits>
#include <optional>
#include <regex>
#include <thread>

#include "connectors/batch_sender.h"
#include "common/malloc_info.h"
#include "connectors/mysql_source_impl.h"
#include "snapshot/chunk_reader_pool.h"
#include "snapshot/chunk_sql.h"
#include "snapshot/kafka_signal_channel.h"
#include "snapshot/progress.h"
#include "snapshot/rate_limiter.h"
#include "snapshot/row_reader.h"
#include "snapshot/signal.h"

namespace tributary::connectors {

using source_detail::NowMs;
using source_detail::NowNs;
using source_detail::SleepFor;

namespace {

// MySQL error 1412 (ER_TABLE_DEF_CHANGED): the table changed after the chunk's view was
// taken. SqlConnection and RowReader report server errors as "server error <code>: ".
bool IsTableDefinitionChanged(const Status& s) {
  return s.message().find("server error 1412:") != std::string::npos;
}

std::string TableName(const event::TableId& id) { return id.database + "." + id.table; }

bool MatchesAny(const std::vector<std::regex>& patterns, const std::string& name) {
  for (const auto& re : patterns) {
    if (std::regex_match(name, re)) return true;
  }
  return false;
}

Result<std::vector<std::regex>> CompilePatterns(const std::vector<std::string>& patterns,
                                                std::string_view key) {
  std::vector<std::regex> out;
  for (const auto& p : patterns) {
    try {
      out.emplace_back(p, std::regex::ECMAScript | std::regex::icase);
    } catch (const std::regex_error& e) {
      return Error(Status::InvalidArgument(
          fmt::format("{}: '{}' is not a valid regular expression ({})", key, p, e.what())));
    }
  }
  return out;
}

// A connection for snapshot reads: TIMESTAMP values as UTC (what the binlog carries),
// REPEATABLE READ views, long reads while Kafka is slow.
Result<std::unique_ptr<mysql::SqlConnection>> ConnectSnapshotSession(
    const mysql::BinlogClientOptions& options) {
  auto conn = mysql::SqlConnection::Connect(options);
  if (!conn) {
    return Error(conn.error().WithContext(fmt::format("snapshot: connecting to {}:{} as {}",
                                                      options.host, options.port, options.user)));
  }
  for (const char* stmt :
       {"SET SESSION time_zone = '+00:00'",
        "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
        "SET SESSION net_write_timeout = 3600", "SET SESSION net_read_timeout = 3600"}) {
    if (Status s = (*conn)->Execute(stmt); !s.ok()) return Error(s.WithContext("snapshot session"));
  }
  return conn;
}

// The server's current binlog position (SHOW MASTER STATUS; SHOW BINARY LOG STATUS on
// MySQL 8.4+), with MySQL's Executed_Gtid_Set in `gtids`.
Result<BinlogPosition> ServerPosition(mysql::SqlConnection& conn) {
  auto rows = conn.Query("SHOW MASTER STATUS");
  if (!rows) rows = conn.Query("SHOW BINARY LOG STATUS");
  if (!rows) return Error(rows.error().WithContext("reading the binlog position"));
  if (rows->empty() || rows->front().size() < 2 || !rows->front()[0] || !rows->front()[1]) {
    return Error(Status::FailedPrecondition(
        "SHOW MASTER STATUS returned nothing: binary logging is off on the server (set "
        "log_bin, binlog_format=ROW, and restart it)"));
  }
  const auto& row = rows->front();
  BinlogPosition at{*row[0], std::strtoull(row[1]->c_str(), nullptr, 10), "", 0, false};
  if (row.size() >= 5 && row[4]) at.gtids = *row[4];
  return at;
}

// FLUSH TABLES WITH READ LOCK waiting at most `timeout_ms` (snapshot.lock.timeout.ms):
// while it waits for a running statement (another client's long query) it already blocks
// every writer of the server, so it must not wait long. lock_wait_timeout is set for this
// statement only (the session's SELECTs keep the server's default).
Status TakeGlobalReadLock(mysql::SqlConnection& conn, int64_t timeout_ms) {
  const int64_t secs = std::max<int64_t>(1, (timeout_ms + 999) / 1000);
  if (Status s = conn.Execute(fmt::format("SET SESSION lock_wait_timeout = {}", secs)); !s.ok()) {
    return s.WithContext("snapshot: setting lock_wait_timeout");
  }
  Status s = conn.Execute("FLUSH TABLES WITH READ LOCK");
  (void)conn.Execute("SET SESSION lock_wait_timeout = DEFAULT");
  if (s.ok()) return s;
  if (s.message().find("1205") != std::string::npos ||
      s.message().find("ock wait timeout") != std::string::npos) {
    return Status::FailedPrecondition(fmt::format(
        "snapshot: FLUSH TABLES WITH READ LOCK waited longer than snapshot.lock.timeout.ms "
        "({} ms) for another session's statement or LOCK TABLES (writers are blocked while it "
        "waits, so it gives up): {}",
        timeout_ms, s.message()));
  }
  return s.WithContext("snapshot: FLUSH TABLES WITH READ LOCK (grant RELOAD, or use "
                       "snapshot.mode=no_data)");
}

// Opens a consistent view on `conn` and returns the binlog position it corresponds to:
// MariaDB reports it (Binlog_snapshot_file/position, no lock); elsewhere (`lock`) the
// view is opened under FLUSH TABLES WITH READ LOCK held for the two statements only.
Result<BinlogPosition> OpenConsistentView(mysql::SqlConnection& conn, bool lock,
                                          int64_t lock_timeout_ms) {
  if (!lock) {
    if (Status s = conn.Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT"); !s.ok()) {
      return Error(s.WithContext("snapshot"));
    }
    auto rows = conn.Query("SHOW STATUS LIKE 'binlog_snapshot_%'");
    if (!rows) return Error(rows.error().WithContext("snapshot: reading the view's binlog position"));
    BinlogPosition at;
    for (const auto& r : *rows) {
      if (r.size() < 2 || !r[0] || !r[1]) continue;
      std::string name = *r[0];
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      if (name == "binlog_snapshot_file") at.file = *r[1];
      if (name == "binlog_snapshot_position") at.pos = std::strtoull(r[1]->c_str(), nullptr, 10);
    }
    if (at.file.empty()) {
      return Error(Status::FailedPrecondition(
          "snapshot: the server reports no Binlog_snapshot_file: binary logging is off"));
    }
    return at;
  }
  if (Status s = TakeGlobalReadLock(conn, lock_timeout_ms); !s.ok()) return Error(s);
  Status s = conn.Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
  BinlogPosition at;
  if (s.ok()) {
    auto pos = ServerPosition(conn);
    if (pos) {
      at = *pos;
    } else {
      s = pos.error();
    }
  }
  Status unlock = conn.Execute("UNLOCK TABLES");
  if (!s.ok()) return Error(s.WithContext("snapshot"));
  if (!unlock.ok()) return Error(unlock.WithContext("snapshot: UNLOCK TABLES"));
  return at;
}

// Ends the statement connection `id` runs (a FLUSH TABLES WITH READ LOCK waiting behind
// another client's query does not see the stop token), from a connection of its own.
void KillQuery(const mysql::BinlogClientOptions& options, uint64_t id) {
  auto conn = mysql::SqlConnection::Connect(options);
  if (!conn) return;  // the statement ends at its lock timeout instead
  (void)(*conn)->Execute(fmt::format("KILL QUERY {}", id));
}

// The `source.snapshot` marker of a row, with Debezium's precedence.
std::string_view SnapshotMarker(bool incremental, bool first_table, bool last_table,
                                bool first_in_table, bool last_in_table) {
  if (incremental) return "incremental";
  if (last_in_table && last_table) return "last";
  if (first_in_table && first_table) return "first";
  if (last_in_table) return "last_in_data_collection";
  if (first_in_table) return "first_in_data_collection";
  return "true";
}

// Records per batch handed to the sender thread of a pipelined chunk (about 100 KB of
// change events: the hand-off costs a lock per batch, not per row).
constexpr size_t kPipelinedBatchRecords = 256;

// What one chunk's row loop needs besides the rows (ChunkRows below).
struct ChunkRowsSpec {
  const dbz::TableEncoding* encoding = nullptr;
  bool incremental = false;
  bool first_table = false;  // markers: the snapshot's first / last table
  bool last_table = false;
  bool table_start = false;  // the table's first chunk: its first row opens the table
  // 0: every row the query returns; else at most `limit` rows, an extra row saying the
  // table goes on (then `last_key` is the `limit`-th row's key).
  uint64_t limit = 0;
  // The rows' end is the table's end (no extra row): the last row carries the closing
  // marker. False for a read-ahead range (lo, hi], which a tail chunk follows.
  bool end_closes_table = true;
  std::string_view table_name;  // for errors
  std::string_view after;       // the chunk's start key, for errors
  // kPerRow: records handed to deliver() at a time (at least; one row late as below).
  size_t deliver_records = 1;
};

struct ChunkRowsResult {
  uint64_t rows = 0;
  bool more = false;
  std::string last_key;
};

// The row loop of a snapshot chunk, shared by the connector's thread (one reader) and
// the read-ahead workers: rows from `reader` encoded as `r` records into `*out`.
// kPerRow (one reader): the records are handed to deliver(*out) once `*out` holds
// spec.deliver_records of them and the next row arrives (one row late, so the table's last
// row can be re-encoded with its closing marker), and `*out` is cleared; else the chunk
// accumulates in `*out`. throttle(rows,
// bytes) is called every 1024 rows and once for the rest. Returns at `stop` with
// what was read so far (the caller checks the token).
template <bool kPerRow, typename Deliver, typename Throttle>
Status ChunkRows(snapshot::RowReader& reader, dbz::EventEncoder& encoder, dbz::ChangeEvent& ce,
                 const ChunkRowsSpec& spec, dbz::RecordBuffer* out, ChunkRowsResult* result,
                 Deliver&& deliver, Throttle&& throttle, std::stop_token stop) {
  uint64_t n = 0;
  size_t before_row = out->size();
  auto encode = [&](const std::vector<event::Value>& row, bool first, bool last) -> Status {
    before_row = out->size();
    ce.after = row;  // a view of the reader's row: no copy
    ce.source.snapshot = SnapshotMarker(spec.incremental, spec.first_table, spec.last_table,
                                        first, last);
    // Processing time, read once per 64 rows (a clock call per row cost ~3% of a chunk).
    if ((n & 63) == 1 || last) ce.ts_ns = NowNs();
    if (Status s = encoder.Encode(*spec.encoding, ce, out); !s.ok()) {
      return s.WithContext(fmt::format("snapshot of {} after key {}", spec.table_name,
                                       spec.after.empty() ? "(start)" : spec.after));
    }
    return Status::Ok();
  };
  const std::vector<event::Value>* last_row = nullptr;
  uint64_t bytes_before = reader.bytes_read();
  uint64_t rows_before = 0;
  Status failed;
  while (!stop.stop_requested()) {
    auto row = reader.Next();
    if (!row) {
      failed = row.error();
      break;
    }
    if (*row == nullptr) break;
    if (spec.limit != 0 && n == spec.limit) {
      result->more = true;
      break;
    }
    if constexpr (kPerRow) {
      if (n > 0 && out->size() >= spec.deliver_records) {
        if (Status s = deliver(*out); !s.ok()) {
          failed = s;
          break;
        }
        out->Clear();
      }
    }
    ++n;
    if (spec.limit != 0 && n == spec.limit) result->last_key = reader.LastKeyJson();
    if (Status s = encode(**row, spec.table_start && n == 1, false); !s.ok()) {
      failed = s;
      break;
    }
    last_row = *row;
    if (n % 1024 == 0) {
      uint64_t bytes = reader.bytes_read();
      throttle(n - rows_before, bytes - bytes_before);
      rows_before = n;
      bytes_before = bytes;
    }
  }
  result->rows = n;
  if (failed.ok() && !stop.stop_requested() && last_row != nullptr) {
    if (spec.end_closes_table && !result->more) {
      // The table ends in this chunk: its last row again, with the closing marker (a
      // reader that returned its end leaves the last row in place).
      while (out->size() > before_row) out->PopBack();
      failed = encode(*last_row, spec.table_start && n == 1, true);
    }
    if constexpr (kPerRow) {
      if (failed.ok()) failed = deliver(*out);
    }
  }
  if (n > rows_before) throttle(n - rows_before, reader.bytes_read() - bytes_before);
  return failed;
}

}  // namespace

MySqlSource::Impl::Impl() = default;
MySqlSource::Impl::~Impl() {
  // The reader threads first: they use the encoder options and the limiter.
  read_ahead.clear();
  snap_pool.reset();
}

void MySqlSource::Impl::SnapshotTick(Clock::time_point now) {
  if (snap) progress->Tick(now);
}

Status MySqlSource::Impl::ConfigureSnapshot() {
  wants_data_snapshot = snapshot_mode == "initial" || snapshot_mode == "initial_only" ||
                        snapshot_mode == "when_needed" || snapshot_mode == "always";
  stop_after_snapshot = snapshot_mode == "initial_only";
  snapshot_method = cfg.GetString("tributary.snapshot.method");
  if (snapshot_method.empty()) snapshot_method = "auto";
  read_only = cfg.GetBool("read.only");
  snapshot_threads = static_cast<int>(std::clamp<int64_t>(cfg.GetLong("snapshot.max.threads"), 1, 64));
  if (int64_t n = cfg.GetLong("incremental.snapshot.chunk.size"); n > 0) {
    incremental_chunk_rows = static_cast<uint64_t>(n);
  }
  if (auto it = cfg.values.find("incremental.snapshot.chunk.size"); it != cfg.values.end()) {
    chunk_rows_explicit = it->second.is_explicit;
  }
  snapshot_include = dbz::SplitRegexList(cfg.GetString("snapshot.include.collection.list"));
  if (auto c = CompilePatterns(snapshot_include, "snapshot.include.collection.list"); !c) {
    return c.error();
  }
  for (const auto& t : dbz::SplitRegexList(cfg.GetString("snapshot.select.statement.overrides"))) {
    size_t dot = t.find('.');
    if (dot == std::string::npos) {
      return Status::InvalidArgument(fmt::format(
          "snapshot.select.statement.overrides: '{}' is not <database>.<table>", t));
    }
    std::string key = "snapshot.select.statement.overrides." + t;
    auto it = cfg.values.find(key);
    if (it == cfg.values.end() || it->second.value.empty()) {
      return Status::InvalidArgument(fmt::format(
          "snapshot.select.statement.overrides names {} but {} is not set", t, key));
    }
    select_overrides[{t.substr(0, dot), t.substr(dot + 1)}] = it->second.value;
  }
  if (std::string sig = cfg.GetString("signal.data.collection"); !sig.empty()) {
    size_t dot = sig.find('.');
    if (dot == std::string::npos) {
      return Status::InvalidArgument(
          fmt::format("signal.data.collection: '{}' is not <database>.<table>", sig));
    }
    signal_table = event::TableId{sig.substr(0, dot), sig.substr(dot + 1)};
  }
  auto channels = cfg.GetList("signal.enabled.channels");
  source_signals = channels.empty() ||
                   std::find(channels.begin(), channels.end(), "source") != channels.end();
  kafka_signals = std::find(channels.begin(), channels.end(), "kafka") != channels.end();
  progress = std::make_unique<snapshot::Progress>(
      milliseconds(std::max<int64_t>(1000, cfg.GetLong("snapshot.progress.interval.ms"))));
  fetch_rows = static_cast<uint64_t>(std::max<int64_t>(0, cfg.GetLong("snapshot.fetch.size")));
  snapshot_delay = milliseconds(std::max<int64_t>(0, cfg.GetLong("snapshot.delay.ms")));
  lock_timeout_ms = std::max<int64_t>(1, cfg.GetLong("snapshot.lock.timeout.ms"));
  limiter = std::make_unique<snapshot::RateLimiter>(
      static_cast<uint64_t>(std::max<int64_t>(0, cfg.GetLong("snapshot.max.rows.per.second"))),
      static_cast<uint64_t>(std::max<int64_t>(0, cfg.GetLong("snapshot.max.bytes.per.second"))));
  return Status::Ok();
}

std::vector<event::TableId> MySqlSource::Impl::SnapshotTables(
    const std::vector<event::TableId>& candidates, const std::vector<std::string>& patterns) const {
  auto selected = CompilePatterns(patterns, "data collections");
  auto order = CompilePatterns(dbz::SplitRegexList(cfg.GetString("table.include.list")),
                               "table.include.list");
  std::vector<std::pair<size_t, event::TableId>> ranked;
  for (const auto& id : candidates) {
    if (!filters.IsTableCaptured(id)) continue;
    if (signal_table && id == *signal_table) continue;
    std::string name = TableName(id);
    if (!patterns.empty() && (!selected || !MatchesAny(*selected, name))) continue;
    size_t rank = order ? order->size() : 0;
    if (order) {
      for (size_t i = 0; i < order->size(); ++i) {
        if (std::regex_match(name, (*order)[i])) {
          rank = i;
          break;
        }
      }
    }
    ranked.emplace_back(rank, id);
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<event::TableId> out;
  for (auto& [rank, id] : ranked) out.push_back(std::move(id));
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void MySqlSource::Impl::StartSnapshot(snapshot::SnapshotState state) {
  state.tables_total = state.tables.size();
  if (state.tables.empty()) {
    spdlog::info("{} snapshot: no table to read", snapshot::SnapshotKindName(state.kind));
    return;
  }
  if (snap) {
    queued_snaps.push_back(std::move(state));
    return;
  }
  std::string names;
  for (const auto& t : state.tables) names += (names.empty() ? "" : ", ") + TableName(t);
  spdlog::info("{} snapshot of {} tables: {}", snapshot::SnapshotKindName(state.kind),
               state.tables.size(), names);
  snap = std::move(state);
  snapshot_started = Clock::now();
  PublishSnapshotState();
}

void MySqlSource::Impl::PublishSnapshotState() {
  if (!snap) {
    cursor.SetSnapshot("", false);
    return;
  }
  cursor.SetSnapshot(snapshot::SnapshotStateJson(*snap),
                     snap->kind == snapshot::SnapshotKind::kInitial);
}

Status MySqlSource::Impl::EndSnapshot() {
  double secs = std::chrono::duration<double>(Clock::now() - snapshot_started).count();
  spdlog::info("{} snapshot complete: {} rows of {} tables in {:.1f} s",
               snapshot::SnapshotKindName(snap->kind), snap->rows_total, snap->tables_total, secs);
  const bool initial = snap->kind == snapshot::SnapshotKind::kInitial;
  snap.reset();
  if (initial && extended_lock) {
    extended_lock.reset();  // the connection's end releases the global read lock
    spdlog::info("snapshot.locking.mode=extended: global read lock released");
  }
  // The reader threads and their connections end with the snapshot.
  DropReadAhead();
  snap_pool.reset();
  spare_chunk_buffers.clear();
  read_ahead_encodings.clear();  // the encodings (and schemas) of the snapshot's tables
  sequential_chunks = 0;
  read_ahead_failures = 0;
  if (!queued_snaps.empty()) {
    snapshot::SnapshotState next = std::move(queued_snaps.front());
    queued_snaps.erase(queued_snaps.begin());
    StartSnapshot(std::move(next));
  } else {
    PublishSnapshotState();
  }
  MarkOffset();
  if (initial && stop_after_snapshot) {
    spdlog::info("snapshot.mode=initial_only: stopping after the snapshot");
    if (Status s = FlushOffsets(true); !s.ok()) return s;
    finished = true;
  }
  return Status::Ok();
}

Status MySqlSource::Impl::RestoreSnapshotState(const SourceOffset& offset) {
  DropReadAhead();  // chunks planned from the state being replaced
  if (offset.snapshot.empty()) {
    snap.reset();
    return Status::Ok();
  }
  auto st = snapshot::ParseSnapshotState(offset.snapshot);
  if (!st) return st.error();
  snap = std::move(*st);
  return Status::Ok();
}

bool MySqlSource::Impl::BinlogFileExists(const std::string& name) {
  auto logs = sql->Query("SHOW BINARY LOGS");
  if (!logs) {
    spdlog::warn("snapshot.mode=when_needed: cannot list the binlog files ({}); assuming {} "
                 "is still there",
                 logs.error().message(), name);
    return true;
  }
  for (const auto& row : *logs) {
    if (!row.empty() && row[0] && *row[0] == name) return true;
  }
  return false;
}

// ------------------------------------------------------------------ chunks

Status MySqlSource::Impl::OpenSnapshotConnection() {
  if (snap_sql) return Status::Ok();
  auto conn = ConnectSnapshotSession(binlog);
  if (!conn) return conn.error();
  snap_sql = std::move(*conn);
  snap_sql_id = 0;
  if (auto id = snap_sql->QueryValue("SELECT CONNECTION_ID()"); id && *id) {
    snap_sql_id = std::strtoull((*id)->c_str(), nullptr, 10);
  }
  return Status::Ok();
}

// Opens the chunk's consistent view and returns the binlog position it corresponds to.
Result<BinlogPosition> MySqlSource::Impl::BeginChunkView(bool lock) {
  return OpenConsistentView(*snap_sql, lock, lock_timeout_ms);
}

Status MySqlSource::Impl::HandleItems(std::span<const BinlogStreamItem> batch,
                                      ResumeSkipper& skipper, std::stop_token stop) {
  for (const auto& item : batch) {
    if (pending_chunk && item.place.end != 0) OpenWindowAt(item.place.file, item.place.offset);
    if (Status s = HandleEvent(*item.event, item.place, skipper, stop); !s.ok()) {
      if (s.retryable()) return s.WithContext("Kafka");  // queue full past send timeout
      return s;
    }
    if (const auto* rot = std::get_if<mysql::RotateEvent>(&item.event->body)) {
      stream_file = std::string(rot->next_file);
      stream_pos = rot->position;
    } else if (item.place.end != 0) {
      stream_file = std::string(item.place.file);
      stream_pos = item.place.end;
    }
    if (pending_chunk) {
      if (Status s = CloseWindowAt(stop); !s.ok()) return s;
    }
  }
  return Status::Ok();
}

Status MySqlSource::Impl::CatchUp(BinlogStream& stream, ResumeSkipper& skipper,
                                  const BinlogPosition& to, std::stop_token stop) {
  while (!stop.stop_requested() &&
         ComparePositions(BinlogPosition{stream_file, stream_pos, "", 0, false}, to) < 0) {
    auto batch = stream.Next();
    if (!batch) return batch.error();
    if (Status s = HandleItems(*batch, skipper, stop); !s.ok()) return s;
  }
  return Status::Ok();
}

// What one chunk is: its table, encoding and query (shared by the view, lock and
// watermark methods).
struct MySqlSource::Impl::ChunkPlan {
  event::TableId id;
  std::shared_ptr<const event::TableSchema> schema;
  const dbz::TableEncoding* table = nullptr;
  std::vector<std::string> key_columns;
  std::string select;
  uint64_t limit = 0;  // rows to send (0: all; the query reads one more)
  snapshot::ChunkSpec spec;  // what `select` was built from (spec.table: schema.get())
};

// Plans the front table's next chunk with the schema the tracker holds now. nullopt: the
// table has no schema any more (dropped): skipped.
Result<std::optional<MySqlSource::Impl::ChunkPlan>> MySqlSource::Impl::PlanChunk() {
  return PlanChunkAt(snap->tables.front(), snap->after_key,
                     snap->rows_in_table == 0 && !snap->after_key);
}

// REQUIRES: `id` is the front table.
Result<std::optional<MySqlSource::Impl::ChunkPlan>> MySqlSource::Impl::PlanChunkAt(
    const event::TableId& id, const std::optional<std::string>& after, bool table_start) {
  ChunkPlan plan;
  plan.id = id;
  plan.schema = tracker->Table(plan.id);
  if (!plan.schema) {
    spdlog::warn("snapshot: {} has no known schema (dropped?); skipped", TableName(plan.id));
    progress->EndTable();
    snap->NextTable();
    PublishSnapshotState();
    MarkOffset();
    return std::optional<ChunkPlan>();
  }
  auto enc = encodings->For(plan.schema);
  if (!enc) return Error(enc.error());
  plan.table = *enc;
  if (Status s = EnsureTopic(plan.table->topic, false); !s.ok()) return Error(s);
  const bool incremental = snap->kind == snapshot::SnapshotKind::kIncremental;
  snapshot::ChunkSpec spec;
  spec.table = plan.schema.get();
  spec.key_columns = plan.schema->IdentityKey();
  spec.after_key = after;
  if (auto c = snap->conditions.find(plan.id); c != snap->conditions.end()) {
    spec.additional_condition = c->second;
  }
  if (auto o = select_overrides.find(plan.id); o != select_overrides.end()) {
    spec.select_override = o->second;
  }
  const bool keyed = !spec.key_columns.empty();
  if (table_start) {
    auto stats = snapshot::ReadTableStats(*snap_sql, plan.id);
    uint64_t estimate = stats ? stats->rows : 0;
    uint64_t width = stats && stats->avg_row_bytes > 0 ? stats->avg_row_bytes : 256;
    // Read-ahead chunks are held encoded (JSON: about three times the stored row) until
    // their turn; the estimate is corrected from each chunk's encoded size.
    if (snapshot_threads > 1) width *= 3;
    chunk_rows_of[plan.id] = std::clamp<uint64_t>(
        (snapshot_threads > 1 ? ReadAheadChunkBytes() : chunk_bytes) / width, 1024, 262144);
    progress->BeginTable(plan.id, estimate, snap->tables_total - snap->tables.size(),
                         snap->tables_total);
    if (!keyed) {
      spdlog::info(
          "snapshot: {} has no primary key or NOT NULL unique key: read in one scan, which "
          "starts over if the connector stops before it ends",
          TableName(plan.id));
    }
  }
  if (keyed) {
    // Initial snapshots size chunks by row width unless incremental.snapshot.chunk.size
    // is given explicitly.
    plan.limit = incremental || chunk_rows_explicit
                     ? incremental_chunk_rows
                     : chunk_rows_of.try_emplace(plan.id, 8192).first->second;
    if (!incremental) plan.limit = FetchCap(plan.limit);
  }
  spec.limit = keyed ? plan.limit + 1 : 0;  // one row more says whether the table goes on
  auto select = snapshot::BuildChunkSelect(spec);
  if (!select) return Error(select.error().WithContext("snapshot of " + TableName(plan.id)));
  plan.select = std::move(*select);
  plan.key_columns = spec.key_columns;
  plan.spec = std::move(spec);
  return std::optional<ChunkPlan>(std::move(plan));
}

// Reads the chunk's rows and hands each encoded `r` record to `deliver`, one row late so
// the table's last row carries its closing marker.
Status MySqlSource::Impl::ReadChunk(const ChunkPlan& plan, const BinlogPosition& at,
                                    ChunkRead* out,
                                    const std::function<Status(const dbz::RecordBuffer&)>& deliver,
                                    std::stop_token stop, bool pipelined) {
  auto reader = snapshot::RowReader::Open(*snap_sql, plan.schema, plan.select, plan.key_columns);
  if (!reader) return reader.error();
  dbz::ChangeEvent ce;
  ce.op = dbz::Operation::kRead;
  ce.source.ts_us = NowMs() * 1000;
  ce.source.file = at.file;
  ce.source.pos = static_cast<int64_t>(at.pos);
  ce.source.db = plan.id.database;
  ce.source.table = plan.id.table;
  const std::string name = TableName(plan.id);
  ChunkRowsSpec spec;
  spec.encoding = plan.table;
  spec.incremental = snap->kind == snapshot::SnapshotKind::kIncremental;
  spec.first_table = snap->first_table();
  spec.last_table = snap->last_table();
  spec.table_start = snap->rows_in_table == 0;
  spec.limit = plan.key_columns.empty() ? 0 : plan.limit;
  spec.table_name = name;
  spec.after = snap->after_key ? std::string_view(*snap->after_key) : std::string_view();
  ChunkRowsResult result;
  held.Clear();
  auto throttle = [&](uint64_t rows, uint64_t bytes) {
    limiter->Acquire(rows, bytes, stop);
    progress->AddRows(rows, bytes);
  };
  Status failed;
  if (pipelined) {
    // Rows are read and encoded here while the sender thread hands the batch before to
    // the producer; every batch is sent before the chunk counts as done (Finish).
    BatchSender sender(deliver, stop);
    spec.deliver_records = kPipelinedBatchRecords;
    failed = ChunkRows<true>(
        **reader, *encoder, ce, spec, &held, &result,
        [&](dbz::RecordBuffer& batch) { return sender.Push(&batch); }, throttle, stop);
    Status sent = sender.Finish();
    if (failed.ok()) failed = std::move(sent);
  } else {
    failed = ChunkRows<true>(**reader, *encoder, ce, spec, &held, &result, deliver, throttle,
                             stop);
  }
  out->rows = result.rows;
  out->more = result.more;
  out->last_key = std::move(result.last_key);
  out->stopped = stop.stop_requested();
  (void)(*reader)->Finish();
  return failed;
}

// The chunk's rows are in Kafka's hands: the snapshot state moves past them.
Status MySqlSource::Impl::ChunkDone(const ChunkRead& read, const std::stop_token* window) {
  rows_emitted += read.rows;
  snap->rows_total += read.rows;
  if (read.more) {
    snap->rows_in_table += read.rows;
    snap->after_key = read.last_key;
  } else {
    progress->EndTable();
    snap->NextTable();
  }
  PublishSnapshotState();
  MarkOffset();
  kafka_txn_uncovered = false;  // the cursor covers the chunk now
  if (snap->done()) return EndSnapshot();
  if (window != nullptr && !exactly_once) {
    // The chunk just sent is acknowledged while the next one is read and sent (one reader
    // or read-ahead); this thread waits only for the previous chunk's records, then stores
    // the newest offset whose records are all acknowledged. A crash repeats at most two
    // chunks.
    const uint64_t through = previous_chunk_sequence;
    ack_wait.Wait(
        [&] { return producer->AckedThrough() >= through || producer->FirstFailure().has_value(); },
        Clock::now() + source_detail::kKafkaTimeout, *window);
    previous_chunk_sequence = producer->LastSequence();
    return FlushOffsets(false);
  }
  // Exactly-once (and the incremental snapshot's chunks): each chunk is made durable before
  // the next one is read (the Kafka transaction committed, or the producer flushed and the
  // offset stored): a crash repeats at most the chunk in flight.
  return FlushOffsets(true);
}

Status MySqlSource::Impl::SnapshotChunk(BinlogStream& stream, ResumeSkipper& skipper,
                                        std::stop_token stop) {
  Status s = SnapshotStep(stream, skipper, stop);
  if (!s.ok() && extended_lock) {
    // Writers do not wait while the connector retries or stops (taken again at the next
    // chunk).
    extended_lock.reset();
    spdlog::info("snapshot.locking.mode=extended: global read lock released ({})", s.message());
  }
  return s;
}

Status MySqlSource::Impl::SnapshotStep(BinlogStream& stream, ResumeSkipper& skipper,
                                       std::stop_token stop) {
  if (snap->done()) return EndSnapshot();
  // The method: MariaDB reports a consistent view's binlog position; elsewhere the view
  // is opened under a brief global read lock, or (no lock allowed) watermarks are used.
  const bool by_view = mariadb && snapshot_method != "lock" && snapshot_method != "watermark";
  const bool by_lock =
      !by_view && snapshot_method != "watermark" &&
      (snapshot_method == "lock" || (snapshot_method == "auto" && locking_mode != "none"));
  const bool initial = snap->kind == snapshot::SnapshotKind::kInitial;
  if (!snapshot_delay_done) {
    // snapshot.delay.ms: once per run, before the initial snapshot's first chunk (also
    // when it resumes), as Debezium waits before its snapshot.
    snapshot_delay_done = true;
    if (initial && snapshot_delay.count() > 0) {
      spdlog::info("snapshot.delay.ms: waiting {} ms before the snapshot", snapshot_delay.count());
      SleepFor(snapshot_delay, stop);
      if (stop.stop_requested()) return Status::Ok();
    }
  }
  if (initial && locking_mode == "extended" && (by_view || by_lock) && !extended_lock) {
    // Debezium's extended mode: writes blocked for the whole snapshot (released by
    // EndSnapshot, or with the connection when the connector stops or dies).
    auto conn = ConnectSnapshotSession(binlog);
    if (!conn) return conn.error();
    if (Status s = TakeGlobalReadLock(**conn, lock_timeout_ms); !s.ok()) return s;
    extended_lock = std::move(*conn);
    spdlog::info("snapshot.locking.mode=extended: FLUSH TABLES WITH READ LOCK held until the "
                 "snapshot ends (the server's writers wait meanwhile)");
  }
  if (ReadAheadApplies()) return ReadAheadChunkStep(stream, skipper, stop);
  DropReadAhead();
  if (sequential_chunks > 0) --sequential_chunks;
  if (Status s = OpenSnapshotConnection(); !s.ok()) return s;
  if (!by_view && !by_lock) return WatermarkChunk(stop);
  const event::TableId id = snap->tables.front();

  // The view: never older than what the stream already handled (a transaction written to
  // the binlog a moment before its commit became visible is not in the view yet).
  BinlogPosition at;
  const BinlogPosition here{stream_file, stream_pos, "", 0, false};
  // A stop while the server keeps a statement of this chunk waiting (FLUSH TABLES WITH
  // READ LOCK or the SELECT behind another client's lock) ends it with KILL QUERY: the
  // stop token is only seen between rows.
  auto kill = [options = binlog, id = snap_sql_id] {
    if (id != 0) KillQuery(options, id);
  };
  std::stop_callback<decltype(kill)> kill_on_stop(stop, kill);
  const auto t0 = Clock::now();
  for (int attempt = 0;; ++attempt) {
    auto view = BeginChunkView(by_lock);
    if (!view) {
      snap_sql.reset();
      if (stop.stop_requested()) return Status::Ok();  // killed on the way out
      return view.error();
    }
    if (ComparePositions(*view, here) >= 0) {
      at = *view;
      break;
    }
    (void)snap_sql->Execute("ROLLBACK");
    if (attempt >= 2000) {
      return Status::Unavailable(fmt::format(
          "snapshot: the server's view stays at {}:{}, behind the stream at {}:{}", view->file,
          view->pos, stream_file, stream_pos));
    }
    SleepFor(milliseconds(attempt < 10 ? 1 : 10), stop);
    if (stop.stop_requested()) return Status::Ok();
  }
  auto rollback = [&] { (void)snap_sql->Execute("ROLLBACK"); };

  // The stream up to the view's position: the schema and signals of that moment.
  if (Status s = CatchUp(stream, skipper, at, stop); !s.ok()) {
    rollback();
    return s;
  }
  if (stop.stop_requested() || !snap || snap->paused || snap->done() || snap->tables.front() != id) {
    rollback();  // a signal changed the plan meanwhile
    return Status::Ok();
  }
  auto plan = PlanChunk();
  if (!plan || !*plan) {
    rollback();
    return plan ? Status::Ok() : plan.error();
  }
  ChunkRead read;
  const std::string what = "snapshot of " + TableName(id);
  const auto t1 = Clock::now();
  // An initial snapshot's producer calls run on a second thread (BatchSender), so that
  // reading and encoding the rows (about two thirds of this thread's work before) goes on
  // while librdkafka takes the batch before -- with a malloc that scales across threads
  // only: on glibc's, the three threads allocating and freeing records wait on its arena
  // locks and the snapshot used more CPU for no gain (docs/benchmarks.md, "Allocators").
  Status s = ReadChunk(
      **plan, at, &read,
      [&](const dbz::RecordBuffer& rb) {
        return SendChunkRecords(rb.records(), (*plan)->table->topic, what, stop);
      },
      stop, /*pipelined=*/initial && MallocScalesAcrossThreads());
  if (!s.ok() || read.stopped) {
    rollback();
    // Stopping, or the table changed after the view was taken: nothing of this chunk
    // counts, the next view reads it again. Exactly-once: the records already sent are in
    // the open transaction; Finish aborts it when stopping, and a table change goes
    // through the stream's retry, which aborts it and rewinds to the last commit.
    if (!stop.stop_requested() && exactly_once && kafka_txn_uncovered &&
        IsTableDefinitionChanged(s)) {
      return Status::Unavailable(
          fmt::format("{} changed while a chunk was read ({}); exactly-once: the chunk's "
                      "records are aborted and sent again from the last commit",
                      TableName(id), s.message()));
    }
    if (s.ok() || IsTableDefinitionChanged(s)) return Status::Ok();
    return s.WithContext(what);
  }
  const auto t2 = Clock::now();
  (void)snap_sql->Execute("COMMIT");
  // Initial snapshot: the next chunk is read while Kafka acknowledges this one (ChunkDone's
  // window); a flush per chunk left the reader idle until the producer's queue was empty
  // (a 1M-row snapshot took 20% longer). Incremental chunks (small, beside the stream) are
  // still flushed one by one: a crash repeats at most one of them.
  Status done = ChunkDone(read, initial ? &stop : nullptr);
  auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  spdlog::debug("snapshot chunk: {} rows; {:.1f} ms for the view, the stream and the plan, "
                "{:.1f} ms for the rows, {:.1f} ms to commit and store",
                read.rows, ms(t1 - t0), ms(t2 - t1), ms(Clock::now() - t2));
  return done;
}

// ------------------------------------------------------------------ read-ahead
//
// With snapshot.max.threads = N > 1 (view and lock methods, tables with a key), chunks
// are read by N worker connections (snapshot::ChunkReaderPool) ahead of this thread:
// - A worker's chunk is a closed key range (lo, hi]. lo is where the chunk before ends;
//   hi is the key of the chunk's n-th row, found by an index seek inside the worker's own
//   view (`SELECT key ... WHERE key > lo ORDER BY key LIMIT 2 OFFSET n-1`), so no scan of
//   the table and no round trip on this thread. When no row follows the n-th, the chunk
//   is the table's tail, read as with one reader (LIMIT n+1: an extra row says the table
//   goes on, else its last row carries the closing marker); chunks queued behind a tail
//   find nothing to read (past_end) and are dropped.
// - Views in chunk order: the pool runs OpenView (the view) of chunk i only after chunk
//   i-1's returned, so S_1 <= S_2 <= ... (the lock method: each worker takes its brief
//   FTWRL in turn), and Prepare (the seek, the view's first read of the table) of chunk i
//   only after chunk i-1's; a worker that read the table never waits for another one
//   (snapshot/chunk_reader_pool.h: another client's LOCK TABLES or DDL queued behind it
//   would hold up the other worker's seek, and so itself, for good). Rows are read and
//   encoded in parallel, each chunk into its own buffer. At most N chunks are in flight,
//   each about ReadAheadChunkBytes() encoded (chunk rows follow the encoded size of the
//   chunks before).
// - Emission strictly in chunk order, here: wait for the oldest chunk's view; check that
//   the stream has not passed its position S (it can have: a paused incremental snapshot,
//   or a transaction seen in the binlog before its commit was visible to the view; then
//   the chunks in flight are dropped and read again in newer views); drive the stream to
//   S; check that the chunk is still the one the state expects (table, start key, the
//   schema at S: a signal or a DDL in between drops the chunks in flight); send it and
//   store the state exactly as with one reader ("tables left + last key", the key being
//   the range's end). A restart therefore resumes as before. This thread then waits only
//   for the previous chunk's acknowledgement (ChunkDone's window), not this one's.
// - A reader's failure (connection, a table dropped under it, ...) drops the chunks in
//   flight and reads the next chunk on this thread, whose error (if it persists) stops
//   the connector with the table named, as with one reader.
struct MySqlSource::Impl::ReadAheadChunk final : snapshot::ChunkJob {
  // Set by the connector's thread before Submit; read-only afterwards.
  event::TableId id;
  std::shared_ptr<const event::TableSchema> schema;
  std::shared_ptr<const event::TableSchema> keys_schema;  // the key columns alone (seeks)
  std::shared_ptr<const dbz::TableEncoding> encoding;
  const dbz::EncoderOptions* options = nullptr;  // the connector's, immutable
  snapshot::RateLimiter* limiter = nullptr;      // thread-safe
  snapshot::ChunkSpec spec;  // key columns, condition, override (spec.table: schema.get())
  uint64_t limit = 0;        // rows per chunk
  bool lock = false;         // the view under FLUSH TABLES WITH READ LOCK
  int64_t lock_timeout_ms = 0;  // ... waiting at most this long (snapshot.lock.timeout.ms)
  bool incremental = false;
  bool first_table = false;
  bool last_table = false;
  bool table_start = false;  // the table's first chunk
  bool alone = false;        // no chunk is queued behind this one (FillReadAhead)
  uint64_t seq = 0;          // the pool's
  // The chunk before this one (nullptr: this one starts at `lo`). Read, then released, by
  // Prepare, which the pool runs after the previous chunk's Prepare returned.
  std::shared_ptr<ReadAheadChunk> previous;

  // Set when Prepare returned. The next chunk's OpenView may come before that (the lock
  // method opens a batch's views before the batch's seeks) or after (the view method).
  std::atomic<bool> prepared{false};
  // Written by OpenView and Prepare; read by the connector's thread after WaitView, and
  // by the next chunk's OpenView (once `prepared`) and Prepare.
  bool opened = false;             // OpenView and Prepare succeeded
  bool past_end = false;           // nothing to read: the table ended before this chunk
  std::optional<std::string> lo;   // rows with key > lo (nullopt: from the start)
  std::optional<std::string> hi;   // ... and <= hi; nullopt: the table's tail, `limit` rows
  BinlogPosition at;
  std::string select;
  // Written by Read; read by the connector's thread after WaitDone.
  dbz::RecordBuffer records;
  ChunkRead read;
  uint64_t row_bytes = 0;      // row data read
  uint64_t encoded_bytes = 0;  // keys and values encoded

  // The view alone: no table is read here (the pool's rule: a worker holding a table's
  // metadata lock must not wait for another worker's view, which can wait behind another
  // client's LOCK TABLES or DDL queued for that lock). When the chunk before is known to
  // end the table already, no view is taken.
  Status OpenView(mysql::SqlConnection& conn) override {
    if (previous && previous->prepared.load(std::memory_order_acquire)) {
      if (!previous->opened) return Status::Unavailable("snapshot reader: the chunk before failed");
      if (previous->past_end || !previous->hi) {
        previous.reset();
        past_end = true;  // the table's tail is before this chunk
        opened = true;
        return Status::Ok();
      }
    }
    auto view = OpenConsistentView(conn, lock, lock_timeout_ms);
    if (!view) return view.error();
    at = *view;
    return Status::Ok();
  }

  // The chunk's range starts where the previous one ends; its end is found by an index
  // seek inside the view (the key of its `limit`-th row, when a row follows it).
  Status Prepare(mysql::SqlConnection& conn) override {
    Status s = Bound(conn);
    prepared.store(true, std::memory_order_release);
    return s;
  }

  Status Bound(mysql::SqlConnection& conn) {
    if (past_end) return Status::Ok();  // known by OpenView
    if (previous) {
      std::shared_ptr<ReadAheadChunk> p = std::move(previous);
      if (!p->opened) return Status::Unavailable("snapshot reader: the chunk before failed");
      if (p->past_end || !p->hi) {
        (void)conn.Execute("ROLLBACK");  // the view goes unused
        past_end = true;
        opened = true;
        return Status::Ok();
      }
      lo = p->hi;
    }
    snapshot::ChunkSpec seek = spec;
    seek.table = keys_schema.get();
    seek.after_key = lo;
    seek.limit = 2;
    seek.offset = limit - 1;
    auto seek_sql = snapshot::BuildChunkSelect(seek);
    if (!seek_sql) return seek_sql.error();
    auto reader = snapshot::RowReader::Open(conn, keys_schema, *seek_sql, spec.key_columns);
    if (!reader) return reader.error().WithContext("snapshot: finding a chunk boundary");
    auto first = (*reader)->Next();
    if (!first) return first.error().WithContext("snapshot: finding a chunk boundary");
    if (*first != nullptr) {
      std::string end = (*reader)->LastKeyJson();
      auto second = (*reader)->Next();
      if (!second) return second.error().WithContext("snapshot: finding a chunk boundary");
      if (*second != nullptr) hi = std::move(end);
    }
    (void)(*reader)->Finish();
    snapshot::ChunkSpec rows = spec;
    rows.after_key = lo;
    if (hi) {
      rows.through_key = hi;
      rows.limit = 0;
    } else {
      rows.limit = limit + 1;  // one row more says whether the table goes on
    }
    auto sql = snapshot::BuildChunkSelect(rows);
    if (!sql) return sql.error();
    select = std::move(*sql);
    opened = true;
    return Status::Ok();
  }

  Status Read(mysql::SqlConnection& conn, std::stop_token stop) override {
    if (past_end) return Status::Ok();
    Status failed = ReadRows(conn, stop);
    const bool stopped = stop.stop_requested();
    if (failed.ok() && !stopped) {
      if (Status s = conn.Execute("COMMIT"); !s.ok()) failed = s.WithContext("snapshot");
    } else {
      (void)conn.Execute("ROLLBACK");
    }
    if (failed.ok() && stopped) return Status::Unavailable("snapshot reader: chunk abandoned");
    return failed;
  }

 private:
  Status ReadRows(mysql::SqlConnection& conn, std::stop_token stop) {
    auto reader = snapshot::RowReader::Open(conn, schema, select, spec.key_columns);
    if (!reader) return reader.error();
    dbz::EventEncoder encoder(*options);
    dbz::ChangeEvent ce;
    ce.op = dbz::Operation::kRead;
    ce.source.ts_us = NowMs() * 1000;
    ce.source.file = at.file;
    ce.source.pos = static_cast<int64_t>(at.pos);
    ce.source.db = id.database;
    ce.source.table = id.table;
    const std::string name = TableName(id);
    const bool tail = !hi;
    ChunkRowsSpec rows;
    rows.encoding = encoding.get();
    rows.incremental = incremental;
    rows.first_table = first_table;
    rows.last_table = last_table;
    rows.table_start = table_start;
    rows.limit = tail ? limit : 0;
    rows.end_closes_table = tail;
    rows.table_name = name;
    rows.after = lo ? std::string_view(*lo) : std::string_view();
    ChunkRowsResult result;
    const bool capped = !limiter->unlimited();
    Status failed = ChunkRows<false>(
        **reader, encoder, ce, rows, &records, &result,
        [](const dbz::RecordBuffer&) { return Status::Ok(); },
        [&](uint64_t n, uint64_t bytes) {
          if (capped) limiter->Acquire(n, bytes, stop);  // thread-safe; sleeps unlocked
        },
        stop);
    read.rows = result.rows;
    read.more = result.more;
    read.last_key = std::move(result.last_key);
    if (!tail) {
      read.more = true;  // the tail chunk follows
      read.last_key = *hi;
    }
    row_bytes = (*reader)->bytes_read();
    for (const auto& r : records.records()) encoded_bytes += r.key.size() + r.value.size();
    (void)(*reader)->Finish();
    return failed;
  }
};

// Buffers of emitted chunks kept for their capacity (one is reused per chunk submitted).
constexpr size_t kSpareChunkBuffers = 2;

bool MySqlSource::Impl::ReadAheadApplies() const {
  if (snapshot_threads <= 1 || sequential_chunks > 0 || !snap || snap->done()) return false;
  const bool by_view = mariadb && snapshot_method != "lock" && snapshot_method != "watermark";
  const bool by_lock =
      !by_view && snapshot_method != "watermark" &&
      (snapshot_method == "lock" || (snapshot_method == "auto" && locking_mode != "none"));
  if (!by_view && !by_lock) return false;  // watermarks: one reader
  auto schema = tracker->Table(snap->tables.front());
  return schema && !schema->IdentityKey().empty();  // tables without a key: one scan
}

void MySqlSource::Impl::DropReadAhead() {
  if (read_ahead.empty()) return;
  if (snap_pool) snap_pool->Cancel();
  for (auto& chunk : read_ahead) {
    if (spare_chunk_buffers.size() < kSpareChunkBuffers) {
      chunk->records.Clear();
      spare_chunk_buffers.push_back(std::move(chunk->records));
    }
  }
  read_ahead.clear();
}

Status MySqlSource::Impl::FillReadAhead() {
  const bool views_apart = !(mariadb && snapshot_method != "lock");  // the lock method
  if (!snap_pool) {
    // The lock method: no FLUSH TABLES WITH READ LOCK while a reader's SELECT runs (it
    // would wait for it, blocking the server's writers meanwhile): views in batches.
    snapshot::PoolOptions po;
    po.views_apart_from_reads = views_apart;
    snap_pool = std::make_unique<snapshot::ChunkReaderPool>(
        snapshot_threads, [options = binlog] { return ConnectSnapshotSession(options); }, po);
    spdlog::info("snapshot: {} reader threads read chunks ahead (snapshot.max.threads){}",
                 snapshot_threads,
                 po.views_apart_from_reads ? "; views under the read lock opened while no "
                                             "reader runs a query"
                                           : "");
  }
  while (read_ahead.size() < static_cast<size_t>(snapshot_threads)) {
    if (!read_ahead.empty() && read_ahead.back()->alone) break;
    auto chunk = std::make_shared<ReadAheadChunk>();
    if (read_ahead.empty()) {
      // The first chunk in flight starts where the stored state is.
      const bool table_start = snap->rows_in_table == 0 && !snap->after_key;
      auto planned = PlanChunkAt(snap->tables.front(), snap->after_key, table_start);
      if (!planned) return planned.error();
      if (!*planned) return Status::Ok();  // no schema (dropped): skipped
      ChunkPlan& plan = **planned;
      if (plan.key_columns.empty()) return Status::Ok();  // ReadAheadApplies said otherwise
      event::TableSchema keys_only;
      keys_only.id = plan.id;
      for (const auto& k : plan.key_columns) {
        int i = plan.schema->FindColumn(k);
        if (i < 0) return Status::Internal("snapshot: key column " + k + " not in the table");
        keys_only.columns.push_back(plan.schema->columns[static_cast<size_t>(i)]);
      }
      keys_only.primary_key = plan.key_columns;
      chunk->id = plan.id;
      chunk->schema = plan.schema;
      chunk->keys_schema = std::make_shared<const event::TableSchema>(std::move(keys_only));
      // Its own encoding object: the shared cache may replace an entry a worker still uses.
      auto& enc = read_ahead_encodings[plan.id];
      if (!enc || enc->table != plan.schema) {
        auto built = dbz::BuildTableEncoding(plan.schema, enc_options, filters);
        if (!built) return built.error();
        enc = std::move(*built);
      }
      chunk->encoding = enc;
      chunk->spec = plan.spec;
      chunk->spec.after_key.reset();
      chunk->spec.limit = 0;
      chunk->limit = plan.limit;
      chunk->lo = snap->after_key;
      chunk->table_start = table_start;
      // The lock method opens a batch's views before their seeks (snapshot/
      // chunk_reader_pool.h), so a chunk queued behind the table's tail would cost a FLUSH
      // TABLES WITH READ LOCK for nothing: a table the server estimates at half a chunk or
      // less starts with one chunk in flight (if it goes on, the next ones are read ahead
      // as usual).
      chunk->alone = table_start && views_apart &&
                     progress->figures().rows_estimated <= plan.limit / 2;
    } else {
      // The next ones start where the chunk before them ends (their Prepare knows).
      const ReadAheadChunk& back = *read_ahead.back();
      chunk->id = back.id;
      chunk->schema = back.schema;
      chunk->keys_schema = back.keys_schema;
      chunk->encoding = back.encoding;
      chunk->spec = back.spec;
      chunk->limit = back.limit;
      const bool incremental = snap->kind == snapshot::SnapshotKind::kIncremental;
      if (!incremental && !chunk_rows_explicit) {
        if (auto it = chunk_rows_of.find(back.id); it != chunk_rows_of.end()) {
          chunk->limit = FetchCap(it->second);
        }
      }
      chunk->previous = read_ahead.back();
    }
    chunk->spec.table = chunk->schema.get();
    chunk->options = &enc_options;
    chunk->limiter = limiter.get();
    chunk->lock = views_apart;
    chunk->lock_timeout_ms = lock_timeout_ms;
    chunk->incremental = snap->kind == snapshot::SnapshotKind::kIncremental;
    chunk->first_table = snap->first_table();
    chunk->last_table = snap->last_table();
    if (!spare_chunk_buffers.empty()) {
      chunk->records = std::move(spare_chunk_buffers.back());
      spare_chunk_buffers.pop_back();
      chunk->records.Clear();
    }
    chunk->seq = snap_pool->Submit(chunk);
    read_ahead.push_back(std::move(chunk));
  }
  return Status::Ok();
}

Status MySqlSource::Impl::ReadAheadChunkStep(BinlogStream& stream, ResumeSkipper& skipper,
                                             std::stop_token stop) {
  auto stopping = [&] {
    DropReadAhead();
    snap_pool.reset();  // workers joined before the connector returns
    return Status::Ok();
  };
  // A reader's failure: the chunks in flight go, the next chunk is read by this thread.
  auto fall_back = [&](const Status& why, std::string_view what) {
    DropReadAhead();
    if (++read_ahead_failures >= 3) {
      spdlog::warn("snapshot: {}: {}; {} failures of the reader threads in a row: the rest of "
                   "this snapshot is read on the connector's thread",
                   what, why.message(), read_ahead_failures);
      sequential_chunks = std::numeric_limits<int>::max();
      snap_pool.reset();
      return Status::Ok();
    }
    spdlog::warn("snapshot: {}: {}; reading the next chunk on the connector's thread", what,
                 why.message());
    sequential_chunks = 1;
    return Status::Ok();
  };
  // The chunks in flight go and are read again in newer views; after 100 such retakes in
  // a row, the one-thread way reads the next chunk (it retries in its own views, and fails
  // if the table cannot be read).
  auto retake = [&] {
    DropReadAhead();
    if (++view_retakes >= 100) {
      view_retakes = 0;
      sequential_chunks = 1;
    }
    SleepFor(milliseconds(1), stop);
    return Status::Ok();
  };
  if (Status s = OpenSnapshotConnection(); !s.ok()) return s;
  if (Status s = FillReadAhead(); !s.ok()) {
    if (stop.stop_requested()) return stopping();
    return fall_back(s, "planning the next chunks of " + TableName(snap->tables.front()));
  }
  if (read_ahead.empty()) return Status::Ok();  // the front table was skipped
  std::shared_ptr<ReadAheadChunk> chunk = read_ahead.front();
  const std::string what = "snapshot of " + TableName(chunk->id);
  const auto t0 = Clock::now();
  Status view = snap_pool->WaitView(chunk->seq, stop);
  if (stop.stop_requested()) return stopping();
  if (IsTableDefinitionChanged(view)) {
    // The table changed after the view was taken (before its seek): newer views read it.
    return retake();
  }
  if (!view.ok()) return fall_back(view, what + " (reader thread)");
  if (chunk->past_end) {
    // The chunk before was the table's tail, which went on (more rows than when it was
    // planned) or ended it: the next chunks are planned from the state.
    DropReadAhead();
    return Status::Ok();
  }
  const BinlogPosition here{stream_file, stream_pos, "", 0, false};
  if (ComparePositions(chunk->at, here) < 0) {
    // The stream already handled events after this view: read again in newer views.
    return retake();
  }
  view_retakes = 0;
  // The stream up to the view's position: the schema and signals of that moment.
  if (Status s = CatchUp(stream, skipper, chunk->at, stop); !s.ok()) {
    DropReadAhead();
    return s;
  }
  if (stop.stop_requested()) return stopping();
  if (!snap || snap->paused || snap->done() || snap->tables.front() != chunk->id ||
      snap->after_key != chunk->lo ||
      (snap->rows_in_table == 0 && !snap->after_key) != chunk->table_start ||
      tracker->Table(chunk->id) != chunk->schema) {
    DropReadAhead();  // a signal or a DDL changed the plan meanwhile
    return Status::Ok();
  }
  const auto t1 = Clock::now();
  Status done = snap_pool->WaitDone(chunk->seq, stop);
  if (stop.stop_requested()) return stopping();
  const auto t2 = Clock::now();
  read_ahead.pop_front();
  if (!done.ok()) {
    // The table changed after the view was taken: nothing of this chunk counts.
    if (IsTableDefinitionChanged(done)) {
      DropReadAhead();
      return Status::Ok();
    }
    return fall_back(done, what + " (reader thread)");
  }
  if (Status s = SendChunkRecords(chunk->records.records(), chunk->encoding->topic, what, stop);
      !s.ok()) {
    DropReadAhead();
    return s;
  }
  read_ahead_failures = 0;
  progress->AddRows(chunk->read.rows, chunk->row_bytes);
  const bool incremental = snap->kind == snapshot::SnapshotKind::kIncremental;
  if (chunk->read.rows >= 64 && !incremental && !chunk_rows_explicit) {
    // Chunks of ReadAheadChunkBytes() encoded: what the ones in flight hold.
    uint64_t per_row = std::max<uint64_t>(1, chunk->encoded_bytes / chunk->read.rows);
    chunk_rows_of[chunk->id] =
        std::clamp<uint64_t>(ReadAheadChunkBytes() / per_row, 1024, 262144);
  }
  ChunkRead read = std::move(chunk->read);
  if (spare_chunk_buffers.size() < kSpareChunkBuffers) {
    chunk->records.Clear();
    spare_chunk_buffers.push_back(std::move(chunk->records));
  }
  chunk.reset();
  const auto t3 = Clock::now();
  // The workers get their next chunks before this thread waits for Kafka (ChunkDone
  // flushes); planning continues from the newest chunk in flight.
  if (!read_ahead.empty()) {
    if (Status s = FillReadAhead(); !s.ok()) {
      spdlog::debug("snapshot: planning ahead: {}", s.message());
      DropReadAhead();
    }
  }
  const auto t4 = Clock::now();
  Status s = ChunkDone(read, &stop);
  auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  spdlog::debug("snapshot chunk: {} rows; waited {:.1f} ms for the view and the stream, {:.1f} "
                "ms for the rows, sent in {:.1f} ms, planned in {:.1f} ms, stored in {:.1f} ms",
                read.rows, ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), ms(t4 - t3),
                ms(Clock::now() - t4));
  return s;
}

// ------------------------------------------------------------------ watermark method

Result<BinlogPosition> MySqlSource::Impl::ReadServerPosition(mysql::SqlConnection& conn) {
  return ServerPosition(conn);
}

// DBLog: low watermark, chunk SELECT, high watermark; the chunk is emitted when the
// stream passes the high watermark, minus rows whose keys the stream changed between the
// two (their newest state is in those change events). Watermarks are rows inserted into
// the signal table (Debezium's snapshot-window-open/-close), or with read.only the
// server's binlog positions before and after the SELECT.
Status MySqlSource::Impl::WatermarkChunk(std::stop_token stop) {
  if (!read_only && !signal_table) {
    return Status::FailedPrecondition(
        "snapshot: without a consistent-view position (MySQL) and without FLUSH TABLES WITH "
        "READ LOCK (snapshot.locking.mode=none), chunks are bounded by watermarks: set "
        "signal.data.collection to a table Tributary may insert into (id VARCHAR(42) PRIMARY "
        "KEY, type VARCHAR(32), data TEXT), or read.only=true");
  }
  auto plan = PlanChunk();
  if (!plan) return plan.error();
  if (!*plan) return Status::Ok();
  ChunkPlan& p = **plan;
  if (p.key_columns.empty()) {
    return Status::FailedPrecondition(fmt::format(
        "snapshot: {} has no primary key or NOT NULL unique key; without a consistent-view "
        "position or a read lock its rows cannot be reconciled with the binlog (add a key, "
        "or allow snapshot.locking.mode=minimal)",
        TableName(p.id)));
  }
  PendingChunk pc;
  pc.id = fmt::format("{}-{}", enc_options.run_id.substr(0, 8), ++chunk_counter);
  pc.table = p.id;
  pc.topic = p.table->topic;
  std::string signal_name = signal_table ? TableName(*signal_table) : "";
  std::shared_ptr<const event::TableSchema> signal_schema =
      signal_table ? tracker->Table(*signal_table) : nullptr;
  const std::string opened = snapshot::Iso8601Instant(std::chrono::system_clock::now());
  if (read_only) {
    auto lo = ReadServerPosition(*snap_sql);
    if (!lo) return lo.error();
    pc.by_position = true;
    pc.lo = *lo;
  } else {
    auto sql = snapshot::WatermarkInsertSql(signal_name, snapshot::SignalType::kWindowOpen, pc.id,
                                            snapshot::WatermarkData(opened), signal_schema.get());
    if (!sql) return sql.error();
    if (Status s = snap_sql->Execute(*sql); !s.ok()) {
      return s.WithContext("snapshot: writing the low watermark into " + signal_name);
    }
  }
  ChunkRead read;
  Status s = ReadChunk(
      p, pc.lo, &read,
      [&](const dbz::RecordBuffer& rb) {
        for (const auto& r : rb.records()) pc.records.Add() = r;
        return Status::Ok();
      },
      stop);
  if (!s.ok()) return s.WithContext("snapshot of " + TableName(p.id));
  if (read.stopped) return Status::Ok();
  pc.rows = read.rows;
  pc.more = read.more;
  pc.last_key = read.last_key;
  if (read_only) {
    auto hi = ReadServerPosition(*snap_sql);
    if (!hi) return hi.error();
    pc.hi = *hi;
  } else {
    auto sql = snapshot::WatermarkInsertSql(
        signal_name, snapshot::SignalType::kWindowClose, pc.id,
        snapshot::WatermarkData(opened, snapshot::Iso8601Instant(std::chrono::system_clock::now())),
        signal_schema.get());
    if (!sql) return sql.error();
    if (Status st = snap_sql->Execute(*sql); !st.ok()) {
      return st.WithContext("snapshot: writing the high watermark into " + signal_name);
    }
  }
  pending_chunk = std::move(pc);
  if (pending_chunk->by_position) {
    OpenWindowAt(stream_file, stream_pos);
    return CloseWindowAt(stop);
  }
  return Status::Ok();
}

void MySqlSource::Impl::OpenWindowAt(std::string_view file, uint64_t pos) {
  if (!pending_chunk || !pending_chunk->by_position || pending_chunk->in_window) return;
  if (ComparePositions(BinlogPosition{std::string(file), pos, "", 0, false}, pending_chunk->lo) >= 0) {
    pending_chunk->in_window = true;
  }
}

Status MySqlSource::Impl::CloseWindowAt(std::stop_token stop) {
  if (!pending_chunk || !pending_chunk->by_position) return Status::Ok();
  if (ComparePositions(BinlogPosition{stream_file, stream_pos, "", 0, false}, pending_chunk->hi) < 0) {
    return Status::Ok();
  }
  return EmitPendingChunk(stop);
}

Status MySqlSource::Impl::EmitPendingChunk(std::stop_token stop) {
  PendingChunk pc = std::move(*pending_chunk);
  pending_chunk.reset();
  if (!snap || snap->done() || snap->tables.front() != pc.table) return Status::Ok();
  // Rows whose keys the stream changed inside the window are stale: their newest state
  // went out as those change events.
  const std::string what = "snapshot of " + TableName(pc.table);
  uint64_t dropped = 0;
  for (const auto& r : pc.records.records()) {
    if (r.has_key && pc.touched.contains(r.key)) {
      ++dropped;
      continue;
    }
    if (Status s = SendChunkRecords({&r, 1}, pc.topic, what, stop); !s.ok()) {
      return s;
    }
  }
  if (dropped > 0) {
    spdlog::debug("snapshot chunk {} of {}: {} rows changed inside the window, sent by the "
                  "stream instead",
                  pc.id, TableName(pc.table), dropped);
  }
  ChunkRead read;
  read.rows = pc.rows;
  read.more = pc.more;
  read.last_key = std::move(pc.last_key);
  return ChunkDone(read);
}

// ------------------------------------------------------------------ signals

Status MySqlSource::Impl::HandleSignalRows(const mysql::RowsEvent& rows, std::stop_token stop) {
  if (rows.kind != mysql::RowsKind::kWrite) return Status::Ok();
  auto schema = tracker->Table(*signal_table);
  if (!schema) return Status::Ok();
  for (const auto& row : rows.rows) {
    auto sig = snapshot::SignalFromRow(*schema, row.after.values);
    if (!sig) {
      spdlog::warn("signal table {}: {}", TableName(*signal_table), sig.error().message());
      continue;
    }
    if (!*sig) continue;
    const snapshot::Signal& signal = **sig;
    if (signal.type == snapshot::SignalType::kWindowOpen ||
        signal.type == snapshot::SignalType::kWindowClose) {
      auto chunk = snapshot::ChunkIdOfWindow(signal.id);
      if (!pending_chunk || pending_chunk->by_position || !chunk || *chunk != pending_chunk->id) {
        continue;  // a window of an earlier run or chunk
      }
      if (signal.type == snapshot::SignalType::kWindowOpen) {
        pending_chunk->in_window = true;
      } else if (Status s = EmitPendingChunk(stop); !s.ok()) {
        return s;
      }
      continue;
    }
    if (!source_signals) continue;
    if (Status s = HandleSignal(signal); !s.ok()) return s;
  }
  return Status::Ok();
}

Status MySqlSource::Impl::PollSignals() {
  if (!kafka_signals) return Status::Ok();
  auto now = Clock::now();
  if (now - last_signal_poll < milliseconds(500)) return Status::Ok();
  last_signal_poll = now;
  if (!signal_channel) {
    auto ch = snapshot::KafkaSignalChannel::Open(cfg);
    if (!ch) return ch.error().WithContext("the Kafka signal channel");
    signal_channel = std::move(*ch);
  }
  auto signals = signal_channel->Poll();
  if (!signals) return signals.error().WithContext("the Kafka signal channel");
  for (const auto& s : *signals) {
    if (Status st = HandleSignal(s); !st.ok()) return st;
  }
  return Status::Ok();
}

Status MySqlSource::Impl::HandleSignal(const snapshot::Signal& signal) {
  using snapshot::SignalType;
  switch (signal.type) {
    case SignalType::kExecuteSnapshot: {
      std::vector<std::string> patterns;
      for (const auto& dc : signal.data_collections) {
        patterns.push_back(dc);
      }
      if (patterns.empty()) {
        spdlog::warn("signal {}: execute-snapshot without data-collections ignored", signal.id);
        return Status::Ok();
      }
      snapshot::SnapshotState st;
      st.kind = snapshot::SnapshotKind::kIncremental;
      st.signal_id = signal.id;
      st.tables = SnapshotTables(tracker->catalog().TableIds(), patterns);
      for (const auto& c : signal.additional_conditions) {
        auto one = SnapshotTables(st.tables, {c.data_collection});
        if (c.data_collection.empty()) one = st.tables;
        for (const auto& t : one) st.conditions[t] = c.filter;
      }
      if (signal.snapshot_type != "incremental") {
        spdlog::warn("signal {}: snapshot type '{}' runs as an incremental snapshot", signal.id,
                     signal.snapshot_type);
      }
      spdlog::info("signal {}: execute-snapshot of {} tables", signal.id, st.tables.size());
      if (snap && snap->kind == snapshot::SnapshotKind::kIncremental) {
        // Joins the running incremental snapshot, as Debezium does.
        for (auto& t : st.tables) {
          if (std::find(snap->tables.begin(), snap->tables.end(), t) == snap->tables.end()) {
            snap->tables.push_back(t);
            ++snap->tables_total;
          }
          if (auto c = st.conditions.find(t); c != st.conditions.end()) snap->conditions[t] = c->second;
        }
        PublishSnapshotState();
        return Status::Ok();
      }
      StartSnapshot(std::move(st));
      return Status::Ok();
    }
    case SignalType::kStopSnapshot: {
      if (!snap || snap->kind != snapshot::SnapshotKind::kIncremental) {
        spdlog::info("signal {}: stop-snapshot, but no incremental snapshot runs", signal.id);
        return Status::Ok();
      }
      if (signal.data_collections.empty()) {
        spdlog::info("signal {}: incremental snapshot stopped", signal.id);
        snap->tables.clear();
        return EndSnapshot();
      }
      auto drop = SnapshotTables(snap->tables, signal.data_collections);
      for (const auto& t : drop) {
        auto it = std::find(snap->tables.begin(), snap->tables.end(), t);
        if (it == snap->tables.end()) continue;
        if (it == snap->tables.begin()) {
          snap->NextTable();
        } else {
          snap->tables.erase(it);
        }
      }
      spdlog::info("signal {}: {} tables removed from the incremental snapshot", signal.id,
                   drop.size());
      if (snap->done()) return EndSnapshot();
      PublishSnapshotState();
      return Status::Ok();
    }
    case SignalType::kPauseSnapshot:
      if (snap && snap->kind == snapshot::SnapshotKind::kIncremental) {
        snap->paused = true;
        PublishSnapshotState();
        spdlog::info("signal {}: incremental snapshot paused", signal.id);
      }
      return Status::Ok();
    case SignalType::kResumeSnapshot:
      if (snap && snap->paused) {
        snap->paused = false;
        PublishSnapshotState();
        spdlog::info("signal {}: incremental snapshot resumed", signal.id);
      }
      return Status::Ok();
    case SignalType::kLog:
      spdlog::info("signal {}: {}", signal.id, signal.message);
      return Status::Ok();
    default:
      spdlog::info("signal {}: type '{}' ignored", signal.id, signal.type_text);
      return Status::Ok();
  }
}

}  // namespace tributary::connectors
