#include "connectors/mysql_source.h"

#include "connectors/mysql_source_impl.h"
#include "connectors/source_metrics.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <random>

namespace tributary::connectors {

using source_detail::kKafkaTimeout;
using source_detail::NowMs;
using source_detail::NowNs;
using source_detail::SleepFor;

namespace {

std::string RandomRunId() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  uint64_t a = gen(), b = gen();
  // RFC 4122 version 4 layout.
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff,
                     a & 0xffff, b >> 48, b & 0xffffffffffffULL);
}

// MariaDB GTID position text "d-s-n,d-s-n" ⇄ map by domain.
std::map<uint32_t, std::string> ParseMariaGtidPos(std::string_view text) {
  std::map<uint32_t, std::string> out;
  for (const auto& item : config::SplitList(text)) {
    size_t dash = item.find('-');
    if (dash == std::string::npos) continue;
    out[static_cast<uint32_t>(std::strtoul(item.c_str(), nullptr, 10))] = item;
  }
  return out;
}

std::string MariaGtidPosText(const std::map<uint32_t, std::string>& m) {
  std::string out;
  for (const auto& [domain, gtid] : m) {
    if (!out.empty()) out.push_back(',');
    out += gtid;
  }
  return out;
}

}  // namespace


// ------------------------------------------------------------------ configuration

Status MySqlSource::Impl::Configure() {
  name = cfg.name;
  server = cfg.GetString("topic.prefix");
  binlog.host = cfg.GetString("database.hostname");
  binlog.port = static_cast<uint16_t>(cfg.GetLong("database.port"));
  binlog.user = cfg.GetString("database.user");
  binlog.password = cfg.GetString("database.password");
  binlog.server_id = static_cast<uint32_t>(cfg.GetLong("database.server.id"));
  auto ssl = mysql::ParseSslMode(cfg.GetString("database.ssl.mode"));
  if (!ssl) return ssl.error().WithContext("database.ssl.mode");
  binlog.ssl_mode = *ssl;
  binlog.ssl_ca = cfg.GetString("database.ssl.ca");
  binlog.connect_timeout = milliseconds(cfg.GetLong("connect.timeout.ms"));
  // The server's heartbeats wake the stream when the source is quiet: they drive our
  // heartbeats, offset flushes and a prompt stop.
  binlog.heartbeat_period =
      std::min(milliseconds(cfg.GetLong("connect.keep.alive.interval.ms")), milliseconds(1000));
  keep_alive = cfg.GetBool("connect.keep.alive");

  std::map<std::string, std::string> props;
  for (const auto& [key, value] : cfg.values) props[key] = value.value;
  props["connector.class"] = cfg.connector_class;
  auto enc = dbz::ParseEncoderOptions(props);
  if (!enc) return enc.error();
  enc_options = std::move(*enc);
  enc_options.run_id = RandomRunId();
  auto f = dbz::ColumnFilters::Create(enc_options.filters);
  if (!f) return f.error();
  filters = std::move(*f);

  auto sk = SkippedOperations::Parse(cfg.GetList("skipped.operations"));
  if (!sk) return sk.error();
  skipped = *sk;
  snapshot_mode = cfg.GetString("snapshot.mode");
  locking_mode = cfg.GetString("snapshot.locking.mode");
  recovery_mode = snapshot_mode == "recovery" || snapshot_mode == "schema_only_recovery";
  include_schema_changes = cfg.GetBool("include.schema.changes");
  exactly_once = cfg.GetString("exactly.once.support") == "required";
  tolerate_errors = cfg.GetString("errors.tolerance") == "all";
  retry_timeout_ms = cfg.GetLong("errors.retry.timeout");
  heartbeat_ms = cfg.GetLong("heartbeat.interval.ms");
  flush_ms = cfg.GetLong("offset.flush.interval.ms");
  poll_ms = cfg.GetLong("poll.interval.ms");
  max_batch = cfg.GetLong("max.batch.size");
  heartbeat_topic = cfg.GetString("topic.heartbeat.prefix") + "." + server;
  transaction_topic = server + enc_options.topic_delimiter + cfg.GetString("topic.transaction");
  offsets_topic = cfg.GetString("offset.storage.topic");
  offsets_file = cfg.GetString("offset.storage.file.filename");
  history_in_kafka = cfg.GetString("schema.history.internal").find("FileSchemaHistory") ==
                     std::string::npos;
  history_topic = cfg.GetString("schema.history.internal.kafka.topic");
  history_file = cfg.GetString("schema.history.internal.file.filename");
  if (history_in_kafka && history_topic.empty()) {
    return Status::InvalidArgument(
        "schema.history.internal.kafka.topic (1.x: database.history.kafka.topic) is required "
        "with the Kafka schema history");
  }
  if (!history_in_kafka && history_file.empty()) {
    return Status::InvalidArgument(
        "schema.history.internal.file.filename is required with FileSchemaHistory");
  }
  if (exactly_once && !offsets_file.empty()) {
    return Status::InvalidArgument(
        "exactly.once.support=required keeps offsets in the connect-offsets topic, in the "
        "same Kafka transaction as the events: remove offset.storage.file.filename");
  }
  auto pc = kafka::ClientConfigFor(cfg, kafka::ClientRole::kProducer);
  if (!pc) return pc.error();
  producer_config = std::move(*pc);
  if (auto m = producer_config.Get("message.max.bytes")) {
    max_record_bytes = static_cast<size_t>(std::strtoull(m->c_str(), nullptr, 10));
  }
  auto ac = kafka::ClientConfigFor(cfg, kafka::ClientRole::kAdmin);
  if (!ac) return ac.error();
  admin_config = std::move(*ac);
  return ConfigureSnapshot();
}

// ------------------------------------------------------------------ start

