#include "lake/store/s3_store.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <map>
#include <mutex>
#include <thread>

#include "lake/store/hashing.h"
#include "lake/store/sigv4.h"
#include "lake/store/task_pool.h"
#include "lake/store/xml_text.h"

namespace tributary::lake {

struct S3Store::Call {
  std::string op;      // S3 action name, for messages: "PutObject"
  std::string method;  // HTTP method
  std::string key;     // empty: the bucket itself
  HeaderList query;
  HeaderList headers;
  std::span<const std::byte> body;
  // CompleteMultipartUpload may answer 200 with an <Error> body.
  bool error_in_ok_body = false;
};

namespace {

uint64_t ToU64(std::string_view text) {
  uint64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

constexpr int64_t kMinPartSize = 5 * 1024 * 1024;
constexpr int64_t kMaxPartSize = 5LL * 1024 * 1024 * 1024;
constexpr int kMaxParts = 10000;

std::span<const std::byte> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

// Keys in a listing with encoding-type=url: %XX escapes, and '+' for a space.
std::string DecodeListedKey(std::string_view s) {
  std::string plus_decoded(s);
  for (char& c : plus_decoded) {
    if (c == '+') c = ' ';
  }
  return UriDecode(plus_decoded);
}

std::string StripQuotes(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}

// "Wed, 12 Oct 2009 17:50:00 GMT" → epoch ms; 0 when malformed.
int64_t ParseHttpDateMs(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S", &tm);
  if (end == nullptr) return 0;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

Status StatusForHttp(long status, const std::string& code, std::string message) {
  if (status == 404 || code == "NoSuchKey" || code == "NoSuchBucket" || code == "NoSuchUpload") {
    return Status::NotFound(std::move(message));
  }
  if (IsRetryableS3Error(status, code)) return Status::Unavailable(std::move(message));
  if (status == 400 && (code == "InvalidArgument" || code == "InvalidRequest" ||
                        code == "InvalidBucketName" || code == "KeyTooLongError")) {
    return Status::InvalidArgument(std::move(message));
  }
  return Status::FailedPrecondition(std::move(message));
}

bool IsExpiredCredentials(const std::string& code) {
  return code == "ExpiredToken" || code == "TokenRefreshRequired" || code == "InvalidToken" ||
         code == "RequestExpired";
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Uploads

namespace {

class S3Upload : public ObjectUpload {
 public:
  S3Upload(S3Store* store, std::string key, WriteOptions write_options, HeaderList object_headers,
           HeaderList part_headers)
      : store_(store),
        key_(std::move(key)),
        write_options_(std::move(write_options)),
        object_headers_(std::move(object_headers)),
        part_headers_(std::move(part_headers)),
        part_size_(static_cast<size_t>(store->options().part_size)),
        parallelism_(std::max(1, store->options().part_parallelism)) {}

  ~S3Upload() override {
    if (state_ == State::kOpen) {
      Status s = Abort();
      if (!s.ok()) spdlog::warn("abandoned upload of {}: {}", Where(), s.message());
    }
  }

  Status Append(std::span<const std::byte> data) override {
    if (state_ != State::kOpen) return Finished();
    if (Status s = FirstError(); !s.ok()) return s;
    while (!data.empty()) {
      if (buffer_.size() == part_size_) {
        if (Status s = SubmitPart(); !s.ok()) return s;
      }
      size_t n = std::min(data.size(), part_size_ - buffer_.size());
      // Grow geometrically up to one part: small objects do not hold a whole part each.
      // Past the first part the object is a multipart upload: each later part is reserved
      // whole at once (no copies of a part growing by doubling).
      if (buffer_.size() + n > buffer_.capacity()) {
        buffer_.reserve(size_ >= part_size_ ? part_size_
                                            : std::min(part_size_, std::max(buffer_.size() + n,
                                                                            buffer_.capacity() * 2)));
      }
      buffer_.append(reinterpret_cast<const char*>(data.data()), n);
      data = data.subspan(n);
      size_ += n;
    }
    return Status::Ok();
  }

  Status Complete() override {
    if (state_ != State::kOpen) return Finished();
    if (upload_id_.empty()) {
      // Never passed one part: a single PutObject.
      Status s = store_->Put(key_, Bytes(buffer_), write_options_);
      state_ = s.ok() ? State::kCompleted : State::kAborted;
      ReleaseBuffer();
      return s;
    }
    if (!buffer_.empty()) {
      if (Status s = SubmitPart(); !s.ok()) return AbortAfter(s);
    }
    WaitIdle();
    if (Status s = FirstError(); !s.ok()) return AbortAfter(s);

    std::string xml = "<CompleteMultipartUpload>";
    for (const auto& [number, etag] : etags_) {
      xml += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", number,
                         XmlEscape(etag));
    }
    xml += "</CompleteMultipartUpload>";
    S3Store::Call call{.op = "CompleteMultipartUpload",
                       .method = "POST",
                       .key = key_,
                       .query = {{"uploadId", upload_id_}},
                       .headers = {{"content-type", "application/xml"}},
                       .body = Bytes(xml),
                       .error_in_ok_body = true};
    std::string code;
    auto response = store_->Execute(call, &code);
    if (!response && code == "NoSuchUpload" && CompletedEarlier()) response = HttpResponse{};
    if (!response) return AbortAfter(response.error());
    state_ = State::kCompleted;
    return Status::Ok();
  }

  Status Abort() override {
    if (state_ != State::kOpen) return Status::Ok();
    state_ = State::kAborted;
    WaitIdle();
    ReleaseBuffer();
    if (upload_id_.empty()) return Status::Ok();
    S3Store::Call call{.op = "AbortMultipartUpload",
                       .method = "DELETE",
                       .key = key_,
                       .query = {{"uploadId", upload_id_}}};
    std::string code;
    auto response = store_->Execute(call, &code);
    if (!response && code != "NoSuchUpload") return response.error();
    return Status::Ok();
  }

  uint64_t size() const override { return size_; }
  const std::string& key() const override { return key_; }

 private:
  enum class State { kOpen, kCompleted, kAborted };

  std::string Where() const { return fmt::format("{}/{}", store_->Describe(), key_); }

  Status Finished() const {
    return Status::FailedPrecondition(fmt::format(
        "{}: upload already {}", Where(), state_ == State::kCompleted ? "completed" : "aborted"));
  }

  Status FirstError() {
    std::lock_guard lock(mu_);
    return first_error_;
  }

  void WaitIdle() {
    std::unique_lock lock(mu_);
    idle_.wait(lock, [this] { return in_flight_ == 0; });
  }

  void ReleaseBuffer() { std::string().swap(buffer_); }

  Status AbortAfter(const Status& cause) {
    Status abort = Abort();
    if (!abort.ok()) {
      spdlog::warn("{}: aborting the multipart upload failed too: {}", Where(), abort.message());
    }
    return cause;
  }

  // A retried Complete can meet NoSuchUpload when the first attempt did complete: accept
  // the object if it is there with our size and part count.
  bool CompletedEarlier() {
    auto info = store_->Head(key_);
    if (!info || !info->has_value()) return false;
    return (*info)->size == size_ && (*info)->etag.ends_with(fmt::format("-{}", etags_.size()));
  }

  Status CreateMultipart() {
    S3Store::Call call{.op = "CreateMultipartUpload",
                       .method = "POST",
                       .key = key_,
                       .query = {{"uploads", ""}},
                       .headers = object_headers_};
    auto response = store_->Execute(call);
    if (!response) return response.error();
    auto id = XmlFirst(response->body, "UploadId");
    if (!id || id->empty()) {
      return Status::Corruption(
          fmt::format("{}: CreateMultipartUpload reply has no UploadId", Where()));
    }
    upload_id_ = std::move(*id);
    return Status::Ok();
  }

  Status SubmitPart() {
    if (upload_id_.empty()) {
      if (Status s = CreateMultipart(); !s.ok()) return s;
    }
    if (next_part_ > kMaxParts) {
      return Status::InvalidArgument(
          fmt::format("{}: object too large: more than {} parts of {} bytes (raise s3.part.size)",
                      Where(), kMaxParts, part_size_));
    }
    {
      std::unique_lock lock(mu_);
      idle_.wait(lock, [this] { return in_flight_ < parallelism_; });
      if (!first_error_.ok()) return first_error_;
      ++in_flight_;
    }
    auto part = std::make_shared<std::string>(std::move(buffer_));
    buffer_ = std::string();
    int number = next_part_++;
    store_->part_pool().Submit([this, part, number] { UploadPart(number, *part); });
    return Status::Ok();
  }

  // On a pool thread.
  void UploadPart(int number, const std::string& data) {
    HeaderList headers = part_headers_;
    if (store_->options().send_content_md5)
      headers.emplace_back("content-md5", Md5Base64(Bytes(data)));
    S3Store::Call call{.op = fmt::format("UploadPart {}", number),
                       .method = "PUT",
                       .key = key_,
                       .query = {{"partNumber", std::to_string(number)}, {"uploadId", upload_id_}},
                       .headers = std::move(headers),
                       .body = Bytes(data)};
    auto response = store_->Execute(call);
    std::lock_guard lock(mu_);
    if (!response) {
      if (first_error_.ok()) first_error_ = response.error();
    } else if (auto etag = response->Header("etag"); !etag || etag->empty()) {
      if (first_error_.ok()) {
        first_error_ =
            Status::Corruption(fmt::format("{}: UploadPart {} reply has no ETag", Where(), number));
      }
    } else {
      etags_[number] = *etag;
    }
    --in_flight_;
    idle_.notify_all();
  }

  S3Store* store_;
  std::string key_;
  WriteOptions write_options_;  // for the single PutObject of a small object
  HeaderList object_headers_;   // for CreateMultipartUpload
  HeaderList part_headers_;     // for UploadPart (SSE-C)
  size_t part_size_;
  int parallelism_;
  State state_ = State::kOpen;
  std::string buffer_;  // the part being filled
  std::string upload_id_;
  int next_part_ = 1;
  uint64_t size_ = 0;

  std::mutex mu_;  // guards the fields below, shared with pool threads
  std::condition_variable idle_;
  int in_flight_ = 0;
  Status first_error_;
  std::map<int, std::string> etags_;
};

}  // namespace

// ---------------------------------------------------------------------------------------
// The store

S3Store::S3Store(S3StoreOptions options, std::unique_ptr<CredentialsProvider> credentials)
    : options_(std::move(options)),
      credentials_(std::move(credentials)),
      clients_(options_.http),
      pool_(std::make_unique<TaskPool>(std::max(1, options_.part_parallelism))) {}

S3Store::~S3Store() {
  pool_.reset();  // join the part workers while everything they use is still alive
}

Result<std::unique_ptr<S3Store>> S3Store::Open(S3StoreOptions options,
                                               std::unique_ptr<CredentialsProvider> credentials) {
  auto bad = [](std::string msg) { return Error(Status::InvalidArgument(std::move(msg))); };
  if (options.bucket.empty()) return bad("s3.bucket.name is empty");
  if (options.bucket.find('/') != std::string::npos) {
    return bad(
        fmt::format("s3.bucket.name '{}' holds a '/': give the bucket only, and the key "
                    "prefix in topics.dir",
                    options.bucket));
  }
  if (options.region.empty()) return bad("s3.region is empty");
  if (options.part_size < kMinPartSize || options.part_size > kMaxPartSize) {
    return bad(
        fmt::format("s3.part.size {} is outside S3's limits (5 MiB to 5 GiB)", options.part_size));
  }
  if (options.part_parallelism < 1) return bad("part upload parallelism must be at least 1");
  if (!options.sse.empty() && options.sse != "AES256" && options.sse != "aws:kms") {
    return bad(fmt::format("s3.ssea.name '{}': use AES256 or aws:kms", options.sse));
  }
  if (!options.sse_kms_key_id.empty() && options.sse != "aws:kms") {
    return bad("s3.sse.kms.key.id needs s3.ssea.name=aws:kms");
  }
  if (!options.sse_customer_key.empty() && !options.sse.empty()) {
    return bad("s3.sse.customer.key (SSE-C) and s3.ssea.name cannot be used together");
  }
  if (credentials == nullptr)
    return Error(Status::Internal("S3Store needs a credentials provider"));

  std::string endpoint = options.endpoint;
  if (endpoint.empty()) {
    endpoint = fmt::format("https://s3.{}.amazonaws.com{}", options.region,
                           options.region.starts_with("cn-") ? ".cn" : "");
  }
  std::string scheme;
  if (endpoint.starts_with("https://")) {
    scheme = "https";
  } else if (endpoint.starts_with("http://")) {
    scheme = "http";
  } else {
    return bad(
        fmt::format("store.url '{}' must start with http://, https:// or file://", endpoint));
  }
  std::string host = endpoint.substr(scheme.size() + 3);
  if (size_t slash = host.find('/'); slash != std::string::npos) {
    if (host.find_first_not_of('/', slash) != std::string::npos) {
      return bad(
          fmt::format("store.url '{}' has a path: give scheme, host and port only", endpoint));
    }
    host.resize(slash);
  }
  if (host.empty()) return bad(fmt::format("store.url '{}' has no host", endpoint));
  // Default ports are left out of the Host header (as curl sends it, so the signature matches).
  if (scheme == "https" && host.ends_with(":443")) host.resize(host.size() - 4);
  if (scheme == "http" && host.ends_with(":80")) host.resize(host.size() - 3);

  std::string sse_c_md5;
  if (!options.sse_customer_key.empty()) {
    auto raw = Base64Decode(options.sse_customer_key);
    if (!raw || raw->size() != 32) {
      return bad("s3.sse.customer.key must be the base64 of a 256-bit (32-byte) key");
    }
    sse_c_md5 = Md5Base64(Bytes(*raw));
  }

  auto store = std::unique_ptr<S3Store>(new S3Store(std::move(options), std::move(credentials)));
  const S3StoreOptions& o = store->options_;
  bool dotted_over_tls = scheme == "https" && o.bucket.find('.') != std::string::npos;
  store->scheme_ = scheme;
  if (o.path_style || dotted_over_tls) {
    store->host_ = host;
    store->path_prefix_ = "/" + UriEncode(o.bucket, true);
  } else {
    store->host_ = o.bucket + "." + host;
  }
  store->sign_payload_ = scheme == "http";
  store->sse_c_key_md5_ = std::move(sse_c_md5);
  return store;
}

std::string S3Store::Describe() const { return "s3://" + options_.bucket; }

Result<HttpResponse> S3Store::Execute(const Call& call, std::string* error_code) {
  std::string where = call.key.empty() ? Describe() : fmt::format("{}/{}", Describe(), call.key);
  std::string path = call.key.empty()
                         ? (path_prefix_.empty() ? std::string("/") : path_prefix_)
                         : fmt::format("{}/{}", path_prefix_, UriEncode(call.key, false));
  std::string query = CanonicalQueryString(call.query);
  std::string url =
      fmt::format("{}://{}{}{}{}", scheme_, host_, path, query.empty() ? "" : "?", query);
  std::string payload_hash = call.body.empty() ? std::string(kEmptyPayloadHash)
                             : sign_payload_   ? Sha256Hex(call.body)
                                               : std::string(kUnsignedPayload);
  const RetryPolicy& retry = options_.retry;
  bool refreshed = false;
  Status last;
  int attempt = 0;
  for (;; ++attempt) {
    std::string code;
    bool retryable = false;
    auto creds = credentials_->Get();
    if (!creds) return Error(creds.error().WithContext(where + ": " + call.op));

    SigV4Request req{.method = call.method,
                     .canonical_uri = path,
                     .query = call.query,
                     .headers = call.headers,
                     .payload_hash = payload_hash};
    req.headers.emplace_back("host", host_);
    std::string date = AmzDate(std::chrono::system_clock::now());
    AddSigningHeaders(&req, *creds, date, /*content_sha256=*/true);
    SigV4Signature sig = SignV4(req, *creds, date, options_.region, "s3");
    HttpRequest http{
        .method = call.method, .url = url, .headers = std::move(req.headers), .body = call.body};
    http.headers.emplace_back("authorization", std::move(sig.authorization));

    counters_.requests.fetch_add(1, std::memory_order_relaxed);
    Result<HttpResponse> response = clients_.Acquire()->Send(http);
    if (!response) {
      last = response.error().WithContext(fmt::format("{}: {} failed", where, call.op));
      retryable = response.error().retryable();
    } else {
      long status = response->status;
      std::optional<XmlError> err;
      bool ok = status >= 200 && status < 300;
      if (ok && call.error_in_ok_body) {
        err = ParseXmlError(response->body);
        ok = !err.has_value();
      } else if (!ok) {
        err = ParseXmlError(response->body);
      }
      if (ok) {
        counters_.bytes_sent.fetch_add(call.body.size(), std::memory_order_relaxed);
        if (call.op.starts_with("UploadPart")) {
          counters_.parts_uploaded.fetch_add(1, std::memory_order_relaxed);
        }
        return response;
      }
      code = err ? err->code : "";
      std::string detail;
      if (err) {
        detail = fmt::format(" {}: {}", err->code, err->message);
        if (!err->request_id.empty()) detail += fmt::format(" (request id {})", err->request_id);
      } else if (call.method == "HEAD") {
        detail = status == 404 ? " (not found)" : " (HEAD replies carry no error details)";
      } else if (!response->body.empty()) {
        detail = fmt::format(" {}", std::string_view(response->body).substr(0, 200));
      }
      last = StatusForHttp(status, code,
                           fmt::format("{}: {} failed: HTTP {}{}", where, call.op, status, detail));
      if (IsExpiredCredentials(code) && !refreshed) {
        refreshed = true;
        credentials_->Invalidate();
        spdlog::warn("{}: {}: credentials expired ({}), fetching new ones", where, call.op, code);
        continue;
      }
      retryable = IsRetryableS3Error(status, code);
    }
    if (error_code != nullptr) *error_code = code;
    if (!retryable || attempt >= retry.max_retries) break;
    int64_t wait_ms = retry.BackoffMs(attempt);
    counters_.retries.fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("{} (retry {}/{} in {} ms)", last.message(), attempt + 1, retry.max_retries,
                 wait_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
  }
  if (attempt > 0) {
    return Error(last.code() == StatusCode::kUnavailable
                     ? Status::Unavailable(fmt::format("{} (gave up after {} attempts)",
                                                       last.message(), attempt + 1))
                     : last);
  }
  return Error(last);
}

namespace {

// Headers that set an object's properties, for PutObject and CreateMultipartUpload.
HeaderList ObjectHeaders(const S3StoreOptions& o, const WriteOptions& w,
                         const std::string& sse_c_md5) {
  HeaderList h;
  h.emplace_back("content-type",
                 w.content_type.empty() ? "application/octet-stream" : w.content_type);
  if (!o.canned_acl.empty()) h.emplace_back("x-amz-acl", o.canned_acl);
  if (!o.sse.empty()) h.emplace_back("x-amz-server-side-encryption", o.sse);
  if (!o.sse_kms_key_id.empty()) {
    h.emplace_back("x-amz-server-side-encryption-aws-kms-key-id", o.sse_kms_key_id);
  }
  if (!w.tags.empty()) {
    std::string tagging;
    for (const auto& [k, v] : w.tags) {
      if (!tagging.empty()) tagging.push_back('&');
      tagging += UriEncode(k, true) + "=" + UriEncode(v, true);
    }
    h.emplace_back("x-amz-tagging", std::move(tagging));
  }
  if (!o.sse_customer_key.empty()) {
    h.emplace_back("x-amz-server-side-encryption-customer-algorithm", "AES256");
    h.emplace_back("x-amz-server-side-encryption-customer-key", o.sse_customer_key);
    h.emplace_back("x-amz-server-side-encryption-customer-key-md5", sse_c_md5);
  }
  return h;
}

// SSE-C headers every read and part upload must repeat.
HeaderList CustomerKeyHeaders(const S3StoreOptions& o, const std::string& sse_c_md5) {
  HeaderList h;
  if (!o.sse_customer_key.empty()) {
    h.emplace_back("x-amz-server-side-encryption-customer-algorithm", "AES256");
    h.emplace_back("x-amz-server-side-encryption-customer-key", o.sse_customer_key);
    h.emplace_back("x-amz-server-side-encryption-customer-key-md5", sse_c_md5);
  }
  return h;
}

Status CheckKey(std::string_view key, const std::string& store) {
  if (key.empty()) return Status::InvalidArgument(store + ": empty object key");
  if (key.size() > 1024) {
    return Status::InvalidArgument(
        fmt::format("{}: object key of {} bytes is longer than S3's 1024", store, key.size()));
  }
  return Status::Ok();
}

}  // namespace

Status S3Store::Put(std::string_view key, std::span<const std::byte> data,
                    const WriteOptions& options) {
  if (Status s = CheckKey(key, Describe()); !s.ok()) return s;
  Call call{.op = "PutObject",
            .method = "PUT",
            .key = std::string(key),
            .headers = ObjectHeaders(options_, options, sse_c_key_md5_),
            .body = data};
  if (options_.send_content_md5) call.headers.emplace_back("content-md5", Md5Base64(data));
  auto response = Execute(call);
  if (!response) return response.error();
  return Status::Ok();
}

Result<std::unique_ptr<ObjectUpload>> S3Store::BeginUpload(std::string_view key,
                                                           const WriteOptions& options) {
  if (Status s = CheckKey(key, Describe()); !s.ok()) return Error(s);
  return std::unique_ptr<ObjectUpload>(new S3Upload(
      this, std::string(key), options, ObjectHeaders(options_, options, sse_c_key_md5_),
      CustomerKeyHeaders(options_, sse_c_key_md5_)));
}

Result<std::string> S3Store::Get(std::string_view key) {
  if (Status s = CheckKey(key, Describe()); !s.ok()) return Error(s);
  Call call{.op = "GetObject",
            .method = "GET",
            .key = std::string(key),
            .headers = CustomerKeyHeaders(options_, sse_c_key_md5_)};
  auto response = Execute(call);
  if (!response) return Error(response.error());
  return std::move(response->body);
}

Result<std::optional<ObjectInfo>> S3Store::Head(std::string_view key) {
  if (Status s = CheckKey(key, Describe()); !s.ok()) return Error(s);
  Call call{.op = "HeadObject",
            .method = "HEAD",
            .key = std::string(key),
            .headers = CustomerKeyHeaders(options_, sse_c_key_md5_)};
  auto response = Execute(call);
  if (!response) {
    if (response.error().code() == StatusCode::kNotFound) return std::optional<ObjectInfo>();
    return Error(response.error());
  }
  ObjectInfo info;
  info.key = std::string(key);
  info.size = ToU64(response->Header("content-length").value_or("0"));
  info.etag = StripQuotes(response->Header("etag").value_or(""));
  info.last_modified_ms = ParseHttpDateMs(response->Header("last-modified").value_or(""));
  return std::optional<ObjectInfo>(std::move(info));
}

Result<ListPage> S3Store::List(std::string_view prefix, std::string_view token, int max_keys) {
  if (max_keys <= 0 || max_keys > 1000) max_keys = 1000;
  Call call{.op = "ListObjectsV2",
            .method = "GET",
            .query = {{"list-type", "2"},
                      {"prefix", std::string(prefix)},
                      {"max-keys", std::to_string(max_keys)},
                      {"encoding-type", "url"}}};
  if (!token.empty()) call.query.emplace_back("continuation-token", std::string(token));
  auto response = Execute(call);
  if (!response) {
    return Error(response.error().WithContext(fmt::format("listing prefix '{}'", prefix)));
  }
  ListPage page;
  for (std::string_view contents : XmlAll(response->body, "Contents")) {
    ObjectInfo info;
    info.key = DecodeListedKey(XmlFirst(contents, "Key").value_or(""));
    info.size = ToU64(XmlFirst(contents, "Size").value_or("0"));
    info.etag = StripQuotes(XmlFirst(contents, "ETag").value_or(""));
    info.last_modified_ms =
        ParseIso8601Ms(XmlFirst(contents, "LastModified").value_or("")).value_or(0);
    page.objects.push_back(std::move(info));
  }
  if (XmlFirst(response->body, "IsTruncated").value_or("false") == "true") {
    page.next_token = XmlFirst(response->body, "NextContinuationToken").value_or("");
    if (page.next_token.empty()) {
      return Error(Status::Corruption(fmt::format(
          "{}: ListObjectsV2 reply is truncated but has no NextContinuationToken", Describe())));
    }
  }
  return page;
}

Status S3Store::Delete(std::string_view key) {
  if (Status s = CheckKey(key, Describe()); !s.ok()) return s;
  Call call{.op = "DeleteObject", .method = "DELETE", .key = std::string(key)};
  std::string code;
  auto response = Execute(call, &code);
  if (!response && code != "NoSuchKey") return response.error();
  return Status::Ok();
}

Status S3Store::PutTags(std::string_view key, const ObjectTags& tags) {
  if (Status s = CheckKey(key, Describe()); !s.ok()) return s;
  std::string xml = "<Tagging><TagSet>";
  for (const auto& [k, v] : tags) {
    xml += fmt::format("<Tag><Key>{}</Key><Value>{}</Value></Tag>", XmlEscape(k), XmlEscape(v));
  }
  xml += "</TagSet></Tagging>";
  Call call{.op = "PutObjectTagging",
            .method = "PUT",
            .key = std::string(key),
            .query = {{"tagging", ""}},
            .headers = {{"content-type", "application/xml"},
                        {"content-md5", Md5Base64(Bytes(xml))}},
            .body = Bytes(xml)};
  auto response = Execute(call);
  return response ? Status::Ok() : response.error();
}

Result<std::vector<PendingUpload>> S3Store::ListPendingUploads(std::string_view prefix) {
  Call call{.op = "ListMultipartUploads",
            .method = "GET",
            .query = {{"uploads", ""}, {"prefix", std::string(prefix)}}};
  auto response = Execute(call);
  if (!response) return Error(response.error());
  std::vector<PendingUpload> out;
  for (std::string_view upload : XmlAll(response->body, "Upload")) {
    out.push_back(
        {XmlFirst(upload, "Key").value_or(""), XmlFirst(upload, "UploadId").value_or("")});
  }
  return out;
}

Status S3Store::AbortPendingUpload(const PendingUpload& upload) {
  Call call{.op = "AbortMultipartUpload",
            .method = "DELETE",
            .key = upload.key,
            .query = {{"uploadId", upload.upload_id}}};
  auto response = Execute(call);
  return response ? Status::Ok() : response.error();
}

}  // namespace tributary::lake
