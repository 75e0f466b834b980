// libFuzzer target for the binlog event decoder: arbitrary bytes go through the path
// `tributary binlog` takes, and every event that decodes is rendered as JSON (which reads
// each row value: DECIMAL, temporal, binary JSON, ...). Any crash, sanitizer report or
// leak is a bug; decoding errors are the expected outcome for most inputs.
//
// The first input byte chooses the mode, the rest is the data:
//   mode 0    a binlog file: the magic is prepended and the data read with
//             BinlogFileReader::FromMemory, exactly as a file on disk. Checksums are
//             verified only when bit 2 is set (a mutated event then stops the file at
//             once, so most runs leave them unverified to reach the bodies).
//   mode 1-3  a sequence of events after a fixed FORMAT_DESCRIPTION, fed to one
//             EventDecoder: 1 = MySQL 8.4 with CRC32, 2 = MariaDB 10.11 with CRC32,
//             3 = MySQL 5.7 without checksums. The harness frames the data itself: each
//             event's size field is clamped to the bytes left and its CRC32 recomputed,
//             so that mutations reach the event bodies instead of dying at the framing.
//             With bit 2 set, sizes and checksums are left as they are.
// scripts/fuzz.sh builds the seed corpus in this layout (tests/fuzz/binlog_fuzz_seeds.cc).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mysql/binlog_file.h"
#include "mysql/event_decoder.h"
#include "mysql/event_json.h"

namespace {

using tributary::mysql::BinlogFileReader;
using tributary::mysql::ChecksumAlgorithm;
using tributary::mysql::DecodedEvent;
using tributary::mysql::DecoderOptions;
using tributary::mysql::EventDecoder;
using tributary::mysql::EventJsonContext;
using tributary::mysql::EventType;
using tributary::mysql::kChecksumLength;
using tributary::mysql::kEventHeaderLength;

constexpr uint8_t kModeMask = 0x03;
constexpr uint8_t kKeepFramingBit = 0x04;
// Bounds the memory a TRANSACTION_PAYLOAD may claim, so that a mutated size field is
// an error rather than a 1 GiB allocation that trips libFuzzer's RSS limit.
constexpr uint64_t kMaxPayloadSize = 16u << 20;

void PutLe(std::vector<std::byte>* out, uint64_t v, size_t width) {
  for (size_t i = 0; i < width; ++i) out->push_back(static_cast<std::byte>((v >> (8 * i)) & 0xFF));
}

void StoreLe32(std::byte* at, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) at[i] = static_cast<std::byte>((v >> (8 * i)) & 0xFF);
}

uint32_t LoadLe32(const std::byte* at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v |= static_cast<uint32_t>(at[i]) << (8 * i);
  return v;
}

// A FORMAT_DESCRIPTION event as the named server writes it, with the checksum algorithm
// byte and (for CRC32) a valid checksum.
std::vector<std::byte> MakeFormatDescription(std::string_view server_version,
                                             const std::vector<uint8_t>& post_header_lengths,
                                             ChecksumAlgorithm checksum) {
  std::vector<std::byte> ev;
  PutLe(&ev, 0, 4);  // timestamp
  PutLe(&ev, static_cast<uint8_t>(EventType::kFormatDescription), 1);
  PutLe(&ev, 1, 4);  // server id
  PutLe(&ev, 0, 4);  // event size, below
  PutLe(&ev, 0, 4);  // log pos, below
  PutLe(&ev, 0, 2);  // flags
  PutLe(&ev, 4, 2);  // binlog version
  for (size_t i = 0; i < 50; ++i) {
    ev.push_back(static_cast<std::byte>(i < server_version.size() ? server_version[i] : '\0'));
  }
  PutLe(&ev, 0, 4);  // create timestamp
  PutLe(&ev, kEventHeaderLength, 1);
  for (uint8_t len : post_header_lengths) ev.push_back(static_cast<std::byte>(len));
  PutLe(&ev, static_cast<uint8_t>(checksum), 1);
  PutLe(&ev, 0, kChecksumLength);
  StoreLe32(ev.data() + 9, static_cast<uint32_t>(ev.size()));
  StoreLe32(ev.data() + 13, static_cast<uint32_t>(4 + ev.size()));
  if (checksum == ChecksumAlgorithm::kCrc32) {
    uint32_t crc = tributary::mysql::EventChecksum(std::span(ev).first(ev.size() - kChecksumLength));
    StoreLe32(ev.data() + ev.size() - kChecksumLength, crc);
  }
  return ev;
}

// Post-header lengths copied from real FORMAT_DESCRIPTION events (index = type code - 1).
std::vector<uint8_t> MySql84PostHeaders() {
  return {0, 13, 0, 8, 0, 0, 0, 0, 4, 0, 4, 0, 0, 0, 99, 0, 4, 26, 8, 0, 0,
          0, 0, 0, 0, 2, 0, 0, 0, 10, 10, 10, 42, 42, 0, 18, 52, 0, 10, 40, 0, 0};
}

std::vector<uint8_t> MySql57PostHeaders() {
  return {56, 13, 0, 8, 0, 18, 0, 4, 4, 4, 4, 18, 0, 0, 95, 0, 4, 26, 8,
          0, 0, 0, 8, 8, 8, 2, 0, 0, 0, 10, 10, 10, 42, 42, 0, 18, 52, 0};
}

