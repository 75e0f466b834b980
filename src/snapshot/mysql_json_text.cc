#include "snapshot/mysql_json_text.h"

#include <fmt/format.h>

#include <bit>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "mysql/json_binary.h"

namespace tributary::snapshot {
namespace {

using Json = nlohmann::ordered_json;

constexpr uint8_t kLargeObject = 0x01;
constexpr uint8_t kLargeArray = 0x03;
constexpr uint8_t kLiteral = 0x04;
constexpr uint8_t kInt64 = 0x09;
constexpr uint8_t kUint64 = 0x0A;
constexpr uint8_t kDouble = 0x0B;
constexpr uint8_t kString = 0x0C;

void PutLe(std::string* out, uint64_t v, int width) {
  for (int i = 0; i < width; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void SetLe(std::string* out, size_t at, uint64_t v, int width) {
  for (int i = 0; i < width; ++i) (*out)[at + static_cast<size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

void PutVariableLength(std::string* out, size_t length) {
  do {
    uint8_t byte = length & 0x7F;
    length >>= 7;
    if (length != 0) byte |= 0x80;
    out->push_back(static_cast<char>(byte));
  } while (length != 0);
}

// Appends the payload of `v` (without its type byte) and returns the type byte.
Result<uint8_t> Encode(const Json& v, int depth, std::string* out);

// A container: count, size, entries, (keys), values; offsets relative to its start.
Result<uint8_t> EncodeContainer(const Json& v, int depth, std::string* out) {
  if (depth > mysql::kJsonMaxDepth) {
    return Error(Status::InvalidArgument("JSON document nests deeper than MySQL allows"));
  }
  const bool object = v.is_object();
  const size_t n = v.size();
  const size_t start = out->size();
  PutLe(out, n, 4);
  PutLe(out, 0, 4);  // size, set below
  const size_t key_entries = out->size();
  if (object) out->append(n * 6, '\0');
  const size_t value_entries = out->size();
  out->append(n * 5, '\0');
  if (object) {
    size_t k = 0;
    for (auto it = v.begin(); it != v.end(); ++it, ++k) {
      const std::string& key = it.key();
      if (key.size() > 0xFFFF) return Error(Status::InvalidArgument("JSON key longer than 65535 bytes"));
      SetLe(out, key_entries + 6 * k, out->size() - start, 4);
      SetLe(out, key_entries + 6 * k + 4, key.size(), 2);
      out->append(key);
    }
  }
  size_t k = 0;
  for (auto it = v.begin(); it != v.end(); ++it, ++k) {
    const Json& e = object ? it.value() : *it;
    const size_t entry = value_entries + 5 * k;
    if (e.is_null() || e.is_boolean()) {
      (*out)[entry] = static_cast<char>(kLiteral);
      SetLe(out, entry + 1, e.is_null() ? 0 : e.get<bool>() ? 1 : 2, 4);
      continue;
    }
    const size_t at = out->size() - start;
    auto type = Encode(e, depth + 1, out);
    if (!type) return Error(type.error());
    (*out)[entry] = static_cast<char>(*type);
    SetLe(out, entry + 1, at, 4);
  }
  const size_t size = out->size() - start;
  if (size > 0xFFFFFFFFu) return Error(Status::InvalidArgument("JSON document too large"));
  SetLe(out, start + 4, size, 4);
  return object ? kLargeObject : kLargeArray;
}

Result<uint8_t> Encode(const Json& v, int depth, std::string* out) {
  switch (v.type()) {
    case Json::value_t::object:
    case Json::value_t::array: return EncodeContainer(v, depth, out);
    case Json::value_t::null: out->push_back('\0'); return kLiteral;
    case Json::value_t::boolean: out->push_back(v.get<bool>() ? '\x01' : '\x02'); return kLiteral;
    case Json::value_t::number_integer:
      PutLe(out, static_cast<uint64_t>(v.get<int64_t>()), 8);
      return kInt64;
    case Json::value_t::number_unsigned: {
      const uint64_t u = v.get<uint64_t>();
      // MySQL keeps integers that fit a signed 64-bit one as signed.
      PutLe(out, u, 8);
      return u <= static_cast<uint64_t>(INT64_MAX) ? kInt64 : kUint64;
    }
    case Json::value_t::number_float:
      PutLe(out, std::bit_cast<uint64_t>(v.get<double>()), 8);
      return kDouble;
    case Json::value_t::string: {
      const std::string& s = v.get_ref<const std::string&>();
      PutVariableLength(out, s.size());
      out->append(s);
      return kString;
    }
    default: break;
  }
  return Error(Status::InvalidArgument("JSON value of an unsupported type"));
}

}  // namespace

Status AppendJsonBinaryFromText(std::string_view text, std::string* out) {
  Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return Status::InvalidArgument(fmt::format("not JSON text: {:.60}", text));
  }
  std::string bin(1, '\0');
  auto type = Encode(doc, 1, &bin);
  if (!type) return type.error();
  bin[0] = static_cast<char>(*type);
  out->append(bin);
  return Status::Ok();
}

}  // namespace tributary::snapshot