Status MySqlSource::Impl::ConnectKafka(std::stop_token stop) {
  // Kafka Connect gives source producers delivery.timeout.ms=Integer.MAX_VALUE: records
  // wait for an unreachable broker as long as it takes (the bounded queue stops the binlog
  // reader meanwhile) instead of failing after librdkafka's 300 s. The offsets store uses
  // the same settings. A transactional producer keeps librdkafka's default, which must
  // not exceed transaction.timeout.ms (a failed transaction is resent anyway).
  if (!exactly_once && !producer_config.Has("delivery.timeout.ms") &&
      !producer_config.Has("message.timeout.ms")) {
    producer_config.Set("message.timeout.ms", "2147483647");
  }
  kafka::ProducerOptions po;
  po.client = producer_config;
  if (!po.client.Has("linger.ms") && !po.client.Has("queue.buffering.max.ms")) {
    // 20 ms rather than librdkafka's (and Kafka Connect's) 5: fewer, larger batches. At
    // 5k txn/s on this project's 2-core machine the commit -> ack p99 fell from 89-194 ms
    // to 22 ms (p50 3 -> 11 ms), a 5M-row snapshot ran 7-13 % faster on 15 % less CPU, the
    // backlog rate did not move (docs/benchmarks.md). The offsets store keeps its own.
    po.client.Set("linger.ms", "20");
  }
  if (exactly_once) po.transactional_id = fmt::format("tributary-{}-{}", name, server);
  po.queue_max_messages = static_cast<int>(std::max<int64_t>(cfg.GetLong("max.queue.size"), 1000));
  // 16 MiB unless set: with schemas on, 8192 wide records filled 30 MB more of the
  // connector's memory than 16 MiB did, at the same rate (docs/benchmarks.md).
  // Never below two of the largest records allowed: librdkafka refuses a record larger
  // than the whole queue even when it is empty.
  const int64_t qb = cfg.GetLong("max.queue.size.in.bytes");
  const int64_t floor_kb = static_cast<int64_t>(2 * max_record_bytes / 1024 + 1);
  po.queue_max_kbytes = static_cast<int>(std::min<int64_t>(
      std::max<int64_t>(qb > 0 ? qb / 1024 : 16384, std::max<int64_t>(1024, floor_kb)),
      2097151));  // librdkafka's limit
  // Wakes a snapshot chunk waiting for its records' acknowledgement (ChunkDone).
  po.on_acked = [this](uint64_t) { ack_wait.Notify(); };
  auto p = kafka::Producer::Open(std::move(po));
  if (!p) return p.error().WithContext("opening the Kafka producer");
  producer = std::move(*p);
  std::string brokers = cfg.GetString("bootstrap.servers");
  auto started = Clock::now();
  for (int attempt = 0;; ++attempt) {
    Status s = producer->CheckBrokers(milliseconds(10000));
    if (s.ok()) break;
    if (stop.stop_requested()) return s;
    bool forever = retry_timeout_ms < 0;
    bool within = Clock::now() - started < milliseconds(retry_timeout_ms);
    // A broker that answered but refused the TLS handshake or the SASL login is not
    // unreachable: point at the security settings instead of the network.
    std::string_view m = s.message();
    bool refused = m.find("SASL authentication") != m.npos || m.find("SSL handshake") != m.npos ||
                   m.find("certificate verify") != m.npos;
    std::string what = refused ? fmt::format("refused the connection: {} (check security.protocol "
                                             "and the ssl.* and sasl.* settings",
                                             m)
                               : fmt::format("are unreachable: {} (check bootstrap.servers and "
                                             "the network",
                                             m);
    if (!forever && !within) {
      return Status::Unavailable(fmt::format(
          "Kafka brokers {} {}; errors.retry.timeout=-1 waits for them)", brokers, what));
    }
    spdlog::warn("Kafka brokers {} {}); retrying", brokers, what);
    SleepFor(milliseconds(std::min(30000, 1000 << std::min(attempt, 5))), stop);
  }
  if (exactly_once) {
    if (Status s = producer->InitTransactions(kKafkaTimeout); !s.ok()) {
      return s.WithContext("exactly-once: initialising the transactional producer");
    }
  }
  auto a = kafka::Admin::Open(admin_config);
  if (!a) return a.error().WithContext("opening the Kafka admin client");
  admin = std::move(*a);
  return Status::Ok();
}

