#include "mysql/sql_connection.h"

#include <errmsg.h>
#include <fmt/format.h>
#include <mysql.h>
#include <mysqld_error.h>

#include <algorithm>
#include <cctype>

namespace tributary::mysql {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Result<SslMode> ParseSslMode(std::string_view text) {
  std::string t = Lower(std::string(text));
  if (t == "disabled") return SslMode::kDisabled;
  if (t == "preferred") return SslMode::kPreferred;
  if (t == "required") return SslMode::kRequired;
  if (t == "verify_ca") return SslMode::kVerifyCa;
  if (t == "verify_identity") return SslMode::kVerifyIdentity;
  return Error(Status::InvalidArgument(fmt::format(
      "ssl mode '{}' is not one of disabled, preferred, required, verify_ca, verify_identity",
      text)));
}

Status SqlConnection::LastError(std::string_view during) const {
  unsigned int err = mysql_errno(mysql_);
  std::string msg = mysql_error(mysql_);
  std::string where = fmt::format("{}: server error {}: {}", during, err, msg);
  switch (err) {
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_UNKNOWN_HOST:
      return Status::Unavailable(where);
    case ER_ACCESS_DENIED_ERROR:
      return Status::FailedPrecondition(where + " (check database.user and database.password)");
    case ER_SPECIFIC_ACCESS_DENIED_ERROR:
    case ER_DBACCESS_DENIED_ERROR:
    case ER_TABLEACCESS_DENIED_ERROR:
      return Status::FailedPrecondition(
          where + " (the user needs: GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, "
                  "REPLICATION CLIENT ON *.* TO '<user>'@'%')");
    case ER_MASTER_FATAL_ERROR_READING_BINLOG: {
      std::string lower = Lower(msg);
      if (lower.find("could not find first log file") != std::string::npos ||
          lower.find("purged") != std::string::npos ||
          lower.find("could not find gtid state") != std::string::npos ||
          lower.find("not found in binlog") != std::string::npos) {
        return Status::NotFound(
            where + " (the requested binlog position or GTID is no longer on the server: it "
                    "was purged. Take a new snapshot, or keep binlogs longer, e.g. "
                    "binlog_expire_logs_seconds / on RDS mysql.rds_set_configuration('binlog "
                    "retention hours', 72))");
      }
      if (lower.find("same server_uuid/server_id") != std::string::npos ||
          lower.find("same server id") != std::string::npos) {
        return Status::FailedPrecondition(
            where + " (another replica uses this server id: set database.server.id to a value "
                    "no other replica of this server uses)");
      }
      return Status::FailedPrecondition(where);
    }
    default:
      if (err >= 2000 && err < 3000) return Status::Unavailable(where);
      return Status::FailedPrecondition(where);
  }
}

Result<std::unique_ptr<SqlConnection>> SqlConnection::Connect(const ConnectionOptions& options) {
  MYSQL* mysql = mysql_init(nullptr);
  if (mysql == nullptr) return Error(Status::Internal("mysql_init failed"));
  std::unique_ptr<SqlConnection> conn(new SqlConnection(mysql));
  unsigned int timeout = static_cast<unsigned int>(
      std::max<int64_t>(1, options.connect_timeout.count() / 1000));
  mysql_optionsv(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  my_bool on = 1, off = 0;
  switch (options.ssl_mode) {
    case SslMode::kDisabled: break;
    case SslMode::kPreferred:
      mysql_ssl_set(mysql, nullptr, nullptr, nullptr, nullptr, nullptr);
      mysql_optionsv(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &off);
      break;
    case SslMode::kRequired:
      mysql_optionsv(mysql, MYSQL_OPT_SSL_ENFORCE, &on);
      mysql_optionsv(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &off);
      break;
    case SslMode::kVerifyCa:
    case SslMode::kVerifyIdentity:
      if (options.ssl_ca.empty()) {
        return Error(Status::InvalidArgument("ssl mode verify_ca/verify_identity needs a CA file (database.ssl.ca)"));
      }
      mysql_optionsv(mysql, MYSQL_OPT_SSL_ENFORCE, &on);
      // libmariadb 3.3 checks the chain and the host name together.
      mysql_optionsv(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
      break;
  }
  if (!options.ssl_ca.empty()) mysql_optionsv(mysql, MYSQL_OPT_SSL_CA, options.ssl_ca.c_str());
  if (!options.ssl_cert.empty()) mysql_optionsv(mysql, MYSQL_OPT_SSL_CERT, options.ssl_cert.c_str());
  if (!options.ssl_key.empty()) mysql_optionsv(mysql, MYSQL_OPT_SSL_KEY, options.ssl_key.c_str());
  // caching_sha2_password full authentication without TLS: libmariadb asks the server
  // for its RSA public key by itself (or reads MYSQL_SERVER_PUBLIC_KEY when set).
  if (mysql_real_connect(mysql, options.host.c_str(), options.user.c_str(),
                         options.password.c_str(), nullptr, options.port, nullptr,
                         CLIENT_REMEMBER_OPTIONS) == nullptr) {
    return Error(conn->LastError(fmt::format("connecting to {}:{} as {}", options.host,
                                                 options.port, options.user)));
  }
  if (options.ssl_mode != SslMode::kDisabled && options.ssl_mode != SslMode::kPreferred &&
      mysql_get_ssl_cipher(mysql) == nullptr) {
    return Error(Status::FailedPrecondition(fmt::format(
        "{}:{} did not agree to TLS but ssl mode requires it", options.host, options.port)));
  }
  return conn;
}

SqlConnection::~SqlConnection() {
  if (mysql_ != nullptr) mysql_close(mysql_);
}

Result<std::vector<SqlRow>> SqlConnection::Query(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return Error(LastError(sql));
  MYSQL_RES* res = mysql_store_result(mysql_);
  std::vector<SqlRow> rows;
  if (res == nullptr) {
    if (mysql_field_count(mysql_) != 0) return Error(LastError(sql));
    return rows;
  }
  unsigned int n = mysql_num_fields(res);
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    unsigned long* lengths = mysql_fetch_lengths(res);
    SqlRow r;
    r.reserve(n);
    for (unsigned int i = 0; i < n; ++i) {
      if (row[i] == nullptr) {
        r.emplace_back(std::nullopt);
      } else {
        r.emplace_back(std::string(row[i], lengths[i]));
      }
    }
    rows.push_back(std::move(r));
  }
  mysql_free_result(res);
  return rows;
}

Status SqlConnection::Execute(std::string_view sql) {
  auto r = Query(sql);
  return r ? Status::Ok() : r.error();
}

Result<std::optional<std::string>> SqlConnection::QueryValue(std::string_view sql) {
  auto rows = Query(sql);
  if (!rows) return Error(rows.error());
  if (rows->empty() || rows->front().empty()) return std::optional<std::string>();
  return std::move(rows->front().front());
}

std::string SqlConnection::QuoteIdentifier(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  out += '`';
  return out;
}

std::string SqlConnection::server_version() const { return mysql_get_server_info(mysql_); }

bool SqlConnection::is_mariadb() const {
  return Lower(server_version()).find("mariadb") != std::string::npos;
}

std::string SqlConnection::tls_cipher() const {
  const char* cipher = mysql_get_ssl_cipher(mysql_);
  return cipher == nullptr ? std::string() : std::string(cipher);
}

}  // namespace tributary::mysql
