// ObjectStore: where the sink's objects go (S3, an S3-compatible server, or a local folder).
//
// Keys are full object keys relative to the store's root (the bucket, or the folder of a
// `file:///` URL), with '/' separating "directories": "topics/orders/partition=0/
// orders+0+0000000000.json". The store adds no prefix of its own.
//
// Visibility is atomic: a reader never sees a partial object. Put and a completed Upload
// make the whole object appear at once (S3: PutObject or CompleteMultipartUpload; local:
// a temporary file fsynced and renamed into place); a failed or aborted write leaves the
// previous object, if any, unchanged and no visible leftovers.
//
// Errors: every Status names the store and key ("s3://bucket/key", "file:///root/key") and,
// for a server, its HTTP status, error code and message ("403 SignatureDoesNotMatch: The
// request signature we calculated does not match..."). Codes: kNotFound for a missing key or
// bucket, kUnavailable for what may pass by itself (network errors, 5xx, SlowDown: already
// retried per the store's retry policy when returned), kFailedPrecondition for access or
// signature refusals, kIoError for local I/O, kInvalidArgument for a bad key or config.
//
// Threading: every ObjectStore method may be called from any thread, concurrently; the
// store must outlive every Upload it created. An Upload is used by one thread at a time
// (Append / Complete / Abort are not concurrent with each other); it may run part uploads
// on worker threads of its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace tributary::config {
class ConnectorConfig;
}

namespace tributary::lake {

// Views the bytes of a string, for Put / Append callers holding text.
inline std::span<const std::byte> AsBytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  std::string etag;              // as the server gives it, quotes removed; may be empty
  int64_t last_modified_ms = 0;  // Unix epoch milliseconds; 0 when unknown
};

// An object's tags, in order (S3 allows 10 per object; keys up to 128, values up to 256
// characters).
using ObjectTags = std::vector<std::pair<std::string, std::string>>;

// Per-object settings of a write. Store-wide settings (encryption, ACL) come from the
// store's options.
struct WriteOptions {
  std::string content_type;  // empty: application/octet-stream
  // Object tags sent with the write (S3 x-amz-tagging); the local store ignores them.
  // PutTags (below) tags an object after it was written.
  ObjectTags tags;
};


// One page of a listing by prefix, in lexicographic key order.
struct ListPage {
  std::vector<ObjectInfo> objects;
  std::string next_token;  // empty: this was the last page; else pass to the next ListPage
};

// A streaming write of one object. Bytes are appended in order; the object appears only
// at Complete(). A store may turn it into a multipart upload once more than its part size
// has been appended, and upload parts in parallel while Append continues: memory held is
// at most part size × (parallelism + 1), and Append blocks while that many parts are in
// flight. Destroying an Upload that was not completed aborts it (best effort).
class ObjectUpload {
 public:
  virtual ~ObjectUpload() = default;

  // Adds bytes to the object. Returns the first error of an earlier part upload (after
  // its retries), after which the only useful call is Abort().
  virtual Status Append(std::span<const std::byte> data) = 0;
  // Uploads what remains and makes the object visible. After an error the object is not
  // visible and the upload has been aborted.
  virtual Status Complete() = 0;
  // Discards everything: no object appears and nothing is left pending on the server.
  // Idempotent; not allowed after a successful Complete() (returns ok and does nothing).
  virtual Status Abort() = 0;

  // Bytes appended so far.
  virtual uint64_t size() const = 0;
  virtual const std::string& key() const = 0;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // "s3://bucket" or "file:///root": for messages and logs (never holds a secret).
  virtual std::string Describe() const = 0;

  // Writes a whole object from one buffer (at most a few part sizes: it is sent as one
  // request), replacing any object of the same key.
  virtual Status Put(std::string_view key, std::span<const std::byte> data,
                     const WriteOptions& options = {}) = 0;

  // Starts a streaming write; nothing is visible until Complete().
  virtual Result<std::unique_ptr<ObjectUpload>> BeginUpload(std::string_view key,
                                                            const WriteOptions& options = {}) = 0;

  // Reads a whole object. kNotFound when it does not exist.
  virtual Result<std::string> Get(std::string_view key) = 0;

  // Size and tag of an object; std::nullopt when it does not exist.
  virtual Result<std::optional<ObjectInfo>> Head(std::string_view key) = 0;

  // Objects whose key starts with `prefix`, at most `max_keys` (≤ 1000) per page, from
  // `token` (empty for the first page).
  virtual Result<ListPage> List(std::string_view prefix, std::string_view token,
                                int max_keys = 1000) = 0;

  // Removes an object; removing a missing key is not an error (as in S3).
  virtual Status Delete(std::string_view key) = 0;

  // Replaces the whole tag set of an existing object (S3 PutObjectTagging). kNotFound when
  // the object does not exist; kUnsupported for a store without tags (the local folder:
  // SupportsTags() says so up front).
  virtual Status PutTags(std::string_view key, const ObjectTags& tags);
  virtual bool SupportsTags() const { return false; }

  // Convenience wrappers over the calls above.
  Result<bool> Exists(std::string_view key);
  // Every page of List(prefix), concatenated.
  Result<std::vector<ObjectInfo>> ListAll(std::string_view prefix);
};

// Opens the store a sink connector's config names: `store.url` = file:///path gives a
// LocalStore; otherwise S3 (AWS, or the S3-compatible endpoint of `store.url`) with the
// `s3.*` and `aws.*` keys and the AWS credentials chain. Does not contact the server.
Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const config::ConnectorConfig& config);

}  // namespace tributary::lake