Status MySqlSource::Impl::Start(std::stop_token stop) {
  if (Status s = ConnectKafka(stop); !s.ok()) return s;

  // Offsets.
  if (!offsets_file.empty()) {
    offsets = std::make_unique<kafka::FileOffsetStore>(offsets_file, name, server);
  } else {
    kafka::KafkaOffsetStoreOptions ko;
    ko.client = producer_config;
    ko.topic = offsets_topic;
    ko.connector_name = name;
    ko.server = server;
    if (exactly_once) ko.producer = producer.get();
    auto store = kafka::KafkaOffsetStore::Open(std::move(ko));
    if (!store) return store.error().WithContext("opening the offsets topic " + offsets_topic);
    kafka_offsets = store->get();
    offsets = std::move(*store);
  }
  std::string offsets_where = offsets_file.empty() ? "topic " + offsets_topic : "file " + offsets_file;
  auto loaded = offsets->Load();
  if (!loaded) return loaded.error().WithContext("reading the source offset from " + offsets_where);
  std::optional<SourceOffset> offset;
  if (*loaded) {
    auto parsed = ParseSourceOffset(**loaded);
    if (!parsed) return parsed.error().WithContext("the offset stored in " + offsets_where);
    offset = *parsed;
  }

  // History.
  std::unique_ptr<schema::HistoryStore> hstore;
  if (history_in_kafka) {
    KafkaHistoryStoreOptions ho;
    for (auto [role, target] : {std::pair{kafka::ClientRole::kProducer, &ho.producer},
                                std::pair{kafka::ClientRole::kConsumer, &ho.consumer},
                                std::pair{kafka::ClientRole::kAdmin, &ho.admin}}) {
      auto c = kafka::HistoryClientConfigFor(cfg, role);
      if (!c) return c.error();
      *target = std::move(*c);
    }
    ho.topic = history_topic;
    // A topic created a moment ago may not be in the metadata yet: NotFound, try again.
    auto h = KafkaHistoryStore::Open(ho);
    for (int i = 0; i < 20 && !h && h.error().code() == StatusCode::kNotFound; ++i) {
      SleepFor(milliseconds(250), stop);
      h = KafkaHistoryStore::Open(ho);
    }
    if (!h) return h.error();
    hstore = std::move(*h);
  } else {
    hstore = std::make_unique<schema::FileHistoryStore>(history_file);
  }
  history = std::make_unique<SchemaHistory>(std::move(hstore), server);

  // The server: a plain connection for the schema and CREATE ... SELECT lookups.
  auto conn = mysql::SqlConnection::Connect(binlog);
  if (!conn) {
    return conn.error().WithContext(
        fmt::format("connecting to {}:{} as {}", binlog.host, binlog.port, binlog.user));
  }
  sql = std::move(*conn);
  mariadb = sql->is_mariadb();

  schema::SchemaTrackerOptions to;
  // The signal table's schema is tracked too (its rows are read for signals and
  // watermarks); its events are sent only when the filters capture it.
  to.capture_table = [this](const event::TableId& id) {
    return filters.IsTableCaptured(id) || (signal_table && id == *signal_table);
  };
  to.capture_database = [this](std::string_view db) {
    return filters.IsDatabaseCaptured(db) || (signal_table && db == signal_table->database);
  };
  auto mode = schema::ParseInconsistentSchemaMode(cfg.GetString("inconsistent.schema.handling.mode"));
  if (!mode) return mode.error();
  to.inconsistent_mode = *mode;
  to.skip_unparseable_ddl = cfg.GetBool("schema.history.internal.skip.unparseable.ddl");
  to.store_only_captured_tables_ddl =
      cfg.GetBool("schema.history.internal.store.only.captured.tables.ddl");
  to.store_only_captured_databases_ddl =
      cfg.GetBool("schema.history.internal.store.only.captured.databases.ddl");
  to.fetch_create_table = [this](const event::TableId& id) {
    return schema::ReadCreateTable(*sql, id);
  };
  tracker = std::make_unique<schema::SchemaTracker>(std::move(to));
  encoder = std::make_unique<dbz::EventEncoder>(enc_options);
  encodings = std::make_unique<TableEncodings>(enc_options, filters);

  if (offset) {
    auto exists = history->Exists();
    if (!exists) return exists.error();
    if (!*exists && recovery_mode) {
      if (Status s = RebuildHistory(*offset, stop); !s.ok()) return s;
    } else if (!*exists) {
      return Status::FailedPrecondition(fmt::format(
          "a source offset is stored in {} ({}) but the {} is empty: the schema of that "
          "position is unknown. Restore the history, or rebuild it from the server's current "
          "schema with snapshot.mode=recovery (right only if no DDL changed the captured "
          "tables since that offset), or delete the offset to start over",
          offsets_where, SourceOffsetJson(*offset), history->store().Describe()));
    } else if (snapshot_mode == "always" || (snapshot_mode == "when_needed" && !BinlogFileExists(offset->file))) {
      // A new snapshot from the current position: the history so far, then the server's
      // schema on top of it.
      if (snapshot_mode == "always") {
        spdlog::info("snapshot.mode=always: a new snapshot at every start");
      } else {
        spdlog::info("snapshot.mode=when_needed: the stored position {}:{} was purged from the "
                     "server; taking a new snapshot",
                     offset->file, offset->pos);
      }
      auto stats = history->Recover(*tracker, std::nullopt);
      if (!stats) return stats.error().WithContext("recovering the schema history");
      return Bootstrap(stop);
    } else {
      BinlogPosition resume{offset->file, offset->pos, offset->gtids, offset->ts_sec, false};
      auto stats = history->Recover(*tracker, resume);
      if (!stats) return stats.error().WithContext("recovering the schema history");
      spdlog::info("resuming at {} ({}); {}: {} of {} records replayed, {} tables known",
                   SourceOffsetJson(*offset), offsets_where, history->store().Describe(),
                   stats->replayed, stats->records, stats->tables);
    }
    stored = offset;
    committed = offset;
    cursor = OffsetCursor(*offset);
    if (!offset->snapshot.empty()) {
      auto st = snapshot::ParseSnapshotState(offset->snapshot);
      if (!st) return st.error().WithContext("the offset stored in " + offsets_where);
      spdlog::info("resuming the {} snapshot: {} tables left, {} rows sent so far",
                   snapshot::SnapshotKindName(st->kind), st->tables.size(), st->rows_total);
      snap = std::move(*st);
      snapshot_started = Clock::now();
    }
    if (Status g = LoadGtids(offset->gtids); !g.ok()) {
      return g.WithContext("the offset stored in " + offsets_where);
    }
    return Status::Ok();
  }
  auto exists = history->Exists();
  if (!exists) return exists.error();
  if (*exists) {
    return Status::FailedPrecondition(fmt::format(
        "the {} has records but no offset is stored for connector '{}' (server '{}') in {}: "
        "the history belongs to another run. Use a new history topic/file, or restore the "
        "offset",
        history->store().Describe(), name, server, offsets_where));
  }
  return Bootstrap(stop);
}

// snapshot.mode=recovery with an offset and an empty history: the server's current schema
// is recorded as the schema at the stored offset.
Status MySqlSource::Impl::RebuildHistory(const SourceOffset& offset, std::stop_token stop) {
  spdlog::warn(
      "snapshot.mode={}: rebuilding the schema history from the server's current schema as the "
      "schema at the stored offset {}:{}; this is right only if no DDL changed the captured "
      "tables since then (a TABLE_MAP that disagrees will stop the connector)",
      snapshot_mode, offset.file, offset.pos);
  auto schema = schema::ReadServerSchema(
      *sql, [&](const std::string& db) { return tracker->IsCapturedDatabase(db); },
      [&](const event::TableId& id) { return tracker->IsCaptured(id); });
  if (!schema) return schema.error().WithContext("reading the server's schema");
  auto records = RecordServerSchema(*schema, offset, stop);
  if (!records) return records.error();
  if (Status s = FlushSchemaChanges(); !s.ok()) return s;
  spdlog::info("schema history rebuilt: {} records for {} databases at {}:{}", *records,
               schema->databases.size(), offset.file, offset.pos);
  return Status::Ok();
}

// Applies the server's definitions to the tracker and records them (history and
// schema-change topic) as the schema at `at`. Returns how many records were written.
Result<size_t> MySqlSource::Impl::RecordServerSchema(const schema::ServerSchema& server,
                                                     const SourceOffset& at,
                                                     std::stop_token stop) {
  auto loaded = tracker->LoadServerSchema(server);
  if (!loaded) return Error(loaded.error());
  BinlogPosition position{at.file, at.pos, at.gtids, at.ts_sec, true};
  dbz::SourceInfo source;
  source.ts_us = at.ts_sec * 1000000;
  source.snapshot = "true";
  source.file = at.file;
  source.pos = static_cast<int64_t>(at.pos);
  for (const auto& rec : *loaded) {
    if (Status s = RecordSchemaChange(rec, position, source, stop); !s.ok()) return Error(s);
  }
  return loaded->size();
}

