// WRITE/UPDATE/DELETE_ROWS v1 and v2, PARTIAL_UPDATE_ROWS (JSON diffs applied to the
// before image) and MariaDB's compressed rows events.
#pragma once

#include <functional>
#include <memory>

#include "common/byte_reader.h"
#include "mysql/events.h"

namespace tributary::mysql {

using TableLookup = std::function<std::shared_ptr<const TableMap>(uint64_t table_id)>;

// Decodes a rows event body (after the common header, without checksum). The table
// comes from `lookup` by table id; an unknown id is an error (a rows event read without
// its TABLE_MAP).
Result<RowsEvent> DecodeRowsEvent(EventType type, ByteReader& reader, uint8_t post_header_length,
                                  const TableLookup& lookup);

}  // namespace tributary::mysql
