#include "kafka/consumer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>

#include "kafka/rdkafka_util.h"

namespace tributary::kafka {

// ------------------------------------------------------------------ ConsumedRecord

namespace {
const rd_kafka_message_t* Msg(const void* p) { return static_cast<const rd_kafka_message_t*>(p); }
}  // namespace

std::string_view ConsumedRecord::topic() const { return rd_kafka_topic_name(Msg(message_)->rkt); }
int32_t ConsumedRecord::partition() const { return Msg(message_)->partition; }
int64_t ConsumedRecord::offset() const { return Msg(message_)->offset; }

std::optional<std::string_view> ConsumedRecord::key() const {
  const rd_kafka_message_t* m = Msg(message_);
  if (m->key == nullptr) return std::nullopt;
  return std::string_view(static_cast<const char*>(m->key), m->key_len);
}

std::optional<std::string_view> ConsumedRecord::value() const {
  const rd_kafka_message_t* m = Msg(message_);
  if (m->payload == nullptr) return std::nullopt;
  return std::string_view(static_cast<const char*>(m->payload), m->len);
}

int64_t ConsumedRecord::timestamp_ms() const {
  rd_kafka_timestamp_type_t type;
  return rd_kafka_message_timestamp(Msg(message_), &type);
}

TimestampType ConsumedRecord::timestamp_type() const {
  rd_kafka_timestamp_type_t type;
  rd_kafka_message_timestamp(Msg(message_), &type);
  switch (type) {
    case RD_KAFKA_TIMESTAMP_CREATE_TIME: return TimestampType::kCreateTime;
    case RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME: return TimestampType::kLogAppendTime;
    default: return TimestampType::kNone;
  }
}

size_t ConsumedRecord::header_count() const {
  rd_kafka_headers_t* hdrs = nullptr;
  // rd_kafka_message_headers parses lazily and caches on the message.
  if (rd_kafka_message_headers(const_cast<rd_kafka_message_t*>(Msg(message_)), &hdrs) !=
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    return 0;
  }
  return rd_kafka_header_cnt(hdrs);
}

std::vector<RecordHeader> ConsumedRecord::headers() const {
  std::vector<RecordHeader> out;
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(const_cast<rd_kafka_message_t*>(Msg(message_)), &hdrs) !=
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    return out;
  }
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size) ==
                     RD_KAFKA_RESP_ERR_NO_ERROR;
       ++i) {
    RecordHeader h;
    h.name = name;
    if (value != nullptr) h.value = std::string_view(static_cast<const char*>(value), size);
    out.push_back(h);
  }
  return out;
}

// ------------------------------------------------------------------ Consumer

struct Consumer::Impl {
  ConsumerOptions options;
  internal::ClientContext context;
  internal::KafkaPtr rk;
  std::vector<internal::MessagePtr> batch;
  std::vector<ConsumedRecord> records;
  std::vector<TopicPartitionOffset> ends;
  ConsumerStats stats;
  bool closed = false;
  Status fatal;

  ~Impl() {
    batch.clear();
    if (rk && !closed) {
      rd_kafka_consumer_close(rk.get());
      closed = true;
    }
    rk.reset();
  }

  void ReleaseBatch() {
    records.clear();
    batch.clear();
    ends.clear();
  }

  static void RebalanceCallback(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                rd_kafka_topic_partition_list_t* parts, void* opaque) {
    auto* context = static_cast<internal::ClientContext*>(opaque);
    static_cast<Impl*>(context->owner)->OnRebalance(rk, err, parts);
  }

