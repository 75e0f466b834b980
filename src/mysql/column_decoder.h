// Column values of row images: the TABLE_MAP metadata of a column, and the decoding of
// one value of a WRITE/UPDATE/DELETE_ROWS row image into an event::Value.
//
// Metadata convention. TABLE_MAP carries 0, 1 or 2 metadata bytes per column; this module
// keeps them as one uint16 the way MySQL's replica does (rpl_utility.cc, table_def):
//   FLOAT, DOUBLE                    1 byte: pack length (4, 8); not needed to decode
//   BLOB family, JSON, GEOMETRY,     1 byte: bytes of the value's length prefix (1..4)
//   VECTOR
//   TIME2, DATETIME2, TIMESTAMP2     1 byte: fractional second digits (0..6)
//   VARCHAR, VAR_STRING              2 bytes little-endian: maximum length in bytes
//   BIT                              2 bytes: bits % 8, then whole bytes; meta = bytes << 8 |
//                                    bits % 8 (the little-endian reading of the two bytes)
//   NEWDECIMAL                       2 bytes: precision, scale; meta = precision << 8 | scale
//   STRING, ENUM, SET                2 bytes: meta = first << 8 | second, see UnpackStringMeta
//   every other type                 no bytes; meta = 0
// VAR_STRING follows VARCHAR (as mysqlbinlog, vitess and go-mysql read it): MySQL does not
// list it in table_def, and current servers write VARCHAR (15) for VARCHAR columns.
//
// Values are views: every byte-carrying Value returned here points into the reader's
// buffer and lives exactly as long as that buffer (see event/value.h). Decoding allocates
// nothing on success. Thread-compatible: no shared state.
#pragma once

#include <cstdint>

#include "common/byte_reader.h"
#include "common/status.h"
#include "event/value.h"
#include "mysql/column_type.h"

namespace tributary::mysql {

// What the decoder needs to know about one column: its TABLE_MAP type and metadata, and,
// from the optional TABLE_MAP metadata (or the schema), signedness and collation.
struct ColumnMeta {
  ColumnType type = ColumnType::kInvalid;
  uint16_t meta = 0;         // in the convention above
  bool is_unsigned = false;  // integer types only
  uint16_t charset = 0;      // collation id for string types; 63 = binary, 0 = unknown
};

// Reads the TABLE_MAP metadata of one column of `type` from the metadata block, advancing
// past its 0, 1 or 2 bytes, and returns it in the convention above. Corruption when the
// block ends early or `type` is not a column type (its metadata size is then unknown, so
// the rest of the block cannot be read); Unsupported for TYPED_ARRAY.
Result<uint16_t> ReadColumnMetadata(ByteReader& reader, ColumnType type);

// The two facts MySQL folds into the metadata of a STRING column (and of ENUM and SET,
// which TABLE_MAP reports as STRING): the real type, and for CHAR/BINARY the maximum
// length in bytes (0..1023), for ENUM/SET the bytes of a value (ENUM 1..2, SET 1..8).
// Lengths above 255 store their bits 8..9 inverted in bits 4..5 of the real-type byte.
struct StringColumnMeta {
  ColumnType real_type = ColumnType::kString;
  uint16_t length = 0;
};
StringColumnMeta UnpackStringMeta(uint16_t meta);

// Decodes the non-NULL value of column `col` at the reader position and advances past it.
// The kinds produced, by type:
//   TINY..LONGLONG  kInt / kUInt (by is_unsigned)   FLOAT, DOUBLE  kFloat, kDouble
//   NEWDECIMAL      kDecimal (bytes = binary form)   YEAR           kYear (0 or 1901..2155)
//   DATE, NEWDATE   kDate                            TIME, TIME2    kTime
//   DATETIME(2)     kDateTime                        TIMESTAMP(2)   kTimestamp
//   VARCHAR, VAR_STRING, STRING(CHAR), BLOB family  kString with `charset`, or kBytes when
//                   the charset is binary (63)
//   ENUM, SET       kEnum (1-based index), kSet (member bitmask)
//   BIT             kBit (bytes big-endian, bits = declared width)
//   JSON            kJsonBinary (bytes without the length prefix)
//   GEOMETRY        kGeometry                        VECTOR         kVector
//   NULL            a null Value (such a column stores no bytes)
// Temporal values with invalid parts (month 0, day 31 of February, ...) are kept as
// stored, as MySQL itself keeps them; only encodings no server writes are rejected.
// Errors: Corruption, naming the type, when the value runs past the end of the buffer or
// its bytes or metadata cannot be a value of the type; Unsupported for types no current
// server writes to row images (old DECIMAL, TYPED_ARRAY, BOOL). On error the reader
// position is unspecified (the row image cannot be read further).
Result<event::Value> DecodeColumnValue(ByteReader& reader, const ColumnMeta& col);

}  // namespace tributary::mysql
