// HistoryStore: where the schema history lives between runs.
//
// The history is an append-only sequence of records (one Debezium history record each:
// compact JSON text, see format/debezium/schema_change.h). The schema tracker appends a
// record for every DDL before any row after that DDL is emitted; on restart the records up
// to the stored source offset are replayed. Two stores: a Kafka topic with one partition
// and infinite retention (`schema.history.internal.kafka.topic`, kafka/ provides it) and a
// local file (`schema.history.internal.file.filename`).
//
// Threading: one thread (the connector's decode thread) uses a store.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tributary::schema {

class HistoryStore {
 public:
  virtual ~HistoryStore() = default;

  // True when the store holds at least one record (the connector has run before).
  virtual Result<bool> Exists() = 0;

  // Calls `fn` with every stored record, oldest first; stops at the first error `fn`
  // returns. Errors: kCorruption when the store is damaged (naming where).
  virtual Status Recover(const std::function<Status(std::string_view record)>& fn) = 0;

  // Appends one record; returns once it is durable (fsync'ed / acknowledged by all
  // in-sync replicas). `record` must not contain a newline.
  virtual Status Append(std::string_view record) = 0;

  // For messages: "file /var/lib/tributary/history.jsonl", "Kafka topic schema-changes.x".
  virtual std::string Describe() const = 0;
};

// A JSON-lines file: one record per line, appended with write + fdatasync. A last line
// without its newline (a crash during the append, before the record was acknowledged
// and so before any row that depends on it was emitted) is dropped on recovery with a
// warning and truncated away; any other unreadable line is corruption.
class FileHistoryStore final : public HistoryStore {
 public:
  explicit FileHistoryStore(std::string path) : path_(std::move(path)) {}
  ~FileHistoryStore() override;

  Result<bool> Exists() override;
  Status Recover(const std::function<Status(std::string_view record)>& fn) override;
  Status Append(std::string_view record) override;
  std::string Describe() const override { return "schema history file " + path_; }

 private:
  Status OpenForAppend();

  std::string path_;
  int fd_ = -1;
};

}  // namespace tributary::schema
