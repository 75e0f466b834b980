#include "connectors/s3_sink.h"

#include <fmt/format.h>
#include <malloc.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <vector>

#include "config/connector_config.h"
#include "connectors/object_buffer_pool.h"
#include "connectors/sink_dead_letter.h"
#include "connectors/sink_metrics.h"
#include "connectors/sink_schema_topic.h"
#include "connectors/topic_partition_writer.h"
#include "format/json_lines_format.h"
#include "format/record_value.h"
#include "format/schemaless_json_transcoder.h"
#include "kafka/consumer.h"
#include "kafka/kafka_config.h"
#include "lake/layout/partitioner.h"

namespace tributary::connectors {
namespace {

using Clock = std::chrono::steady_clock;

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

format::TimestampType ToFormat(kafka::TimestampType t) {
  switch (t) {
    case kafka::TimestampType::kCreateTime: return format::TimestampType::kCreateTime;
    case kafka::TimestampType::kLogAppendTime: return format::TimestampType::kLogAppendTime;
    case kafka::TimestampType::kNone: break;
  }
  return format::TimestampType::kNone;
}

void AddStats(WriterStats& into, const WriterStats& s) {
  into.records += s.records;
  into.skipped += s.skipped;
  into.objects += s.objects;
  into.bytes += s.bytes;
  into.rotations += s.rotations;
  into.upload_retries += s.upload_retries;
  into.spills += s.spills;
}

// Object uploads in flight at once: s3.part.upload.parallelism (also the parts of one
// multipart upload in flight), default 4.
int UploadThreads(const config::ConnectorConfig& config) {
  constexpr const char* kKey = "s3.part.upload.parallelism";
  if (!config.Has(kKey) || config.GetString(kKey).empty()) return 4;
  return static_cast<int>(std::clamp<int64_t>(config.GetLong(kKey), 1, 64));
}

// The transcoder of plain JSON values when nothing but the JSON format reads them: the
// format is JsonFormat, the partitioner reads no field (Default, or time-based on the
// wall clock or the record's timestamp), and the value may be plain (schemas.enable is
// not true). Null otherwise: values are parsed into a tree. (Open drops it when a schema
// topic attaches schemas to the values.)
std::unique_ptr<format::SchemalessJsonTranscoder> MakeTranscoder(const SinkOptions& options) {
  if (!options.make_format || options.value_parsing.envelope == format::EnvelopeMode::kRequired) {
    return nullptr;
  }
  const lake::PartitionerOptions& p = options.partitioner;
  if (p.kind == lake::PartitionerKind::kField ||
      (p.kind != lake::PartitionerKind::kDefault &&
       p.timestamp_source == lake::TimestampSource::kRecordField)) {
    return nullptr;
  }
  auto probe = options.make_format();
  if (!probe) return nullptr;
  const auto* json = dynamic_cast<const format::JsonLinesFormat*>(probe->get());
  if (json == nullptr) return nullptr;
  return std::make_unique<format::SchemalessJsonTranscoder>(json->options(),
                                                            options.value_parsing.envelope);
}

constexpr std::chrono::milliseconds kPollTimeout{200};
constexpr std::chrono::milliseconds kDlqFlushTimeout{60000};

}  // namespace

struct S3SinkTask::Impl final : kafka::RebalanceListener {
  SinkOptions options;
  std::unique_ptr<lake::ObjectStore> store;
  int upload_threads = 4;
  // Object buffers reused between objects (declared before the uploads and the writers,
  // whose builders give their buffers back when destroyed).
  std::unique_ptr<ObjectBufferPool> buffers;
  std::unique_ptr<UploadPool> uploads;  // made by Run(); destroyed before the store
  SinkMetrics* metrics = nullptr;       // not owned (run_sink.cc)
  std::unique_ptr<lake::Partitioner> partitioner;
  kafka::ClientConfig consumer_client;
  std::unique_ptr<kafka::Consumer> consumer;
  std::unique_ptr<DeadLetterQueue> dlq;
  std::unique_ptr<format::RecordValueParser> value_parser;
  std::unique_ptr<format::RecordValueParser> key_parser;
  // JSON objects with nothing reading the value but the format: plain values go straight
  // to their line (no tree); null when not applicable (see MakeTranscoder).
  std::unique_ptr<format::SchemalessJsonTranscoder> transcoder;
  std::string transcoded_line;  // the line of the current record (reused)
  std::vector<format::SinkHeader> headers;  // the current record's (store.kafka.headers)
  std::unique_ptr<SchemaTopicTables> schema_topic;  // tributary.parquet.schema.topic
  SinkContext context;
  std::map<kafka::TopicPartition, std::unique_ptr<TopicPartitionWriter>> writers;
  WriterStats retired;  // stats of writers that are gone
  SinkTaskStats task_stats;
  bool warned_null = false;
  Clock::time_point last_commit = Clock::now();
  Status callback_error;
  uint64_t bytes_since_memory_check = 0;
  std::optional<Clock::time_point> first_record;  // for the rate in the stop log
  Clock::time_point last_durable_commit;

