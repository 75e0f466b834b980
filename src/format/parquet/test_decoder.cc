#include "format/parquet/test_decoder.h"

#include <cstring>
#include <stdexcept>

namespace tributary::format::parquet::testing {
namespace {

[[noreturn]] void Fail(const std::string& why) { throw std::runtime_error(why); }

uint8_t Byte(std::string_view in, size_t* pos) {
  if (*pos >= in.size()) Fail("thrift: read past end");
  return static_cast<uint8_t>(in[(*pos)++]);
}

uint64_t Varint(std::string_view in, size_t* pos) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    uint8_t b = Byte(in, pos);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  Fail("varint too long");
}

int64_t ZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

ThriftValue ReadValue(std::string_view in, size_t* pos, int type, bool in_list);

ThriftValue ReadValue(std::string_view in, size_t* pos, int type, bool in_list) {
  ThriftValue v;
  v.type = type;
  switch (type) {
    case 1:
    case 2:
      if (in_list) {
        v.i = Byte(in, pos) == 1 ? 1 : 0;
      } else {
        v.i = type == 1 ? 1 : 0;
      }
      break;
    case 3: v.i = static_cast<int8_t>(Byte(in, pos)); break;
    case 4:
    case 5:
    case 6: v.i = ZigZag(Varint(in, pos)); break;
    case 7:
      if (*pos + 8 > in.size()) Fail("double past end");
      *pos += 8;
      break;
    case 8: {
      uint64_t n = Varint(in, pos);
      if (*pos + n > in.size()) Fail("binary past end");
      v.bin.assign(in.substr(*pos, n));
      *pos += n;
      break;
    }
    case 9:
    case 10: {
      uint8_t h = Byte(in, pos);
      uint64_t n = h >> 4;
      int elem = h & 0x0f;
      if (n == 15) n = Varint(in, pos);
      for (uint64_t k = 0; k < n; ++k) v.list.push_back(ReadValue(in, pos, elem, true));
      break;
    }
    case 12: v = ReadStruct(in, pos); break;
    default: Fail("thrift: unknown type " + std::to_string(type));
  }
  return v;
}

}  // namespace

const ThriftValue& ThriftValue::operator[](int id) const {
  auto it = fields.find(id);
  if (it == fields.end()) Fail("thrift: missing field " + std::to_string(id));
  return it->second;
}

ThriftValue ReadStruct(std::string_view in, size_t* pos) {
  ThriftValue s;
  s.type = 12;
  int last = 0;
  while (true) {
    uint8_t h = Byte(in, pos);
    if (h == 0) return s;
    int type = h & 0x0f;
    int delta = h >> 4;
    int id = delta != 0 ? last + delta : static_cast<int>(ZigZag(Varint(in, pos)));
    s.fields[id] = ReadValue(in, pos, type, false);
    last = id;
  }
}

std::vector<uint32_t> DecodeRleHybrid(std::string_view in, int bit_width, size_t n) {
  std::vector<uint32_t> out;
  size_t pos = 0;
  while (out.size() < n) {
    uint64_t h = Varint(in, &pos);
    if (h & 1) {
      size_t count = (h >> 1) * 8;
      size_t bytes = count * static_cast<size_t>(bit_width) / 8;
      if (pos + bytes > in.size()) Fail("bit-packed run past end");
      for (size_t k = 0; k < count; ++k) {
        uint64_t v = 0;
        for (int b = 0; b < bit_width; ++b) {
          size_t bit = k * static_cast<size_t>(bit_width) + static_cast<size_t>(b);
          if ((static_cast<uint8_t>(in[pos + bit / 8]) >> (bit % 8)) & 1) v |= uint64_t{1} << b;
        }
        if (out.size() < n) out.push_back(static_cast<uint32_t>(v));
      }
      pos += bytes;
    } else {
      size_t count = h >> 1;
      if (count == 0) Fail("empty RLE run");
      uint32_t v = 0;
      for (int b = 0; b < (bit_width + 7) / 8; ++b)
        v |= static_cast<uint32_t>(Byte(in, &pos)) << (8 * b);
      if (bit_width < 32 && (v >> bit_width) != 0) Fail("RLE value wider than the bit width");
      if (out.size() + count > n) Fail("RLE run longer than the values left");
      out.insert(out.end(), count, v);
    }
  }
  if (pos != in.size()) Fail("trailing bytes after " + std::to_string(n) + " values");
  return out;
}

