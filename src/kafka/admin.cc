#include "kafka/admin.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "config/connector_config.h"
#include "kafka/rdkafka_util.h"

namespace tributary::kafka {

NewTopic TopicFromCreationDefaults(const config::ConnectorConfig& cfg, std::string topic) {
  NewTopic t;
  t.name = std::move(topic);
  t.partitions = static_cast<int32_t>(cfg.GetLong("topic.creation.default.partitions"));
  t.replication_factor =
      static_cast<int32_t>(cfg.GetLong("topic.creation.default.replication.factor"));
  for (const auto& [key, value] : cfg.WithPrefix("topic.creation.default.")) {
    if (key == "partitions" || key == "replication.factor") continue;
    t.configs[key] = value;
  }
  return t;
}

NewTopic HistoryTopic(std::string topic) {
  return NewTopic{.name = std::move(topic),
                  .partitions = 1,
                  .replication_factor = -1,
                  .configs = {{"cleanup.policy", "delete"},
                              {"retention.ms", "-1"},
                              {"retention.bytes", "-1"}}};
}

NewTopic OffsetsTopic(std::string topic) {
  return NewTopic{.name = std::move(topic),
                  .partitions = 25,
                  .replication_factor = -1,
                  .configs = {{"cleanup.policy", "compact"}}};
}

struct Admin::Impl {
  internal::ClientContext context;
  internal::KafkaPtr rk;

  // Waits for the result event of one admin request on `queue`.
  Result<internal::EventPtr> Await(rd_kafka_queue_t* queue, std::chrono::milliseconds timeout,
                                   std::string_view what) {
    // The request has its own timeout; give the queue a little more.
    rd_kafka_event_t* ev =
        rd_kafka_queue_poll(queue, internal::TimeoutMs(timeout + std::chrono::seconds(1)));
    if (ev == nullptr) {
      std::string last = context.LastError();
      return Error(Status::Unavailable(fmt::format(
          "{}: no answer from Kafka brokers '{}' within {} ms{}{}", what, context.bootstrap,
          timeout.count(), last.empty() ? "" : "; last error: ", last)));
    }
    internal::EventPtr hold(ev);
    if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::string last = context.LastError();
      return Error(Status::Unavailable(fmt::format(
          "{}: {}{}{}", what, rd_kafka_event_error_string(ev),
          last.empty() ? "" : "; last error: ", last)));
    }
    return hold;
  }

  internal::QueuePtr NewQueue() { return internal::QueuePtr(rd_kafka_queue_new(rk.get())); }

  rd_kafka_AdminOptions_t* Options(rd_kafka_admin_op_t op, std::chrono::milliseconds timeout) {
    rd_kafka_AdminOptions_t* o = rd_kafka_AdminOptions_new(rk.get(), op);
    char errstr[256];
    rd_kafka_AdminOptions_set_request_timeout(o, internal::TimeoutMs(timeout), errstr, sizeof(errstr));
    if (op == RD_KAFKA_ADMIN_OP_CREATETOPICS || op == RD_KAFKA_ADMIN_OP_DELETETOPICS) {
      rd_kafka_AdminOptions_set_operation_timeout(o, internal::TimeoutMs(timeout), errstr,
                                                  sizeof(errstr));
    }
    return o;
  }
};

Admin::Admin(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Admin::~Admin() = default;

Result<std::unique_ptr<Admin>> Admin::Open(const ClientConfig& client) {
  ClientConfig c = client;
  // Describing a topic must not create it on a broker with auto.create.topics.enable.
  c.Set("allow.auto.create.topics", "false");
  auto impl = std::make_unique<Impl>();
  auto conf = internal::MakeConf(c, &impl->context);
  if (!conf) return Error(conf.error());
  auto rk = internal::NewClient(RD_KAFKA_PRODUCER, std::move(*conf));
  if (!rk) return Error(rk.error());
  impl->rk = std::move(*rk);
  impl->context.owner = impl.get();
  return std::unique_ptr<Admin>(new Admin(std::move(impl)));
}

Result<bool> Admin::CreateTopicIfMissing(const NewTopic& topic, std::chrono::milliseconds timeout) {
  char errstr[512];
  rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(topic.name.c_str(), topic.partitions,
                                                  topic.replication_factor, errstr, sizeof(errstr));
  if (nt == nullptr) {
    return Error(Status::InvalidArgument(fmt::format("topic '{}': {}", topic.name, errstr)));
  }
  std::unique_ptr<rd_kafka_NewTopic_t, decltype(&rd_kafka_NewTopic_destroy)> hold_nt(
      nt, &rd_kafka_NewTopic_destroy);
  for (const auto& [k, v] : topic.configs) {
    rd_kafka_resp_err_t err = rd_kafka_NewTopic_set_config(nt, k.c_str(), v.c_str());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Error(internal::StatusFromError(err, fmt::format("topic '{}' config {}", topic.name, k)));
    }
  }
  auto queue = impl_->NewQueue();
  rd_kafka_AdminOptions_t* opts = impl_->Options(RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout);
  rd_kafka_CreateTopics(impl_->rk.get(), &nt, 1, opts, queue.get());
  rd_kafka_AdminOptions_destroy(opts);
  auto ev = impl_->Await(queue.get(), timeout, fmt::format("creating Kafka topic '{}'", topic.name));
  if (!ev) return Error(ev.error());
  const rd_kafka_CreateTopics_result_t* res = rd_kafka_event_CreateTopics_result(ev->get());
  size_t n = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(res, &n);
  for (size_t i = 0; i < n; ++i) {
    rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) return false;
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* msg = rd_kafka_topic_result_error_string(results[i]);
      Status s = internal::StatusFromError(err, fmt::format("creating Kafka topic '{}'", topic.name));
      return Error(msg != nullptr ? s.WithContext(msg) : s);
    }
  }
  spdlog::info("created Kafka topic '{}' ({} partitions, replication {}{})", topic.name,
               topic.partitions, topic.replication_factor, topic.configs.empty() ? "" : ", with configs");
  return true;
}