// Makes the schema-change records sent so far durable: the Kafka transaction in
// exactly-once mode, else a flush of the producer.
Status MySqlSource::Impl::FlushSchemaChanges() {
  if (exactly_once) return CommitKafkaTransaction();
  if (Status s = producer->Flush(kKafkaTimeout); !s.ok()) {
    return s.WithContext("sending the schema-change records");
  }
  return Status::Ok();
}

// First start: the server's schema at a known binlog position.
Status MySqlSource::Impl::Bootstrap(std::stop_token stop) {
  SourceOffset start;
  std::optional<schema::ServerSchema> server_schema;
  if (snapshot_mode == "never") {
    // Stream the whole binlog from its oldest file; the schema comes from its DDL.
    auto logs = sql->Query("SHOW BINARY LOGS");
    if (!logs) return logs.error().WithContext("snapshot.mode=never: listing the binlog files");
    if (logs->empty() || !logs->front()[0]) {
      return Status::FailedPrecondition("snapshot.mode=never: the server lists no binlog file");
    }
    start.file = *logs->front()[0];
    start.pos = 4;
    start.gtids.clear();
  } else {
    // Debezium's minimal locking: a global read lock while position and schema are read,
    // so no DDL (or commit) slips between them.
    bool locked = false;
    if (locking_mode != "none") {
      Status s = sql->Execute("FLUSH TABLES WITH READ LOCK");
      if (s.ok()) {
        locked = true;
      } else {
        spdlog::warn(
            "cannot take the global read lock ({}); reading position and schema without it: "
            "DDL run at this very moment could be missed or applied twice (grant RELOAD)",
            s.message());
      }
    }
    auto unlock = [&] {
      if (locked) (void)sql->Execute("UNLOCK TABLES");
      locked = false;
    };
    auto pos = ReadServerPosition(*sql);
    if (!pos) {
      unlock();
      return pos.error();
    }
    start.file = pos->file;
    start.pos = pos->pos;
    if (!mariadb) start.gtids = pos->gtids;
    if (mariadb) {
      auto g = sql->QueryValue(fmt::format("SELECT BINLOG_GTID_POS('{}', {})", start.file, start.pos));
      if (g && *g) start.gtids = **g;
    }
    auto schema = schema::ReadServerSchema(
        *sql, [&](const std::string& db) { return tracker->IsCapturedDatabase(db); },
        [&](const event::TableId& id) { return tracker->IsCaptured(id); });
    unlock();
    if (!schema) return schema.error().WithContext("reading the server's schema");
    server_schema = std::move(*schema);
  }
  start.ts_sec = NowMs() / 1000;
  if (server_schema) {
    auto records = RecordServerSchema(*server_schema, start, stop);
    if (!records) return records.error();
    spdlog::info("schema of {} databases read at {}:{}; streaming from there",
                 server_schema->databases.size(), start.file, start.pos);
  }
  cursor = OffsetCursor(start);
  if (server_schema && wants_data_snapshot) {
    std::vector<event::TableId> tables;
    for (const auto& db : server_schema->databases) {
      for (const auto& t : db.tables) tables.push_back(t.id);
    }
    snapshot::SnapshotState st;
    st.kind = snapshot::SnapshotKind::kInitial;
    st.tables = SnapshotTables(tables, snapshot_include);
    StartSnapshot(std::move(st));
    start = cursor.offset();
  }
  if (Status g = LoadGtids(start.gtids); !g.ok()) return g.WithContext("Executed_Gtid_Set");
  if (Status s = FlushSchemaChanges(); !s.ok()) return s;
  return StoreOffsetNow(start);
}

// ------------------------------------------------------------------ Kafka side

Status MySqlSource::Impl::EnsureTopic(const std::string& topic, bool single_partition) {
  if (topics_ready.contains(topic)) return Status::Ok();
  kafka::NewTopic t = kafka::TopicFromCreationDefaults(cfg, topic);
  if (single_partition) t.partitions = 1;
  auto created = admin->CreateTopicIfMissing(t, kKafkaTimeout);
  if (!created) return created.error().WithContext("creating topic " + topic);
  topics_ready.insert(topic);
  return Status::Ok();
}

Status MySqlSource::Impl::BeginKafkaTransaction() {
  if (!exactly_once || kafka_txn_open) return Status::Ok();
  if (Status s = producer->BeginTransaction(); !s.ok()) return s;
  kafka_txn_open = true;
  kafka_txn_records = 0;
  kafka_txn_started = Clock::now();
  return Status::Ok();
}

void MySqlSource::Impl::AbortKafkaTransaction() {
  if (kafka_txn_open) {
    (void)producer->AbortTransaction(kKafkaTimeout);
    kafka_txn_dropped = true;
  }
  kafka_txn_open = false;
  kafka_txn_uncovered = false;
}

// Exactly-once: the offset of everything sent joins the transaction, which commits.
Status MySqlSource::Impl::CommitKafkaTransaction() {
  if (kafka_txn_uncovered || kafka_txn_dropped) {
    // Part of a snapshot chunk in the transaction (committing would store an offset before
    // records in Kafka: duplicates), or an aborted one's records not sent again yet
    // (committing the cursor would skip them: loss). Stream's retry aborts and rewinds.
    AbortKafkaTransaction();
    return Status::Unavailable(
        "exactly-once: the Kafka transaction cannot commit before the records of the last "
        "aborted one or of an unfinished snapshot chunk are sent again; resending from the "
        "last commit");
  }
  if (!kafka_txn_open) {
    if (committed && *committed == cursor.offset()) return Status::Ok();
    if (Status s = BeginKafkaTransaction(); !s.ok()) return s;
  }
  SourceOffset off = cursor.offset();
  auto seq = kafka_offsets->StoreAsync(SourceOffsetJson(off));
  if (!seq) {
    AbortKafkaTransaction();
    return seq.error().WithContext("exactly-once: sending the offset");
  }
  Status s = producer->CommitTransaction(kKafkaTimeout);
  kafka_txn_open = false;
  if (!s.ok()) {
    // Aborted: its records are gone, Stream rewinds to the last commit. Otherwise the
    // outcome is unknown until librdkafka finishes the commit (ResolvePendingCommit).
    if (!kafka::Producer::IsAbortedTransaction(s)) {
      kafka_commit_pending = true;
      pending_commit = off;
    } else {
      kafka_txn_dropped = true;
    }
    return s.WithContext("exactly-once: committing the Kafka transaction");
  }
  committed = off;
  stored = off;
  last_flush = Clock::now();
  return Status::Ok();
}