  void OnRebalance(rd_kafka_t* handle, rd_kafka_resp_err_t err,
                   rd_kafka_topic_partition_list_t* parts) {
    ++stats.rebalances;
    const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(handle), "COOPERATIVE") == 0;
    RebalanceListener* listener = options.listener;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      std::vector<PartitionAssignment> assigned;
      assigned.reserve(static_cast<size_t>(parts->cnt));
      for (int i = 0; i < parts->cnt; ++i) {
        int64_t off = parts->elems[i].offset;
        assigned.push_back({parts->elems[i].topic, parts->elems[i].partition,
                            off == RD_KAFKA_OFFSET_INVALID ? kOffsetStored : off});
      }
      if (listener != nullptr) listener->OnAssigned(assigned);
      for (int i = 0; i < parts->cnt; ++i) {
        int64_t off = assigned[static_cast<size_t>(i)].start_offset;
        parts->elems[i].offset = off == kOffsetStored ? RD_KAFKA_OFFSET_INVALID : off;
      }
      spdlog::info("Kafka consumer {}: {} partition(s) assigned", options.group_id, parts->cnt);
      if (cooperative) {
        internal::ErrorPtr e(rd_kafka_incremental_assign(handle, parts));
        if (e) RecordFatal(internal::StatusFromError(e.get(), "incremental assign"));
      } else {
        rd_kafka_assign(handle, parts);
      }
      return;
    }
    std::vector<TopicPartition> tps;
    tps.reserve(static_cast<size_t>(parts->cnt));
    for (int i = 0; i < parts->cnt; ++i) {
      tps.push_back({parts->elems[i].topic, parts->elems[i].partition});
    }
    if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
      const bool lost = rd_kafka_assignment_lost(handle) != 0;
      if (lost) {
        spdlog::warn("Kafka consumer {}: {} partition(s) lost (session timeout, or a commit that raced a rebalance); their "
                     "uncommitted work is dropped",
                     options.group_id, tps.size());
      } else {
        spdlog::info("Kafka consumer {}: {} partition(s) revoked", options.group_id, tps.size());
      }
      if (listener != nullptr) {
        if (lost) {
          listener->OnLost(tps);
        } else {
          listener->OnRevoked(tps);
        }
      }
      if (cooperative) {
        internal::ErrorPtr e(rd_kafka_incremental_unassign(handle, parts));
        if (e) RecordFatal(internal::StatusFromError(e.get(), "incremental unassign"));
      } else {
        rd_kafka_assign(handle, nullptr);
      }
      return;
    }
    spdlog::warn("Kafka consumer {}: rebalance error {}", options.group_id, rd_kafka_err2str(err));
    if (listener != nullptr) listener->OnLost(tps);
    if (cooperative) {
      internal::ErrorPtr e(rd_kafka_incremental_unassign(handle, parts));
    } else {
      rd_kafka_assign(handle, nullptr);
    }
  }

  static void ErrorCallback(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
    auto* context = static_cast<internal::ClientContext*>(opaque);
    context->RecordError(reason);
    auto code = static_cast<rd_kafka_resp_err_t>(err);
    if (code == RD_KAFKA_RESP_ERR__FATAL) {
      char buf[512];
      rd_kafka_fatal_error(rk, buf, sizeof(buf));
      static_cast<Impl*>(context->owner)
          ->RecordFatal(Status::FailedPrecondition(fmt::format("fatal Kafka consumer error: {}", buf)));
      return;
    }
    if (code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
      spdlog::warn("Kafka consumer: all brokers of '{}' are down ({}); retrying",
                   context->bootstrap, reason);
    } else {
      spdlog::warn("Kafka consumer: {} ({})", reason, rd_kafka_err2name(code));
    }
  }

  void RecordFatal(Status s) {
    spdlog::error("{}", s.message());
    if (fatal.ok()) fatal = std::move(s);
  }

  // Takes one message from poll; false when it ends the batch.
  void Take(rd_kafka_message_t* m) {
    internal::MessagePtr hold(m);
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      ends.push_back({rd_kafka_topic_name(m->rkt), m->partition, m->offset});
      return;
    }
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::string text = rd_kafka_message_errstr(m);
      if (m->err == RD_KAFKA_RESP_ERR__FATAL) {
        char buf[512];
        rd_kafka_fatal_error(rk.get(), buf, sizeof(buf));
        RecordFatal(Status::FailedPrecondition(fmt::format("fatal Kafka consumer error: {}", buf)));
      } else {
        context.RecordError(text);
        spdlog::warn("Kafka consumer {}: {}{}", options.group_id, text,
                     m->rkt != nullptr ? fmt::format(" (topic '{}' partition {})",
                                                     rd_kafka_topic_name(m->rkt), m->partition)
                                       : std::string());
      }
      return;
    }
    stats.bytes += m->len + m->key_len;
    records.emplace_back(m);
    batch.push_back(std::move(hold));
  }
};

Consumer::Consumer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Consumer::~Consumer() = default;