std::vector<uint8_t> MariaDbPostHeaders() {
  std::vector<uint8_t> v = {56, 13, 0, 8, 0, 18, 0, 4, 4, 4, 4, 18, 0, 0, 228, 0,
                            4, 26, 8, 0, 0, 0, 8, 8, 8, 2, 0, 0, 0, 10, 10, 10};
  v.resize(160, 0);  // types 33..160 unused by MariaDB (160 = ANNOTATE_ROWS: 0)
  for (uint8_t len : {4, 19, 4, 0, 13, 8, 8, 8, 10, 10, 10}) v.push_back(len);  // 161..171
  return v;
}

const std::vector<std::byte>& FormatDescriptionForMode(uint8_t mode) {
  static const std::vector<std::byte> mysql84 =
      MakeFormatDescription("8.4.8", MySql84PostHeaders(), ChecksumAlgorithm::kCrc32);
  static const std::vector<std::byte> mariadb = MakeFormatDescription(
      "10.11.6-MariaDB-0+deb12u1-log", MariaDbPostHeaders(), ChecksumAlgorithm::kCrc32);
  static const std::vector<std::byte> mysql57 =
      MakeFormatDescription("5.7.20-log", MySql57PostHeaders(), ChecksumAlgorithm::kNone);
  return mode == 1 ? mysql84 : mode == 2 ? mariadb : mysql57;
}

// Renders the event as `tributary binlog` does, keeping the GTID context up to date.
void Render(const DecodedEvent& ev, EventJsonContext* ctx, std::string* line) {
  if (const auto* g = std::get_if<tributary::mysql::GtidEvent>(&ev.body)) {
    ctx->gtid = g->anonymous ? "" : g->ToString();
  } else if (const auto* mg = std::get_if<tributary::mysql::MariaGtidEvent>(&ev.body)) {
    ctx->gtid = mg->gtid.ToString();
  }
  line->clear();
  (void)tributary::mysql::AppendEventJson(ev, *ctx, line);
}

void FuzzFile(std::span<const std::byte> data, bool verify_checksums) {
  std::vector<std::byte> file = {std::byte{0xfe}, std::byte{0x62}, std::byte{0x69}, std::byte{0x6e}};
  file.insert(file.end(), data.begin(), data.end());
  DecoderOptions options;
  options.verify_checksums = verify_checksums;
  options.max_payload_size = kMaxPayloadSize;
  auto reader = BinlogFileReader::FromMemory(std::move(file), "fuzz.bin", options);
  if (!reader) __builtin_trap();  // the magic is there: FromMemory must accept it
  EventJsonContext ctx;
  ctx.binlog_file = "fuzz.bin";
  std::string line;
  while (auto ev = (*reader)->Next()) {
    if (!ev->has_value()) break;
    Render(**ev, &ctx, &line);
  }
}

void FuzzEvents(uint8_t mode, std::span<const std::byte> data, bool keep_framing) {
  DecoderOptions options;
  options.max_payload_size = kMaxPayloadSize;
  EventDecoder decoder(options);
  const auto& fde = FormatDescriptionForMode(mode);
  if (!decoder.Decode(fde, 0)) __builtin_trap();  // the harness's own event must decode

  EventJsonContext ctx;
  std::string line;
  std::vector<std::byte> event;
  uint64_t offset = 4 + fde.size();
  size_t pos = 0;
  while (data.size() - pos >= kEventHeaderLength) {
    size_t left = data.size() - pos;
    size_t size = LoadLe32(data.data() + pos + 9);
    // Kept framing: a size below the header or past the end is handed over as it is
    // (the decoder must reject it), and the walk ends there.
    bool last = keep_framing && (size < kEventHeaderLength || size > left);
    size = last ? left : std::clamp<size_t>(size, kEventHeaderLength, left);
    event.assign(data.begin() + pos, data.begin() + pos + size);
    bool crc = decoder.format().checksum == ChecksumAlgorithm::kCrc32;
    if (!keep_framing) {
      StoreLe32(event.data() + 9, static_cast<uint32_t>(size));
      if (crc && size >= kEventHeaderLength + kChecksumLength) {
        auto covered = std::span<const std::byte>(event).first(size - kChecksumLength);
        StoreLe32(event.data() + size - kChecksumLength, tributary::mysql::EventChecksum(covered));
      }
    }
    // After an error the next events are decoded all the same: a decoder must stay
    // usable (and memory-safe) whatever state a rejected event left it in.
    if (auto ev = decoder.Decode(event, offset)) {
      Render(*ev, &ctx, &line);
      while (auto inner = decoder.NextInner()) {
        if (!inner->has_value()) break;
        Render(**inner, &ctx, &line);
      }
    }
    if (last) break;
    pos += size;
    offset += size;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  if (size == 0) return 0;
  uint8_t control = bytes[0];
  std::span<const std::byte> data(reinterpret_cast<const std::byte*>(bytes) + 1, size - 1);
  uint8_t mode = control & kModeMask;
  bool bit2 = (control & kKeepFramingBit) != 0;
  if (mode == 0) {
    FuzzFile(data, /*verify_checksums=*/bit2);
  } else {
    FuzzEvents(mode, data, /*keep_framing=*/bit2);
  }
  return 0;
}