  // Cache of the writer of the previous record (records come in runs per partition).
  TopicPartitionWriter* last_writer = nullptr;

  TopicPartitionWriter* WriterFor(std::string_view topic, int32_t partition) {
    if (last_writer != nullptr && last_writer->partition() == partition &&
        last_writer->topic() == topic) {
      return last_writer;
    }
    kafka::TopicPartition tp{std::string(topic), partition};
    auto it = writers.find(tp);
    // A record of a partition no longer assigned (fetched before a revoke): not ours to
    // write or commit; its new owner reads it again.
    if (it == writers.end()) return nullptr;
    last_writer = it->second.get();
    return last_writer;
  }

  void Retire(std::map<kafka::TopicPartition, std::unique_ptr<TopicPartitionWriter>>::iterator it) {
    AddStats(retired, it->second->stats());
    if (last_writer == it->second.get()) last_writer = nullptr;
    writers.erase(it);
  }

  // ------------------------------------------------------------ rebalance listener
  void OnAssigned(std::span<kafka::PartitionAssignment> partitions) override {
    for (auto& p : partitions) {
      kafka::TopicPartition tp{p.topic, p.partition};
      if (writers.count(tp) == 0) {
        writers.emplace(tp, std::make_unique<TopicPartitionWriter>(context, p.topic, p.partition));
      }
      p.start_offset = kafka::kOffsetStored;  // the group's committed offset, else earliest
      spdlog::info("sink '{}': assigned topic '{}' partition {}", options.name, p.topic,
                   p.partition);
    }
  }

  void OnRevoked(std::span<const kafka::TopicPartition> partitions) override {
    std::vector<kafka::TopicPartitionOffset> commits;
    for (const auto& tp : partitions) {
      auto it = writers.find(tp);
      if (it == writers.end()) continue;
      // Cut objects are complete: upload them, so that the commit passes them.
      if (Status s = it->second->WaitUploads(); !s.ok() && callback_error.ok()) {
        callback_error = s;
      }
      it->second->Drop();
      const PartitionProgress& pr = it->second->progress();
      if (pr.NeedsCommit()) commits.push_back({tp.topic, tp.partition, *pr.Committable()});
      spdlog::info("sink '{}': revoked topic '{}' partition {}", options.name, tp.topic,
                   tp.partition);
    }
    if (!commits.empty()) {
      Status s = FlushDeadLetters();
      if (s.ok()) s = consumer->Commit(commits);
      if (!s.ok()) {
        spdlog::warn("sink '{}': commit on revoke failed (the records will be written again, "
                     "to the same objects): {}",
                     options.name, s.message());
      } else {
        ++task_stats.commits;
      }
    }
    for (const auto& tp : partitions) {
      if (auto it = writers.find(tp); it != writers.end()) Retire(it);
    }
  }

  void OnLost(std::span<const kafka::TopicPartition> partitions) override {
    for (const auto& tp : partitions) {
      auto it = writers.find(tp);
      if (it == writers.end()) continue;
      (void)it->second->ReapUploads();  // a failure is the pool's error() too
      it->second->Drop();
      spdlog::warn("sink '{}': lost topic '{}' partition {} (its open objects are dropped)",
                   options.name, tp.topic, tp.partition);
      Retire(it);
    }
  }