Result<std::unique_ptr<Consumer>> Consumer::Open(ConsumerOptions options) {
  ClientConfig client = options.client;
  if (!options.group_id.empty()) {
    client.Set("group.id", options.group_id);
  } else {
    // librdkafka's consumer API needs a group even for a manual assignment; this one
    // never joins (no Subscribe) and never commits.
    static std::atomic<uint64_t> counter{0};
    client.Set("group.id", fmt::format("tributary-reader-{}-{}", ::getpid(), ++counter));
  }
  client.Set("partition.assignment.strategy", "cooperative-sticky");
  client.Set("enable.auto.commit", "false");
  client.Set("enable.auto.offset.store", "false");
  client.Set("enable.partition.eof", options.report_partition_eof ? "true" : "false");
  client.SetDefault("auto.offset.reset", options.auto_offset_reset);
  if (options.isolation) {
    client.Set("isolation.level", *options.isolation == IsolationLevel::kReadCommitted
                                      ? "read_committed"
                                      : "read_uncommitted");
  } else {
    client.SetDefault("isolation.level", "read_uncommitted");  // the Java client's default
  }
  if (options.max_batch_records == 0) options.max_batch_records = 1;

  auto impl = std::make_unique<Impl>();
  auto conf = internal::MakeConf(client, &impl->context);
  if (!conf) return Error(conf.error());
  rd_kafka_conf_set_rebalance_cb(conf->get(), &Impl::RebalanceCallback);
  rd_kafka_conf_set_error_cb(conf->get(), &Impl::ErrorCallback);
  auto rk = internal::NewClient(RD_KAFKA_CONSUMER, std::move(*conf));
  if (!rk) return Error(rk.error());
  impl->options = std::move(options);
  impl->context.owner = impl.get();
  impl->rk = std::move(*rk);
  // Route the main queue (errors, rebalances) to the consumer queue served by Poll.
  rd_kafka_poll_set_consumer(impl->rk.get());
  impl->batch.reserve(impl->options.max_batch_records);
  impl->records.reserve(impl->options.max_batch_records);
  return std::unique_ptr<Consumer>(new Consumer(std::move(impl)));
}

Status Consumer::Subscribe(const std::vector<std::string>& topics) {
  if (impl_->options.group_id.empty()) {
    return Status::FailedPrecondition("subscribing needs a consumer group id");
  }
  std::vector<TopicPartition> tps;
  for (const std::string& t : topics) tps.push_back({t, RD_KAFKA_PARTITION_UA});
  auto list = internal::ToList(tps);
  return internal::StatusFromError(rd_kafka_subscribe(impl_->rk.get(), list.get()),
                                   "subscribing to Kafka topics");
}

Status Consumer::Assign(const std::vector<PartitionAssignment>& partitions) {
  std::vector<TopicPartitionOffset> tpo;
  for (const PartitionAssignment& p : partitions) {
    tpo.push_back({p.topic, p.partition,
                   p.start_offset == kOffsetStored ? RD_KAFKA_OFFSET_STORED : p.start_offset});
  }
  auto list = internal::ToList(tpo);
  return internal::StatusFromError(rd_kafka_assign(impl_->rk.get(), list.get()),
                                   "assigning Kafka partitions");
}

Result<PollResult> Consumer::Poll(std::chrono::milliseconds timeout) {
  Impl& d = *impl_;
  d.ReleaseBatch();
  if (d.closed) return Error(Status::FailedPrecondition("Kafka consumer is closed"));
  ++d.stats.polls;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (d.records.empty() && d.ends.empty()) {
    if (!d.fatal.ok()) return Error(d.fatal);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() < 0) left = std::chrono::milliseconds(0);
    rd_kafka_message_t* m = rd_kafka_consumer_poll(d.rk.get(), internal::TimeoutMs(left));
    if (m == nullptr) break;
    d.Take(m);
    if (std::chrono::steady_clock::now() >= deadline) break;
  }
  while (d.records.size() < d.options.max_batch_records) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(d.rk.get(), 0);
    if (m == nullptr) break;
    d.Take(m);
  }
  if (!d.fatal.ok()) return Error(d.fatal);
  d.stats.records += d.records.size();
  return PollResult{.records = d.records, .reached_end = d.ends};
}

Status Consumer::Commit(const std::vector<TopicPartitionOffset>& offsets) {
  if (impl_->options.group_id.empty()) {
    return Status::FailedPrecondition("committing needs a consumer group id");
  }
  if (offsets.empty()) return Status::Ok();
  auto list = internal::ToList(offsets);
  rd_kafka_resp_err_t err = rd_kafka_commit(impl_->rk.get(), list.get(), 0);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return internal::StatusFromError(err, "committing Kafka offsets");
  }
  ++impl_->stats.commits;
  return internal::ListError(list.get(), "committing Kafka offset of");
}

