// Source offset stores: where the source connector keeps its resume position.
//
// The stored value is an opaque JSON object text to this layer (the source connector owns
// its fields: file, pos, gtids, row, event, ts_sec, server_id). Two stores:
//  - KafkaOffsetStore: Kafka Connect's `connect-offsets` layout (formats.md 4.3): key =
//    compact JSON `["<connector name>",{"server":"<topic.prefix>"}]`, value = the offset
//    object, compacted topic, last value per key wins, a null value deletes. Offsets
//    written by Kafka Connect are read, and Kafka Connect reads ours. Load() reads the
//    whole topic from the beginning to its end (read_committed) at start.
//  - FileOffsetStore: `offset.storage.file.filename`, replaced atomically on every Store
//    (temp file + fsync + rename + fsync of the folder). Kafka Connect's
//    FileOffsetBackingStore writes Java serialization; this file is JSON instead:
//      {"<key JSON text>": <offset object>, ...}
//    (several connectors may share a file; entries of other keys are kept).
// Threading: one thread at a time per store.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "kafka/kafka_config.h"

namespace tributary::kafka {

class Producer;

// `["<connector>",{"server":"<server>"}]`, compact, byte-identical to Kafka Connect's.
std::string ConnectOffsetKey(std::string_view connector_name, std::string_view server);

class SourceOffsetStore {
 public:
  virtual ~SourceOffsetStore() = default;
  // The last stored offset object text, nullopt when none was stored (or it was deleted).
  virtual Result<std::optional<std::string>> Load() = 0;
  // Stores `offset_json` (a JSON object text) durably: returns once it is acknowledged /
  // on disk.
  virtual Status Store(std::string_view offset_json) = 0;
};

struct KafkaOffsetStoreOptions {
  ClientConfig client;  // producer/consumer/admin settings (from ClientConfigFor)
  std::string topic = "connect-offsets";
  std::string connector_name;
  std::string server;  // topic.prefix
  bool create_topic = true;  // create it (compacted, 25 partitions) when missing
  // When set, Store() sends through this producer (e.g. the connector's transactional
  // producer, so events and offsets commit together) instead of one of its own. Not owned.
  Producer* producer = nullptr;
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
};

class KafkaOffsetStore : public SourceOffsetStore {
 public:
  static Result<std::unique_ptr<KafkaOffsetStore>> Open(KafkaOffsetStoreOptions options);
  ~KafkaOffsetStore() override;

  Result<std::optional<std::string>> Load() override;
  // With an own producer: send and wait for the ack. With a shared producer: send only
  // and return once it is queued (the caller's transaction commit or AckedThrough() says
  // when it is durable); use StoreAsync to learn the sequence number.
  Status Store(std::string_view offset_json) override;
  // Sends the offset record through the producer; returns its sequence number.
  Result<uint64_t> StoreAsync(std::string_view offset_json);

  const std::string& key() const { return key_; }

 private:
  KafkaOffsetStore(KafkaOffsetStoreOptions options, std::unique_ptr<Producer> own);
  KafkaOffsetStoreOptions options_;
  std::string key_;
  std::unique_ptr<Producer> own_producer_;
};

class FileOffsetStore : public SourceOffsetStore {
 public:
  FileOffsetStore(std::string path, std::string connector_name, std::string server);

  Result<std::optional<std::string>> Load() override;
  Status Store(std::string_view offset_json) override;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string key_;
};

}  // namespace tributary::kafka
