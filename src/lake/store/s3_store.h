// S3Store: an ObjectStore over the S3 REST API (AWS S3, MinIO, any S3-compatible server),
// with libcurl for HTTP and our SigV4 signer.
//
// Addressing: path style (<endpoint>/<bucket>/<key>) or virtual-hosted
// (<bucket>.<endpoint host>/<key>); a bucket with dots over https is always addressed
// path style (its name would not match the wildcard certificate). Without an endpoint,
// AWS S3 of the region (https://s3.<region>.amazonaws.com).
//
// Requests are retried per RetryPolicy (network errors, 5xx, SlowDown, RequestTimeout),
// each retry freshly signed; ExpiredToken refreshes the credentials and retries. Payloads
// are signed (SHA-256) over http and sent as UNSIGNED-PAYLOAD over https, where TLS
// protects them; Content-MD5 is added when `send_content_md5`.
//
// Uploads: Put is one PutObject. An Upload buffers up to part_size bytes; past that it
// creates a multipart upload and sends parts on the store's pool of part_parallelism
// threads, at most part_parallelism parts of one upload in flight (Append blocks
// meanwhile). Complete() of an upload that never passed part_size is a single PutObject.
// Any failure aborts the multipart upload, so no parts are left billed on the server.
//
// Threading: as ObjectStore. The store owns its worker threads; destroy every Upload
// before the store.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "lake/store/credentials.h"
#include "lake/store/http_client.h"
#include "lake/store/object_store.h"
#include "lake/store/retry_policy.h"

namespace tributary::lake {

class TaskPool;

struct S3StoreOptions {
  std::string bucket;
  std::string region = "us-west-2";
  std::string endpoint;  // "http://127.0.0.1:9000"; empty: AWS S3 of `region`
  bool path_style = true;
  int64_t part_size = 25 * 1024 * 1024;  // ≥ 5 MiB (S3's minimum for all parts but the last)
  int part_parallelism = 4;
  RetryPolicy retry;
  std::string sse;               // "", "AES256" or "aws:kms"
  std::string sse_kms_key_id;    // with aws:kms; empty: the bucket's default key
  std::string sse_customer_key;  // SSE-C: base64 of a 256-bit key; empty: none
  std::string canned_acl;        // e.g. "bucket-owner-full-control"; empty: none
  bool send_content_md5 = false;
  HttpOptions http;
};

struct S3Counters {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> retries{0};
  std::atomic<uint64_t> bytes_sent{0};  // request bodies that got a 2xx
  std::atomic<uint64_t> parts_uploaded{0};
};

// An incomplete multipart upload on the server.
struct PendingUpload {
  std::string key;
  std::string upload_id;
};

class S3Store : public ObjectStore {
 public:
  // Checks the options; does not contact the server.
  static Result<std::unique_ptr<S3Store>> Open(S3StoreOptions options,
                                               std::unique_ptr<CredentialsProvider> credentials);
  ~S3Store() override;

  std::string Describe() const override;
  Status Put(std::string_view key, std::span<const std::byte> data,
             const WriteOptions& options = {}) override;
  Result<std::unique_ptr<ObjectUpload>> BeginUpload(std::string_view key,
                                                    const WriteOptions& options = {}) override;
  Result<std::string> Get(std::string_view key) override;
  Result<std::optional<ObjectInfo>> Head(std::string_view key) override;
  Result<ListPage> List(std::string_view prefix, std::string_view token,
                        int max_keys = 1000) override;
  Status Delete(std::string_view key) override;
  // PutObjectTagging (with Content-MD5, which S3 requires for it).
  Status PutTags(std::string_view key, const ObjectTags& tags) override;
  bool SupportsTags() const override { return true; }

  // Incomplete multipart uploads whose key starts with `prefix` (first 1000). MinIO
  // answers only for a prefix equal to a whole key.
  Result<std::vector<PendingUpload>> ListPendingUploads(std::string_view prefix);
  Status AbortPendingUpload(const PendingUpload& upload);

  const S3StoreOptions& options() const { return options_; }
  const S3Counters& counters() const { return counters_; }

  // Internal to the implementation (used by its Upload class).
  struct Call;
  // Sends one S3 request with retries; on error, *error_code (if given) gets the S3 code.
  Result<HttpResponse> Execute(const Call& call, std::string* error_code = nullptr);
  TaskPool& part_pool() { return *pool_; }

 private:
  S3Store(S3StoreOptions options, std::unique_ptr<CredentialsProvider> credentials);

  S3StoreOptions options_;
  std::unique_ptr<CredentialsProvider> credentials_;
  HttpClientPool clients_;
  std::unique_ptr<TaskPool> pool_;
  S3Counters counters_;
  // Derived from options_ at Open.
  std::string scheme_;       // "http" or "https"
  std::string host_;         // host[:port] the requests go to (bucket included if virtual)
  std::string path_prefix_;  // "/<bucket>" (path style) or ""
  bool sign_payload_ = true;
  std::string sse_c_key_md5_;
};

}  // namespace tributary::lake