namespace {

// The group coordinator is not ready yet (a broker that just started, a coordinator that
// moved): worth asking again.
bool CoordinatorNotReady(rd_kafka_resp_err_t err) {
  return err == RD_KAFKA_RESP_ERR_NOT_COORDINATOR ||
         err == RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS ||
         err == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE ||
         err == RD_KAFKA_RESP_ERR__TRANSPORT || err == RD_KAFKA_RESP_ERR__WAIT_COORD;
}

}  // namespace

Result<std::vector<TopicPartitionOffset>> Consumer::Committed(
    const std::vector<TopicPartition>& partitions, std::chrono::milliseconds timeout) {
  // librdkafka answers NOT_COORDINATOR once instead of waiting for the coordinator
  // (seen with 2.12.1 right after the broker started): ask again until `timeout`.
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto list = internal::ToList(partitions);
    rd_kafka_resp_err_t err = rd_kafka_committed(
        impl_->rk.get(), list.get(), internal::TimeoutMs(std::max(left, std::chrono::milliseconds(1))));
    bool again = CoordinatorNotReady(err);
    for (int i = 0; err == RD_KAFKA_RESP_ERR_NO_ERROR && i < list->cnt; ++i) {
      again = again || CoordinatorNotReady(list->elems[i].err);
    }
    if (again && std::chrono::steady_clock::now() + std::chrono::milliseconds(100) < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Error(internal::StatusFromError(err, "reading committed Kafka offsets"));
    }
    if (Status s = internal::ListError(list.get(), "committed offset of"); !s.ok()) return Error(s);
    return internal::FromList(list.get());
  }
}

Status Consumer::Seek(const std::vector<TopicPartitionOffset>& positions,
                      std::chrono::milliseconds timeout) {
  auto list = internal::ToList(positions);
  internal::ErrorPtr err(
      rd_kafka_seek_partitions(impl_->rk.get(), list.get(), internal::TimeoutMs(timeout)));
  if (err) return internal::StatusFromError(err.get(), "seeking Kafka partitions");
  return internal::ListError(list.get(), "seeking");
}

Status Consumer::Pause(const std::vector<TopicPartition>& partitions) {
  auto list = internal::ToList(partitions);
  rd_kafka_resp_err_t err = rd_kafka_pause_partitions(impl_->rk.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return internal::StatusFromError(err, "pausing");
  return internal::ListError(list.get(), "pausing");
}

Status Consumer::Resume(const std::vector<TopicPartition>& partitions) {
  auto list = internal::ToList(partitions);
  rd_kafka_resp_err_t err = rd_kafka_resume_partitions(impl_->rk.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return internal::StatusFromError(err, "resuming");
  return internal::ListError(list.get(), "resuming");
}

Result<std::vector<TopicPartition>> Consumer::Assignment() {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_assignment(impl_->rk.get(), &raw);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error(internal::StatusFromError(err, "reading the Kafka assignment"));
  }
  internal::PartitionListPtr list(raw);
  std::vector<TopicPartition> out;
  for (const TopicPartitionOffset& p : internal::FromList(list.get())) {
    out.push_back({p.topic, p.partition});
  }
  return out;
}

Result<std::pair<int64_t, int64_t>> Consumer::Watermarks(const TopicPartition& tp,
                                                        std::chrono::milliseconds timeout) {
  int64_t low = 0;
  int64_t high = 0;
  rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
      impl_->rk.get(), tp.topic.c_str(), tp.partition, &low, &high, internal::TimeoutMs(timeout));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error(internal::StatusFromError(
        err, fmt::format("watermarks of {}[{}]", tp.topic, tp.partition)));
  }
  return std::pair{low, high};
}

Result<int32_t> Consumer::PartitionCount(std::string_view topic, std::chrono::milliseconds timeout) {
  return internal::PartitionCount(impl_->rk.get(), topic, timeout);
}

ConsumerStats Consumer::stats() const { return impl_->stats; }

Status Consumer::Close() {
  Impl& d = *impl_;
  d.ReleaseBatch();
  if (d.closed) return Status::Ok();
  d.closed = true;
  return internal::StatusFromError(rd_kafka_consumer_close(d.rk.get()), "closing the Kafka consumer");
}

}  // namespace tributary::kafka