  // ------------------------------------------------------------ offsets
  Status FlushDeadLetters() {
    if (dlq == nullptr || !dlq->pending()) return Status::Ok();
    return dlq->Flush(kDlqFlushTimeout);
  }

  Status CommitDurable(bool force) {
    if (!force && Clock::now() - last_commit < options.commit_interval) return Status::Ok();
    last_commit = Clock::now();
    std::vector<kafka::TopicPartitionOffset> commits;
    // A failed upload is fatal, but what is durable elsewhere is still committed first
    // (the failed cut holds its own partition's offset back).
    Status upload_failure;
    for (const auto& [tp, w] : writers) {
      if (Status s = w->ReapUploads(); !s.ok() && upload_failure.ok()) upload_failure = s;
      if (w->progress().NeedsCommit()) {
        commits.push_back({tp.topic, tp.partition, *w->progress().Committable()});
      }
    }
    if (commits.empty()) return upload_failure;
    if (Status s = FlushDeadLetters(); !s.ok()) {
      if (!s.retryable()) return s;
      spdlog::warn("sink '{}': dead letter queue not flushed, offsets not committed yet: {}",
                   options.name, s.message());
      return upload_failure;
    }
    Status s = consumer->Commit(commits);
    if (!s.ok()) {
      // Not fatal: the next commit carries the same or later offsets; a crash in between
      // only means records are written again (to the same objects).
      spdlog::warn("sink '{}': offset commit failed: {}", options.name, s.message());
      return upload_failure;
    }
    ++task_stats.commits;
    last_durable_commit = Clock::now();
    for (const auto& c : commits) {
      auto it = writers.find(kafka::TopicPartition{c.topic, c.partition});
      if (it != writers.end()) it->second->progress().MarkCommitted(c.offset);
    }
    return upload_failure;
  }

  // ------------------------------------------------------------ records
  // A record that cannot be written: stop, or skip it (to the dead letter queue).
  Status Fault(const kafka::ConsumedRecord& rec, TopicPartitionWriter* w, ErrorStage stage,
               Status error) {
    if (!options.tolerate_errors) return error;
    if (options.log_errors || task_stats.skipped == 0) {
      spdlog::warn("sink '{}': skipping a record (errors.tolerance=all): {}", options.name,
                   error.message());
    }
    if (dlq != nullptr) {
      if (Status s = dlq->Send(rec, stage, error); !s.ok()) return s;
      ++task_stats.dead_lettered;
    }
    ++task_stats.skipped;
    w->Skip(rec.offset());
    return Status::Ok();
  }

  // report.null.values.to.dlq: as Confluent's sink reports each ignored null value to
  // Kafka Connect's errant record reporter (stage TASK_PUT, DataException "Skipping null
  // value record."). Only with a dead letter queue (errors.tolerance=all and a topic).
  Status ReportSkippedNull(const kafka::ConsumedRecord& rec) {
    const bool log = options.tolerate_errors && options.log_errors;
    if (!options.report_nulls_to_dlq || (dlq == nullptr && !log)) return Status::Ok();
    Status error = Status::InvalidArgument("Skipping null value record.");
    if (log) {
      spdlog::warn("sink '{}': topic '{}' partition {} offset {}: {} (errors.log.enable)",
                   options.name, rec.topic(), rec.partition(), rec.offset(), error.message());
    }
    if (dlq == nullptr) return Status::Ok();
    if (Status s = dlq->Send(rec, ErrorStage::kTaskPut, error); !s.ok()) return s;
    ++task_stats.dead_lettered;
    return Status::Ok();
  }

