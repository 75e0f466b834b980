// MySQL binary JSON (the storage format of JSON columns) to JSON text.
//
// A JSON column value in a row image is a 4-byte length followed by a binary JSON
// document; the functions here take the document without that length. The format
// (MySQL sql-common/json_binary.h) is a type byte followed by the value:
//
//   0x00/0x01 small/large object  0x02/0x03 small/large array   0x04 literal
//   0x05/0x06 int16/uint16        0x07/0x08 int32/uint32        0x09/0x0A int64/uint64
//   0x0B double                   0x0C string                   0x0F opaque (MySQL type)
//
// Objects and arrays start with an element count and a byte size (2 bytes each in
// the small format, 4 in the large one), then key entries (objects), then value
// entries, each a type byte and an offset relative to the container, or the value
// itself when it fits (literals, 16-bit ints, and 32-bit ints in the large format).
//
// Text is produced exactly as MySQL prints a JSON value (`SELECT json_col`, i.e.
// Json_wrapper::to_string): `{"a": 1, "b": [true, null]}`, keys in stored order
// (MySQL stores them sorted by length, then bytes), doubles as my_gcvt() prints
// them plus ".0" when that text looks like an integer, DATE/TIME/DATETIME/TIMESTAMP
// opaques as quoted temporal text with 6 fraction digits, DECIMAL opaques with their
// scale, VAR_STRING opaques as strings and every other opaque as
// "base64:type<N>:<base64>".
//
// Every offset and length is checked; malformed input gives Status::Corruption with
// the offset in the document, never a read past the end. Nesting deeper than
// kJsonMaxDepth and documents whose values overlap (which would let a small input
// expand without bound) are rejected as corrupt.
//
// Thread-safe: no shared state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tributary::mysql {

// MySQL's JSON_DOCUMENT_MAX_DEPTH: the deepest nesting of arrays and objects a
// server accepts (a top-level array is depth 1).
inline constexpr int kJsonMaxDepth = 100;

// Appends the text of `binary` to `out`. An empty span is JSON null (MySQL stores an
// empty value for NOT NULL JSON columns that were not given a value). On error `out`
// is left as it was.
Status AppendJsonText(std::span<const std::byte> binary, std::string* out);

// One scalar of a binary JSON document, as WalkJsonBinary reports it. `bytes` is a
// view into the document and lives as long as the document's buffer.
struct JsonScalar {
  enum class Kind : uint8_t { kNull, kTrue, kFalse, kInt, kUint, kDouble, kString, kOpaque };

  Kind kind = Kind::kNull;
  int64_t int_value = 0;    // kInt
  uint64_t uint_value = 0;  // kUint
  double double_value = 0;  // kDouble
  std::string_view bytes;   // kString: the text (utf8mb4); kOpaque: the raw value
  uint8_t opaque_type = 0;  // kOpaque: the MySQL column type (enum_field_types)
  size_t offset = 0;        // where the value starts in its document, for messages
};

// Appends the text of one scalar as MySQL prints it. Fails (Corruption) for opaque
// temporals and decimals whose bytes are malformed or out of range, and for
// non-finite doubles, which MySQL never stores. On error `out` is left as it was.
Status AppendJsonScalarText(const JsonScalar& scalar, std::string* out);

// Appends `text` as a double-quoted JSON string with MySQL's escaping: \" \\ \b \f
// \n \r \t, other bytes below 0x20 as \u00XX; every other byte (including UTF-8
// sequences) as is.
void AppendJsonQuotedString(std::string_view text, std::string* out);

// Receives the values of a binary JSON document in document order. Each container
// is reported as Begin, then its members (objects: OnKey before each value), then
// End. Returning an error stops the walk and WalkJsonBinary returns that error.
class JsonBinaryVisitor {
 public:
  virtual ~JsonBinaryVisitor() = default;
  virtual Status OnObjectBegin(uint32_t member_count) = 0;
  virtual Status OnKey(std::string_view key) = 0;  // view into the document
  virtual Status OnObjectEnd() = 0;
  virtual Status OnArrayBegin(uint32_t element_count) = 0;
  virtual Status OnArrayEnd() = 0;
  virtual Status OnScalar(const JsonScalar& scalar) = 0;
};

// Walks the whole document, checking every offset, length, nesting depth and scalar
// (opaque payloads, finite doubles), so a completed walk means AppendJsonText
// succeeds. An empty span is a single JSON null scalar. Recursion is bounded by
// kJsonMaxDepth.
Status WalkJsonBinary(std::span<const std::byte> binary, JsonBinaryVisitor* visitor);

}  // namespace tributary::mysql