// A commit whose outcome was unknown is asked for again: librdkafka resumes it and says
// whether it committed or was aborted. Kafka unreachable: still pending (retryable error).
Status MySqlSource::Impl::ResolvePendingCommit() {
  if (!kafka_commit_pending) return Status::Ok();
  Status c = producer->CommitTransaction(kKafkaTimeout);
  if (c.ok()) {
    kafka_commit_pending = false;
    committed = pending_commit;
    stored = committed;
    last_flush = Clock::now();
    spdlog::info("exactly-once: the pending Kafka transaction committed at {}",
                 SourceOffsetJson(*committed));
    return Status::Ok();
  }
  if (kafka::Producer::IsAbortedTransaction(c)) {
    kafka_commit_pending = false;  // its records are gone: the caller rewinds
    spdlog::warn("exactly-once: the pending Kafka transaction was aborted; sending again from {}",
                 committed ? SourceOffsetJson(*committed) : std::string("the start"));
    return Status::Ok();
  }
  if (c.code() == StatusCode::kFailedPrecondition) return c;  // fatal: the producer is unusable
  return Status::Unavailable("exactly-once: the pending Kafka transaction is not resolved yet: " +
                             c.message());
}

Status MySqlSource::Impl::SendRecords(std::span<const dbz::EncodedRecord> batch,
                                      std::string_view topic, int32_t partition,
                                      std::string_view what, std::stop_token stop) {
  for (const dbz::EncodedRecord& r : batch) {
    size_t size = r.key.size() + r.value.size();
    for (const auto& h : r.headers) size += h.key.size() + h.value.size();
    if (size > max_record_bytes) {
      std::string msg = fmt::format(
          "a record of {} bytes for topic {} ({}) is larger than the producer's limit of {} "
          "bytes (producer.override.max.request.size; the topic's max.message.bytes must "
          "allow it too)",
          size, topic, what, max_record_bytes);
      if (tolerate_errors) {
        spdlog::warn("skipped (errors.tolerance=all): {}", msg);
        continue;
      }
      return Status::InvalidArgument(msg + "; errors.tolerance=all skips such records");
    }
    if (Status s = BeginKafkaTransaction(); !s.ok()) return s;
    headers.clear();
    for (const auto& h : r.headers) {
      headers.push_back({h.key, h.has_value ? std::optional<std::string_view>(h.value) : std::nullopt});
    }
    kafka::OutgoingRecord out;
    out.topic = topic;
    if (r.has_key) out.key = r.key;
    if (r.has_value) out.value = r.value;
    out.headers = headers;
    out.partition = partition;
    auto seq = producer->Send(out, stop);
    if (!seq) return seq.error().WithContext(fmt::format("sending to {} ({})", topic, what));
    ++records_sent;
    ++kafka_txn_records;
  }
  return Status::Ok();
}

Status MySqlSource::Impl::StoreOffsetNow(const SourceOffset& offset) {
  if (exactly_once) {
    if (kafka_txn_open || !committed || *committed != offset) return CommitKafkaTransaction();
    return Status::Ok();
  }
  if (Status s = offsets->Store(SourceOffsetJson(offset)); !s.ok()) {
    return s.WithContext("storing the source offset");
  }
  stored = offset;
  last_flush = Clock::now();
  return Status::Ok();
}

// At-least-once: the newest offset whose records are all acknowledged.
Status MySqlSource::Impl::FlushOffsets(bool final) {
  if (exactly_once) return CommitKafkaTransaction();
  if (final) {
    if (Status s = producer->Flush(kKafkaTimeout); !s.ok()) {
      spdlog::warn("flushing the producer: {}", s.message());
    }
  }
  last_flush = Clock::now();
  DrainAcknowledged();
  if (!ready || (stored && *stored == *ready)) return Status::Ok();
  return StoreOffsetNow(*ready);
}

Status MySqlSource::Impl::Tick(std::stop_token stop) {
  auto now = Clock::now();
  if (metrics) PublishSourceMetrics(*this, *metrics);
  if (Status s = PollSignals(); !s.ok()) return s;
  SnapshotTick(now);
  if (!exactly_once) {
    if (auto failure = producer->FirstFailure()) {
      return failure->status.WithContext(fmt::format(
          "Kafka refused a record for {} [{}]", failure->topic, failure->partition));
    }
  }
  if (heartbeat_ms > 0 && now - last_heartbeat >= milliseconds(heartbeat_ms)) {
    last_heartbeat = now;
    if (Status s = EnsureTopic(heartbeat_topic, false); !s.ok()) return s;
    records.Clear();
    dbz::EncodeHeartbeatRecord(enc_options, NowMs(), &records.Add());
    if (Status s = SendRecords(heartbeat_topic, kafka::kAnyPartition, "heartbeat", stop); !s.ok()) {
      return s;
    }
    MarkOffset();
  }
  if (exactly_once) {
    bool due = kafka_txn_open && (kafka_txn_records >= max_batch ||
                                  now - kafka_txn_started >= milliseconds(poll_ms));
    bool idle_moved = !kafka_txn_open && now - last_flush >= milliseconds(flush_ms) &&
                      (!committed || *committed != cursor.offset());
    if (due || idle_moved) return CommitKafkaTransaction();
    return Status::Ok();
  }
  DrainAcknowledged();
  if (now - last_flush >= milliseconds(flush_ms)) return FlushOffsets(false);
  return Status::Ok();
}

// ------------------------------------------------------------------ streaming

Status MySqlSource::Impl::LoadGtids(const std::string& gtids) {
  if (mariadb) {
    maria_gtids = ParseMariaGtidPos(gtids);
    return Status::Ok();
  }
  auto set = mysql::ParseGtidSet(gtids);
  if (!set) return set.error();
  mysql_gtids = std::move(*set);
  return Status::Ok();
}

std::string MySqlSource::Impl::CurrentGtids() const {
  if (mariadb) return MariaGtidPosText(maria_gtids);
  return mysql_gtids.entries.empty() ? std::string() : mysql_gtids.ToString();
}

dbz::SourceInfo MySqlSource::Impl::BaseSource(const mysql::DecodedEvent& e,
                                              const BinlogEventPlace& at) const {
  dbz::SourceInfo s;
  s.ts_us = static_cast<int64_t>(e.header.timestamp) * 1000000;
  s.server_id = e.header.server_id;
  s.gtid = txn_gtid;
  s.file = at.file;
  s.pos = static_cast<int64_t>(at.offset);
  // Debezium's MariaDB connector leaves source.thread null (checked with tests/compat).
  if (txn_thread >= 0 && !mariadb) s.thread = txn_thread;
  if (enc_options.include_query) s.query = txn_query;
  return s;
}