  Status Handle(const kafka::ConsumedRecord& rec, int64_t now_ms) {
    if (!first_record) first_record = Clock::now();
    ++task_stats.records;
    TopicPartitionWriter* w = WriterFor(rec.topic(), rec.partition());
    if (w == nullptr) return Status::Ok();
    format::SinkRecord sr;
    sr.topic = rec.topic();
    sr.partition = rec.partition();
    sr.offset = rec.offset();
    sr.timestamp_ms = rec.timestamp_ms();
    sr.timestamp_type = ToFormat(rec.timestamp_type());
    sr.key = rec.key();
    sr.value = rec.value();
    if (sr.value) bytes_since_memory_check += sr.value->size();
    if (options.store_headers) {
      headers.clear();
      for (const kafka::RecordHeader& h : rec.headers()) headers.push_back({h.name, h.value});
      sr.headers = headers;
    }

    Result<format::ParsedValue> parsed = format::ParsedValue{};
    transcoded_line.clear();
    if (transcoder != nullptr && sr.value && transcoder->Transcode(*sr.value, &transcoded_line)) {
      parsed->kind = format::ValueKind::kPlain;
      parsed->encoded_json = transcoded_line;
    } else {
      parsed = value_parser->Parse(sr);
      if (!parsed) return Fault(rec, w, ErrorStage::kValueConverter, parsed.error());
      // Values the transcoder declines mostly (another data set): stop trying.
      if (transcoder != nullptr && transcoder->declined() > 1000 &&
          transcoder->declined() > transcoder->transcoded()) {
        transcoder.reset();
      }
    }
    if (parsed->is_null_value()) {
      switch (options.null_behavior) {
        case NullBehavior::kFail:
          return Status::FailedPrecondition(fmt::format(
              "{}: null value (a delete tombstone) and behavior.on.null.values=fail; set it to "
              "ignore or write",
              format::RecordPosition(sr)));
        case NullBehavior::kIgnore:
          if (options.null_behavior_defaulted && !warned_null) {
            warned_null = true;
            spdlog::warn(
                "sink '{}': {}: null value (a delete tombstone) skipped: behavior.on.null.values "
                "is not set, and Tributary's default is ignore (Kafka Connect's S3 sink would "
                "fail); set it to say which you want. Later null values are skipped silently.",
                options.name, format::RecordPosition(sr));
          }
          if (Status s = ReportSkippedNull(rec); !s.ok()) return s;
          w->Skip(sr.offset);
          ++task_stats.skipped;
          return Status::Ok();
        case NullBehavior::kWrite:
          break;
      }
    }
    if (schema_topic) {  // schemaless Debezium values: the table schema from the source
      if (Status s = schema_topic->Attach(sr, &*parsed); !s.ok()) {
        if (s.code() == StatusCode::kUnavailable) return s;
        return Fault(rec, w, ErrorStage::kValueConverter, s.WithContext(format::RecordPosition(sr)));
      }
    }
    std::optional<format::ParsedValue> key;
    if (options.store_keys) {
      format::SinkRecord kr = sr;
      kr.value = sr.key;
      auto k = key_parser->Parse(kr);
      if (!k) return Fault(rec, w, ErrorStage::kValueConverter, k.error());
      key = std::move(*k);
    }
    if (!w->cuts_loaded()) {
      if (Status s = w->LoadRecordedCuts(sr.offset); !s.ok()) return s;
    }
    WriteResult r = w->Write(sr, *parsed, key ? &*key : nullptr, now_ms);
    if (r.ok()) return Status::Ok();
    if (r.record_fault) return Fault(rec, w, ErrorStage::kTaskPut, r.status);
    return r.status;
  }

  uint64_t OpenBytes() const {
    uint64_t total = 0;
    for (const auto& [_, w] : writers) total += w->MemoryBytes();
    return total;
  }

