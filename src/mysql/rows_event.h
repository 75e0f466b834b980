// WRITE/UPDATE/DELETE_ROWS v1 and v2, PARTIAL_UPDATE_ROWS (JSON diffs applied to the
// before image) and MariaDB's compressed rows events.
#pragma once

#include <functional>
#include <memory>

#include "common/byte_reader.h"
#include "mysql/events.h"

namespace tributary::mysql {

using TableLookup = std::function<std::shared_ptr<const TableMap>(uint64_t table_id)>;

// Row storage kept between rows events so that decoding reuses it instead of allocating
// a vector of Values per row image: RecycleRowsEvent() hands a finished event's rows back,
// DecodeRowsEvent() takes them. Bounded: at most kMaxRows row changes and 65,536 Values
// of image capacity in all. Owned by one decoder; single thread.
struct RowsEventSpares {
  static constexpr size_t kMaxRows = 1024;
  std::vector<RowChange> free_rows;  // images cleared, capacity kept
  size_t spare_values = 0;           // capacity of the images in free_rows, in Values
  std::vector<RowChange> rows;       // empty, capacity kept (the next event's `rows`)
  std::vector<bool> columns_before;
  std::vector<bool> columns_after;
  std::vector<bool> json_columns;    // scratch: JSON columns of the table
  std::vector<bool> partial_bits;    // scratch: a row's partial-JSON bitmap, as read
  std::vector<bool> partial;         // scratch: the same per table column
};

// Decodes a rows event body (after the common header, without checksum). The table
// comes from `lookup` by table id; an unknown id is an error (a rows event read without
// its TABLE_MAP). `spares`, when given, supplies reusable row storage.
Result<RowsEvent> DecodeRowsEvent(EventType type, ByteReader& reader, uint8_t post_header_length,
                                  const TableLookup& lookup, RowsEventSpares* spares = nullptr);

// Gives the row storage of `ev` (which is left empty) back to `spares`.
void RecycleRowsEvent(RowsEvent& ev, RowsEventSpares* spares);

}  // namespace tributary::mysql
