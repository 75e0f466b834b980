// TABLE_MAP: the table a following rows event refers to, with its column types,
// metadata and (since MySQL 8.0.1 / MariaDB 10.5) optional metadata.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/byte_reader.h"
#include "mysql/column_decoder.h"

namespace tributary::mysql {

struct TableMapColumn {
  ColumnMeta meta;       // type, metadata, signedness and charset (when known)
  bool nullable = true;
  std::string name;      // empty unless COLUMN_NAME metadata is present
  bool visible = true;
  std::vector<std::string> enum_values;  // ENUM_STR_VALUE / SET_STR_VALUE
  std::vector<std::string> set_values;
  uint32_t geometry_type = 0;
  uint32_t vector_dimensions = 0;
  bool signedness_known = false;
  bool charset_known = false;
  // Type after unfolding MYSQL_TYPE_STRING's metadata (ENUM, SET or STRING).
  ColumnType real_type = ColumnType::kNull;
};

struct TableMap {
  uint64_t table_id = 0;
  uint16_t flags = 0;
  std::string database;
  std::string table;
  std::vector<TableMapColumn> columns;
  std::vector<uint32_t> primary_key;            // column indexes
  std::vector<uint32_t> primary_key_prefixes;   // 0 = whole column, same order
  std::vector<uint8_t> optional_metadata_types;  // in the order they appeared
  bool has_column_names = false;
};

// Decodes a TABLE_MAP body (after the common header, without checksum).
// `post_header_length` comes from the FORMAT_DESCRIPTION (6 in old servers, else 8).
// `mariadb` selects MariaDB's reading of the optional metadata, which differs from
// MySQL's in which columns SIGNEDNESS and the charset fields describe: MariaDB counts
// YEAR among the numeric columns and GEOMETRY among the character columns (it logs
// every column whose type has a signedness, or a collation that is not an ENUM/SET's;
// sql/log_event_server.cc, Table_map_log_event::init_signedness_field and
// is_character_field), MySQL neither (is_numeric_type, is_character_type).
Result<TableMap> DecodeTableMap(ByteReader& reader, uint8_t post_header_length,
                                bool mariadb = false);

}  // namespace tributary::mysql
