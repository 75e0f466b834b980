#include "connectors/kafka_history_store.h"

#include <fmt/format.h>

#include <thread>

#include "kafka/admin.h"

namespace tributary::connectors {

KafkaHistoryStore::~KafkaHistoryStore() {
  if (producer_) (void)producer_->Close(options_.timeout);
}

Result<std::unique_ptr<KafkaHistoryStore>> KafkaHistoryStore::Open(KafkaHistoryStoreOptions options) {
  auto admin = kafka::Admin::Open(options.admin);
  if (!admin) return Error(admin.error());
  if (options.create_topic) {
    auto created = (*admin)->CreateTopicIfMissing(kafka::HistoryTopic(options.topic), options.timeout);
    if (!created) return Error(created.error().WithContext("creating the schema history topic " + options.topic));
  }
  // A topic created a moment ago may not be in the metadata yet: retry NotFound briefly.
  auto desc = (*admin)->DescribeTopic(options.topic, options.timeout);
  for (int attempt = 0; !desc && desc.error().code() == StatusCode::kNotFound && attempt < 20; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    desc = (*admin)->DescribeTopic(options.topic, options.timeout);
  }
  if (!desc) return Error(desc.error().WithContext("the schema history topic " + options.topic));
  if (desc->partitions != 1) {
    return Error(Status::FailedPrecondition(fmt::format(
        "the schema history topic {} has {} partitions; it must have exactly 1 (the history is "
        "an ordered log): use a new topic name, or recreate it with one partition",
        options.topic, desc->partitions)));
  }
  kafka::ProducerOptions po;
  po.client = options.producer;
  auto producer = kafka::Producer::Open(std::move(po));
  if (!producer) return Error(producer.error());
  return std::unique_ptr<KafkaHistoryStore>(new KafkaHistoryStore(std::move(options), std::move(*producer)));
}

Result<std::unique_ptr<kafka::Consumer>> KafkaHistoryStore::OpenReader() {
  kafka::ConsumerOptions co;
  co.client = options_.consumer;
  co.isolation = kafka::IsolationLevel::kReadCommitted;
  co.report_partition_eof = true;
  return kafka::Consumer::Open(std::move(co));
}

Result<bool> KafkaHistoryStore::Exists() {
  auto consumer = OpenReader();
  if (!consumer) return Error(consumer.error());
  auto marks = (*consumer)->Watermarks({options_.topic, 0}, options_.timeout);
  if (!marks) return Error(marks.error().WithContext(Describe()));
  return marks->second > marks->first;
}

Status KafkaHistoryStore::Recover(const std::function<Status(std::string_view record)>& fn) {
  auto consumer = OpenReader();
  if (!consumer) return consumer.error();
  auto marks = (*consumer)->Watermarks({options_.topic, 0}, options_.timeout);
  if (!marks) return marks.error().WithContext(Describe());
  const int64_t end = marks->second;
  if (marks->first > 0) {
    return Status::Corruption(fmt::format(
        "{} starts at offset {}: its first records were deleted (retention), so the history is "
        "incomplete; set retention.ms=-1 on it and rebuild it with snapshot.mode=recovery",
        Describe(), marks->first));
  }
  if (end == 0) return Status::Ok();
  if (Status s = (*consumer)->Assign({{options_.topic, 0, kafka::kOffsetBeginning}}); !s.ok()) return s;
  int64_t next = 0;
  auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  while (next < end) {
    auto batch = (*consumer)->Poll(std::chrono::milliseconds(500));
    if (!batch) return batch.error().WithContext(Describe());
    for (const auto& rec : batch->records) {
      if (rec.offset() >= end) break;
      next = rec.offset() + 1;
      auto value = rec.value();
      if (!value) continue;  // a tombstone has no place in a history; skip it
      if (Status s = fn(*value); !s.ok()) {
        return s.WithContext(fmt::format("{} offset {}", Describe(), rec.offset()));
      }
      deadline = std::chrono::steady_clock::now() + options_.timeout;
    }
    if (next < end && std::chrono::steady_clock::now() > deadline) {
      return Status::Unavailable(fmt::format("{}: read up to offset {} of {}, then nothing for {} ms",
                                             Describe(), next, end, options_.timeout.count()));
    }
  }
  return Status::Ok();
}

Status KafkaHistoryStore::Append(std::string_view record) {
  kafka::OutgoingRecord r;
  r.topic = options_.topic;
  r.value = record;
  r.partition = 0;
  auto seq = producer_->Send(r);
  if (!seq) return seq.error().WithContext(Describe());
  if (Status s = producer_->Flush(options_.timeout); !s.ok()) return s.WithContext(Describe());
  if (producer_->AckedThrough() < *seq) {
    return Status::Unavailable(fmt::format("{}: the record was not acknowledged", Describe()));
  }
  return Status::Ok();
}

}  // namespace tributary::connectors
