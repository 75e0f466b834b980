// SinkOptions: the S3 sink's typed settings, read once from a validated ConnectorConfig,
// and the factory of the format writers its objects use.
//
// Everything the runtime needs is here, so the runtime never reads the config map again
// and tests can build options by hand (FromConfig is the only place that knows key names).
// Immutable after creation; shared read-only by every TopicPartitionWriter of a task
// (one thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "connectors/sink_tagging.h"
#include "format/format_writer.h"
#include "format/record_value.h"
#include "lake/layout/object_name.h"
#include "lake/layout/partitioner.h"
#include "lake/layout/rotation_policy.h"

namespace tributary::config {
class ConnectorConfig;
}

namespace tributary::connectors {

// behavior.on.null.values.
enum class NullBehavior : uint8_t { kFail, kIgnore, kWrite };

// Makes one FormatWriter per open object.
using FormatFactory = std::function<Result<std::unique_ptr<format::FormatWriter>>()>;

struct SinkOptions {
  std::string name;                  // connector name ("connect-<name>" is the group)
  std::vector<std::string> topics;   // `topics`, or one "^regex" entry from `topics.regex`
  NullBehavior null_behavior = NullBehavior::kIgnore;
  // behavior.on.null.values was not in the file: Tributary ignores nulls (Confluent fails)
  // and warns once, at the first null value.
  bool null_behavior_defaulted = true;
  bool store_keys = false;           // store.kafka.keys: a .keys.json object beside each
  bool store_headers = false;        // store.kafka.headers: a .headers.json object too
                                     // (sink_headers.h)
  // report.null.values.to.dlq: null values skipped by behavior.on.null.values=ignore go
  // to the dead letter queue (when there is one: errors.tolerance=all and a topic).
  bool report_nulls_to_dlq = true;
  bool tolerate_errors = false;      // errors.tolerance=all
  std::string dlq_topic;             // errors.deadletterqueue.topic.name (empty: none)
  bool dlq_context_headers = false;  // errors.deadletterqueue.context.headers.enable
  bool log_errors = false;           // errors.log.enable

  lake::ObjectNameOptions names;
  lake::PartitionerOptions partitioner;
  lake::RotationOptions rotation;
  std::string schema_compatibility = "NONE";
  format::RecordValueOptions value_parsing;

  // Upload: objects up to this size go in one PUT, larger ones as a streaming
  // (multipart) upload of parts of this size (s3.part.size).
  uint64_t part_size = 25ull << 20;
  // Wait between two attempts of an upload that failed after the store's own retries
  // (retry.backoff.ms); the sink retries until it succeeds or is stopped.
  std::chrono::milliseconds upload_retry_backoff{5000};
  // Bytes of encoded object content held in memory across all open objects of the
  // task; above it the largest buffers are spilled to temporary files in `spill_dir`
  // (content and names do not change). `tributary.sink.memory.bytes`.
  uint64_t memory_budget_bytes = 64ull << 20;
  std::string spill_dir;  // empty: $TMPDIR or /tmp (`tributary.sink.spill.dir`)
  // How often offsets are committed while records flow (also at rotation bursts'
  // end, on revoke and on stop).
  std::chrono::milliseconds commit_interval{1000};

  FormatFactory make_format;  // value objects
  FormatFactory make_key_format;  // .keys objects (JSON lines); set when store_keys
  FormatFactory make_header_format;  // .headers objects; set when store_headers
  // s3.object.tagging=true: how value objects are tagged after upload; null: not tagged.
  std::shared_ptr<const ObjectTagging> tagging;

  // REQUIRES: config.kind == kS3Sink. Errors: kInvalidArgument / kUnsupported naming
  // the key (e.g. ParquetFormat when the writer is not available, bad tag pairs).
  static Result<SinkOptions> FromConfig(const config::ConnectorConfig& config);
};

}  // namespace tributary::connectors
