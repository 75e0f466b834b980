// BinlogStream: a live replica stream decoded event by event, with each event's place in
// the binlog — the loop `tributary binlog --follow` and the MySQL source share (connect,
// seed the decoder with the server's checksum setting, decode, walk a TRANSACTION_PAYLOAD's
// inner events, follow ROTATEs).
//
// Reconnecting is the caller's business (it knows where to resume): Open() a new stream.
//
// Not thread-safe: one thread owns a stream. Events and places returned by Next() (and
// every view in them) are valid until the next call to Next().
#pragma once

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

class BinlogStream {
 public:
  BinlogStream() = default;
  BinlogStream(const BinlogStream&) = delete;
  BinlogStream& operator=(const BinlogStream&) = delete;

  // Connects (BinlogClient::Connect's errors) and prepares the decoder; the file starts as
  // options.file (empty: the server names it in its first ROTATE).
  Status Open(const mysql::BinlogClientOptions& options, mysql::DecoderOptions decoder = {});

  const mysql::ServerInfo& info() const { return client_->info(); }
  // For SetTableMapHook; the hook may read file() for messages.
  mysql::EventDecoder& decoder() { return decoder_; }
  // The file being read (follows ROTATE events).
  const std::string& file() const { return file_; }

  // The next event, followed by its payload's inner events. Empty at the end of the
  // binlog in non-blocking mode. Errors: the client's (kUnavailable: connection lost), or
  // kCorruption / kUnsupported naming file:offset for an event that does not decode.
  Result<std::span<const BinlogStreamItem>> Next();

 private:
  std::unique_ptr<mysql::BinlogClient> client_;
  mysql::EventDecoder decoder_;
  std::string file_;
  std::vector<mysql::DecodedEvent> events_;
  std::vector<BinlogStreamItem> items_;
};

}  // namespace tributary::connectors
