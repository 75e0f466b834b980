// Synthetic binlogs for the decoder benchmarks, built in memory the way MariaDB 10.11
// writes them (CRC32 checksums, binlog_row_metadata=FULL, ANNOTATE_ROWS), so that the
// benchmarks need no server and no data files.
//
// Every row goes to one table of ten mixed columns, `shop.orders`:
//   id INT, customer_id BIGINT UNSIGNED, customer VARCHAR(64) utf8mb4, amount DECIMAL(12,2),
//   created_at DATETIME(6), score DOUBLE, note TEXT (NULL in one row of ten),
//   status ENUM(4 values), updated_at TIMESTAMP, attrs JSON (MariaDB: LONGTEXT)
// about 150 bytes per row image. Values vary from row to row (seeded, deterministic).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tributary::bench {

struct SyntheticBinlog {
  std::vector<std::byte> bytes;  // a whole binlog file: magic, FORMAT_DESCRIPTION, events
  uint64_t rows = 0;             // row images in all the rows events
  uint64_t events = 0;           // events after the magic
};

// Bulk inserts: transactions of `events_per_transaction` WRITE_ROWS_V2 events of
// `rows_per_event` rows each (GTID, ANNOTATE_ROWS, TABLE_MAP, WRITE_ROWS..., XID).
SyntheticBinlog MakeWideRowsBinlog(int transactions, int events_per_transaction, int rows_per_event);

// One row per transaction: GTID, ANNOTATE_ROWS, TABLE_MAP, WRITE_ROWS_V2 (1 row), XID.
SyntheticBinlog MakeSingleRowBinlog(int transactions);

}  // namespace tributary::bench
