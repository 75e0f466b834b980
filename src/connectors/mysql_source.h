// MySqlSource: the MySQL/MariaDB source connector at run time (docs/source-connector.md).
//
// Joins the parts: BinlogClient + EventDecoder (the replica stream), SchemaTracker +
// SchemaHistory (schema of each position, persisted before later rows), EventEncoder
// (Debezium records), Producer (ordered acknowledgements) and a SourceOffsetStore
// (connect-offsets topic or file).
//
//   start:   load the stored offset; open the history; replay it up to the offset. No
//            offset: read the server's schema under a consistent view at a binlog
//            position, record it (snapshot positions) and stream from there (snapshot.mode
//            data snapshots come with issue 6: `initial` and friends behave as `no_data`,
//            with a WARN).
//   stream:  DDL → tracker → history (durable) → schema-change topic, before any later
//            row; rows → c/u/d events (t for TRUNCATE unless skipped); heartbeats;
//            transaction markers; periodic offset commits of the newest offset whose
//            records are all acknowledged (exactly-once: events and offset in one Kafka
//            transaction per batch).
//   resume:  at the stored offset's file:pos, skipping `event` rows events and `row` rows
//            already emitted. Lost MySQL connections reconnect with backoff at the
//            in-memory position (nothing sent is sent again).
//   stop:    the stop token: flush, store the final offset, return Ok.
//
// Threading: Run() does everything on the caller's thread (librdkafka has its own
// threads); the stop token may be triggered from any thread.
#pragma once

#include <memory>
#include <stop_token>

#include "common/status.h"
#include "config/connector_config.h"

namespace tributary::connectors {

class SourceMetrics;

class MySqlSource {
 public:
  // Reads and checks the settings (no network yet). Errors: InvalidArgument naming the key.
  static Result<std::unique_ptr<MySqlSource>> Create(const config::ConnectorConfig& cfg);
  ~MySqlSource();
  MySqlSource(const MySqlSource&) = delete;
  MySqlSource& operator=(const MySqlSource&) = delete;

  // Runs until `stop` is requested (returns Ok after the final flush and offset store) or
  // a fatal error (returned; the stored offset stays at the last acknowledged event).
  Status Run(std::stop_token stop);

  // Publishes figures into `metrics` at each tick of Run() (source_metrics.h); nullptr =
  // none. Not owned; must outlive Run(). Call before Run().
  void SetMetrics(SourceMetrics* metrics);

  struct Impl;

 private:
  explicit MySqlSource(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::connectors
