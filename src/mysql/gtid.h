// GTIDs of both flavours and their text forms.
//   MySQL:   <uuid>[:<tag>]:<gno>, sets like 3e11fa47-...:1-5:7,tag:1-2
//   MariaDB: <domain>-<server>-<seq>, positions like 0-1-42,1-2-7
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/byte_reader.h"

namespace tributary::mysql {

using Uuid = std::array<uint8_t, 16>;
std::string UuidToString(const Uuid& uuid);

struct GtidInterval {
  uint64_t start = 0;  // inclusive
  uint64_t end = 0;    // exclusive, as the binlog stores it
};

struct GtidSetEntry {
  Uuid sid{};
  std::string tag;  // empty: untagged
  std::vector<GtidInterval> intervals;
};

// A MySQL GTID set as PREVIOUS_GTIDS carries it.
struct GtidSet {
  bool tagged_format = false;
  std::vector<GtidSetEntry> entries;
  // MySQL's text form: uuid:1-5:7 entries joined by ',', tags as uuid:tag:1-2.
  std::string ToString() const;
  // Adds one transaction (uuid[:tag]:gno), merging it into the intervals; entries stay
  // ordered by UUID, untagged before tags.
  void Add(const Uuid& sid, std::string_view tag, uint64_t gno);
};

// MySQL's text form ("uuid:1-5:7,uuid:tag:1-2", blanks and newlines around entries as
// SHOW MASTER STATUS prints them; empty = the empty set). Errors: InvalidArgument naming
// the entry.
Result<GtidSet> ParseGtidSet(std::string_view text);

// Decodes a PREVIOUS_GTIDS body (untagged or 8.3+ tagged format).
Result<GtidSet> DecodeGtidSet(ByteReader& reader);

struct MariaGtid {
  uint32_t domain_id = 0;
  uint32_t server_id = 0;
  uint64_t seq_no = 0;
  std::string ToString() const;  // "0-1-42"
};

// MySQL serialization library (8.4+ tagged events) variable-length integers: the count
// of low-order one bits of the first byte says how many more bytes follow; the value is
// the little-endian integer of all bytes shifted right by the byte count (9 bytes: the
// next 8 bytes as is).
Result<uint64_t> ReadSerializedVarUint(ByteReader& reader);
Result<int64_t> ReadSerializedVarInt(ByteReader& reader);  // zig-zag

}  // namespace tributary::mysql
