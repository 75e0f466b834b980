#include "kafka/offset_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "common/json_text.h"
#include "kafka/admin.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"

namespace tributary::kafka {

std::string ConnectOffsetKey(std::string_view connector_name, std::string_view server) {
  std::string out = "[";
  AppendJsonString(connector_name, &out);
  out += ",{\"server\":";
  AppendJsonString(server, &out);
  out += "}]";
  return out;
}

namespace {

// True when `key_bytes` is the Connect key for (name, server), compared as JSON so a key
// written with other spacing still matches.
bool KeyMatches(std::string_view key_bytes, const std::string& expected, std::string_view name,
                std::string_view server) {
  if (key_bytes == expected) return true;
  auto parsed = nlohmann::json::parse(key_bytes, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array() || parsed.size() != 2 || !parsed[0].is_string() ||
      !parsed[1].is_object()) {
    return false;
  }
  const auto& partition = parsed[1];
  return parsed[0].get<std::string>() == name && partition.size() == 1 &&
         partition.contains("server") && partition["server"].is_string() &&
         partition["server"].get<std::string>() == server;
}

Status CheckOffsetObject(std::string_view offset_json) {
  auto parsed = nlohmann::json::parse(offset_json, nullptr, false);
  if (!parsed.is_object()) {
    return Status::InvalidArgument("a source offset must be a JSON object");
  }
  return Status::Ok();
}

}  // namespace

// ------------------------------------------------------------------ KafkaOffsetStore

KafkaOffsetStore::KafkaOffsetStore(KafkaOffsetStoreOptions options, std::unique_ptr<Producer> own)
    : options_(std::move(options)),
      key_(ConnectOffsetKey(options_.connector_name, options_.server)),
      own_producer_(std::move(own)) {}

KafkaOffsetStore::~KafkaOffsetStore() = default;

Result<std::unique_ptr<KafkaOffsetStore>> KafkaOffsetStore::Open(KafkaOffsetStoreOptions options) {
  if (options.connector_name.empty()) {
    return Error(Status::InvalidArgument("the offset store needs the connector name"));
  }
  if (options.create_topic) {
    auto admin = Admin::Open(options.client);
    if (!admin) return Error(admin.error());
    auto created = (*admin)->CreateTopicIfMissing(OffsetsTopic(options.topic), options.timeout);
    if (!created) return Error(created.error().WithContext("source offsets topic"));
  }
  std::unique_ptr<Producer> own;
  if (options.producer == nullptr) {
    ProducerOptions po;
    po.client = options.client;
    po.queue_max_messages = 1000;
    auto p = Producer::Open(std::move(po));
    if (!p) return Error(p.error());
    own = std::move(*p);
  }
  return std::unique_ptr<KafkaOffsetStore>(new KafkaOffsetStore(std::move(options), std::move(own)));
}

Result<std::optional<std::string>> KafkaOffsetStore::Load() {
  ConsumerOptions co;
  co.client = options_.client;
  co.isolation = IsolationLevel::kReadCommitted;
  co.report_partition_eof = true;
  auto consumer = Consumer::Open(std::move(co));
  if (!consumer) return Error(consumer.error());
  Consumer& c = **consumer;
  auto count = c.PartitionCount(options_.topic, options_.timeout);
  if (!count) {
    if (count.error().code() == StatusCode::kNotFound) return std::optional<std::string>();
    return Error(count.error().WithContext("reading source offsets"));
  }
  // Partitions still to read to their end: the ones with records.
  std::set<int32_t> pending;
  std::map<int32_t, int64_t> high;
  std::vector<PartitionAssignment> assign;
  auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  for (int32_t p = 0; p < *count; ++p) {
    // Right after the topic was created, leaders may not be known yet: retry those.
    auto wm = c.Watermarks({options_.topic, p}, options_.timeout);
    while (!wm && wm.error().retryable() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      wm = c.Watermarks({options_.topic, p}, options_.timeout);
    }
    if (!wm) return Error(wm.error().WithContext("reading source offsets"));
    if (wm->second > wm->first) {
      pending.insert(p);
      high[p] = wm->second;
      assign.push_back({options_.topic, p, kOffsetBeginning});
    }
  }
  std::optional<std::string> value;
  if (pending.empty()) return value;
  if (Status s = c.Assign(assign); !s.ok()) return Error(s);
  uint64_t matched = 0;
  while (!pending.empty()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return Error(Status::Unavailable(fmt::format(
          "reading source offsets topic '{}': {} partition(s) not read to the end within {} ms",
          options_.topic, pending.size(), options_.timeout.count())));
    }
    auto batch = c.Poll(std::chrono::milliseconds(200));
    if (!batch) return Error(batch.error().WithContext("reading source offsets"));
    for (const ConsumedRecord& r : batch->records) {
      auto key = r.key();
      if (key && KeyMatches(*key, key_, options_.connector_name, options_.server)) {
        ++matched;
        auto v = r.value();
        value = v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
      }
      if (r.offset() + 1 >= high[r.partition()]) pending.erase(r.partition());
    }
    for (const TopicPartitionOffset& end : batch->reached_end) pending.erase(end.partition);
  }
  spdlog::info("source offsets topic '{}': {} record(s) for {}; {}", options_.topic, matched, key_,
               value ? "resuming from the last one" : "no stored offset");
  return value;
}

