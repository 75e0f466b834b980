// TABLE_MAP versus the tracked schema: compare, complete, or build.
//
// A TABLE_MAP always says how many columns a row image has and their binlog types; with
// binlog_row_metadata=FULL it also names them and gives signedness, charsets, ENUM/SET
// members and the primary key. The schema tracker knows the same facts from DDL. These
// functions check that the two agree (a disagreement means rows would be decoded with the
// wrong schema), fill in what the map lacks so the row decoder gets signedness and
// charsets right without FULL metadata, and build a schema from FULL metadata when no
// history exists for a table.
//
// Pure functions, thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "event/table_schema.h"
#include "mysql/table_map.h"

namespace tributary::schema {

// The differences between `map` and `schema`, one readable line each ("column 3 `price`:
// binlog type NEWDECIMAL(10,2), schema says INT"); empty when they agree. Checks the
// column count and each column's type family always; names, signedness, character sets,
// ENUM/SET members and the primary key when the map carries them.
std::vector<std::string> CompareTableMap(const mysql::TableMap& map,
                                         const event::TableSchema& schema);

// Copies into `map` what the schema knows and the map lacks: signedness of integer
// columns, the collation (character set) of text columns (binary for BINARY/VARBINARY/
// BLOB), column names, ENUM/SET members. Only call after CompareTableMap found the column
// count equal.
void CompleteTableMap(const event::TableSchema& schema, mysql::TableMap* map);

// A schema built from a TABLE_MAP that carries column names (binlog_row_metadata=FULL).
// Lengths are the map's byte lengths converted to characters where the character set is
// known; defaults, comments and generated expressions are unknown.
event::TableSchema SchemaFromTableMap(const mysql::TableMap& map);

// "VARCHAR(255)", "DECIMAL(10,2)", "INT UNSIGNED", "ENUM('a','b')": a column's type as
// SQL would write it, for messages and Debezium's typeExpression.
std::string DescribeColumnType(const event::Column& column);

}  // namespace tributary::schema
