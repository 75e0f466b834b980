// Text forms of decoded column values: JSON rendering of an event::Value, and conversion
// of MySQL/MariaDB character sets to UTF-8.
//
// Invalid input text is replaced, not reported: each ill-formed sequence of the source
// character set (for UTF-8, each maximal ill-formed subpart, as Unicode recommends)
// becomes U+FFFD. A change stream should not stop on one bad byte that the server itself
// accepted (MySQL stores such bytes under permissive sql_mode or through binary-safe
// paths), and the output must stay valid UTF-8; columns whose exact bytes matter are
// binary (63) and render as hex, losslessly.
//
// Thread-safe: conversions through iconv use per-thread handles.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "event/value.h"

namespace tributary::mysql {

// The character set of a collation id ("utf8mb4", "latin1", "ucs2", ...), for MySQL 8.x
// and MariaDB ids (including MariaDB's NO PAD ids 1024+ and UCA-14.0.0 ids 2048..4095);
// empty when the id is unknown.
std::string_view CollationCharsetName(uint16_t collation_id);

// A collation id of the character set named `charset` ("utf8mb4", "utf8" = utf8mb3,
// "latin1", "binary", any case), for decoding text whose collation is not in the binlog:
// conversion depends only on the character set. 0 when the name is unknown.
uint16_t CollationIdForCharset(std::string_view charset);

// Converts `bytes`, text in the character set of `collation_id`, to UTF-8. Conversions:
// utf8mb3/utf8mb4 validated; latin1 as MySQL defines it (Windows-1252, with 0x81, 0x8D,
// 0x8F, 0x90, 0x9D mapped to the C1 controls of the same value); ascii; ucs2 (big-endian);
// utf16 (big-endian); utf16le; utf32 (big-endian); every other character set through
// glibc iconv. Collation 0 (unknown: TABLE_MAP without charset metadata) and 63 (binary)
// are read as UTF-8, which is also how MySQL converts binary strings to utf8mb4.
// Errors: NotFound for an unknown collation id; Unsupported when the character set has no
// converter (keybcs2, or a set the local iconv lacks).
Result<std::string> ToUtf8(std::string_view bytes, uint16_t collation_id);

// As ToUtf8, appending to `out` (left unchanged on error).
Status AppendUtf8(std::string_view bytes, uint16_t collation_id, std::string* out);

// Appends the JSON form of `v` to `out`:
//   kNull: null; kInt, kUInt, kYear, kEnum, kSet: numbers; kFloat, kDouble: the shortest
//   text that reads back as the same float/double;
//   kDecimal, kDecimalText: a string of the exact digits ("-12.50");
//   kDate: "YYYY-MM-DD"; kTime: "[-]HH:MM:SS[.f]"; kDateTime: "YYYY-MM-DD HH:MM:SS[.f]";
//   kTimestamp: "YYYY-MM-DDTHH:MM:SS[.f]Z" in UTC, the zero timestamp (epoch 0) as
//   "0000-00-00T00:00:00[.f]Z"; [.f] is exactly `fsp` digits, absent when fsp is 0;
//   zero and invalid dates are written as stored ("0000-00-00", "2016-00-28");
//   kString: the text converted to UTF-8 (see ToUtf8); kJsonText: its text;
//   kBytes: "0x" + lowercase hex; kBit: "b'0101'" with exactly `bits` digits;
//   kGeometry: {"srid":N,"wkb":"<lowercase hex>"}; kVector: an array of float32 numbers.
// Errors (`out` left unchanged): Unsupported for kJsonBinary and kJsonDiff (rendered by
// the binary JSON and JSON diff decoders); InvalidArgument for kAbsent (no value to render) and fsp
// above 6; Corruption for bytes that cannot be a value of the kind (DECIMAL digits, a GEOMETRY
// shorter than its SRID, a BIT or VECTOR of the wrong size, a non-finite float, which MySQL
// rejects).
Status AppendValueJson(const event::Value& v, std::string* out);

}  // namespace tributary::mysql
