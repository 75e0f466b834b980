#include "mysql/gtid.h"

#include <fmt/format.h>

namespace tributary::mysql {

std::string UuidToString(const Uuid& u) {
  return fmt::format(
      "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
      u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
      u[15]);
}

std::string GtidSet::ToString() const {
  // MySQL's form: entries of one UUID share it, untagged intervals first, then each tag
  // with its intervals ("uuid:1-13:mytag:1-2"); UUIDs joined by ','.
  std::string out;
  const Uuid* previous = nullptr;
  for (const auto& e : entries) {
    if (previous == nullptr || *previous != e.sid) {
      if (!out.empty()) out += ',';
      out += UuidToString(e.sid);
      previous = &e.sid;
    }
    if (!e.tag.empty()) out += ":" + e.tag;
    for (const auto& iv : e.intervals) {
      if (iv.end == iv.start + 1) {
        out += fmt::format(":{}", iv.start);
      } else {
        out += fmt::format(":{}-{}", iv.start, iv.end - 1);
      }
    }
  }
  return out;
}

std::string MariaGtid::ToString() const {
  return fmt::format("{}-{}-{}", domain_id, server_id, seq_no);
}

Result<uint64_t> ReadSerializedVarUint(ByteReader& reader) {
  size_t start = reader.position();
  auto first = reader.ReadU8();
  if (!first) return Error(first.error());
  int ones = 0;
  while (ones < 8 && ((*first >> ones) & 1) != 0) ++ones;
  if (ones == 8) return reader.ReadU64();
  size_t total = static_cast<size_t>(ones) + 1;
  uint64_t v = *first;
  for (size_t i = 1; i < total; ++i) {
    auto b = reader.ReadU8();
    if (!b) {
      return Error(Status::Corruption(
          fmt::format("truncated variable-length integer at offset {}", start)));
    }
    v |= static_cast<uint64_t>(*b) << (8 * i);
  }
  return v >> total;
}

Result<int64_t> ReadSerializedVarInt(ByteReader& reader) {
  auto u = ReadSerializedVarUint(reader);
  if (!u) return Error(u.error());
  int64_t magnitude = static_cast<int64_t>(*u >> 1);
  return (*u & 1) != 0 ? -magnitude - 1 : magnitude;
}

Result<GtidSet> DecodeGtidSet(ByteReader& r) {
  GtidSet set;
  auto head = r.ReadU64();
  if (!head) return Error(head.error());
  uint64_t count = *head;
  if ((*head & 0xFF) == 1 && (*head >> 56) == 1) {
    set.tagged_format = true;
    count = (*head >> 8) & 0xFFFFFFFFFFFFull;
  }
  // Each entry takes at least 24 bytes: a count larger than the rest is corruption,
  // caught before anything is allocated.
  if (count > r.remaining() / 24 + 1) {
    return Error(Status::Corruption(fmt::format("GTID set claims {} entries in {} bytes", count,
                                                r.remaining())));
  }
  for (uint64_t i = 0; i < count; ++i) {
    GtidSetEntry e;
    auto sid = r.ReadBytes(16);
    if (!sid) return Error(sid.error());
    for (size_t k = 0; k < 16; ++k) e.sid[k] = static_cast<uint8_t>((*sid)[k]);
    if (set.tagged_format) {
      auto len = ReadSerializedVarUint(r);
      if (!len) return Error(len.error());
      auto tag = r.ReadString(*len);
      if (!tag) return Error(tag.error());
      e.tag = std::string(*tag);
    }
    auto n = r.ReadU64();
    if (!n) return Error(n.error());
    if (*n > r.remaining() / 16) {
      return Error(Status::Corruption(fmt::format("GTID set entry claims {} intervals in {} bytes",
                                                  *n, r.remaining())));
    }
    for (uint64_t k = 0; k < *n; ++k) {
      auto s = r.ReadU64();
      auto en = r.ReadU64();
      if (!s || !en) return Error(Status::Corruption("truncated GTID interval"));
      e.intervals.push_back({*s, *en});
    }
    set.entries.push_back(std::move(e));
  }
  return set;
}

}  // namespace tributary::mysql