ParsedFile ParseFile(std::string bytes) {
  ParsedFile f;
  if (bytes.size() < 12 || bytes.compare(0, 4, "PAR1") != 0 ||
      bytes.compare(bytes.size() - 4, 4, "PAR1") != 0) {
    Fail("not a parquet file");
  }
  uint32_t len;
  std::memcpy(&len, bytes.data() + bytes.size() - 8, 4);
  size_t start = bytes.size() - 8 - len;
  size_t pos = start;
  f.footer = ReadStruct(bytes, &pos);
  if (pos != bytes.size() - 8) Fail("footer length mismatch");
  f.bytes = std::move(bytes);
  return f;
}

DecodedColumn DecodeColumn(const ParsedFile& f, int rg, int column, int max_def, int physical_type,
                           int fixed_width) {
  DecodedColumn out;
  const ThriftValue& chunk = f.footer[4].list.at(rg)[1].list.at(column);
  const ThriftValue& md = chunk[3];
  if (md[4].i != 0) Fail("DecodeColumn needs an uncompressed file");
  int64_t num_values = md[5].i;
  size_t pos = static_cast<size_t>(md.has(11) ? md[11].i : md[9].i);
  std::vector<std::string> dict;
  auto plain_values = [&](std::string_view body, size_t count, std::vector<std::string>* vals) {
    size_t p = 0;
    for (size_t k = 0; k < count; ++k) {
      if (physical_type == 6) {
        uint32_t n;
        if (p + 4 > body.size()) Fail("plain past end");
        std::memcpy(&n, body.data() + p, 4);
        if (p + 4 + n > body.size()) Fail("plain past end");
        vals->emplace_back(body.substr(p + 4, n));
        p += 4 + n;
      } else if (physical_type == 0) {
        vals->emplace_back(1, static_cast<char>((body[k / 8] >> (k % 8)) & 1));
        p = (k + 8) / 8;
      } else {
        size_t w = physical_type == 1 || physical_type == 4 ? 4
                   : physical_type == 7                     ? fixed_width
                                                            : 8;
        if (p + w > body.size()) Fail("plain past end");
        vals->emplace_back(body.substr(p, w));
        p += w;
      }
    }
    if (p != body.size()) Fail("plain: trailing bytes");
  };
  int64_t seen = 0;
  while (seen < num_values) {
    ThriftValue h = ReadStruct(f.bytes, &pos);
    int type = static_cast<int>(h[1].i);
    size_t size = static_cast<size_t>(h[3].i);
    if (static_cast<size_t>(h[2].i) != size) Fail("uncompressed size differs");
    std::string_view body(f.bytes.data() + pos, size);
    pos += size;
    if (type == 2) {
      ++out.dict_pages;
      plain_values(body, static_cast<size_t>(h[7][1].i), &dict);
      continue;
    }
    if (type != 0) Fail("unexpected page type");
    ++out.data_pages;
    const ThriftValue& dp = h[5];
    auto n = static_cast<size_t>(dp[1].i);
    int encoding = static_cast<int>(dp[2].i);
    std::vector<uint32_t> defs(n, static_cast<uint32_t>(max_def));
    size_t p = 0;
    if (max_def > 0) {
      uint32_t len;
      std::memcpy(&len, body.data(), 4);
      int width = 0;
      while ((1 << width) <= max_def) ++width;
      defs = DecodeRleHybrid(body.substr(4, len), width, n);
      p = 4 + len;
    }
    size_t defined = 0;
    for (uint32_t d : defs) defined += d == static_cast<uint32_t>(max_def);
    std::vector<std::string> vals;
    if (encoding == 8) {
      ++out.dict_encoded_pages;
      int width = static_cast<uint8_t>(body[p]);
      std::vector<uint32_t> idx = DecodeRleHybrid(body.substr(p + 1), width, defined);
      for (uint32_t i : idx) vals.push_back(dict.at(i));
    } else if (encoding == 0) {
      ++out.plain_pages;
      plain_values(body.substr(p), defined, &vals);
    } else {
      Fail("unexpected encoding");
    }
    size_t k = 0;
    for (uint32_t d : defs) {
      out.def_levels.push_back(static_cast<int>(d));
      if (d == static_cast<uint32_t>(max_def)) {
        out.values.emplace_back(vals[k++]);
      } else {
        out.values.emplace_back(std::nullopt);
      }
    }
    seen += static_cast<int64_t>(n);
  }
  return out;
}

}  // namespace tributary::format::parquet::testing
