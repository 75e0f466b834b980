// MySQL JSON columns in a snapshot: the server sends a JSON value as text (`SELECT j`
// prints the stored binary document), while the binlog carries the binary document.
// Re-encoding the text as a binary document makes the snapshot Value a kJsonBinary like
// the binlog's, so every encoder renders both the same way.
//
// Exact for documents of objects, arrays, strings, numbers, true/false/null (what JSON
// text and JSON functions on such values store). Not recoverable from the text: opaque
// scalars (DATE/TIME/DATETIME/DECIMAL values put into a document by JSON_OBJECT(col) or
// CAST(col AS JSON)) come back as the string or number MySQL printed for them.
//
// Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace tributary::snapshot {

// Appends the MySQL binary JSON document (json_binary.h layout: large containers,
// integers as int64/uint64, keys in the text's order, which is MySQL's stored order when
// the text came from the server) of the JSON text `text`. InvalidArgument for text that
// is not JSON or nests deeper than MySQL allows; `out` is then unchanged.
Status AppendJsonBinaryFromText(std::string_view text, std::string* out);

}  // namespace tributary::snapshot
