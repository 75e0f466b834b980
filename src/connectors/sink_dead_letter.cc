#include "connectors/sink_dead_letter.h"

#include <fmt/format.h>

#include <vector>

namespace tributary::connectors {

Result<std::unique_ptr<DeadLetterQueue>> DeadLetterQueue::Open(kafka::ClientConfig client,
                                                               std::string topic,
                                                               std::string connector_name,
                                                               bool context_headers) {
  kafka::ProducerOptions options;
  options.client = std::move(client);
  auto producer = kafka::Producer::Open(std::move(options));
  if (!producer) return Error(producer.error().WithContext("dead letter queue producer"));
  std::unique_ptr<DeadLetterQueue> q(new DeadLetterQueue());
  q->producer_ = std::move(*producer);
  q->topic_ = std::move(topic);
  q->connector_name_ = std::move(connector_name);
  q->context_headers_ = context_headers;
  return q;
}

Status DeadLetterQueue::Send(const kafka::ConsumedRecord& record, ErrorStage stage,
                             const Status& error) {
  std::vector<kafka::RecordHeader> headers = record.headers();
  std::string partition = std::to_string(record.partition());
  std::string offset = std::to_string(record.offset());
  std::string_view stage_name = stage == ErrorStage::kValueConverter ? "VALUE_CONVERTER" : "TASK_PUT";
  std::string_view class_name = stage == ErrorStage::kValueConverter
                                    ? "org.apache.kafka.connect.json.JsonConverter"
                                    : "org.apache.kafka.connect.sink.SinkTask";
  std::string exception = "org.apache.kafka.connect.errors.DataException";
  std::string message = error.message();
  std::string stacktrace = fmt::format("{}: {}", exception, message);
  if (context_headers_) {
    headers.push_back({"__connect.errors.topic", record.topic()});
    headers.push_back({"__connect.errors.partition", partition});
    headers.push_back({"__connect.errors.offset", offset});
    headers.push_back({"__connect.errors.connector.name", connector_name_});
    headers.push_back({"__connect.errors.task.id", "0"});
    headers.push_back({"__connect.errors.stage", stage_name});
    headers.push_back({"__connect.errors.class.name", class_name});
    headers.push_back({"__connect.errors.exception.class.name", exception});
    headers.push_back({"__connect.errors.exception.message", message});
    headers.push_back({"__connect.errors.exception.stacktrace", stacktrace});
  }
  kafka::OutgoingRecord out;
  out.topic = topic_;
  out.key = record.key();
  out.value = record.value();
  out.headers = headers;
  auto seq = producer_->Send(out);
  if (!seq) return seq.error().WithContext(fmt::format("dead letter topic '{}'", topic_));
  pending_ = true;
  ++sent_;
  return Status::Ok();
}

Status DeadLetterQueue::Flush(std::chrono::milliseconds timeout) {
  if (!pending_) return Status::Ok();
  Status s = producer_->Flush(timeout);
  if (s.ok()) pending_ = false;
  return s.ok() ? s : s.WithContext(fmt::format("dead letter topic '{}'", topic_));
}

}  // namespace tributary::connectors
