// SchemalessJsonTranscoder: a plain (schemaless) JSON record value straight to the line
// JsonLinesFormat writes for it, without building a JsonDocument: objects in
// java.util.HashMap member order (MemberOrderCache), strings re-escaped as Jackson does,
// numbers spelled as Jackson writes a Connect long or double (AppendSchemalessNumber).
// The output is byte for byte what RecordValueParser + EncodeConfluentJson give.
//
// It handles what the sink's JSON objects mostly hold and declines the rest, which then
// takes the general path (RecordValueParser, whose errors and results stay the
// reference): invalid JSON of any kind, invalid UTF-8, a JSON null value (a null record
// for behavior.on.null.values), a root object whose first member is "schema" or "payload"
// when the envelope is recognised (EnvelopeMode::kAuto: it may be one), member names with
// escapes, lone UTF-16 surrogate escapes, nesting deeper than 64.
//
// Ownership: Transcode() appends to the caller's string; the transcoder keeps its own
// scratch buffers and member order cache. Threading: one per thread (the sink task's).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "format/json_lines_format.h"
#include "format/record_value.h"

namespace tributary::format {

class SchemalessJsonTranscoder {
 public:
  // `options`: the JSON format's (java_map_order); `envelope`: how the sink reads the
  // converter envelope. REQUIRES: envelope != EnvelopeMode::kRequired (every value would
  // be an envelope).
  SchemalessJsonTranscoder(const JsonLinesOptions& options, EnvelopeMode envelope);
  ~SchemalessJsonTranscoder();
  SchemalessJsonTranscoder(const SchemalessJsonTranscoder&) = delete;
  SchemalessJsonTranscoder& operator=(const SchemalessJsonTranscoder&) = delete;

  // Appends the JSON line of `json` (without "\n") to *out and returns true; returns
  // false with *out unchanged when the value is one the transcoder leaves to the general
  // path (see above).
  bool Transcode(std::string_view json, std::string* out);

  uint64_t transcoded() const { return transcoded_; }
  uint64_t declined() const { return declined_; }

 private:
  class Scanner;
  std::unique_ptr<Scanner> scanner_;
  uint64_t transcoded_ = 0;
  uint64_t declined_ = 0;
};

}  // namespace tributary::format