  // Open objects plus cut objects not yet uploaded plus idle object buffers within the
  // budget: free idle buffers first, then wait for uploads (back-pressure), then spill the
  // largest open buffers.
  Status EnforceMemoryBudget(bool force) {
    if (!force && bytes_since_memory_check < options.memory_budget_bytes / 16) return Status::Ok();
    bytes_since_memory_check = 0;
    const uint64_t budget = options.memory_budget_bytes;
    uint64_t open = OpenBytes();
    uint64_t pending = uploads ? uploads->pending_bytes() : 0;
    // Idle buffers may use what the open and uploading objects leave of the budget.
    auto trim_idle = [&] {
      if (buffers) buffers->Trim(open + pending < budget ? budget - open - pending : 0);
    };
    trim_idle();
    // Waiting lets uploads free memory before open objects grow into it. Objects written
    // through a fixed buffer do not grow: with nothing else open that could, the task
    // goes on while one object uploads (more than one waiting is back-pressure).
    uint64_t growable = 0;
    for (const auto& [_, w] : writers) growable += w->GrowableMemoryBytes();
    while (pending > 0 && open + pending > budget &&
           (growable > 0 || uploads->pending_objects() > 1)) {
      if (context.stop.stop_requested()) return Status::Ok();
      if (Status s = uploads->error(); !s.ok()) return s;
      uploads->WaitForProgress(std::chrono::milliseconds(100));
      ++task_stats.upload_waits;
      pending = uploads->pending_bytes();
    }
    trim_idle();  // finished uploads gave their buffers back
    uint64_t total = open + pending;
    bool spilled = false;
    while (total > budget) {
      TopicPartitionWriter* largest = nullptr;
      uint64_t largest_bytes = 0;
      for (const auto& [_, w] : writers) {
        uint64_t m = w->GrowableMemoryBytes();
        if (m > largest_bytes) {
          largest = w.get();
          largest_bytes = m;
        }
      }
      if (largest == nullptr) break;
      auto freed = largest->SpillLargest();
      if (!freed) return freed.error();
      if (*freed == 0) break;  // what is left is the writers' own buffers
      ++task_stats.spills;
      spilled = true;
      total = total > *freed ? total - *freed : 0;
    }
    if (spilled) {  // spilled buffers went back to the pool
      open = OpenBytes();
      trim_idle();
    }
    return Status::Ok();
  }

  // `finish_uploads`: let the cut objects finish uploading first (a graceful stop); after
  // a fatal error they are abandoned (written again by the next run).
  void Shutdown(bool finish_uploads) {
    // Objects already cut are complete: upload them so the final commit passes them
    // (a stop during an S3 outage ends their retries: they are written again later).
    if (uploads && finish_uploads) uploads->WaitAll();
    for (auto& [_, w] : writers) w->Drop();
    // Commits what is durable; reports an upload that failed.
    if (Status s = CommitDurable(true); !s.ok()) {
      spdlog::warn("sink '{}': at the final commit: {}", options.name, s.message());
    }
    if (consumer) {
      if (Status s = consumer->Close(); !s.ok()) {
        spdlog::warn("sink '{}': leaving the group: {}", options.name, s.message());
      }
    }
    for (auto it = writers.begin(); it != writers.end();) Retire(it++);
  }

