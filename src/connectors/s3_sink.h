// S3SinkTask: the S3 sink connector's runtime (one task): Kafka topics →
// partitioner → one open object per encoded partition → format writer → object store,
// committing consumer offsets only behind durable objects.
//
//   consumer group "connect-<name>" (cooperative-sticky), `topics` or `topics.regex`
//     → per assigned partition a TopicPartitionWriter (topic_partition_writer.h)
//     → objects named <topic>+<partition>+<startOffset><ext> (Confluent's layout)
//   commit: for each partition, the first offset of its open objects, or the offset after
//     its last record when none is open (sink_offsets.h), at most every
//     `commit_interval`, on revoke and on stop. Dead-lettered records are flushed to
//     their topic before a commit passes them.
//   start / OnAssigned: resume at the group's committed offset; replays rewrite the same
//     objects. OnRevoked / stop: open objects are dropped (not cut early, which would make
//     object boundaries depend on timing) and what is durable is committed.
//   uploads: cut objects are finished and uploaded by an UploadPool (file_builder.h) of
//     `s3.part.upload.parallelism` workers while the task consumes on; a partition's
//     committable offset waits for its earliest cut not yet uploaded. OnRevoked and stop
//     wait for the uploads under way, then commit.
//   memory: open objects' buffers plus cut objects not yet uploaded plus idle object
//     buffers (ObjectBufferPool, reused between objects) count against
//     `memory_budget_bytes`; above it the task first frees idle buffers, then waits for
//     uploads (while an open object could still grow, or more than one object is
//     pending), then spills the largest open buffers to temporary files (names and bytes
//     unchanged). Objects larger than a quarter of the budget are written through a
//     buffer of that size.
//   null values: behavior.on.null.values (fail | ignore | write); not given: ignore,
//     with one WARN at the first null value (Confluent's default is fail).
//   bad records (value not JSON, cannot be partitioned or encoded): stop with an error
//     naming topic, partition and offset, or with errors.tolerance=all skip them (to the
//     dead letter topic when one is set).
//
// Ownership: owns the consumer, the store, the upload pool, the partitioner, the writers,
// the DLQ producer. Threading: Run() on one thread (the upload pool's workers only finish
// and upload objects handed to them); RequestStop() from any thread (signal handlers use
// the stop_source they gave Run()).
#pragma once

#include <memory>
#include <stop_token>

#include "common/status.h"
#include "connectors/sink_options.h"
#include "lake/store/object_store.h"

namespace tributary::config {
class ConnectorConfig;
}

namespace tributary::connectors {

class SinkMetrics;

struct SinkTaskStats {
  uint64_t records = 0;        // consumed
  uint64_t written = 0;        // written into objects
  uint64_t skipped = 0;        // ignored nulls, tolerated errors
  uint64_t dead_lettered = 0;
  uint64_t objects = 0;        // objects uploaded
  uint64_t bytes = 0;          // object bytes uploaded
  uint64_t commits = 0;        // offset commits
  uint64_t spills = 0;
  uint64_t upload_retries = 0;
  uint64_t upload_waits = 0;   // times the task waited for uploads (memory budget full)
};

class S3SinkTask {
 public:
  // Builds the task from a validated sink config (opens the store and the Kafka clients;
  // no network round trip yet).
  static Result<std::unique_ptr<S3SinkTask>> Open(const config::ConnectorConfig& config);
  // For tests: explicit options and store (the Kafka client settings still come from
  // `config`).
  static Result<std::unique_ptr<S3SinkTask>> Open(const config::ConnectorConfig& config,
                                                  SinkOptions options,
                                                  std::unique_ptr<lake::ObjectStore> store);
  ~S3SinkTask();
  S3SinkTask(const S3SinkTask&) = delete;
  S3SinkTask& operator=(const S3SinkTask&) = delete;

  // Consumes and writes until `stop` is requested (then stops gracefully: drops open
  // objects, commits what is durable, leaves the group) or a fatal error happens.
  Status Run(std::stop_token stop);

  SinkTaskStats stats() const;
  // Publishes stats() into `metrics` from Run()'s poll loop (sink_metrics.h); nullptr =
  // none. Not owned; must outlive Run(). Call before Run().
  void SetMetrics(SinkMetrics* metrics);

  struct Impl;

 private:
  explicit S3SinkTask(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::connectors