Status MySqlSource::Impl::RecordSchemaChange(const schema::SchemaChangeRecord& record,
                                             const BinlogPosition& at,
                                             const dbz::SourceInfo& source,
                                             std::stop_token stop) {
  if (Status s = history->Record(record, at, NowMs()); !s.ok()) return s;
  if (!include_schema_changes) return Status::Ok();
  bool relevant = !record.database.empty() && tracker->IsCapturedDatabase(record.database);
  for (const auto& c : record.changes) relevant = relevant || tracker->IsCaptured(c.id);
  if (!relevant) return Status::Ok();
  if (Status s = EnsureTopic(server, true); !s.ok()) return s;
  auto changes = ToDebeziumChanges(record.changes);
  dbz::SourceInfo src = source;
  src.db = record.database;
  if (record.changes.size() == 1) src.table = record.changes.front().id.table;
  records.Clear();
  if (Status s = dbz::EncodeSchemaChangeRecord(enc_options, src, NowMs(), record.database,
                                               record.ddl, changes, &records.Add());
      !s.ok()) {
    return s.WithContext("encoding the schema change " + record.ddl.substr(0, 200));
  }
  return SendRecords(server, 0, "schema change", stop);
}

Status MySqlSource::Impl::StorePendingSchemaRecords(const mysql::DecodedEvent& e,
                                                    const BinlogEventPlace& at,
                                                    std::stop_token stop) {
  auto recs = tracker->TakePendingRecords();
  if (recs.empty()) return Status::Ok();
  BinlogPosition pos{std::string(at.file), at.end, CurrentGtids(), e.header.timestamp, false};
  dbz::SourceInfo source = BaseSource(e, at);
  for (const auto& r : recs) {
    if (Status s = RecordSchemaChange(r, pos, source, stop); !s.ok()) return s;
  }
  return Status::Ok();
}

Status MySqlSource::Impl::EndTransaction(const mysql::DecodedEvent& e, const BinlogEventPlace& at,
                                         std::stop_token stop) {
  if (txn_maria_domain) maria_gtids[*txn_maria_domain] = txn_gtid;
  if (tx.begun) {
    dbz::TransactionMarker end;
    end.begin = false;
    end.id = tx.id;
    end.ts_ms = tx.ts_ms;
    end.event_count = tx.total;
    for (const auto& [table, count] : tx.per_table) end.data_collections.emplace_back(table, count);
    records.Clear();
    dbz::EncodeTransactionRecord(enc_options, end, &records.Add());
    if (Status s = SendRecords(transaction_topic, kafka::kAnyPartition, "transaction END", stop);
        !s.ok()) {
      return s;
    }
  }
  tx = TxMeta{};
  cursor.SetEventInfo(e.header.timestamp, e.header.server_id);
  cursor.OnTransactionEnd(at.end, CurrentGtids());
  MarkOffset();
  txn_gtid.clear();
  txn_maria_domain.reset();
  txn_begun = false;
  txn_thread = -1;
  txn_query.clear();
  return Status::Ok();
}

Status MySqlSource::Impl::HandleTruncate(const event::TableId& id, const mysql::DecodedEvent& e,
                                         const BinlogEventPlace& at, std::stop_token stop) {
  if (skipped.truncate || !filters.IsTableCaptured(id) || NotYetSnapshotted(id)) {
    return Status::Ok();
  }
  auto schema = tracker->Table(id);
  if (!schema) return Status::Ok();
  auto enc = encodings->For(schema);
  if (!enc) return enc.error();
  dbz::ChangeEvent ce;
  ce.op = dbz::Operation::kTruncate;
  ce.source = BaseSource(e, at);
  ce.source.db = id.database;
  ce.source.table = id.table;
  ce.ts_ns = NowNs();
  records.Clear();
  if (Status s = encoder->Encode(**enc, ce, &records); !s.ok()) return s;
  if (Status s = EnsureTopic((*enc)->topic, false); !s.ok()) return s;
  return SendRecords((*enc)->topic, kafka::kAnyPartition,
                     fmt::format("TRUNCATE of {}.{} at {}:{}", id.database, id.table, at.file, at.offset),
                     stop);
}