Result<TopicDescription> Admin::DescribeTopic(std::string_view topic,
                                              std::chrono::milliseconds timeout) {
  std::string name(topic);
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(impl_->rk.get(), name.c_str(), nullptr);
  if (rkt == nullptr) {
    return Error(internal::StatusFromError(rd_kafka_last_error(), fmt::format("topic '{}'", topic)));
  }
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err =
      rd_kafka_metadata(impl_->rk.get(), 0, rkt, &md, internal::TimeoutMs(timeout));
  rd_kafka_topic_destroy(rkt);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error(internal::StatusFromError(err, fmt::format("describing Kafka topic '{}'", topic)));
  }
  internal::MetadataPtr hold(md);
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    if (name != t.topic) continue;
    if (t.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || t.partition_cnt == 0) break;
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Error(internal::StatusFromError(t.err, fmt::format("describing Kafka topic '{}'", topic)));
    }
    TopicDescription d{.name = name, .partitions = t.partition_cnt};
    for (int p = 0; p < t.partition_cnt; ++p) {
      if (t.partitions[p].id == 0) d.replication_factor = t.partitions[p].replica_cnt;
    }
    return d;
  }
  return Error(Status::NotFound(fmt::format("Kafka topic '{}' does not exist", topic)));
}

Result<std::map<std::string, std::string>> Admin::DescribeTopicConfigs(
    std::string_view topic, std::chrono::milliseconds timeout) {
  std::string name(topic);
  rd_kafka_ConfigResource_t* res = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, name.c_str());
  auto queue = impl_->NewQueue();
  rd_kafka_AdminOptions_t* opts = impl_->Options(RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, timeout);
  rd_kafka_DescribeConfigs(impl_->rk.get(), &res, 1, opts, queue.get());
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_ConfigResource_destroy(res);
  auto ev = impl_->Await(queue.get(), timeout, fmt::format("describing configs of '{}'", topic));
  if (!ev) return Error(ev.error());
  const rd_kafka_DescribeConfigs_result_t* result = rd_kafka_event_DescribeConfigs_result(ev->get());
  size_t nres = 0;
  const rd_kafka_ConfigResource_t** resources = rd_kafka_DescribeConfigs_result_resources(result, &nres);
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < nres; ++i) {
    rd_kafka_resp_err_t err = rd_kafka_ConfigResource_error(resources[i]);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Error(internal::StatusFromError(err, fmt::format("configs of Kafka topic '{}'", topic)));
    }
    size_t nconf = 0;
    const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(resources[i], &nconf);
    for (size_t j = 0; j < nconf; ++j) {
      const char* v = rd_kafka_ConfigEntry_value(entries[j]);
      out[rd_kafka_ConfigEntry_name(entries[j])] = v != nullptr ? v : "";
    }
  }
  return out;
}

Status Admin::DeleteTopics(const std::vector<std::string>& topics, std::chrono::milliseconds timeout) {
  if (topics.empty()) return Status::Ok();
  std::vector<rd_kafka_DeleteTopic_t*> del;
  for (const std::string& t : topics) del.push_back(rd_kafka_DeleteTopic_new(t.c_str()));
  auto queue = impl_->NewQueue();
  rd_kafka_AdminOptions_t* opts = impl_->Options(RD_KAFKA_ADMIN_OP_DELETETOPICS, timeout);
  rd_kafka_DeleteTopics(impl_->rk.get(), del.data(), del.size(), opts, queue.get());
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_DeleteTopic_destroy_array(del.data(), del.size());
  auto ev = impl_->Await(queue.get(), timeout, "deleting Kafka topics");
  if (!ev) return ev.error();
  const rd_kafka_DeleteTopics_result_t* res = rd_kafka_event_DeleteTopics_result(ev->get());
  size_t n = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_DeleteTopics_result_topics(res, &n);
  for (size_t i = 0; i < n; ++i) {
    rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) continue;
    return internal::StatusFromError(
        err, fmt::format("deleting Kafka topic '{}'", rd_kafka_topic_result_name(results[i])));
  }
  return Status::Ok();
}

}  // namespace tributary::kafka
