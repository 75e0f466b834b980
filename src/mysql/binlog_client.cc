#include "mysql/binlog_client.h"

#include <fmt/format.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>

#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "mysql/gtid.h"

namespace tributary::mysql {
namespace {

constexpr int kComBinlogDump = 0x12;
constexpr int kComRegisterSlave = 0x15;
constexpr int kComBinlogDumpGtid = 0x1e;
constexpr uint16_t kBinlogDumpNonBlock = 0x01;
constexpr uint16_t kBinlogThroughGtid = 0x04;
constexpr uint16_t kBinlogSendAnnotateRows = 0x02;  // MariaDB: send ANNOTATE_ROWS events

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

void PutLe(std::vector<std::byte>& out, uint64_t v, size_t width) {
  for (size_t i = 0; i < width; ++i) out.push_back(static_cast<std::byte>((v >> (8 * i)) & 0xFF));
}

void PutString(std::vector<std::byte>& out, std::string_view s) {
  for (char c : s) out.push_back(static_cast<std::byte>(c));
}

}  // namespace

Result<std::vector<std::byte>> EncodeGtidSet(std::string_view text) {
  auto set = ParseGtidSet(text);
  if (!set) return Error(set.error());
  const auto& entries = set->entries;
  const bool tagged = set->tagged_format;
  std::vector<std::byte> out;
  if (tagged) {
    PutLe(out, 1 | (static_cast<uint64_t>(entries.size()) << 8) | (1ull << 56), 8);
  } else {
    PutLe(out, entries.size(), 8);
  }
  for (const GtidSetEntry& e : entries) {
    for (uint8_t b : e.sid) out.push_back(static_cast<std::byte>(b));
    if (tagged) {
      // Serialization-library varint of the tag length (one byte up to 127: len << 1).
      out.push_back(static_cast<std::byte>(e.tag.size() << 1));
      PutString(out, e.tag);
    }
    PutLe(out, e.intervals.size(), 8);
    for (const auto& iv : e.intervals) {
      PutLe(out, iv.start, 8);
      PutLe(out, iv.end, 8);
    }
  }
  return out;
}

BinlogClient::BinlogClient(std::unique_ptr<SqlConnection> conn)
    : conn_(std::move(conn)), mysql_(conn_->handle()) {}

BinlogClient::~BinlogClient() = default;

Status BinlogClient::PrivilegeError(std::string_view during) {
  // After a successful login, MariaDB answers replica commands the user may not run
  // with "access denied" (1045), not with the privilege error MySQL sends.
  if (mysql_errno(mysql_) == ER_ACCESS_DENIED_ERROR) {
    return Status::FailedPrecondition(fmt::format(
        "{}: server error {}: {} (the user lacks REPLICATION SLAVE: GRANT SELECT, RELOAD, "
        "SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '<user>'@'%')",
        during, mysql_errno(mysql_), mysql_error(mysql_)));
  }
  return ServerError(during);
}

Result<std::vector<std::vector<std::string>>> BinlogClient::Query(const std::string& sql) {
  auto rows = conn_->Query(sql);
  if (!rows) return Error(rows.error());
  std::vector<std::vector<std::string>> out;
  out.reserve(rows->size());
  for (auto& row : *rows) {
    std::vector<std::string> r;
    r.reserve(row.size());
    for (auto& v : row) r.push_back(v ? std::move(*v) : std::string());
    out.push_back(std::move(r));
  }
  return out;
}

Status BinlogClient::Execute(const std::string& sql) { return conn_->Execute(sql); }

Status BinlogClient::ServerError(std::string_view during) { return conn_->LastError(during); }

Status BinlogClient::CheckServer(const BinlogClientOptions& options) {
  auto base = Query("SELECT VERSION(), @@log_bin, @@binlog_format, @@binlog_row_image, @@binlog_checksum");
  if (!base) return base.error();
  if (base->empty()) return Status::Internal("server returned no settings");
  const auto& row = (*base)[0];
  info_.version = row[0];
  info_.mariadb = Lower(row[0]).find("mariadb") != std::string::npos;
  info_.binlog_format = row[2];
  info_.binlog_row_image = row[3];
  info_.binlog_checksum = row[4];
  if (row[1] != "1" && Lower(row[1]) != "on") {
    return Status::FailedPrecondition(
        "binary logging is disabled on the server (log_bin=OFF): enable it (log_bin, and on "
        "AWS RDS turn on automated backups) and restart the server");
  }
  if (Lower(info_.binlog_format) != "row") {
    return Status::FailedPrecondition(fmt::format(
        "binlog_format is {}; change data capture needs ROW: SET GLOBAL binlog_format=ROW "
        "(and in the server config / RDS parameter group)",
        info_.binlog_format));
  }
  if (Lower(info_.binlog_row_image) != "full") {
    info_.warnings.push_back(fmt::format(
        "binlog_row_image is {}: columns the server leaves out of row images are reported as "
        "absent, not with their values; set binlog_row_image=FULL for complete events",
        info_.binlog_row_image));
  }
  if (auto meta = Query("SELECT @@binlog_row_metadata"); meta && !meta->empty()) {
    info_.binlog_row_metadata = (*meta)[0][0];
  }
  if (!info_.mariadb) {
    if (auto gtid = Query("SELECT @@gtid_mode"); gtid && !gtid->empty()) {
      info_.gtid_mode = Lower((*gtid)[0][0]) == "on";
    }
  } else {
    info_.gtid_mode = true;
  }
  if (!options.mysql_gtid_set.empty() && info_.mariadb) {
    return Status::InvalidArgument("a MySQL GTID set was given but the server is MariaDB; give a MariaDB GTID position (domain-server-seq)");
  }
  if (!options.mariadb_gtid_pos.empty() && !info_.mariadb) {
    return Status::InvalidArgument("a MariaDB GTID position was given but the server is MySQL; give a MySQL GTID set");
  }
  if (!options.mysql_gtid_set.empty() && !info_.gtid_mode) {
    return Status::FailedPrecondition("starting from a GTID set needs gtid_mode=ON on the server");
  }
  if (const char* cipher = mysql_get_ssl_cipher(mysql_); cipher != nullptr) info_.tls_cipher = cipher;
  return Status::Ok();
}

Status BinlogClient::StartDump(const BinlogClientOptions& options) {
  // The server must send checksums as it writes them (we verify them), a heartbeat when
  // idle, and, on MariaDB, GTID and annotate events.
  if (Status s = Execute("SET @master_binlog_checksum = @@global.binlog_checksum"); !s.ok()) return s;
  if (!info_.mariadb) Execute("SET @source_binlog_checksum = @@global.binlog_checksum").ok();
  uint64_t heartbeat_ns = static_cast<uint64_t>(options.heartbeat_period.count()) * 1000000ull;
  if (Status s = Execute(fmt::format("SET @master_heartbeat_period = {}", heartbeat_ns)); !s.ok()) return s;
  if (info_.mariadb) {
    if (Status s = Execute("SET @mariadb_slave_capability = 4"); !s.ok()) return s;
  }
  std::string file = options.file;
  uint64_t position = options.position;
  if (file.empty() && options.mysql_gtid_set.empty() && options.mariadb_gtid_pos.empty()) {
    auto status = Query("SHOW MASTER STATUS");
    if (!status) status = Query("SHOW BINARY LOG STATUS");  // MySQL 8.4 renamed it
    if (!status) return status.error();
    if (status->empty()) return Status::FailedPrecondition("SHOW MASTER STATUS is empty: is log_bin on?");
    file = (*status)[0][0];
    position = std::stoull((*status)[0][1]);
  }

  if (options.check_server_id_free) {
    // Needs REPLICATION MASTER ADMIN (MariaDB) / REPLICATION SLAVE (MySQL); without it the
    // check is skipped, and MySQL itself refuses a duplicate with error 1236.
    auto hosts = Query("SHOW SLAVE HOSTS");
    if (hosts) {
      for (const auto& row : *hosts) {
        if (!row.empty() && row[0] == std::to_string(options.server_id)) {
          return Status::FailedPrecondition(fmt::format(
              "server id {} is already used by another replica of this server ({}:{}): set "
              "database.server.id (--server-id) to a value no other replica uses",
              options.server_id, row.size() > 1 ? row[1] : "?", row.size() > 2 ? row[2] : "?"));
        }
      }
    }
  }

  // Register as a replica (shows in SHOW REPLICAS; some servers require it).
  std::vector<std::byte> reg;
  PutLe(reg, options.server_id, 4);
  reg.push_back(std::byte{0});  // host
  reg.push_back(std::byte{0});  // user
  reg.push_back(std::byte{0});  // password
  PutLe(reg, 0, 2);             // port
  PutLe(reg, 0, 4);             // replication rank
  PutLe(reg, 0, 4);             // master id
  if (mysql_->methods->db_command(mysql_, static_cast<enum enum_server_command>(kComRegisterSlave),
                                  reinterpret_cast<const char*>(reg.data()), reg.size(), 0, nullptr) != 0) {
    return PrivilegeError("registering as a replica");
  }

  uint16_t flags = options.non_blocking ? kBinlogDumpNonBlock : 0;
  if (info_.mariadb) flags |= kBinlogSendAnnotateRows;
  std::vector<std::byte> cmd;
  int command = kComBinlogDump;
  if (!options.mariadb_gtid_pos.empty()) {
    std::string pos;
    for (char c : options.mariadb_gtid_pos) {
      if (!std::isdigit(static_cast<unsigned char>(c)) && c != '-' && c != ',' && c != ' ') {
        return Status::InvalidArgument(fmt::format("'{}' is not a MariaDB GTID position", options.mariadb_gtid_pos));
      }
      if (c != ' ') pos += c;
    }
    if (Status s = Execute(fmt::format("SET @slave_connect_state = '{}'", pos)); !s.ok()) return s;
    if (Status s = Execute("SET @slave_gtid_strict_mode = 1"); !s.ok()) return s;
    if (Status s = Execute("SET @slave_gtid_ignore_duplicates = 0"); !s.ok()) return s;
    PutLe(cmd, 4, 4);
    PutLe(cmd, flags, 2);
    PutLe(cmd, options.server_id, 4);
  } else if (!options.mysql_gtid_set.empty()) {
    auto set = EncodeGtidSet(options.mysql_gtid_set);
    if (!set) return set.error();
    command = kComBinlogDumpGtid;
    PutLe(cmd, flags | kBinlogThroughGtid, 2);
    PutLe(cmd, options.server_id, 4);
    PutLe(cmd, 0, 4);  // no file name
    PutLe(cmd, 4, 8);
    PutLe(cmd, set->size(), 4);
    cmd.insert(cmd.end(), set->begin(), set->end());
  } else {
    if (position > 0xFFFFFFFFull) {
      return Status::InvalidArgument("binlog positions above 4 GiB need a GTID start");
    }
    PutLe(cmd, position, 4);
    PutLe(cmd, flags, 2);
    PutLe(cmd, options.server_id, 4);
    PutString(cmd, file);
  }
  if (mysql_->methods->db_command(mysql_, static_cast<enum enum_server_command>(command),
                                  reinterpret_cast<const char*>(cmd.data()), cmd.size(), 1, nullptr) != 0) {
    return PrivilegeError("starting the binlog dump");
  }
  return Status::Ok();
}

Result<std::unique_ptr<BinlogClient>> BinlogClient::Connect(const BinlogClientOptions& options) {
  if (options.server_id == 0) {
    return Error(Status::InvalidArgument("the replica server id must be 1 or more"));
  }
  auto conn = SqlConnection::Connect(options);
  if (!conn) return Error(conn.error());
  std::unique_ptr<BinlogClient> client(new BinlogClient(std::move(*conn)));
  client->non_blocking_ = options.non_blocking;
  if (Status s = client->CheckServer(options); !s.ok()) return Error(s);
  if (Status s = client->StartDump(options); !s.ok()) return Error(s);
  return client;
}

void BinlogClient::Interrupt() {
  if (interrupted_.exchange(true)) return;
  int fd = static_cast<int>(mysql_get_socket(mysql_));
  if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
}

Result<std::span<const std::byte>> BinlogClient::Next() {
  if (interrupted_.load(std::memory_order_relaxed)) {
    return Error(Status::Unavailable("reading the binlog: the stream was stopped"));
  }
  unsigned long len = mysql_net_read_packet(mysql_);
  if (len == packet_error || len == 0) {
    if (interrupted_.load(std::memory_order_relaxed)) {
      return Error(Status::Unavailable("reading the binlog: the stream was stopped"));
    }
    return Error(ServerError("reading the binlog"));
  }
  const unsigned char* p = mysql_->net.read_pos;
  if (p[0] == 0xFE && len < 9) {
    // End of the binlog: what a non-blocking dump asks for; a blocking dump only ends
    // like this when the server goes away (shutdown), which is worth a reconnect.
    if (non_blocking_) return std::span<const std::byte>();
    return Error(Status::Unavailable("the server ended the binlog stream (shutting down?)"));
  }
  if (p[0] != 0x00) {
    return Error(Status::Corruption(fmt::format("unexpected binlog packet type 0x{:02x}", p[0])));
  }
  return std::span<const std::byte>(reinterpret_cast<const std::byte*>(p + 1), len - 1);
}

}  // namespace tributary::mysql