Status MySqlSource::Impl::HandleRows(const mysql::RowsEvent& rows, const mysql::DecodedEvent& e,
                                     const BinlogEventPlace& at, ResumeSkipper& skipper,
                                     std::stop_token stop) {
  if (Status s = StorePendingSchemaRecords(e, at, stop); !s.ok()) return s;
  const uint64_t n = rows.rows.size();
  uint64_t skip = skipper.done() ? 0 : skipper.RowsToSkip(n);
  if (skip >= n || rows.table == nullptr || tracker->IsSkipped(rows.table_id)) {
    cursor.OnRowsEventDone();
    return Status::Ok();
  }
  event::TableId id{rows.table->database, rows.table->table};
  dbz::Operation op = OperationOf(rows.kind);
  if (signal_table && id == *signal_table) {
    if (Status s = HandleSignalRows(rows, stop); !s.ok()) return s;
  }
  if (!filters.IsTableCaptured(id) || skipped.Skips(op) || NotYetSnapshotted(id)) {
    cursor.OnRowsEventDone();
    return Status::Ok();
  }
  auto schema = tracker->Table(id);
  if (!schema) {
    return Status::FailedPrecondition(fmt::format(
        "{}:{}: rows of {}.{}, whose schema is unknown (no DDL in the history and no "
        "binlog_row_metadata=FULL)",
        at.file, at.offset, id.database, id.table));
  }
  auto enc = encodings->For(schema);
  if (!enc) return enc.error();
  const dbz::TableEncoding& table = **enc;
  if (Status s = EnsureTopic(table.topic, false); !s.ok()) return s;
  cursor.SetEventInfo(e.header.timestamp, e.header.server_id);

  dbz::TransactionInfo txinfo;
  const bool with_tx = enc_options.provide_transaction_metadata;
  std::string table_name;
  if (with_tx) {
    if (!tx.begun) {
      tx.begun = true;
      tx.id = !txn_gtid.empty() ? txn_gtid
                                : fmt::format("file={},pos={}", cursor.offset().file, cursor.offset().pos);
      tx.ts_ms = static_cast<int64_t>(e.header.timestamp) * 1000;
      dbz::TransactionMarker begin;
      begin.begin = true;
      begin.id = tx.id;
      begin.ts_ms = tx.ts_ms;
      if (Status s = EnsureTopic(transaction_topic, false); !s.ok()) return s;
      records.Clear();
      dbz::EncodeTransactionRecord(enc_options, begin, &records.Add());
      if (Status s = SendRecords(transaction_topic, kafka::kAnyPartition, "transaction BEGIN", stop);
          !s.ok()) {
        return s;
      }
    }
    table_name = id.database + "." + id.table;
  }

  dbz::ChangeEvent ce;
  ce.op = op;
  ce.source = BaseSource(e, at);
  ce.source.db = id.database;
  ce.source.table = id.table;
  ce.ts_ns = NowNs();
  std::string what =
      fmt::format("table {}.{}, binlog {}:{} row ", id.database, id.table, at.file, at.offset);
  const size_t what_prefix = what.size();
  for (uint64_t i = 0; i < n; ++i) {
    if (i < skip) {
      cursor.OnRowDone(i, n);
      continue;
    }
    const mysql::RowChange& row = rows.rows[i];
    ce.before = row.before.values;
    ce.after = row.after.values;
    ce.source.row = static_cast<int32_t>(i);
    if (with_tx) {
      txinfo.id = tx.id;
      txinfo.total_order = ++tx.total;
      txinfo.data_collection_order = ++tx.per_table[table_name];
      ce.transaction = &txinfo;
    }
    records.Clear();
    if (Status s = encoder->Encode(table, ce, &records); !s.ok()) {
      return s.WithContext(fmt::format("{}:{} row {}", at.file, at.offset, i));
    }
    NoteStreamKeys(id);
    what.resize(what_prefix);  // "... row <i>", for messages: formatted once per event
    fmt::format_int row_no(i);
    what.append(row_no.data(), row_no.size());
    if (Status s = SendRecords(table.topic, kafka::kAnyPartition, what, stop); !s.ok()) {
      return s;
    }
    ++rows_emitted;
    ++stream_rows_emitted;
    cursor.OnRowDone(i, n);
  }
  MarkOffset();
  return Status::Ok();
}

Status MySqlSource::Impl::HandleEvent(const mysql::DecodedEvent& e, const BinlogEventPlace& at,
                                      ResumeSkipper& skipper, std::stop_token stop) {
  if (const auto* rows = std::get_if<mysql::RowsEvent>(&e.body)) {
    return HandleRows(*rows, e, at, skipper, stop);
  }
  if (const auto* rot = std::get_if<mysql::RotateEvent>(&e.body)) {
    file = std::string(rot->next_file);
    cursor.OnRotate(file, rot->position);
    return Status::Ok();
  }
  if (const auto* g = std::get_if<mysql::GtidEvent>(&e.body)) {
    txn_gtid = g->anonymous ? "" : g->ToString();
    // Offsets after this transaction include it (gtid_executed as the server keeps it).
    if (!g->anonymous && g->gno > 0) mysql_gtids.Add(g->sid, g->tag, g->gno);
    cursor.OnTransactionStart(at.offset);
    return Status::Ok();
  }
  if (const auto* mg = std::get_if<mysql::MariaGtidEvent>(&e.body)) {
    txn_gtid = mg->gtid.ToString();
    txn_maria_domain = mg->gtid.domain_id;
    txn_begun = !mg->standalone();
    cursor.OnTransactionStart(at.offset);
    return Status::Ok();
  }
  if (const auto* rq = std::get_if<mysql::RowsQueryEvent>(&e.body)) {
    if (enc_options.include_query) txn_query = std::string(rq->sql);
    return Status::Ok();
  }
  if (std::holds_alternative<mysql::XidEvent>(e.body)) return EndTransaction(e, at, stop);
  if (const auto* q = std::get_if<mysql::QueryEvent>(&e.body)) {
    if (q->sql == "BEGIN" || q->sql == "XA START") {
      cursor.OnTransactionStart(at.offset);
      txn_begun = true;
      txn_thread = q->thread_id;
      return Status::Ok();
    }
    if (q->sql == "COMMIT" || q->sql == "ROLLBACK") return EndTransaction(e, at, stop);
    txn_thread = q->thread_id;
    if (q->error_code == 0) {
      if (auto truncated = TruncatedTable(q->sql, q->database)) {
        if (Status s = HandleTruncate(*truncated, e, at, stop); !s.ok()) return s;
      }
      std::string position = fmt::format("{}:{}", at.file, at.offset);
      auto r = tracker->OnQuery(q->database, q->sql, position);
      if (!r) return r.error();
      if (*r) {
        BinlogPosition pos{std::string(at.file), at.end, CurrentGtids(), e.header.timestamp, false};
        dbz::SourceInfo source = BaseSource(e, at);
        if (Status s = RecordSchemaChange(**r, pos, source, stop); !s.ok()) return s;
      }
      if (Status s = StorePendingSchemaRecords(e, at, stop); !s.ok()) return s;
    }
    // A statement outside BEGIN ... COMMIT (DDL) is a transaction of its own.
    if (!txn_begun) return EndTransaction(e, at, stop);
    return Status::Ok();
  }
  if (const auto* inc = std::get_if<mysql::IncidentEvent>(&e.body)) {
    return Status::Corruption(fmt::format(
        "{}:{}: the server logged an INCIDENT (code {}: {}): changes may be missing from the "
        "binlog here; take a new snapshot",
        at.file, at.offset, inc->incident, inc->message));
  }
  return Status::Ok();
}

