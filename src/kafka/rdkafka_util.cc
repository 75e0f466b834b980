#include "kafka/rdkafka_util.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <climits>

namespace tributary::kafka::internal {

void ClientContext::RecordError(std::string text) {
  std::lock_guard lock(mu_);
  last_error_ = std::move(text);
}

std::string ClientContext::LastError() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

namespace {

// librdkafka logs with syslog levels from its own threads. A broker that cannot be
// reached is a recovered condition (librdkafka retries): WARN, not ERROR.
void LogCallback(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
  auto* context = static_cast<ClientContext*>(rd_kafka_opaque(rk));
  std::string_view facility(fac != nullptr ? fac : "");
  if (context != nullptr && level <= 4 &&
      (facility == "FAIL" || facility == "ERROR" || facility == "BROKERFAIL")) {
    context->RecordError(buf);
  }
  const char* name = rd_kafka_name(rk);
  if (level <= 4) {
    spdlog::warn("kafka {} {}: {}", name, facility, buf);
  } else if (level == 5) {
    spdlog::info("kafka {} {}: {}", name, facility, buf);
  } else {
    spdlog::debug("kafka {} {}: {}", name, facility, buf);
  }
}

}  // namespace

Result<ConfPtr> MakeConf(const ClientConfig& config, ClientContext* context) {
  ConfPtr conf(rd_kafka_conf_new());
  char errstr[512];
  for (const ClientConfig::Entry& e : config.entries()) {
    rd_kafka_conf_res_t res =
        rd_kafka_conf_set(conf.get(), e.key.c_str(), e.value.c_str(), errstr, sizeof(errstr));
    if (res == RD_KAFKA_CONF_UNKNOWN) {
      return Error(Status::InvalidArgument(
          fmt::format("unknown Kafka client setting '{}' (not a librdkafka property)", e.key)));
    }
    if (res != RD_KAFKA_CONF_OK) {
      return Error(Status::InvalidArgument(
          e.secret ? fmt::format("invalid value for Kafka client setting '{}'", e.key)
                   : fmt::format("Kafka client setting '{}': {}", e.key, errstr)));
    }
  }
  rd_kafka_conf_set_log_cb(conf.get(), LogCallback);
  if (context != nullptr) {
    rd_kafka_conf_set_opaque(conf.get(), context);
    if (auto servers = config.Get("bootstrap.servers")) context->bootstrap = *servers;
  }
  return conf;
}

Result<KafkaPtr> NewClient(rd_kafka_type_t type, ConfPtr conf) {
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), errstr, sizeof(errstr));
  if (rk == nullptr) {
    return Error(Status::InvalidArgument(fmt::format("cannot create the Kafka client: {}", errstr)));
  }
  (void)conf.release();  // rd_kafka_new took it
  return KafkaPtr(rk);
}

StatusCode CodeForError(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
      return StatusCode::kOk;
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
    case RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE:
    case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
    case RD_KAFKA_RESP_ERR_INVALID_PARTITIONS:
    case RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR_POLICY_VIOLATION:
      return StatusCode::kInvalidArgument;
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      return StatusCode::kNotFound;
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR__FATAL:
    case RD_KAFKA_RESP_ERR__FENCED:
    case RD_KAFKA_RESP_ERR_PRODUCER_FENCED:
    case RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH:
    case RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER:
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION:
    case RD_KAFKA_RESP_ERR__STATE:
    case RD_KAFKA_RESP_ERR__NOT_CONFIGURED:
    case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
      return StatusCode::kFailedPrecondition;
    case RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE:
      return StatusCode::kUnsupported;
    default:
      return StatusCode::kUnavailable;
  }
}

