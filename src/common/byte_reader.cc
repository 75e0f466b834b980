#include "common/byte_reader.h"

#include <fmt/format.h>

namespace tributary {

Status ByteReader::Short(size_t wanted) const {
  return Status::Corruption(fmt::format("truncated: need {} byte(s) at offset {}, only {} left",
                                        wanted, pos_, remaining()));
}

Result<uint64_t> ByteReader::ReadLengthEncoded() {
  auto first = ReadU8();
  if (!first) return first;
  switch (*first) {
    case 0xFC: return ReadUint(2);
    case 0xFD: return ReadUint(3);
    case 0xFE: return ReadUint(8);
    case 0xFB:
    case 0xFF:
      return Error(Status::Corruption(
          fmt::format("invalid length-encoded integer prefix 0x{:02X} at offset {}", *first,
                      pos_ - 1)));
    default: return *first;
  }
}

}  // namespace tributary
