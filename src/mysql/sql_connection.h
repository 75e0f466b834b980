// SqlConnection: a plain client connection to MySQL/MariaDB for queries (schemas,
// settings, snapshots), and the connection layer under BinlogClient.
//
// libmariadb does the connection, authentication (mysql_native_password,
// caching_sha2_password, MariaDB ed25519) and TLS. Server errors become Status values
// whose message names what was being done and, where one is known, the fix (grants,
// settings, purged binlogs).
//
// Not thread-safe: one thread owns a connection (libmariadb handles are not shared).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

struct st_mysql;

namespace tributary::mysql {

enum class SslMode { kDisabled, kPreferred, kRequired, kVerifyCa, kVerifyIdentity };
Result<SslMode> ParseSslMode(std::string_view text);

struct ConnectionOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 3306;
  std::string user;
  std::string password;
  SslMode ssl_mode = SslMode::kPreferred;
  std::string ssl_ca;    // PEM file (verify_ca / verify_identity)
  std::string ssl_cert;  // client certificate (optional)
  std::string ssl_key;
  std::chrono::milliseconds connect_timeout{30000};
};

// One result row: a value per column, nullopt for SQL NULL.
using SqlRow = std::vector<std::optional<std::string>>;

class SqlConnection {
 public:
  // Errors: kUnavailable (cannot reach the server: retry), kFailedPrecondition (login
  // refused, TLS refused), kInvalidArgument (options).
  static Result<std::unique_ptr<SqlConnection>> Connect(const ConnectionOptions& options);
  ~SqlConnection();
  SqlConnection(const SqlConnection&) = delete;
  SqlConnection& operator=(const SqlConnection&) = delete;

  // Runs `sql` and returns every row (buffered: for small results).
  Result<std::vector<SqlRow>> Query(std::string_view sql);
  // Runs `sql`, ignoring any result.
  Status Execute(std::string_view sql);
  // The first column of the first row, or nullopt for no row / NULL.
  Result<std::optional<std::string>> QueryValue(std::string_view sql);

  // The error the server (or the client library) reported for the last call, as a
  // Status naming `during`.
  Status LastError(std::string_view during) const;

  // `name` quoted as an identifier: backticks, embedded backticks doubled.
  static std::string QuoteIdentifier(std::string_view name);

  std::string server_version() const;
  bool is_mariadb() const;
  // The TLS cipher in use, empty without TLS.
  std::string tls_cipher() const;
  st_mysql* handle() { return mysql_; }

 private:
  explicit SqlConnection(st_mysql* mysql) : mysql_(mysql) {}
  st_mysql* mysql_ = nullptr;
};

}  // namespace tributary::mysql
