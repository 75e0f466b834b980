#include "lake/store/object_store.h"

#include <fmt/format.h>

#include "config/connector_config.h"
#include "lake/store/credentials.h"
#include "lake/store/local_store.h"
#include "lake/store/s3_store.h"

namespace tributary::lake {

Result<bool> ObjectStore::Exists(std::string_view key) {
  auto info = Head(key);
  if (!info) return Error(info.error());
  return info->has_value();
}

Status ObjectStore::PutTags(std::string_view key, const ObjectTags&) {
  return Status::Unsupported(fmt::format("{}/{}: this store keeps no object tags", Describe(), key));
}

Result<std::vector<ObjectInfo>> ObjectStore::ListAll(std::string_view prefix) {
  std::vector<ObjectInfo> out;
  std::string token;
  do {
    auto page = List(prefix, token);
    if (!page) return Error(page.error());
    for (auto& o : page->objects) out.push_back(std::move(o));
    token = std::move(page->next_token);
  } while (!token.empty());
  return out;
}

namespace {

// Keys read here that the options table does not list yet (validation drops unknown keys,
// so until the table has them the defaults apply).
constexpr const char* kPartParallelismKey = "s3.part.upload.parallelism";
constexpr const char* kCaFileKey = "s3.ssl.ca.file";
constexpr const char* kCaPathKey = "s3.ssl.ca.path";

int64_t LongOr(const config::ConnectorConfig& c, const char* key, int64_t fallback) {
  if (!c.Has(key) || c.GetString(key).empty()) return fallback;
  return c.GetLong(key);
}

}  // namespace

Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const config::ConnectorConfig& config) {
  std::string url = config.GetString("store.url");
  if (url.starts_with("file:")) {
    std::string path;
    if (url.starts_with("file:///")) {
      path = url.substr(7);
    } else if (url.starts_with("file://localhost/")) {
      path = url.substr(16);
    } else {
      return Error(Status::InvalidArgument(
          fmt::format("store.url '{}': a local folder is written file:///absolute/path", url)));
    }
    auto store = LocalStore::Open(path);
    if (!store) return Error(store.error().WithContext("store.url"));
    return std::unique_ptr<ObjectStore>(std::move(*store));
  }

  S3StoreOptions o;
  o.bucket = config.GetString("s3.bucket.name");
  o.region = config.GetString("s3.region");
  o.endpoint = url;
  o.path_style = config.GetBool("s3.path.style.access.enabled");
  o.part_size = LongOr(config, "s3.part.size", o.part_size);
  o.part_parallelism = static_cast<int>(LongOr(config, kPartParallelismKey, o.part_parallelism));
  o.retry.max_retries = static_cast<int>(LongOr(config, "s3.part.retries", o.retry.max_retries));
  o.retry.base_backoff_ms = LongOr(config, "s3.retry.backoff.ms", o.retry.base_backoff_ms);
  o.sse = config.GetString("s3.ssea.name");
  o.sse_kms_key_id = config.GetString("s3.sse.kms.key.id");
  o.sse_customer_key = config.GetString("s3.sse.customer.key");
  o.canned_acl = config.GetString("s3.acl.canned");
  o.send_content_md5 = config.GetBool("s3.send.digest");
  o.http.ca_file = config.GetString(kCaFileKey);
  o.http.ca_path = config.GetString(kCaPathKey);

  CredentialsChainOptions c;
  c.access_key_id = config.GetString("aws.access.key.id");
  c.secret_access_key = config.GetString("aws.secret.access.key");
  c.env = CredentialsEnvironment::FromProcess();
  c.region = o.region;
  c.http = o.http;
  auto store = S3Store::Open(std::move(o), MakeDefaultCredentialsChain(std::move(c)));
  if (!store) return Error(store.error());
  return std::unique_ptr<ObjectStore>(std::move(*store));
}

}  // namespace tributary::lake
