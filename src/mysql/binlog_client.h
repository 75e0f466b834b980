// BinlogClient: a replica connection that streams raw binlog events from a MySQL or
// MariaDB server.
//
// libmariadb does the connection, authentication (mysql_native_password,
// caching_sha2_password, MariaDB ed25519) and TLS; after that, events are read as raw
// packets into our own decoder (libmariadb's event parsing is not used). Before dumping,
// the client checks the server settings a CDC source needs and turns each problem into
// an error that says what to change.
//
// Not thread-safe: one thread owns a client (Interrupt() excepted). Event bytes returned by
// Next() are valid until the next call.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "mysql/sql_connection.h"

struct st_mysql;

namespace tributary::mysql {

// The connection (host, user, TLS, timeout) plus what a replica needs.
struct BinlogClientOptions : ConnectionOptions {
  uint32_t server_id = 0;  // this replica's id: unique among the source's replicas
  std::chrono::milliseconds heartbeat_period{10000};
  // Where to start; exactly one of: file + position, a MySQL GTID set (transactions
  // already seen), a MariaDB GTID position (last transaction seen per domain). All empty:
  // the current end of the binlog (SHOW MASTER STATUS).
  std::string file;
  uint64_t position = 4;
  std::string mysql_gtid_set;
  std::string mariadb_gtid_pos;
  // Stop at the end of the binlog instead of waiting for new events.
  bool non_blocking = false;
  // Refuse to start when another registered replica uses `server_id` (SHOW SLAVE HOSTS,
  // when the user may run it). MariaDB would otherwise drop the other replica's stream
  // (and it ours, in turn). Reconnects of our own stream skip it: our previous
  // registration may still be listed.
  bool check_server_id_free = true;
};

struct ServerInfo {
  std::string version;
  bool mariadb = false;
  std::string binlog_format;
  std::string binlog_row_image;
  std::string binlog_row_metadata;  // empty when the server has no such setting
  std::string binlog_checksum;
  bool gtid_mode = false;  // MySQL gtid_mode=ON; MariaDB always has GTIDs
  std::string tls_cipher;  // empty without TLS
  std::vector<std::string> warnings;  // settings that work but lose something
};

// Where a binlog stream's event bytes come from: a BinlogClient, or a fake in tests.
// One thread reads (Next); Interrupt may come from any thread.
class BinlogEventSource {
 public:
  virtual ~BinlogEventSource() = default;
  // The next event's bytes (header to checksum), valid until the next call; an empty span
  // at the end of the binlog in non-blocking mode.
  virtual Result<std::span<const std::byte>> Next() = 0;
  // Makes a Next() blocked on another thread return an error soon, and every later call
  // too (the source is finished). Thread-safe.
  virtual void Interrupt() = 0;
};

class BinlogClient : public BinlogEventSource {
 public:
  // Connects, checks settings, registers as a replica and starts the dump.
  // Errors: kUnavailable (cannot connect: retry), kFailedPrecondition (server settings or
  // privileges), kInvalidArgument (options), kNotFound (position purged).
  static Result<std::unique_ptr<BinlogClient>> Connect(const BinlogClientOptions& options);
  ~BinlogClient() override;
  BinlogClient(const BinlogClient&) = delete;
  BinlogClient& operator=(const BinlogClient&) = delete;

  const ServerInfo& info() const { return info_; }

  // The next event's bytes (header to checksum), or an empty span at the end of the
  // binlog in non-blocking mode. Errors: kUnavailable for a lost connection (reconnect
  // and resume), kNotFound for a purged position, kFailedPrecondition for other server
  // refusals, each with the server's message.
  Result<std::span<const std::byte>> Next() override;
  // Shuts the socket down: a blocked Next() returns kUnavailable, as do later calls.
  void Interrupt() override;

 private:
  explicit BinlogClient(std::unique_ptr<SqlConnection> conn);
  Status CheckServer(const BinlogClientOptions& options);
  Status StartDump(const BinlogClientOptions& options);
  Result<std::vector<std::vector<std::string>>> Query(const std::string& sql);
  Status Execute(const std::string& sql);
  Status ServerError(std::string_view during);
  Status PrivilegeError(std::string_view during);

  std::unique_ptr<SqlConnection> conn_;
  st_mysql* mysql_ = nullptr;  // conn_'s handle, for the replication packets
  ServerInfo info_;
  bool non_blocking_ = false;
  std::atomic<bool> interrupted_{false};
};

// Encodes a MySQL GTID set text ("uuid:1-5:7,uuid:tag:1-2") in the binary form of
// COM_BINLOG_DUMP_GTID.
Result<std::vector<std::byte>> EncodeGtidSet(std::string_view text);

}  // namespace tributary::mysql
