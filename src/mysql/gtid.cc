#include "mysql/gtid.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

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

namespace {

bool ParseHexUuid(std::string_view text, Uuid* out) {
  std::string hex;
  for (char c : text) {
    if (c != '-') hex += c;
  }
  if (hex.size() != 32) return false;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (size_t i = 0; i < 16; ++i) {
    int hi = digit(hex[2 * i]), lo = digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return true;
}

bool ParseNumber(std::string_view s, uint64_t* v) {
  if (s.empty()) return false;
  *v = 0;
  for (char ch : s) {
    if (!std::isdigit(static_cast<unsigned char>(ch))) return false;
    *v = *v * 10 + static_cast<uint64_t>(ch - '0');
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<GtidSet> ParseGtidSet(std::string_view text) {
  GtidSet set;
  std::string_view rest = text;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.empty()) continue;
    size_t colon = item.find(':');
    GtidSetEntry fresh;
    if (colon == std::string_view::npos || !ParseHexUuid(item.substr(0, colon), &fresh.sid)) {
      return Error(Status::InvalidArgument(
          fmt::format("GTID set entry '{}' does not start with a UUID", item)));
    }
    set.entries.push_back(std::move(fresh));
    GtidSetEntry* e = &set.entries.back();
    std::string_view parts = item.substr(colon + 1);
    while (!parts.empty()) {
      size_t c = parts.find(':');
      std::string_view part = parts.substr(0, c);
      parts = c == std::string_view::npos ? std::string_view() : parts.substr(c + 1);
      if (!part.empty() && !std::isdigit(static_cast<unsigned char>(part.front()))) {
        // A tag starts a new entry for the same UUID.
        if (!e->intervals.empty() || !e->tag.empty()) {
          set.entries.push_back(GtidSetEntry{e->sid, {}, {}});
          e = &set.entries.back();
        }
        e->tag = std::string(part);
        std::transform(e->tag.begin(), e->tag.end(), e->tag.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        set.tagged_format = true;
        continue;
      }
      size_t dash = part.find('-');
      uint64_t start = 0, end = 0;
      bool ok = dash == std::string_view::npos
                    ? ParseNumber(part, &start) && (end = start, true)
                    : ParseNumber(part.substr(0, dash), &start) &&
                          ParseNumber(part.substr(dash + 1), &end);
      if (!ok || start == 0 || end < start) {
        return Error(Status::InvalidArgument(
            fmt::format("GTID interval '{}' in '{}' is not valid", part, item)));
      }
      e->intervals.push_back({start, end + 1});
    }
  }
  return set;
}

void GtidSet::Add(const Uuid& sid, std::string_view tag, uint64_t gno) {
  if (!tag.empty()) tagged_format = true;
  // The entry of (sid, tag), or where it belongs.
  auto it = std::find_if(entries.begin(), entries.end(), [&](const GtidSetEntry& e) {
    return e.sid > sid || (e.sid == sid && (e.tag == tag || e.tag > tag));
  });
  if (it == entries.end() || it->sid != sid || it->tag != tag) {
    it = entries.insert(it, GtidSetEntry{sid, std::string(tag), {}});
  }
  auto& ivs = it->intervals;
  // First interval that ends at or after gno (end is exclusive).
  auto iv = std::find_if(ivs.begin(), ivs.end(), [&](const GtidInterval& x) { return x.end >= gno; });
  if (iv != ivs.end() && iv->start <= gno && gno < iv->end) return;  // already in
  if (iv != ivs.end() && iv->end == gno) {
    iv->end = gno + 1;  // extends this one; may now touch the next
    auto next = iv + 1;
    if (next != ivs.end() && next->start == iv->end) {
      iv->end = next->end;
      ivs.erase(next);
    }
    return;
  }
  if (iv != ivs.end() && iv->start == gno + 1) {
    iv->start = gno;
    return;
  }
  ivs.insert(iv, GtidInterval{gno, gno + 1});
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
