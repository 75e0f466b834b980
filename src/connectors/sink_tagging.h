// ObjectTagging: Confluent's `s3.object.tagging=true`. After each value object is uploaded
// (and before its offsets may be committed) it is tagged with PutObjectTagging:
//   startOffset   the offset of its first record
//   endOffset     the offset of its last record
//   recordCount   its records
// plus the pairs of `s3.object.tagging.key.value.pairs` (`k1:v1,k2:v2`). As in Confluent,
// the `.keys` / `.headers` companions are not tagged, nor is a set of tombstones (it has no
// value object). A replay overwrites the object (which drops its tags) and tags it again
// with the same tags: the tags are exactly-once too.
//
// `s3.object.behavior.on.tagging.error`: `ignore` (Confluent's default) logs a WARN and
// goes on, the object staying untagged; `fail` retries a retryable failure (network, 5xx,
// after the store's own retries) every retry.backoff.ms as uploads are, and stops the sink
// on any other (the object is then written and tagged again by the next run).
// Plain data and free functions; thread-safe (no shared state).
#pragma once

#include <chrono>
#include <cstdint>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "lake/store/object_store.h"

namespace tributary::connectors {

struct ObjectTagging {
  lake::ObjectTags extra;      // s3.object.tagging.key.value.pairs, in the file's order
  bool fail_on_error = false;  // s3.object.behavior.on.tagging.error=fail

  // From the list items ("key:value", split at the first ':') and the behaviour
  // (`ignore` | `fail`). Errors (kInvalidArgument, naming the key): an item without ':' or
  // with an empty key, a key used twice or one of the three offset tags, more than 7 pairs
  // (S3 allows 10 tags), S3's length limits (128 / 256 characters) and alphabet (letters,
  // digits, spaces, + - = . _ : / @).
  static Result<ObjectTagging> Parse(const std::vector<std::string>& pairs,
                                     std::string_view behavior);
};

// The tags of an object holding `count` records from `start_offset` to `end_offset`.
lake::ObjectTags ObjectTagsFor(const ObjectTagging& tagging, int64_t start_offset,
                               int64_t end_offset, uint64_t count);

// Tags the uploaded object `key` as described above. Returns ok, or (fail_on_error only)
// the failure that stops the sink. `stop` / `abandon` end the waits between retries.
Status TagUploadedObject(lake::ObjectStore& store, const std::string& key,
                         const lake::ObjectTags& tags, bool fail_on_error,
                         std::chrono::milliseconds backoff, const std::stop_token& stop,
                         const std::stop_token& abandon);

}  // namespace tributary::connectors