Result<uint64_t> KafkaOffsetStore::StoreAsync(std::string_view offset_json) {
  if (Status s = CheckOffsetObject(offset_json); !s.ok()) return Error(s);
  Producer* p = options_.producer != nullptr ? options_.producer : own_producer_.get();
  OutgoingRecord record;
  record.topic = options_.topic;
  record.key = key_;
  record.value = offset_json;
  return p->Send(record);
}

Status KafkaOffsetStore::Store(std::string_view offset_json) {
  auto seq = StoreAsync(offset_json);
  if (!seq) return seq.error();
  if (options_.producer != nullptr) return Status::Ok();
  if (Status s = own_producer_->Flush(options_.timeout); !s.ok()) {
    return s.WithContext("storing the source offset");
  }
  if (own_producer_->AckedThrough() < *seq) {
    return Status::Unavailable("storing the source offset: not acknowledged");
  }
  return Status::Ok();
}

// ------------------------------------------------------------------ FileOffsetStore

FileOffsetStore::FileOffsetStore(std::string path, std::string connector_name, std::string server)
    : path_(std::move(path)), key_(ConnectOffsetKey(connector_name, server)) {}

namespace {

Result<std::optional<nlohmann::ordered_json>> ReadOffsetsFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) return std::optional<nlohmann::ordered_json>();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error(Status::IoError(fmt::format("cannot read offsets file {}: {}", path, std::strerror(errno))));
  }
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  auto parsed = nlohmann::ordered_json::parse(text, nullptr, false);
  if (!parsed.is_object()) {
    return Error(Status::Corruption(fmt::format(
        "offsets file {} is not a JSON object of '<key>': <offset> entries", path)));
  }
  return std::optional<nlohmann::ordered_json>(std::move(parsed));
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(fmt::format("writing {}: {}", path, std::strerror(errno)));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

// Replaces `path` atomically: temp file in the same folder, fsync, rename, fsync folder.
Status ReplaceFile(const std::string& path, std::string_view data) {
  std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError(fmt::format("creating {}: {}", tmp, std::strerror(errno)));
  Status s = WriteAll(fd, data, tmp);
  if (s.ok() && ::fsync(fd) != 0) s = Status::IoError(fmt::format("fsync {}: {}", tmp, std::strerror(errno)));
  ::close(fd);
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    s = Status::IoError(fmt::format("renaming {} to {}: {}", tmp, path, std::strerror(errno)));
  }
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

}  // namespace

Result<std::optional<std::string>> FileOffsetStore::Load() {
  auto file = ReadOffsetsFile(path_);
  if (!file) return Error(file.error());
  if (!*file || !(*file)->contains(key_)) return std::optional<std::string>();
  const auto& v = (**file)[key_];
  if (v.is_null()) return std::optional<std::string>();
  return std::optional<std::string>(v.dump());
}

Status FileOffsetStore::Store(std::string_view offset_json) {
  auto value = nlohmann::ordered_json::parse(offset_json, nullptr, false);
  if (!value.is_object()) return Status::InvalidArgument("a source offset must be a JSON object");
  auto file = ReadOffsetsFile(path_);
  if (!file) return file.error();
  nlohmann::ordered_json all = *file ? std::move(**file) : nlohmann::ordered_json::object();
  all[key_] = std::move(value);
  return ReplaceFile(path_, all.dump(2) + "\n");
}

}  // namespace tributary::kafka
