// ByteReader: a bounds-checked cursor over a byte buffer.
//
// Every parser of untrusted bytes (binlog events, Kafka records) reads through this
// class, so no parser can read past the end whatever the input. Reads are little-endian
// (the MySQL wire and binlog byte order) unless the name says BigEndian.
//
// Lifetime: the reader and every span/string_view it returns are views into the buffer
// given to the constructor; they live exactly as long as that buffer.
// Thread-compatible (one reader per thread).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "common/status.h"

namespace tributary {

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::byte> data) : data_(data) {}
  ByteReader(const void* data, size_t size)
      : data_(static_cast<const std::byte*>(data), size) {}

  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  size_t size() const { return data_.size(); }
  bool empty() const { return pos_ == data_.size(); }
  bool Has(size_t n) const { return n <= remaining(); }

  // Little-endian unsigned integer of `width` bytes (1..8).
  Result<uint64_t> ReadUint(size_t width) {
    if (width == 0 || width > 8) return Error(Status::Internal("ReadUint width must be 1..8"));
    if (!Has(width)) return Error(Short(width));
    uint64_t v = LoadLittleEndian(data_.data() + pos_, width);
    pos_ += width;
    return v;
  }
  // Big-endian unsigned integer of `width` bytes (1..8), as DECIMAL and TIME2 use.
  Result<uint64_t> ReadUintBigEndian(size_t width) {
    if (width == 0 || width > 8) return Error(Status::Internal("ReadUint width must be 1..8"));
    if (!Has(width)) return Error(Short(width));
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) v = (v << 8) | static_cast<uint64_t>(data_[pos_ + i]);
    pos_ += width;
    return v;
  }
  Result<uint8_t> ReadU8() { return ReadFixed<uint8_t, 1>(); }
  Result<uint16_t> ReadU16() { return ReadFixed<uint16_t, 2>(); }
  Result<uint32_t> ReadU24() { return ReadFixed<uint32_t, 3>(); }
  Result<uint32_t> ReadU32() { return ReadFixed<uint32_t, 4>(); }
  Result<uint64_t> ReadU48() { return ReadFixed<uint64_t, 6>(); }
  Result<uint64_t> ReadU64() { return ReadFixed<uint64_t, 8>(); }

  // MySQL length-encoded integer (0xFB..0xFF prefixes); 0xFB (NULL) and 0xFF are
  // rejected as corruption since they are not lengths.
  Result<uint64_t> ReadLengthEncoded();

  // The next n bytes as a view; advances past them.
  Result<std::span<const std::byte>> ReadBytes(size_t n) {
    if (!Has(n)) return Error(Short(n));
    auto out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  Result<std::string_view> ReadString(size_t n) {
    auto bytes = ReadBytes(n);
    if (!bytes) return Error(bytes.error());
    return std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  }
  Status Skip(size_t n) {
    if (!Has(n)) return Short(n);
    pos_ += n;
    return Status::Ok();
  }
  // Everything not yet read, without advancing.
  std::span<const std::byte> Rest() const { return data_.subspan(pos_); }

 private:
  // Reads `width` bytes (1..8) as a little-endian number, whatever the host order.
  static uint64_t LoadLittleEndian(const std::byte* p, size_t width) {
    uint64_t v = 0;
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(&v, p, width);
    } else {
      for (size_t i = 0; i < width; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
    }
    return v;
  }
  template <typename T, size_t kWidth>
  Result<T> ReadFixed() {
    if (!Has(kWidth)) [[unlikely]] return Error(Short(kWidth));
    T v = static_cast<T>(LoadLittleEndian(data_.data() + pos_, kWidth));
    pos_ += kWidth;
    return v;
  }
  Status Short(size_t wanted) const;

  std::span<const std::byte> data_;
  size_t pos_ = 0;
};

}  // namespace tributary
