#include "mysql/event_decoder.h"

#include <fmt/format.h>
#include <isa-l/crc.h>
#include <zstd.h>

#include <charconv>
#include <cstring>

#include "mysql/compression.h"
#include "mysql/rows_event.h"

namespace tributary::mysql {
namespace {

std::string_view AsView(std::span<const std::byte> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

Status Trunc(std::string_view what, const Status& s) {
  return Status::Corruption(fmt::format("{}: {}", what, s.message()));
}

// "8.0.28-log" → true when the version is at least 5.6.1 (checksum-aware FDE).
bool ChecksumAwareVersion(std::string_view version) {
  int parts[3] = {0, 0, 0};
  const char* p = version.data();
  const char* end = p + version.size();
  for (int i = 0; i < 3 && p < end; ++i) {
    auto [next, ec] = std::from_chars(p, end, parts[i]);
    if (ec != std::errc()) break;
    p = next;
    if (p < end && *p == '.') ++p;
    else break;
  }
  if (parts[0] != 5) return parts[0] > 5;
  if (parts[1] != 6) return parts[1] > 6;
  return parts[2] >= 1;
}

Result<QueryEvent> DecodeQuery(ByteReader& r, uint8_t post_header_len, bool compressed) {
  QueryEvent q;
  auto thread_id = r.ReadU32();
  auto exec_time = r.ReadU32();
  auto db_len = r.ReadU8();
  auto error_code = r.ReadU16();
  if (!thread_id || !exec_time || !db_len || !error_code) {
    return Error(Status::Corruption("QUERY post-header truncated"));
  }
  q.thread_id = *thread_id;
  q.exec_time = *exec_time;
  q.error_code = *error_code;
  uint16_t status_len = 0;
  if (post_header_len >= 13) {
    auto sl = r.ReadU16();
    if (!sl) return Error(Status::Corruption("QUERY post-header truncated"));
    status_len = *sl;
    if (Status s = r.Skip(post_header_len - 13); !s.ok()) return Error(s);
  }
  auto status = r.ReadBytes(status_len);
  if (!status) return Error(Trunc("QUERY status variables", status.error()));
  ByteReader sv(*status);
  // Status variables are (code, value) with a length fixed by the code; at an unknown
  // code the rest cannot be parsed and is skipped.
  while (!sv.empty()) {
    uint8_t code = *sv.ReadU8();
    bool ok = true;
    auto skip = [&](size_t n) { ok = sv.Skip(n).ok(); };
    auto skip_string1 = [&]() {
      auto n = sv.ReadU8();
      ok = n.has_value() && sv.Skip(*n).ok();
    };
    switch (code) {
      case 0: skip(4); break;  // flags2
      case 1: {
        auto v = sv.ReadU64();
        ok = v.has_value();
        if (ok) q.sql_mode = *v;
        break;
      }
      case 2: {  // old catalog: length, text, NUL
        auto n = sv.ReadU8();
        ok = n.has_value() && sv.Skip(*n + 1u).ok();
        break;
      }
      case 3: skip(4); break;  // auto_increment increment/offset
      case 4: {
        auto a = sv.ReadU16();
        auto b = sv.ReadU16();
        auto c = sv.ReadU16();
        ok = a && b && c;
        if (ok) {
          q.charset_client = *a;
          q.collation_connection = *b;
          q.collation_server = *c;
        }
        break;
      }
      case 5: {
        auto n = sv.ReadU8();
        auto tz = n ? sv.ReadString(*n) : Result<std::string_view>(Error(n.error()));
        ok = tz.has_value();
        if (ok) q.time_zone = *tz;
        break;
      }
      case 6: skip_string1(); break;  // catalog
      case 7: skip(2); break;         // lc_time_names
      case 8: {
        auto v = sv.ReadU16();
        ok = v.has_value();
        if (ok) q.collation_database = *v;
        break;
      }
      case 9: skip(8); break;   // table map for update
      case 10: skip(4); break;  // master data written
      case 11: {                // invoker user, host
        skip_string1();
        if (ok) skip_string1();
        break;
      }
      case 12: {  // updated db names
        auto n = sv.ReadU8();
        ok = n.has_value();
        if (ok && *n != 254) {
          for (int i = 0; i < *n && ok; ++i) {
            auto rest = AsView(sv.Rest());
            size_t nul = rest.find('\0');
            ok = nul != std::string_view::npos && sv.Skip(nul + 1).ok();
          }
        }
        break;
      }
      case 13: skip(3); break;   // microseconds
      case 14: skip(1); break;   // commit ts (unused)
      case 15: skip(1); break;   // commit ts2 (unused)
      case 16: skip(1); break;   // explicit_defaults_for_timestamp
      case 17: {
        auto v = sv.ReadU64();
        ok = v.has_value();
        if (ok) q.ddl_xid = *v;
        break;
      }
      case 18: skip(2); break;  // default_collation_for_utf8mb4
      case 19: skip(1); break;  // sql_require_primary_key
      case 20: skip(1); break;  // default_table_encryption
      case 128: skip(3); break;  // MariaDB Q_HRNOW
      case 129: {                // MariaDB Q_XID
        auto v = sv.ReadU64();
        ok = v.has_value();
        if (ok) q.ddl_xid = *v;
        break;
      }
      default: ok = sv.Skip(sv.remaining()).ok(); break;
    }
    if (!ok) return Error(Status::Corruption(fmt::format("QUERY status variable {} truncated", code)));
  }
  auto db = r.ReadString(*db_len);
  if (!db) return Error(Trunc("QUERY database name", db.error()));
  q.database = *db;
  if (Status s = r.Skip(1); !s.ok()) return Error(Trunc("QUERY database name", s));
  auto sql = r.ReadString(r.remaining());
  q.sql = *sql;
  if (compressed) {
    auto text = MariaDbUncompress(std::as_bytes(std::span(q.sql.data(), q.sql.size())));
    if (!text) return Error(text.error().WithContext("QUERY_COMPRESSED"));
    q.owned_sql.assign(reinterpret_cast<const char*>(text->data()), text->size());
    q.compressed = true;
  }
  return q;
}

Result<GtidEvent> DecodeGtid(ByteReader& r, EventType type) {
  GtidEvent g;
  g.anonymous = type == EventType::kAnonymousGtid;
  auto flags = r.ReadU8();
  auto sid = r.ReadBytes(16);
  auto gno = r.ReadU64();
  if (!flags || !sid || !gno) return Error(Status::Corruption("GTID event truncated"));
  g.flags = *flags;
  for (size_t i = 0; i < 16; ++i) g.sid[i] = static_cast<uint8_t>((*sid)[i]);
  g.gno = *gno;
  if (r.empty()) return g;  // 5.6
  if (auto lt = r.ReadU8(); !lt || *lt != 2) return g;  // 5.7.4 and earlier: ignore the rest
  auto lc = r.ReadU64();
  auto sn = r.ReadU64();
  if (!lc || !sn) return Error(Status::Corruption("GTID logical clock truncated"));
  g.last_committed = *lc;
  g.sequence_number = *sn;
  if (r.remaining() >= 7) {
    uint64_t ts = *r.ReadUint(7);
    if ((ts & (1ull << 55)) != 0) {
      g.immediate_commit_timestamp = ts & ~(1ull << 55);
      auto orig = r.ReadUint(7);
      if (!orig) return Error(Status::Corruption("GTID original commit timestamp truncated"));
      g.original_commit_timestamp = *orig;
    } else {
      g.immediate_commit_timestamp = ts;
      g.original_commit_timestamp = ts;
    }
  }
  if (!r.empty()) {
    auto len = r.ReadLengthEncoded();
    if (!len) return Error(Status::Corruption("GTID transaction length truncated"));
    g.transaction_length = *len;
  }
  if (r.remaining() >= 4) {
    uint32_t v = *r.ReadU32();
    if ((v & (1u << 31)) != 0) {
      g.immediate_server_version = v & ~(1u << 31);
      auto orig = r.ReadU32();
      if (!orig) return Error(Status::Corruption("GTID original server version truncated"));
      g.original_server_version = *orig;
    } else {
      g.immediate_server_version = v;
      g.original_server_version = v;
    }
  }
  return g;
}

// GTID_TAGGED_LOG_EVENT (8.4+): MySQL serialization library message, version 2:
// version byte, payload size, last non-ignorable field id, then (field id, value) pairs.
Result<GtidEvent> DecodeGtidTagged(ByteReader& r) {
  GtidEvent g;
  g.tagged = true;
  size_t start = r.position();
  auto version = r.ReadU8();
  if (!version) return Error(Status::Corruption("GTID_TAGGED truncated"));
  if (*version != 2) {
    return Error(Status::Unsupported(fmt::format("GTID_TAGGED serialization version {}", *version)));
  }
  auto size = ReadSerializedVarUint(r);
  auto last_required = size ? ReadSerializedVarUint(r) : size;
  if (!size || !last_required) return Error(Status::Corruption("GTID_TAGGED header truncated"));
  size_t consumed = r.position() - start;
  if (*size < consumed || *size - consumed > r.remaining()) {
    return Error(Status::Corruption(fmt::format("GTID_TAGGED payload size {} does not fit", *size)));
  }
  auto fields_bytes = r.ReadBytes(*size - consumed);
  ByteReader f(*fields_bytes);
  bool have_orig_ts = false, have_orig_version = false;
  while (!f.empty()) {
    auto id = ReadSerializedVarUint(f);
    if (!id) return Error(id.error());
    Result<uint64_t> u = 0;
    switch (*id) {
      case 0: u = ReadSerializedVarUint(f); if (u) g.flags = static_cast<uint8_t>(*u); break;
      case 1:
        for (size_t i = 0; i < 16 && u; ++i) {
          u = ReadSerializedVarUint(f);
          if (u) g.sid[i] = static_cast<uint8_t>(*u);
        }
        break;
      case 2: {
        auto v = ReadSerializedVarInt(f);
        if (!v) return Error(v.error());
        g.gno = static_cast<uint64_t>(*v);
        break;
      }
      case 3: {
        u = ReadSerializedVarUint(f);
        if (!u) break;
        auto tag = f.ReadString(*u);
        if (!tag) return Error(tag.error());
        g.tag = std::string(*tag);
        break;
      }
      case 4:
      case 5: {
        auto v = ReadSerializedVarInt(f);
        if (!v) return Error(v.error());
        (*id == 4 ? g.last_committed : g.sequence_number) = static_cast<uint64_t>(*v);
        break;
      }
      case 6: u = ReadSerializedVarUint(f); if (u) g.immediate_commit_timestamp = *u; break;
      case 7:
        u = ReadSerializedVarUint(f);
        if (u) g.original_commit_timestamp = *u;
        have_orig_ts = true;
        break;
      case 8: u = ReadSerializedVarUint(f); if (u) g.transaction_length = *u; break;
      case 9: u = ReadSerializedVarUint(f); if (u) g.immediate_server_version = static_cast<uint32_t>(*u); break;
      case 10:
        u = ReadSerializedVarUint(f);
        if (u) g.original_server_version = static_cast<uint32_t>(*u);
        have_orig_version = true;
        break;
      case 11: u = ReadSerializedVarUint(f); break;  // commit group ticket
      default:
        if (*id <= *last_required) {
          return Error(Status::Unsupported(
              fmt::format("GTID_TAGGED has unknown required field {}", *id)));
        }
        // An unknown optional field: its length is unknown, so stop here.
        f.Skip(f.remaining()).ok();
        break;
    }
    if (!u) return Error(u.error());
  }
  if (!have_orig_ts) g.original_commit_timestamp = g.immediate_commit_timestamp;
  if (!have_orig_version) g.original_server_version = g.immediate_server_version;
  return g;
}

// HEARTBEAT_LOG_EVENT_V2 (8.0.26+): (type, length, value) fields, all three packed
// integers, up to the end marker 0: 1 = log file name (length bytes of text), 2 = log
// position (a packed integer filling its field). Fields of other types are skipped by
// their length, as MySQL's reader means to (codecs/binary.cpp, "ignore unrecognized
// field"), so a newer server's extra field does not stop the stream. A heartbeat is
// only good for its coordinates: one without both is Corruption, and so is a position
// whose packed integer does not fill its declared length (MySQL's writer declares
// exactly net_length_size(position); its reader ignores the length and would read on
// into the next field).
Result<HeartbeatEvent> DecodeHeartbeatV2(ByteReader& r) {
  HeartbeatEvent hb;
  bool have_file = false, have_position = false;
  while (!r.empty()) {
    size_t at = r.position();
    auto type = r.ReadLengthEncoded();
    if (!type) {
      return Error(Status::Corruption(
          fmt::format("field type at {}: {}", at, type.error().message())));
    }
    if (*type == 0) break;
    auto len = r.ReadLengthEncoded();
    auto value = len ? r.ReadBytes(*len) : Result<std::span<const std::byte>>(Error(len.error()));
    if (!value) {
      return Error(Status::Corruption(
          fmt::format("field {} at {} truncated: {}", *type, at, value.error().message())));
    }
    if (*type == 1) {
      hb.log_file = AsView(*value);
      have_file = true;
    } else if (*type == 2) {
      ByteReader pv(*value);
      auto p = pv.ReadLengthEncoded();
      if (!p || !pv.empty()) {
        return Error(Status::Corruption(fmt::format(
            "log position field at {} declares {} bytes, which do not hold one packed integer",
            at, *len)));
      }
      hb.position = *p;
      have_position = true;
    }
  }
  if (!have_file || !have_position) {
    return Error(Status::Corruption(fmt::format("heartbeat without a log {}",
                                                have_file ? "position" : "file name")));
  }
  return hb;
}

Result<MariaGtidEvent> DecodeMariaGtid(ByteReader& r, uint32_t server_id) {
  MariaGtidEvent g;
  auto seq = r.ReadU64();
  auto domain = r.ReadU32();
  auto flags = r.ReadU8();
  if (!seq || !domain || !flags) return Error(Status::Corruption("MariaDB GTID event truncated"));
  g.gtid = {*domain, server_id, *seq};
  g.flags = *flags;
  if ((g.flags & 2) != 0) {  // FL_GROUP_COMMIT_ID
    auto cid = r.ReadU64();
    if (!cid) return Error(Status::Corruption("MariaDB GTID commit id truncated"));
    g.commit_id = *cid;
  }
  return g;
}

Result<MariaGtidListEvent> DecodeMariaGtidList(ByteReader& r) {
  MariaGtidListEvent l;
  auto count = r.ReadU32();
  if (!count) return Error(Status::Corruption("GTID_LIST truncated"));
  uint32_t n = *count & 0x0FFFFFFF;  // high bits are flags
  if (n > r.remaining() / 16) {
    return Error(Status::Corruption(fmt::format("GTID_LIST claims {} GTIDs in {} bytes", n, r.remaining())));
  }
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t domain = *r.ReadU32();
    uint32_t server = *r.ReadU32();
    uint64_t seq = *r.ReadU64();
    l.gtids.push_back({domain, server, seq});
  }
  return l;
}

}  // namespace

std::string GtidEvent::ToString() const {
  if (tag.empty()) return fmt::format("{}:{}", UuidToString(sid), gno);
  return fmt::format("{}:{}:{}", UuidToString(sid), tag, gno);
}

uint8_t FormatDescriptionEvent::PostHeaderLength(EventType type, uint8_t fallback) const {
  size_t i = static_cast<size_t>(type);
  if (i == 0 || i > post_header_lengths.size()) return fallback;
  return post_header_lengths[i - 1];
}

uint32_t EventChecksum(std::span<const std::byte> event) {
  // The binlog's CRC32 is zlib's (reflected IEEE); ISA-L computes the same value with
  // PCLMUL, several times faster than zlib 1.2 (the CRC pass dominated decoding).
  // The FDE's checksum is computed with LOG_EVENT_BINLOG_IN_USE_F cleared.
  const auto* bytes = reinterpret_cast<const unsigned char*>(event.data());
  if (event.size() >= kEventHeaderLength &&
      static_cast<uint8_t>(event[4]) == static_cast<uint8_t>(EventType::kFormatDescription)) {
    unsigned char head[kEventHeaderLength];
    std::memcpy(head, bytes, kEventHeaderLength);
    head[17] &= static_cast<unsigned char>(~kFlagBinlogInUse & 0xFF);
    uint32_t crc = crc32_gzip_refl(0, head, kEventHeaderLength);
    return crc32_gzip_refl(crc, bytes + kEventHeaderLength, event.size() - kEventHeaderLength);
  }
  return crc32_gzip_refl(0, bytes, event.size());
}

Result<EventHeader> EventDecoder::DecodeHeader(std::span<const std::byte> bytes) {
  if (bytes.size() < kEventHeaderLength) {
    return Error(Status::Corruption(
        fmt::format("event header truncated: {} of {} bytes", bytes.size(), kEventHeaderLength)));
  }
  ByteReader r(bytes);
  EventHeader h;
  h.timestamp = *r.ReadU32();
  h.raw_type = *r.ReadU8();
  h.type = static_cast<EventType>(h.raw_type);
  h.server_id = *r.ReadU32();
  h.event_size = *r.ReadU32();
  h.log_pos = *r.ReadU32();
  h.flags = *r.ReadU16();
  if (h.event_size < kEventHeaderLength) {
    return Error(Status::Corruption(fmt::format("event size {} is smaller than its header", h.event_size)));
  }
  return h;
}

Result<FormatDescriptionEvent> DecodeFormatDescription(std::span<const std::byte> event,
                                                       bool verify_checksum) {
  ByteReader r(event.subspan(std::min(event.size(), kEventHeaderLength)));
  FormatDescriptionEvent f;
  auto version = r.ReadU16();
  auto server = r.ReadString(50);
  auto created = r.ReadU32();
  auto header_len = r.ReadU8();
  if (!version || !server || !created || !header_len) {
    return Error(Status::Corruption("FORMAT_DESCRIPTION truncated"));
  }
  f.binlog_version = *version;
  f.server_version = std::string(server->substr(0, server->find('\0')));
  f.mariadb = f.server_version.find("MariaDB") != std::string::npos;
  f.create_timestamp = *created;
  f.header_length = *header_len;
  if (f.binlog_version != 4 || f.header_length != kEventHeaderLength) {
    return Error(Status::Unsupported(fmt::format(
        "binlog version {} with {}-byte headers (only version 4, 19-byte headers are read)",
        f.binlog_version, f.header_length)));
  }
  size_t rest = r.remaining();
  if (ChecksumAwareVersion(f.server_version)) {
    if (rest < 1 + kChecksumLength) return Error(Status::Corruption("FORMAT_DESCRIPTION truncated"));
    rest -= 1 + kChecksumLength;
    uint8_t alg = static_cast<uint8_t>(event[event.size() - kChecksumLength - 1]);
    f.checksum = alg == 1 ? ChecksumAlgorithm::kCrc32
                          : alg == 0 ? ChecksumAlgorithm::kNone : ChecksumAlgorithm::kUndefined;
    if (f.checksum == ChecksumAlgorithm::kUndefined) {
      return Error(Status::Unsupported(fmt::format("binlog checksum algorithm {}", alg)));
    }
    if (f.checksum == ChecksumAlgorithm::kCrc32 && verify_checksum) {
      ByteReader tail(event.subspan(event.size() - kChecksumLength));
      uint32_t stored = *tail.ReadU32();
      uint32_t computed = EventChecksum(event.first(event.size() - kChecksumLength));
      if (stored != computed) {
        return Error(Status::Corruption(fmt::format(
            "FORMAT_DESCRIPTION checksum mismatch (stored 0x{:08x}, computed 0x{:08x})", stored,
            computed)));
      }
    }
  }
  auto lengths = r.ReadBytes(rest);
  for (std::byte b : *lengths) f.post_header_lengths.push_back(static_cast<uint8_t>(b));
  return f;
}

void EventDecoder::SetFormat(FormatDescriptionEvent fde) {
  format_ = std::move(fde);
  has_format_ = true;
}

Result<DecodedEvent> EventDecoder::Decode(std::span<const std::byte> bytes, uint64_t offset) {
  auto header = DecodeHeader(bytes);
  if (!header) return Error(header.error());
  if (header->event_size != bytes.size()) {
    return Error(Status::Corruption(fmt::format("event size field {} but {} bytes given",
                                                header->event_size, bytes.size())));
  }
  if (header->type == EventType::kFormatDescription) {
    auto fde = DecodeFormatDescription(bytes, options_.verify_checksums);
    if (!fde) return Error(fde.error());
    format_ = *fde;
    has_format_ = true;
    tables_.clear();
    table_map_cache_.clear();
    DecodedEvent ev;
    ev.header = *header;
    ev.offset = offset;
    ev.body = std::move(*fde);
    return ev;
  }
  std::span<const std::byte> body = bytes.subspan(kEventHeaderLength);
  if (has_format_ && format_.checksum == ChecksumAlgorithm::kCrc32) {
    if (body.size() < kChecksumLength) {
      return Error(Status::Corruption("event too short for its CRC32"));
    }
    if (options_.verify_checksums) {
      ByteReader tail(bytes.subspan(bytes.size() - kChecksumLength));
      uint32_t stored = *tail.ReadU32();
      uint32_t computed = EventChecksum(bytes.first(bytes.size() - kChecksumLength));
      if (stored != computed) {
        return Error(Status::Corruption(fmt::format(
            "{} event checksum mismatch (stored 0x{:08x}, computed 0x{:08x})",
            EventTypeName(header->type), stored, computed)));
      }
    }
    body = body.first(body.size() - kChecksumLength);
  }
  return DecodeBody(*header, body, offset, /*inner=*/false);
}

Result<DecodedEvent> EventDecoder::DecodeBody(const EventHeader& header,
                                              std::span<const std::byte> body, uint64_t offset,
                                              bool inner) {
  DecodedEvent ev;
  ev.header = header;
  ev.offset = offset;
  ev.inner = inner;
  ByteReader r(body);
  auto fail = [&](const Status& s) -> Result<DecodedEvent> {
    return Error(s.WithContext(EventTypeName(header.type)));
  };
  switch (header.type) {
    case EventType::kQuery:
    case EventType::kMariaQueryCompressed: {
      auto q = DecodeQuery(r, format_.PostHeaderLength(EventType::kQuery, 13),
                           header.type == EventType::kMariaQueryCompressed);
      if (!q) return fail(q.error());
      ev.body = std::move(*q);
      break;
    }
    case EventType::kStop: ev.body = StopEvent{}; break;
    case EventType::kRotate: {
      RotateEvent rot;
      auto pos = r.ReadU64();
      if (!pos) return fail(pos.error());
      rot.position = *pos;
      rot.next_file = *r.ReadString(r.remaining());
      ev.body = rot;
      break;
    }
    case EventType::kXid: {
      auto xid = r.ReadU64();
      if (!xid) return fail(xid.error());
      ev.body = XidEvent{*xid};
      break;
    }
    case EventType::kXaPrepare: {
      XaPrepareEvent xa;
      auto one = r.ReadU8();
      auto fmt_id = r.ReadU32();
      auto gl = r.ReadU32();
      auto bl = r.ReadU32();
      if (!one || !fmt_id || !gl || !bl || *gl > 64 || *bl > 64) {
        return fail(Status::Corruption("XA_PREPARE header invalid"));
      }
      xa.one_phase = *one != 0;
      xa.format_id = static_cast<int32_t>(*fmt_id);
      auto g = r.ReadString(*gl);
      auto b = r.ReadString(*bl);
      if (!g || !b) return fail(Status::Corruption("XA_PREPARE xid truncated"));
      xa.gtrid = *g;
      xa.bqual = *b;
      ev.body = xa;
      break;
    }
    case EventType::kIntvar: {
      auto t = r.ReadU8();
      auto v = r.ReadU64();
      if (!t || !v) return fail(Status::Corruption("INTVAR truncated"));
      ev.body = IntvarEvent{*t, *v};
      break;
    }
    case EventType::kRand: {
      auto a = r.ReadU64();
      auto b = r.ReadU64();
      if (!a || !b) return fail(Status::Corruption("RAND truncated"));
      ev.body = RandEvent{*a, *b};
      break;
    }
    case EventType::kUserVar: {
      UserVarEvent u;
      auto nl = r.ReadU32();
      auto name = nl ? r.ReadString(*nl) : Result<std::string_view>(Error(nl.error()));
      auto is_null = r.ReadU8();
      if (!name || !is_null) return fail(Status::Corruption("USER_VAR truncated"));
      u.name = *name;
      u.is_null = *is_null != 0;
      if (!u.is_null) {
        auto t = r.ReadU8();
        auto cs = r.ReadU32();
        auto vl = r.ReadU32();
        auto val = vl ? r.ReadString(*vl) : Result<std::string_view>(Error(vl.error()));
        if (!t || !cs || !val) return fail(Status::Corruption("USER_VAR value truncated"));
        u.type = *t;
        u.charset = *cs;
        u.value = *val;
      }
      ev.body = u;
      break;
    }
    case EventType::kIncident: {
      auto t = r.ReadU16();
      auto len = r.ReadU8();
      if (!t || !len) return fail(Status::Corruption("INCIDENT truncated"));
      auto msg = r.ReadString(std::min<size_t>(*len, r.remaining()));
      ev.body = IncidentEvent{*t, *msg};
      break;
    }
    case EventType::kHeartbeat: {
      ev.body = HeartbeatEvent{*r.ReadString(r.remaining()), header.log_pos};
      break;
    }
    case EventType::kHeartbeatV2: {
      auto hb = DecodeHeartbeatV2(r);
      if (!hb) return fail(hb.error());
      ev.body = *hb;
      break;
    }
    case EventType::kGtid:
    case EventType::kAnonymousGtid: {
      auto g = DecodeGtid(r, header.type);
      if (!g) return fail(g.error());
      ev.body = std::move(*g);
      break;
    }
    case EventType::kGtidTagged: {
      auto g = DecodeGtidTagged(r);
      if (!g) return fail(g.error());
      ev.body = std::move(*g);
      break;
    }
    case EventType::kPreviousGtids: {
      auto set = DecodeGtidSet(r);
      if (!set) return fail(set.error());
      ev.body = PreviousGtidsEvent{std::move(*set)};
      break;
    }
    case EventType::kMariaGtid: {
      auto g = DecodeMariaGtid(r, header.server_id);
      if (!g) return fail(g.error());
      ev.body = *g;
      break;
    }
    case EventType::kMariaGtidList: {
      auto l = DecodeMariaGtidList(r);
      if (!l) return fail(l.error());
      ev.body = std::move(*l);
      break;
    }
    case EventType::kMariaBinlogCheckpoint: {
      auto len = r.ReadU32();
      auto file = len ? r.ReadString(*len) : Result<std::string_view>(Error(len.error()));
      if (!file) return fail(Status::Corruption("BINLOG_CHECKPOINT truncated"));
      ev.body = MariaBinlogCheckpointEvent{*file};
      break;
    }
    case EventType::kMariaAnnotateRows:
      ev.body = RowsQueryEvent{*r.ReadString(r.remaining())};
      break;
    case EventType::kRowsQuery: {
      // One length byte (truncated at 255, so unreliable), then the statement.
      if (Status s = r.Skip(1); !s.ok()) return fail(s);
      ev.body = RowsQueryEvent{*r.ReadString(r.remaining())};
      break;
    }
    case EventType::kTableMap: {
      const uint8_t post_header = format_.PostHeaderLength(EventType::kTableMap, 8);
      uint64_t generation = 0;
      CachedTableMap* cached = nullptr;
      // The table id, read as DecodeTableMap reads it (4 bytes with the old 6-byte
      // post-header); too short a body is DecodeTableMap's error to report.
      std::optional<uint64_t> id;
      if (table_map_generation_) {
        if (auto read = ByteReader(body).ReadUint(post_header == 6 ? 4 : 6)) id = *read;
      }
      if (id) {
        generation = table_map_generation_();
        cached = &table_map_cache_[*id];
        if (cached->map && cached->generation == generation && cached->body.size() == body.size() &&
            std::memcmp(cached->body.data(), body.data(), body.size()) == 0) {
          tables_[cached->map->table_id] = cached->map;
          ev.body = cached->map;
          break;
        }
      }
      auto tm = DecodeTableMap(r, post_header, format_.mariadb);
      if (!tm) return fail(tm.error());
      if (table_map_hook_) {
        if (Status s = table_map_hook_(*tm, offset); !s.ok()) return Error(std::move(s));
      }
      auto shared = std::make_shared<const TableMap>(std::move(*tm));
      tables_[shared->table_id] = shared;
      if (cached != nullptr) {
        if (table_map_cache_.size() > 4096) {
          // Table ids grow with every table (re)open: forget the old ones now and then.
          table_map_cache_.clear();
          cached = &table_map_cache_[shared->table_id];
        }
        cached->body.assign(body.begin(), body.end());
        // The hook may have moved the generation (a schema built from this map): the next
        // map is checked again, against the new state.
        cached->generation = generation;
        cached->map = shared;
      }
      ev.body = std::move(shared);
      break;
    }
    case EventType::kWriteRowsV1:
    case EventType::kUpdateRowsV1:
    case EventType::kDeleteRowsV1:
    case EventType::kWriteRowsV2:
    case EventType::kUpdateRowsV2:
    case EventType::kDeleteRowsV2:
    case EventType::kPartialUpdateRows:
    case EventType::kMariaWriteRowsCompressedV1:
    case EventType::kMariaUpdateRowsCompressedV1:
    case EventType::kMariaDeleteRowsCompressedV1:
    case EventType::kMariaWriteRowsCompressed:
    case EventType::kMariaUpdateRowsCompressed:
    case EventType::kMariaDeleteRowsCompressed: {
      auto rows = DecodeRowsEvent(header.type, r, format_.PostHeaderLength(header.type, 0),
                                  [this](uint64_t id) -> std::shared_ptr<const TableMap> {
                                    auto it = tables_.find(id);
                                    return it == tables_.end() ? nullptr : it->second;
                                  },
                                  &spares_);
      if (!rows) return fail(rows.error());
      ev.body = std::move(*rows);
      break;
    }
    case EventType::kTransactionPayload: {
      if (inner) return fail(Status::Corruption("TRANSACTION_PAYLOAD nested in a payload"));
      auto payload = DecodeTransactionPayload(r, options_.max_payload_size, &payload_);
      if (!payload) return fail(payload.error());
      payload_pos_ = 0;
      in_payload_ = true;
      ev.body = *payload;
      break;
    }
    default:
      // Unknown or ignorable events (Aurora's padding type 100, group replication
      // events, MariaDB encryption start) are skipped by their length.
      ev.body = UnknownEvent{AsView(body)};
      break;
  }
  return ev;
}

std::optional<Result<DecodedEvent>> EventDecoder::NextInner() {
  if (!in_payload_) return std::nullopt;
  if (payload_pos_ >= payload_.size()) {
    in_payload_ = false;
    return std::nullopt;
  }
  std::span<const std::byte> rest(payload_.data() + payload_pos_, payload_.size() - payload_pos_);
  uint64_t offset = payload_pos_;
  auto header = DecodeHeader(rest);
  if (!header) {
    in_payload_ = false;
    return Result<DecodedEvent>(Error(header.error().WithContext(
        fmt::format("inner event at payload offset {}", offset))));
  }
  if (header->event_size > rest.size()) {
    in_payload_ = false;
    return Result<DecodedEvent>(Error(Status::Corruption(fmt::format(
        "inner event at payload offset {} claims {} bytes, {} left", offset, header->event_size,
        rest.size()))));
  }
  payload_pos_ += header->event_size;
  // Inner events carry no checksum.
  auto ev = DecodeBody(*header, rest.subspan(kEventHeaderLength, header->event_size - kEventHeaderLength),
                       offset, /*inner=*/true);
  if (!ev) in_payload_ = false;
  return ev;
}

std::string EventTypeName(EventType type) {
  switch (type) {
    case EventType::kUnknown: return "UNKNOWN";
    case EventType::kStartV3: return "START_V3";
    case EventType::kQuery: return "QUERY";
    case EventType::kStop: return "STOP";
    case EventType::kRotate: return "ROTATE";
    case EventType::kIntvar: return "INTVAR";
    case EventType::kSlave: return "SLAVE";
    case EventType::kAppendBlock: return "APPEND_BLOCK";
    case EventType::kDeleteFile: return "DELETE_FILE";
    case EventType::kRand: return "RAND";
    case EventType::kUserVar: return "USER_VAR";
    case EventType::kFormatDescription: return "FORMAT_DESCRIPTION";
    case EventType::kXid: return "XID";
    case EventType::kBeginLoadQuery: return "BEGIN_LOAD_QUERY";
    case EventType::kExecuteLoadQuery: return "EXECUTE_LOAD_QUERY";
    case EventType::kTableMap: return "TABLE_MAP";
    case EventType::kWriteRowsV0: return "WRITE_ROWS_V0";
    case EventType::kUpdateRowsV0: return "UPDATE_ROWS_V0";
    case EventType::kDeleteRowsV0: return "DELETE_ROWS_V0";
    case EventType::kWriteRowsV1: return "WRITE_ROWS_V1";
    case EventType::kUpdateRowsV1: return "UPDATE_ROWS_V1";
    case EventType::kDeleteRowsV1: return "DELETE_ROWS_V1";
    case EventType::kIncident: return "INCIDENT";
    case EventType::kHeartbeat: return "HEARTBEAT";
    case EventType::kIgnorable: return "IGNORABLE";
    case EventType::kRowsQuery: return "ROWS_QUERY";
    case EventType::kWriteRowsV2: return "WRITE_ROWS_V2";
    case EventType::kUpdateRowsV2: return "UPDATE_ROWS_V2";
    case EventType::kDeleteRowsV2: return "DELETE_ROWS_V2";
    case EventType::kGtid: return "GTID";
    case EventType::kAnonymousGtid: return "ANONYMOUS_GTID";
    case EventType::kPreviousGtids: return "PREVIOUS_GTIDS";
    case EventType::kTransactionContext: return "TRANSACTION_CONTEXT";
    case EventType::kViewChange: return "VIEW_CHANGE";
    case EventType::kXaPrepare: return "XA_PREPARE";
    case EventType::kPartialUpdateRows: return "PARTIAL_UPDATE_ROWS";
    case EventType::kTransactionPayload: return "TRANSACTION_PAYLOAD";
    case EventType::kHeartbeatV2: return "HEARTBEAT_V2";
    case EventType::kGtidTagged: return "GTID_TAGGED";
    case EventType::kMariaAnnotateRows: return "ANNOTATE_ROWS";
    case EventType::kMariaBinlogCheckpoint: return "BINLOG_CHECKPOINT";
    case EventType::kMariaGtid: return "MARIADB_GTID";
    case EventType::kMariaGtidList: return "GTID_LIST";
    case EventType::kMariaStartEncryption: return "START_ENCRYPTION";
    case EventType::kMariaQueryCompressed: return "QUERY_COMPRESSED";
    case EventType::kMariaWriteRowsCompressedV1: return "WRITE_ROWS_COMPRESSED_V1";
    case EventType::kMariaUpdateRowsCompressedV1: return "UPDATE_ROWS_COMPRESSED_V1";
    case EventType::kMariaDeleteRowsCompressedV1: return "DELETE_ROWS_COMPRESSED_V1";
    case EventType::kMariaWriteRowsCompressed: return "WRITE_ROWS_COMPRESSED";
    case EventType::kMariaUpdateRowsCompressed: return "UPDATE_ROWS_COMPRESSED";
    case EventType::kMariaDeleteRowsCompressed: return "DELETE_ROWS_COMPRESSED";
  }
  return fmt::format("UNKNOWN_{}", static_cast<int>(type));
}

}  // namespace tributary::mysql