Status MySqlSource::Impl::StreamOnce(std::stop_token stop, bool* progressed) {
  const SourceOffset at = cursor.offset();
  mysql::BinlogClientOptions o = binlog;
  o.file = at.file;
  o.position = at.pos;
  o.check_server_id_free = first_connect;
  BinlogStream stream;
  if (Status s = stream.Open(o); !s.ok()) return s;
  if (first_connect) {
    for (const auto& w : stream.info().warnings) spdlog::warn("{}", w);
    spdlog::info("streaming {} {} from {}:{} (event {}, row {}) as server id {}",
                 stream.info().mariadb ? "MariaDB" : "MySQL", stream.info().version, at.file,
                 at.pos, at.event, at.row, binlog.server_id);
  }
  first_connect = false;
  ResumeSkipper skipper(at.event, at.row);
  cursor = OffsetCursor(at);
  file = at.file;
  txn_gtid.clear();
  txn_maria_domain.reset();
  txn_begun = false;
  tx = TxMeta{};
  stream.decoder().SetTableMapHook(
      [this](mysql::TableMap& map, uint64_t offset) { return tracker->OnTableMap(map, file, offset); },
      [this] { return tracker->generation(); });
  stream_file = at.file;
  stream_pos = at.pos;
  while (!stop.stop_requested() && !finished) {
    if (SnapshotDue()) {
      // A chunk brings the stream to its view's position itself.
      if (Status s = SnapshotChunk(stream, skipper, stop); !s.ok()) return s;
      *progressed = true;
      if (stop.stop_requested()) return Status::Ok();  // a chunk cut short: Finish decides
      if (Status s = Tick(stop); !s.ok()) return s;
      continue;
    }
    auto batch = stream.Next();
    if (!batch) return batch.error();
    *progressed = true;
    if (Status s = HandleItems(*batch, skipper, stop); !s.ok()) return s;
    if (Status s = Tick(stop); !s.ok()) return s;
  }
  return Status::Ok();
}

Status MySqlSource::Impl::Stream(std::stop_token stop) {
  int failures = 0;
  while (!stop.stop_requested() && !finished) {
    bool progressed = false;
    Status s = StreamOnce(stop, &progressed);
    if (stop.stop_requested() || finished) return Status::Ok();
    if (s.ok()) continue;
    if (!s.retryable() || !keep_alive) return s;
    if (!exactly_once) {
      if (auto failure = producer->FirstFailure()) {
        // The producer gave a record up (delivery.timeout.ms): it refuses every later
        // record, so reconnecting cannot help. Stop; the newest offset whose records were
        // all acknowledged is stored on the way out, and a restart resends what follows.
        return Status::FailedPrecondition(fmt::format(
            "Kafka did not acknowledge a record for {} [{}]: {}. Stopping: a restart resumes "
            "at the newest offset whose records Kafka acknowledged and sends the rest again "
            "(nothing is lost; raise or remove delivery.timeout.ms to ride out longer "
            "outages)",
            failure->topic, failure->partition, failure->status.message()));
      }
      // The same for the offsets store's own producer, which only says so in its message.
      if (s.message().find("an earlier Kafka delivery failed") != std::string::npos) {
        return Status::FailedPrecondition(fmt::format(
            "{}. Stopping: a restart resumes at the last stored offset (nothing is lost; "
            "raise or remove delivery.timeout.ms to ride out longer outages)",
            s.message()));
      }
    }
    if (exactly_once) {
      // What was sent in the open transaction is dropped.
      AbortKafkaTransaction();
      // A commit that timed out (broker away longer than the timeout) goes on inside
      // librdkafka and blocks every new transaction ("conflicting commit_transaction call")
      // until commit is called again: resolve it before anything else is sent.
      while (kafka_commit_pending && !stop.stop_requested()) {
        Status r = ResolvePendingCommit();
        if (r.ok()) break;
        if (!r.retryable()) return r;
        spdlog::warn("{}; asking again in 1 s", r.message());
        SleepFor(milliseconds(1000), stop);
      }
      if (kafka_commit_pending) return Status::Ok();  // stopping; the restart resolves it
      // Everything after the last commit is not in Kafka (aborted, or never sent): resume
      // at the last commit and send it again. Rewinding when nothing was sent is a no-op.
      bool rewind = committed && *committed != cursor.offset();
      if (rewind) {
        cursor = OffsetCursor(*committed);
        if (Status r = RestoreSnapshotState(*committed); !r.ok()) return r;
        if (Status r = LoadGtids(committed->gtids); !r.ok()) return r;
      }
      kafka_txn_dropped = false;  // the stream goes on from the last commit
    }
    if (progressed) failures = 0;
    int wait_ms = std::min(30000, 250 << std::min(failures, 7));
    ++failures;
    spdlog::warn("{}; reconnecting at {} in {} ms", s.message(), SourceOffsetJson(cursor.offset()),
                 wait_ms);
    SleepFor(milliseconds(wait_ms), stop);
  }
  return Status::Ok();
}

Status MySqlSource::Impl::Finish(Status status) {
  if (producer) {
    if (exactly_once) {
      // Nothing may commit after a commit whose outcome is unknown (the restart resolves
      // it), with part of a snapshot chunk in the transaction, or after an abort whose
      // records were not sent again: the restart resumes at the last commit.
      const char* no_commit = kafka_commit_pending  ? "a Kafka commit unresolved"
                              : kafka_txn_uncovered ? "part of a snapshot chunk in the Kafka "
                                                      "transaction (aborted)"
                              : kafka_txn_dropped   ? "an aborted Kafka transaction"
                                                    : nullptr;
      if (no_commit != nullptr) {
        spdlog::info("exactly-once: stopping with {}; the restart resumes at the last commit",
                     no_commit);
        AbortKafkaTransaction();
      } else if (status.ok() && offsets) {
        if (Status s = CommitKafkaTransaction(); !s.ok()) status = s;
      } else {
        AbortKafkaTransaction();
      }
    } else if (offsets) {
      // Whatever Kafka acknowledged is safe to store, even after a failure.
      if (Status s = FlushOffsets(true); !s.ok()) {
        spdlog::error("storing the final offset: {}", s.message());
        if (status.ok()) status = s;
      }
    }
    (void)producer->Close(kKafkaTimeout);
  }
  spdlog::info("source stopped: {} rows, {} records sent; offset {}", rows_emitted, records_sent,
               stored ? SourceOffsetJson(*stored) : std::string("none"));
  return status;
}

// ------------------------------------------------------------------ public

MySqlSource::MySqlSource(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MySqlSource::~MySqlSource() = default;

Result<std::unique_ptr<MySqlSource>> MySqlSource::Create(const config::ConnectorConfig& cfg) {
  auto impl = std::make_unique<Impl>();
  impl->cfg = cfg;
  if (Status s = impl->Configure(); !s.ok()) return Error(s);
  return std::unique_ptr<MySqlSource>(new MySqlSource(std::move(impl)));
}

Status MySqlSource::Run(std::stop_token stop) {
  Status s = impl_->Start(stop);
  if (s.ok()) s = impl_->Stream(stop);
  return impl_->Finish(s);
}

}  // namespace tributary::connectors