  Status Run(std::stop_token stop) {
    context.stop = stop;
    UploadPool::Options uo;
    uo.store = store.get();
    uo.threads = upload_threads;
    uo.part_size = options.part_size;
    uo.retry_backoff = options.upload_retry_backoff;
    uo.stop = stop;
    uploads = std::make_unique<UploadPool>(uo);
    context.uploads = uploads.get();
    if (Status s = consumer->Subscribe(options.topics); !s.ok()) return s;
    spdlog::info("sink '{}': consuming {} into {} (group connect-{})", options.name,
                 fmt::join(options.topics, ","), store->Describe(), options.name);
    const bool wallclock_schedule = options.rotation.rotate_schedule_interval_ms > 0;
    Status result;
    while (!stop.stop_requested()) {
      auto poll = consumer->Poll(kPollTimeout);
      if (!poll) {
        result = poll.error();
        break;
      }
      if (!callback_error.ok()) {
        result = callback_error;
        break;
      }
      if (Status s = uploads->error(); !s.ok()) {
        result = s;
        break;
      }
      int64_t now_ms = WallClockMs();
      if (schema_topic) schema_topic->BeginBatch();
      for (const auto& rec : poll->records) {
        result = Handle(rec, now_ms);
        if (!result.ok()) break;
        if (bytes_since_memory_check >= options.memory_budget_bytes / 16) {
          result = EnforceMemoryBudget(false);
          if (!result.ok()) break;
        }
      }
      if (!result.ok()) break;
      if (wallclock_schedule) {
        for (auto& [_, w] : writers) {
          result = w->CheckWallclock(now_ms);
          if (!result.ok()) break;
        }
        if (!result.ok()) break;
      }
      // Idle (nothing fetched): commit what became durable now rather than at the
      // next interval.
      result = CommitDurable(poll->records.empty());
      if (!result.ok()) break;
      if (metrics && metrics->Due()) metrics->Publish(Stats());
    }
    if (!result.ok() && stop.stop_requested() && result.retryable()) {
      spdlog::warn("sink '{}': stopped during: {}", options.name, result.message());
      result = Status::Ok();
    }
    Shutdown(result.ok());
    uploads.reset();
    context.uploads = nullptr;
    SinkTaskStats st = Stats();
    if (metrics) metrics->Publish(st);
    double busy = first_record && last_durable_commit > *first_record
                      ? std::chrono::duration<double>(last_durable_commit - *first_record).count()
                      : 0.0;
    spdlog::info("sink '{}': stopped; {} records consumed, {} written, {} skipped, {} objects "
                 "({} bytes), {} commits, {} spills, {} waits for uploads; {:.2f} s from the "
                 "first record to the last commit",
                 options.name, st.records, st.written, st.skipped, st.objects, st.bytes,
                 st.commits, st.spills, st.upload_waits, busy);
    if (transcoder != nullptr) {
      spdlog::info("sink '{}': {} values transcoded straight to JSON lines, {} declined (parsed)",
                   options.name, transcoder->transcoded(), transcoder->declined());
    }
    if (buffers != nullptr) {
      ObjectBufferPool::Stats b = buffers->stats();
      spdlog::info("sink '{}': object buffers: {} taken, {} reused, {} given back, {} freed, "
                   "{} bytes trimmed",
                   options.name, b.taken, b.reused, b.given, b.dropped, b.trimmed_bytes);
    }
    return result;
  }

