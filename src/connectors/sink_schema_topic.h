// SchemaTopicTables: the table schemas of a Debezium / Tributary source, read from its
// schema-change topic (`<topic.prefix>`, records in Debezium's SchemaChangeValue shape
// with `tableChanges`), so the S3 sink can write typed Parquet for schemaless topics
// (value.converter.schemas.enable=false at the source).
//
// For each schemaless record Attach() finds the table (the envelope's source.db /
// source.table, else the data topic name `<prefix>.<db>.<table>`), the schema version in
// force at the record's binlog position (source.file / source.pos: the last version at or
// before it), checks that the record's row fields are that version's columns, and gives
// the record the Connect schema Debezium would have sent with schemas.enable=true (built
// by format/debezium's BuildTableEncoding with the source's options, which the sink
// config repeats under the same keys: decimal.handling.mode, time.precision.mode, ...):
//   - an envelope gets `<topic>.Envelope` (before/after/source/transaction/op/ts_*);
//   - a flat row (ExtractNewRecordState) gets the table's `<topic>.Value` fields followed
//     by the fields ExtractNewRecordState adds (`__deleted`, `__op`, `__source_ts_ms`,
//     ... with the add.fields prefix `__`), typed from the envelope, all optional.
// One shared schema object per (version, shape), so equal records share a pointer and a
// schema change is a different schema: the writer rotates the object (schema.compatibility).
//
// Keeping current: the topic is read with its own consumer (no group, from the
// beginning, read_committed). Before the first record of a poll batch that needs it
// (BeginBatch() marks batches) the topic is read to its end, so every record of the batch
// sees the schema records written before it was consumed; a record whose fields match
// no known version triggers one more read, then is an error (a record fault).
//
// Ownership: owns its consumer. Threading: the sink task's thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "format/debezium/options.h"
#include "format/record_value.h"
#include "format/sink_record.h"
#include "kafka/kafka_config.h"

namespace tributary::config {
class ConnectorConfig;
}
namespace tributary::kafka {
class Consumer;
}
namespace tributary::event {
struct TableSchema;
struct TableId;
}  // namespace tributary::event

namespace tributary::connectors {

struct SchemaTopicOptions {
  std::string topic;  // tributary.parquet.schema.topic (the source's topic.prefix)
  format::debezium::EncoderOptions encoder;
  kafka::ClientConfig client;  // consumer settings of the sink
  std::chrono::milliseconds timeout{30000};

  // nullopt when tributary.parquet.schema.topic is not set. Errors: a bad
  // decimal.handling.mode & co (InvalidArgument naming the key).
  static Result<std::optional<SchemaTopicOptions>> FromConfig(const config::ConnectorConfig& config);
};

// A binlog position of the source block (file, pos), ordered by the file's numeric
// suffix, then pos.
struct BinlogPoint {
  std::string file;
  int64_t pos = 0;
};
// <0, 0, >0.
int CompareBinlogPoints(const BinlogPoint& a, const BinlogPoint& b);

struct SchemaTopicStats {
  uint64_t schema_records = 0;  // schema-change records read
  uint64_t table_versions = 0;
  uint64_t catch_ups = 0;       // reads to the end of the topic
  uint64_t attached = 0;        // records given a schema
};

class SchemaTopicTables {
 public:
  // Opens the consumer (no network round trip until the first catch-up).
  static Result<std::unique_ptr<SchemaTopicTables>> Open(SchemaTopicOptions options);
  // Without Kafka: records come only through AddRecord (tests).
  static std::unique_ptr<SchemaTopicTables> Offline(SchemaTopicOptions options);
  ~SchemaTopicTables();
  SchemaTopicTables(const SchemaTopicTables&) = delete;
  SchemaTopicTables& operator=(const SchemaTopicTables&) = delete;

  // One value of the schema-change topic (bare, or in the JsonConverter envelope).
  // Records without tableChanges (database-level DDL) are accepted and change nothing.
  // Errors: Corruption when the value is not a schema-change record.
  Status AddRecord(std::string_view value_json);

  // A new poll batch starts: the next Attach that needs a catch-up does one.
  void BeginBatch() { batch_caught_up_ = false; }

  // Gives a schemaless value its Connect schema (values that have one, and tombstones,
  // are left as they are). Errors: NotFound / Corruption naming the table and the topic
  // (the record's fault), Unavailable when the topic cannot be read.
  Status Attach(const format::SinkRecord& record, format::ParsedValue* value);

  const SchemaTopicStats& stats() const { return stats_; }

  struct Version;

 private:
  explicit SchemaTopicTables(SchemaTopicOptions options);
  Status CatchUp();
  Status Resolve(const format::SinkRecord& record, format::ParsedValue* value, bool final_try,
                 bool* retry);
  std::string TopicOf(const event::TableId& id) const;

  SchemaTopicOptions options_;
  std::unique_ptr<kafka::Consumer> consumer_;
  bool assigned_ = false;
  int64_t next_offset_ = 0;
  bool batch_caught_up_ = false;
  BinlogPoint covered_;  // records at or before this point need no catch-up
  bool has_covered_ = false;
  std::map<std::pair<std::string, std::string>, std::vector<std::shared_ptr<Version>>> tables_;
  std::map<std::string, std::pair<std::string, std::string>> topic_tables_;
  SchemaTopicStats stats_;
};

}  // namespace tributary::connectors
