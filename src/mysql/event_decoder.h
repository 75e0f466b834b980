// EventDecoder: turns complete binlog events (bytes) into DecodedEvents.
//
// Stateful in the ways the binlog is: the last FORMAT_DESCRIPTION decides checksums and
// post-header lengths, TABLE_MAPs are remembered by table id for the rows events that
// follow, and a TRANSACTION_PAYLOAD's inner events are handed out by NextInner() after
// the payload event itself.
//
// Not thread-safe: one decoder per binlog stream, used by one thread.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "mysql/events.h"
#include "mysql/rows_event.h"

namespace tributary::mysql {

struct DecoderOptions {
  bool verify_checksums = true;
  // Largest decompressed TRANSACTION_PAYLOAD accepted (bounded memory).
  uint64_t max_payload_size = 1ull << 30;
};

class EventDecoder {
 public:
  explicit EventDecoder(DecoderOptions options = {}) : options_(options) {}

  // Decodes one event: `bytes` is exactly the event (header, body and checksum when
  // the current FORMAT_DESCRIPTION says CRC32). `offset` is where it starts, for messages.
  // Errors are kCorruption (bad framing, checksum, body) or kUnsupported.
  Result<DecodedEvent> Decode(std::span<const std::byte> bytes, uint64_t offset);

  // After a TRANSACTION_PAYLOAD: its next inner event, or nullopt when done.
  std::optional<Result<DecodedEvent>> NextInner();

  // Takes back the row storage of an event this decoder returned, once the caller is done
  // with it, for the next rows events to reuse (fewer allocations per row). Optional; `e`
  // is left without rows.
  void Recycle(DecodedEvent& e) {
    if (auto* rows = std::get_if<RowsEvent>(&e.body)) RecycleRowsEvent(*rows, &spares_);
  }

  const FormatDescriptionEvent& format() const { return format_; }
  bool has_format() const { return has_format_; }
  // Sets the format for streams that start without a FORMAT_DESCRIPTION in hand.
  void SetFormat(FormatDescriptionEvent fde);

  // Called with every TABLE_MAP after it is decoded and before rows events use it: the
  // schema tracker checks it against the schema of its position and completes what the
  // map lacks (signedness, charsets, names). An error stops decoding with that error;
  // `offset` is the event's. Runs on the decoding thread.
  //
  // `generation` (optional) says when the hook's answer may change: a TABLE_MAP whose bytes
  // equal the last one of its table id, decoded and hooked while `generation()` returned
  // the same value, is not decoded nor hooked again (the map the hook completed then is
  // reused). A row stream repeats the same TABLE_MAP before every transaction; this is
  // about a tenth of the decoding thread's work on single-row transactions. Without it,
  // every TABLE_MAP is decoded and hooked.
  using TableMapHook = std::function<Status(TableMap& map, uint64_t offset)>;
  void SetTableMapHook(TableMapHook hook, std::function<uint64_t()> generation = nullptr) {
    table_map_hook_ = std::move(hook);
    table_map_generation_ = std::move(generation);
    table_map_cache_.clear();
  }

  // Decodes the 19-byte common header.
  static Result<EventHeader> DecodeHeader(std::span<const std::byte> bytes);

 private:
  Result<DecodedEvent> DecodeBody(const EventHeader& header, std::span<const std::byte> body,
                                  uint64_t offset, bool inner);

  DecoderOptions options_;
  FormatDescriptionEvent format_;
  bool has_format_ = false;
  std::unordered_map<uint64_t, std::shared_ptr<const TableMap>> tables_;
  RowsEventSpares spares_;  // row storage of recycled rows events
  TableMapHook table_map_hook_;
  std::function<uint64_t()> table_map_generation_;
  struct CachedTableMap {
    std::vector<std::byte> body;  // the TABLE_MAP's post-header and body
    uint64_t generation = 0;
    std::shared_ptr<const TableMap> map;  // as the hook completed it
  };
  std::unordered_map<uint64_t, CachedTableMap> table_map_cache_;  // by table id
  // Decompressed payload being walked by NextInner().
  std::vector<std::byte> payload_;
  size_t payload_pos_ = 0;
  bool in_payload_ = false;
};

// Decodes a FORMAT_DESCRIPTION event (whole event bytes), deciding whether it carries a
// checksum from the server version, and verifying the checksum when it does.
Result<FormatDescriptionEvent> DecodeFormatDescription(std::span<const std::byte> event,
                                                       bool verify_checksum);

// CRC32 of an event as MySQL computes it (the FDE's in-use flag cleared).
uint32_t EventChecksum(std::span<const std::byte> event_without_checksum);

}  // namespace tributary::mysql