  SinkTaskStats Stats() const {
    WriterStats w = retired;
    for (const auto& [_, wr] : writers) AddStats(w, wr->stats());
    SinkTaskStats s = task_stats;
    s.written = w.records;
    s.objects = w.objects;
    s.bytes = w.bytes;
    s.upload_retries = w.upload_retries;
    s.spills = w.spills;
    return s;
  }
};

S3SinkTask::S3SinkTask(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

S3SinkTask::~S3SinkTask() = default;

Result<std::unique_ptr<S3SinkTask>> S3SinkTask::Open(const config::ConnectorConfig& config) {
  auto options = SinkOptions::FromConfig(config);
  if (!options) return Error(options.error());
  auto store = lake::OpenObjectStore(config);
  if (!store) return Error(store.error());
  return Open(config, std::move(*options), std::move(*store));
}

Result<std::unique_ptr<S3SinkTask>> S3SinkTask::Open(const config::ConnectorConfig& config,
                                                     SinkOptions options,
                                                     std::unique_ptr<lake::ObjectStore> store) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->store = std::move(store);
  auto partitioner = lake::Partitioner::Create(impl->options.partitioner);
  if (!partitioner) return Error(partitioner.error());
  impl->partitioner = std::move(*partitioner);
  if (!impl->partitioner->deterministic()) {
    spdlog::warn("sink '{}': timestamp.extractor=Wallclock puts records in folders by the time "
                 "they are written: objects are not exactly-once (use Record or RecordField)",
                 impl->options.name);
  }
  impl->value_parser = std::make_unique<format::RecordValueParser>(impl->options.value_parsing);
  impl->transcoder = MakeTranscoder(impl->options);
  if (impl->options.store_keys) {
    impl->key_parser = std::make_unique<format::RecordValueParser>(format::RecordValueOptions{});
  }
  impl->upload_threads = UploadThreads(config);
#ifdef __GLIBC__
  // Object buffers are large, short-lived and freed on upload threads. glibc's dynamic
  // mmap threshold would move them into the heap after the first free, where their pages
  // stay resident (peak RSS about 50 MB higher on the JSON benchmark): keep buffers of
  // 1 MiB and more in their own mappings, given back to the system when freed. One
  // connector per process, so the process-wide setting is the sink's.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
  if (impl->options.tagging && !impl->store->SupportsTags()) {
    spdlog::warn("sink '{}': s3.object.tagging=true has no effect on {} (a local folder keeps "
                 "no object tags); objects are written untagged",
                 impl->options.name, impl->store->Describe());
    impl->options.tagging.reset();
  }
  impl->context.options = &impl->options;
  // Idle object buffers are trimmed to what the budget leaves (EnforceMemoryBudget). One
  // object's buffer is at most a quarter of the budget: an object larger than that is
  // written through its buffer to the spill file, and the buffer of the previous object,
  // idle once uploaded, fits beside it to be reused (a multipart upload's part buffers
  // take much of the rest).
  const uint64_t budget = impl->options.memory_budget_bytes;
  ObjectBufferPool::Options bo;
  bo.max_idle_bytes = budget / 2;
  impl->buffers = std::make_unique<ObjectBufferPool>(bo);
  impl->context.buffers = impl->buffers.get();
  impl->context.object_buffer_limit = std::max<uint64_t>(budget / 4, 1);
  auto schema_topic = SchemaTopicOptions::FromConfig(config);
  if (!schema_topic) return Error(schema_topic.error());
  if (*schema_topic) {
    auto tables = SchemaTopicTables::Open(std::move(**schema_topic));
    if (!tables) return Error(tables.error());
    impl->schema_topic = std::move(*tables);
    impl->transcoder.reset();
  }
  impl->context.store = impl->store.get();
  impl->context.partitioner = impl->partitioner.get();

  auto client = kafka::ClientConfigFor(config, kafka::ClientRole::kConsumer);
  if (!client) return Error(client.error());
  // Bounded prefetch: librdkafka's default queue (64 MiB) would dwarf the object buffers.
  client->SetDefault("queued.max.messages.kbytes", "16384");
  // When the queue is full the fetcher backs off this long before it looks again
  // (librdkafka's default: 1 s). A 16 MiB queue holds well under a second of records, so
  // the default starved the sink (half its throughput): look again after 10 ms.
  client->SetDefault("fetch.queue.backoff.ms", "10");
  // Larger fetches per partition (librdkafka's 1 MiB default caps one busy partition at
  // a few tens of MB/s), but not larger: each fetched batch is held decompressed until its
  // last record is consumed. 4/8 MiB against 8/16 MiB: same records/s or better, peak RSS
  // 303 -> 247 MB (JSON) and 292 -> 190 MB (100 partitions) in bench/e2e/sink_to_s3.sh.
  client->SetDefault("fetch.message.max.bytes", "4194304");
  client->SetDefault("fetch.max.bytes", "8388608");  // all partitions of one fetch
  kafka::ConsumerOptions copt;
  copt.client = *client;
  copt.group_id = "connect-" + impl->options.name;
  copt.auto_offset_reset = "earliest";
  copt.listener = impl.get();
  auto consumer = kafka::Consumer::Open(std::move(copt));
  if (!consumer) return Error(consumer.error());
  impl->consumer = std::move(*consumer);

  if (impl->options.tolerate_errors && !impl->options.dlq_topic.empty()) {
    auto pclient = kafka::ClientConfigFor(config, kafka::ClientRole::kProducer);
    if (!pclient) return Error(pclient.error());
    auto dlq = DeadLetterQueue::Open(*pclient, impl->options.dlq_topic, impl->options.name,
                                     impl->options.dlq_context_headers);
    if (!dlq) return Error(dlq.error());
    impl->dlq = std::move(*dlq);
  }
  return std::unique_ptr<S3SinkTask>(new S3SinkTask(std::move(impl)));
}

Status S3SinkTask::Run(std::stop_token stop) { return impl_->Run(std::move(stop)); }

SinkTaskStats S3SinkTask::stats() const { return impl_->Stats(); }

void S3SinkTask::SetMetrics(SinkMetrics* metrics) { impl_->metrics = metrics; }

}  // namespace tributary::connectors
