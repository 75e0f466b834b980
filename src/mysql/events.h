// The decoded forms of binlog events, one struct per event kind, and DecodedEvent, which
// holds any of them with the header and position.
//
// Lifetime: string_views and row values view the event buffer given to the decoder
// (for events inside a TRANSACTION_PAYLOAD, the decompressed buffer the decoder keeps
// until the next payload). Copy what must outlive that.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "event/value.h"
#include "mysql/binlog_event.h"
#include "mysql/gtid.h"
#include "mysql/table_map.h"

namespace tributary::mysql {

struct FormatDescriptionEvent {
  uint16_t binlog_version = 4;
  std::string server_version;
  uint32_t create_timestamp = 0;
  uint8_t header_length = kEventHeaderLength;
  std::vector<uint8_t> post_header_lengths;  // index = type code - 1
  ChecksumAlgorithm checksum = ChecksumAlgorithm::kNone;
  bool mariadb = false;

  uint8_t PostHeaderLength(EventType type, uint8_t fallback) const;
};

struct QueryEvent {
  uint32_t thread_id = 0;
  uint32_t exec_time = 0;
  uint16_t error_code = 0;
  std::string_view database;  // the default database (USE)
  std::string_view sql;
  // Status variables worth knowing; the others are skipped.
  std::optional<uint64_t> sql_mode;
  std::optional<uint16_t> charset_client;
  std::optional<uint16_t> collation_connection;
  std::optional<uint16_t> collation_server;
  std::optional<uint16_t> collation_database;
  std::string_view time_zone;
  std::optional<uint64_t> ddl_xid;  // MySQL Q_DDL_LOGGED_WITH_XID / MariaDB Q_XID
  bool compressed = false;          // MariaDB QUERY_COMPRESSED
  std::string owned_sql;            // decompressed text of a compressed query
};

struct RotateEvent {
  uint64_t position = 0;
  std::string_view next_file;
};

struct XidEvent {
  uint64_t xid = 0;
};

struct XaPrepareEvent {
  bool one_phase = false;
  int32_t format_id = 0;
  std::string_view gtrid;
  std::string_view bqual;
};

struct GtidEvent {
  bool anonymous = false;
  bool tagged = false;
  uint8_t flags = 0;
  Uuid sid{};
  std::string tag;
  uint64_t gno = 0;
  uint64_t last_committed = 0;
  uint64_t sequence_number = 0;
  uint64_t immediate_commit_timestamp = 0;  // microseconds since the epoch; 0 = unknown
  uint64_t original_commit_timestamp = 0;
  uint64_t transaction_length = 0;
  uint32_t immediate_server_version = 0;
  uint32_t original_server_version = 0;
  std::string ToString() const;  // uuid[:tag]:gno
};

struct PreviousGtidsEvent {
  GtidSet set;
};

struct MariaGtidEvent {
  MariaGtid gtid;  // server_id comes from the event header
  uint8_t flags = 0;
  std::optional<uint64_t> commit_id;
  bool standalone() const { return (flags & 1) != 0; }  // no BEGIN/COMMIT around it (DDL)
};

struct MariaGtidListEvent {
  std::vector<MariaGtid> gtids;
};

struct MariaBinlogCheckpointEvent {
  std::string_view file;
};

// ROWS_QUERY (MySQL) and ANNOTATE_ROWS (MariaDB): the statement behind the rows.
struct RowsQueryEvent {
  std::string_view sql;
};

struct IntvarEvent {
  uint8_t type = 0;
  uint64_t value = 0;
};

struct RandEvent {
  uint64_t seed1 = 0;
  uint64_t seed2 = 0;
};

struct UserVarEvent {
  std::string_view name;
  bool is_null = false;
  uint8_t type = 0;
  uint32_t charset = 0;
  std::string_view value;
};

struct IncidentEvent {
  uint16_t incident = 0;
  std::string_view message;
};

struct HeartbeatEvent {
  std::string_view log_file;
  uint64_t position = 0;
};

enum class RowsKind : uint8_t { kWrite, kUpdate, kDelete, kPartialUpdate };

struct RowImage {
  std::vector<event::Value> values;  // one per table column; kAbsent when not in the image
};

struct RowChange {
  RowImage before;  // update, delete
  RowImage after;   // write, update
};

struct RowsEvent {
  RowsKind kind = RowsKind::kWrite;
  int version = 2;
  uint64_t table_id = 0;
  uint16_t flags = 0;
  std::shared_ptr<const TableMap> table;  // the TABLE_MAP in force for table_id
  uint32_t column_count = 0;
  std::vector<bool> columns_before;  // present in before images (or in the only image)
  std::vector<bool> columns_after;   // present in after images (updates)
  std::optional<uint16_t> partition_id;
  std::optional<uint16_t> source_partition_id;
  // NDB cluster's extra row info (rows v2 extra data type 0): its format byte and data.
  std::optional<uint8_t> ndb_info_format;
  std::string_view ndb_info;
  std::vector<RowChange> rows;
  bool compressed = false;  // MariaDB compressed rows event
  // Decompressed rows of a compressed event: the values view into it.
  std::shared_ptr<const std::vector<std::byte>> owned_rows;
};

struct TransactionPayloadEvent {
  uint8_t compression = 0;  // 0 zstd, 255 none
  uint64_t payload_size = 0;
  uint64_t uncompressed_size = 0;
  size_t inner_event_count = 0;  // filled by the reader that walks the inner events
};

struct StopEvent {};

struct UnknownEvent {
  std::string_view body;
};

using EventBody =
    std::variant<UnknownEvent, FormatDescriptionEvent, QueryEvent, RotateEvent, XidEvent,
                 XaPrepareEvent, GtidEvent, PreviousGtidsEvent, MariaGtidEvent,
                 MariaGtidListEvent, MariaBinlogCheckpointEvent, RowsQueryEvent, IntvarEvent,
                 RandEvent, UserVarEvent, IncidentEvent, HeartbeatEvent, std::shared_ptr<const TableMap>,
                 RowsEvent, TransactionPayloadEvent, StopEvent>;

struct DecodedEvent {
  EventHeader header;
  uint64_t offset = 0;  // of the event in its file (or in the decompressed payload)
  bool inner = false;   // inside a TRANSACTION_PAYLOAD
  EventBody body;
};

}  // namespace tributary::mysql
