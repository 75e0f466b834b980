// Test-only decoders, written independently of the encoders they check: a generic Thrift
// compact protocol reader, the RLE / bit-packing hybrid decoder, and a walker over an
// uncompressed Parquet file's footer and pages that decodes a column back to values.
// Not linked into Tributary.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::format::parquet::testing {

struct ThriftValue {
  int type = 0;   // compact type id (1/2 bool, 3 byte, 4-6 ints, 8 binary, 9 list, 12 struct)
  int64_t i = 0;  // ints, bools (0/1)
  std::string bin;
  std::map<int, ThriftValue> fields;  // struct
  std::vector<ThriftValue> list;

  const ThriftValue& operator[](int id) const;  // aborts the test when missing
  bool has(int id) const { return fields.count(id) != 0; }
};

// Reads one struct; advances *pos. Throws std::runtime_error on malformed input.
ThriftValue ReadStruct(std::string_view in, size_t* pos);

// Decodes `n` values of the hybrid encoding (no length prefix). Throws on overrun.
std::vector<uint32_t> DecodeRleHybrid(std::string_view in, int bit_width, size_t n);

// A decoded column chunk of an UNCOMPRESSED file: per row, the definition level and the
// value's PLAIN bytes (no length prefix) when defined at the leaf.
struct DecodedColumn {
  std::vector<int> def_levels;
  std::vector<std::optional<std::string>> values;
  int data_pages = 0;
  int dict_pages = 0;
  int plain_pages = 0;
  int dict_encoded_pages = 0;
};

struct ParsedFile {
  ThriftValue footer;
  std::string bytes;
};
ParsedFile ParseFile(std::string bytes);

// Decodes column `column` of row group `rg`. `max_def`, the physical type (thrift id) and
// fixed width come from the footer's schema (the caller says them).
DecodedColumn DecodeColumn(const ParsedFile& f, int rg, int column, int max_def, int physical_type,
                           int fixed_width = 0);

}  // namespace tributary::format::parquet::testing
