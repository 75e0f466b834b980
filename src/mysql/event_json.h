// One JSON object per decoded event: the output of `tributary binlog` (documented in
// docs/binlog-tool.md) and the decoder's test oracle interface.
#pragma once

#include <string>

#include "mysql/events.h"

namespace tributary::mysql {

struct EventJsonContext {
  std::string binlog_file;  // added as "file" when not empty
  std::string gtid;         // transaction GTID in force, added to row events
};

// Appends the JSON object (no trailing newline). Fails only when a value cannot be
// rendered (a corrupt JSON document inside a row, say).
Status AppendEventJson(const DecodedEvent& ev, const EventJsonContext& ctx, std::string* out);

}  // namespace tributary::mysql