namespace {
Status MakeStatus(StatusCode code, std::string msg) {
  switch (code) {
    case StatusCode::kOk: return Status::Ok();
    case StatusCode::kInvalidArgument: return Status::InvalidArgument(std::move(msg));
    case StatusCode::kNotFound: return Status::NotFound(std::move(msg));
    case StatusCode::kFailedPrecondition: return Status::FailedPrecondition(std::move(msg));
    case StatusCode::kUnsupported: return Status::Unsupported(std::move(msg));
    case StatusCode::kUnavailable: return Status::Unavailable(std::move(msg));
    default: return Status::Internal(std::move(msg));
  }
}
}  // namespace

Status StatusFromError(rd_kafka_resp_err_t err, std::string_view context) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::Ok();
  return MakeStatus(CodeForError(err), fmt::format("{}: {}", context, rd_kafka_err2str(err)));
}

Status StatusFromError(const rd_kafka_error_t* error, std::string_view context) {
  if (error == nullptr) return Status::Ok();
  rd_kafka_resp_err_t err = rd_kafka_error_code(error);
  std::string msg = fmt::format("{}: {}", context, rd_kafka_error_string(error));
  if (rd_kafka_error_is_fatal(error)) return Status::FailedPrecondition("fatal: " + msg);
  if (rd_kafka_error_is_retriable(error)) return Status::Unavailable(std::move(msg));
  return MakeStatus(CodeForError(err), std::move(msg));
}

int TimeoutMs(std::chrono::milliseconds timeout) {
  return static_cast<int>(std::clamp<int64_t>(timeout.count(), 0, INT_MAX));
}

Result<int32_t> PartitionCount(rd_kafka_t* rk, std::string_view topic,
                               std::chrono::milliseconds timeout) {
  std::string name(topic);
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, name.c_str(), nullptr);
  if (rkt == nullptr) {
    return Error(StatusFromError(rd_kafka_last_error(), fmt::format("topic '{}'", topic)));
  }
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, TimeoutMs(timeout));
  rd_kafka_topic_destroy(rkt);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error(StatusFromError(err, fmt::format("metadata of topic '{}'", topic)));
  }
  MetadataPtr hold(md);
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    if (name != t.topic) continue;
    if (t.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || t.partition_cnt == 0) {
      return Error(Status::NotFound(fmt::format("Kafka topic '{}' does not exist", topic)));
    }
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Error(StatusFromError(t.err, fmt::format("metadata of topic '{}'", topic)));
    }
    return t.partition_cnt;
  }
  return Error(Status::NotFound(fmt::format("Kafka topic '{}' does not exist", topic)));
}

Status ProbeBrokers(rd_kafka_t* rk, const ClientContext& context,
                    std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, nullptr, &md, TimeoutMs(timeout));
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    MetadataPtr hold(md);
    return Status::Ok();
  }
  std::string last = context.LastError();
  return Status::Unavailable(fmt::format(
      "no Kafka broker of '{}' answered within {} ms ({}){}{}", context.bootstrap,
      timeout.count(), rd_kafka_err2str(err), last.empty() ? "" : "; last error: ", last));
}

PartitionListPtr ToList(const std::vector<TopicPartition>& partitions) {
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  for (const TopicPartition& tp : partitions) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
  }
  return list;
}

PartitionListPtr ToList(const std::vector<TopicPartitionOffset>& partitions) {
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  for (const TopicPartitionOffset& tp : partitions) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset =
        tp.offset;
  }
  return list;
}

std::vector<TopicPartitionOffset> FromList(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartitionOffset> out;
  if (list == nullptr) return out;
  out.reserve(static_cast<size_t>(list->cnt));
  for (int i = 0; i < list->cnt; ++i) {
    out.push_back({list->elems[i].topic, list->elems[i].partition, list->elems[i].offset});
  }
  return out;
}

Status ListError(const rd_kafka_topic_partition_list_t* list, std::string_view context) {
  if (list == nullptr) return Status::Ok();
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = list->elems[i];
    if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return StatusFromError(p.err, fmt::format("{} {}[{}]", context, p.topic, p.partition));
    }
  }
  return Status::Ok();
}

}  // namespace tributary::kafka::internal
