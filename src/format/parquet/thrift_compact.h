// CompactWriter: the write side of the Thrift compact protocol, as much of it as
// Parquet's footer (FileMetaData), page headers and page indexes need. Our own small
// encoder (no libthrift): field headers with id deltas, zigzag varints, binary, lists and
// nested structs.
//
// Appends to a caller-owned std::string that must outlive the writer. Not thread-safe;
// one writer per serialization.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tributary::format::parquet {

// Compact protocol type ids (as they appear in field and list headers).
enum class CompactType : uint8_t {
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

class CompactWriter {
 public:
  explicit CompactWriter(std::string* out) : out_(out) {}

  // Fields of the struct being written. Ids must increase within a struct (Parquet's
  // structs are written in id order).
  void FieldBool(int16_t id, bool v) {
    FieldHeader(id, v ? CompactType::kBoolTrue : CompactType::kBoolFalse);
  }
  void FieldI8(int16_t id, int8_t v) {
    FieldHeader(id, CompactType::kByte);
    out_->push_back(static_cast<char>(v));
  }
  void FieldI16(int16_t id, int16_t v) {
    FieldHeader(id, CompactType::kI16);
    Varint(ZigZag(static_cast<int32_t>(v)));
  }
  void FieldI32(int16_t id, int32_t v) {
    FieldHeader(id, CompactType::kI32);
    Varint(ZigZag(v));
  }
  void FieldI64(int16_t id, int64_t v) {
    FieldHeader(id, CompactType::kI64);
    Varint(ZigZag(v));
  }
  void FieldBinary(int16_t id, std::string_view v) {
    FieldHeader(id, CompactType::kBinary);
    Binary(v);
  }
  // Opens a nested struct field; close with EndStruct().
  void BeginStructField(int16_t id) {
    FieldHeader(id, CompactType::kStruct);
    Push();
  }
  // A field holding an empty struct (e.g. the members of LogicalType unions).
  void FieldEmptyStruct(int16_t id) {
    BeginStructField(id);
    EndStruct();
  }
  // Writes the stop byte of the current struct and returns to the enclosing one.
  void EndStruct() {
    out_->push_back(0);
    Pop();
  }
  // A list field header; then write `size` elements with the List* calls (or, for
  // struct elements, BeginListStruct()/EndStruct() pairs).
  void FieldListHeader(int16_t id, CompactType elem, uint32_t size) {
    FieldHeader(id, CompactType::kList);
    ListHeader(elem, size);
  }
  void ListI32(int32_t v) { Varint(ZigZag(v)); }
  void ListI64(int64_t v) { Varint(ZigZag(v)); }
  void ListBinary(std::string_view v) { Binary(v); }
  void ListBool(bool v) { out_->push_back(v ? 1 : 2); }
  void BeginListStruct() { Push(); }

  // Ends the top-level struct (its stop byte).
  void Finish() { out_->push_back(0); }

  static uint64_t ZigZag(int64_t v) {
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  }
  static uint32_t ZigZag(int32_t v) {
    return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
  }

  void Varint(uint64_t v) {
    while (v >= 0x80) {
      out_->push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_->push_back(static_cast<char>(v));
  }

 private:
  void FieldHeader(int16_t id, CompactType type);
  void ListHeader(CompactType elem, uint32_t size);
  void Binary(std::string_view v) {
    Varint(v.size());
    out_->append(v);
  }
  void Push();
  void Pop() { --depth_; }

  static constexpr int kMaxDepth = 32;
  std::string* out_;
  int16_t last_id_[kMaxDepth] = {};
  int depth_ = 0;
};

}  // namespace tributary::format::parquet
