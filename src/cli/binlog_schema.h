// Schema tracking for `tributary binlog`: decode rows with the schema of their position.
//
// With --track-schema the command keeps a SchemaTracker: every DDL QUERY event is applied
// at its position, every TABLE_MAP is checked against the tracked schema and completed
// (column names, signedness, charsets without binlog_row_metadata=FULL), and a mismatch
// stops with the table, position and difference. --schema-from-server starts from the
// server's current definitions (right when decoding from the current end of the binlog);
// otherwise the schema is learnt from the DDL in the binlog itself (decode from the start).
//
// Used by the command's decoding thread only.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "mysql/event_decoder.h"
#include "connectors/schema_history.h"
#include "mysql/sql_connection.h"
#include "schema/schema_tracker.h"

namespace tributary::cli {

struct BinlogSchemaArgs {
  bool track = false;
  bool from_server = false;
  std::vector<std::string> databases;  // captured databases; empty = every non-system one
  std::string inconsistent_mode = "fail";
  bool skip_unparseable_ddl = false;
  // Persist the history here (Debezium history records, JSON lines) and, when the file
  // exists, start from it: records up to the start position are replayed.
  std::string history_file;
  std::string start_file;  // the --from position, for replay and bootstrap records
  uint64_t start_pos = 4;
};

class BinlogSchema {
 public:
  // `conn` (owned from then on) serves --schema-from-server and the lookups of tables
  // made by CREATE ... SELECT; may be null for binlog files.
  static Result<std::unique_ptr<BinlogSchema>> Create(const BinlogSchemaArgs& args,
                                                      std::unique_ptr<mysql::SqlConnection> conn);

  // Installs the TABLE_MAP hook on `decoder`; `file` is read for messages and must
  // outlive the decoder's use of the hook.
  void Install(mysql::EventDecoder& decoder, const std::string* file);

  // Applies a decoded event (DDL). Returns whether the event is to be shown (false for
  // rows of a table skipped by inconsistent.schema.handling.mode=skip).
  Result<bool> OnEvent(const mysql::DecodedEvent& event, std::string_view file);

 private:
  explicit BinlogSchema(schema::SchemaTrackerOptions options) : tracker_(std::move(options)) {}
  Status Store(const schema::SchemaChangeRecord& record, const mysql::DecodedEvent* event,
               std::string_view file);
  std::unique_ptr<mysql::SqlConnection> conn_;  // declared first: the tracker uses it
  schema::SchemaTracker tracker_;
  std::unique_ptr<connectors::SchemaHistory> history_;  // with --schema-history
  connectors::BinlogPosition start_;
};

}  // namespace tributary::cli
