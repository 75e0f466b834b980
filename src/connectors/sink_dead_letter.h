// DeadLetterQueue: records the sink cannot write, sent to `errors.deadletterqueue.topic.name`
// as Kafka Connect's DeadLetterQueueReporter sends them: the original key, value and
// headers, and with `errors.deadletterqueue.context.headers.enable=true` the error
// context headers:
//   __connect.errors.topic / .partition / .offset      where the record came from
//   __connect.errors.connector.name / .task.id         "<name>", "0"
//   __connect.errors.stage / .class.name               VALUE_CONVERTER /
//                                                      org.apache.kafka.connect.json.JsonConverter,
//                                                      or TASK_PUT /
//                                                      org.apache.kafka.connect.sink.SinkTask (what
//                                                      Kafka's WorkerErrantRecordReporter gives for
//                                                      every record the sink task reports: records
//                                                      it cannot write, ignored null values)
//   __connect.errors.exception.class.name / .message   org.apache.kafka.connect.errors.DataException
//   __connect.errors.exception.stacktrace              (the message: there is no Java stack)
// Offsets past a dead-lettered record are committed only after Flush() returned ok (the
// task flushes before each commit).
//
// Ownership: owns its Producer. Threading: the sink task's thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"

namespace tributary::connectors {

enum class ErrorStage : uint8_t { kValueConverter, kTaskPut };

class DeadLetterQueue {
 public:
  static Result<std::unique_ptr<DeadLetterQueue>> Open(kafka::ClientConfig client, std::string topic,
                                                       std::string connector_name,
                                                       bool context_headers);
  // Queues the record with the error context (asynchronous; see Flush).
  Status Send(const kafka::ConsumedRecord& record, ErrorStage stage, const Status& error);
  // Waits until every queued record is acknowledged.
  Status Flush(std::chrono::milliseconds timeout);
  bool pending() const { return pending_; }
  uint64_t sent() const { return sent_; }

 private:
  DeadLetterQueue() = default;
  std::unique_ptr<kafka::Producer> producer_;
  std::string topic_;
  std::string connector_name_;
  bool context_headers_ = false;
  bool pending_ = false;
  uint64_t sent_ = 0;
};

}  // namespace tributary::connectors
