// BinlogStream: a live replica stream decoded event by event, with each event's place in
// the binlog — the loop `tributary binlog --follow` and the MySQL source share (connect,
// seed the decoder with the server's checksum setting, decode, walk a TRANSACTION_PAYLOAD's
// inner events, follow ROTATEs).
//
// Read-ahead: a reader thread, owned by the stream, reads event bytes from the connection
// into batches it hands to the stream (`BinlogReadAheadOptions`: at most 2 MiB read but not
// yet decoded, or one event when an event is larger). Decoding stays on the caller's
// thread, because the decoder's TABLE_MAP hook (the schema tracker) must see the schema of
// the event's position, which the caller changes as it handles DDL. Connection errors
// surface from Next() after the events read before them, in order.
//
// Reconnecting is the caller's business (it knows where to resume): Open() a new stream.
//
// Threading: one thread (the owner's) calls every method; the reader thread is internal.
// Lifetime: events and places returned by Next() (and every view in them) are valid until
// the next call to Next() or the stream's destruction. Destroying the stream stops the
// reader (interrupting a blocked network read) and joins it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "mysql/binlog_client.h"
#include "mysql/event_decoder.h"
#include "mysql/events.h"

namespace tributary::connectors {

// Where an event is: its binlog file, where it starts and where the next event starts.
// Inner events of a TRANSACTION_PAYLOAD carry the payload event's place.
struct BinlogEventPlace {
  std::string_view file;
  uint64_t offset = 0;
  uint64_t end = 0;  // the event's log_pos; 0 for artificial events
};

struct BinlogStreamItem {
  const mysql::DecodedEvent* event = nullptr;
  BinlogEventPlace place;
};

struct BinlogReadAheadOptions {
  // Event bytes read but not yet decoded, at most (a single larger event is still read
  // whole). Memory: about this plus a few batches of batch_bytes.
  size_t max_bytes = 2u << 20;
  // The reader queues a batch when it holds this many bytes; Next() takes a batch not yet
  // full rather than wait (an idle stream adds no latency).
  size_t batch_bytes = 64u << 10;
};

class BinlogStream {
 public:
  BinlogStream();
  ~BinlogStream();
  BinlogStream(const BinlogStream&) = delete;
  BinlogStream& operator=(const BinlogStream&) = delete;

  // Connects (BinlogClient::Connect's errors), prepares the decoder and starts reading
  // ahead; the file starts as options.file (empty: the server names it in its first
  // ROTATE).
  Status Open(const mysql::BinlogClientOptions& options, mysql::DecoderOptions decoder = {},
              BinlogReadAheadOptions read_ahead = {});
  // The same over any source of event bytes (tests), whose server is `info`.
  // REQUIRES: not open yet.
  Status Open(std::unique_ptr<mysql::BinlogEventSource> source, const mysql::ServerInfo& info,
              std::string file, mysql::DecoderOptions decoder = {},
              BinlogReadAheadOptions read_ahead = {});

  const mysql::ServerInfo& info() const { return info_; }
  // For SetTableMapHook; the hook runs on the owner's thread (inside Next()) and may read
  // file() for messages.
  mysql::EventDecoder& decoder() { return decoder_; }
  // The file being read (follows ROTATE events).
  const std::string& file() const { return file_; }

  // The next event, followed by its payload's inner events; waits as long as it takes.
  // Empty at the end of the binlog in non-blocking mode (at_end()). Errors: the client's
  // (kUnavailable: connection lost), or kCorruption / kUnsupported naming file:offset for
  // an event that does not decode. A connection error is returned again by later calls.
  Result<std::span<const BinlogStreamItem>> Next();
  // The same, but returns an empty span when no event arrives within `max_wait` (check
  // at_end() to tell the end of a non-blocking stream from a timeout).
  Result<std::span<const BinlogStreamItem>> Next(std::chrono::milliseconds max_wait);

  // True once a non-blocking stream reached the end of the binlog (Next() returned it).
  bool at_end() const { return at_end_; }

  // Event bytes the reader holds, read but not yet decoded (for metrics and tests).
  size_t read_ahead_bytes() const;

 private:
  struct ReadAhead;

  Result<std::span<const BinlogStreamItem>> NextImpl(const std::chrono::milliseconds* max_wait);
  Result<std::span<const BinlogStreamItem>> Decode(std::span<const std::byte> bytes);

  std::unique_ptr<ReadAhead> read_ahead_;
  mysql::ServerInfo info_;
  mysql::EventDecoder decoder_;
  std::string file_;
  bool at_end_ = false;
  std::vector<mysql::DecodedEvent> events_;
  std::vector<BinlogStreamItem> items_;
};

}  // namespace tributary::connectors
