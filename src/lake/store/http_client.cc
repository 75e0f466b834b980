#include "lake/store/http_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace tributary::lake {
namespace {

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct BodyReader {
  std::span<const std::byte> body;
  size_t pos = 0;
};

size_t ReadBody(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* r = static_cast<BodyReader*>(userdata);
  size_t n = std::min(size * nitems, r->body.size() - r->pos);
  if (n > 0) std::memcpy(buffer, r->body.data() + r->pos, n);
  r->pos += n;
  return n;
}

// curl rewinds the body when it must resend it (a reused connection that turned out dead).
int SeekBody(void* userdata, curl_off_t offset, int origin) {
  auto* r = static_cast<BodyReader*>(userdata);
  if (origin != SEEK_SET || offset < 0 || static_cast<size_t>(offset) > r->body.size()) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  r->pos = static_cast<size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

size_t WriteBody(char* ptr, size_t size, size_t nmemb, void* userdata) {
  static_cast<std::string*>(userdata)->append(ptr, size * nmemb);
  return size * nmemb;
}

size_t WriteHeader(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* headers = static_cast<HeaderList*>(userdata);
  std::string_view line(buffer, size * nitems);
  if (line.starts_with("HTTP/")) {
    headers->clear();  // a new response (after 100-continue or a redirect)
    return size * nitems;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * nitems;
  std::string name(line.substr(0, colon));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  headers->emplace_back(std::move(name), std::string(value));
  return size * nitems;
}

// Which certificates the peer was verified against, for TLS verification errors.
std::string TrustedCas(const HttpOptions& options) {
  if (!options.ca_file.empty() && !options.ca_path.empty()) {
    return fmt::format("the CA certificates of {} and {}", options.ca_file, options.ca_path);
  }
  if (!options.ca_file.empty()) return fmt::format("the CA certificates of {}", options.ca_file);
  if (!options.ca_path.empty()) return fmt::format("the CA certificates in {}", options.ca_path);
  return "the system's CA certificates";
}

Status CurlError(CURLcode code, const char* detail, const std::string& method,
                 const std::string& url, const HttpOptions& options) {
  // The URL has no secrets (signatures travel in headers), but drop the query to keep the
  // message short.
  std::string where = url.substr(0, url.find('?'));
  // curl's detail ("Failed to connect to h port p after 0 ms: Couldn't connect to server")
  // already ends with the generic text; use that alone when there is no detail.
  std::string_view what = detail[0] != '\0' ? detail : curl_easy_strerror(code);
  std::string msg = fmt::format("{} {}: {}", method, where, what);
  switch (code) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL: return Status::InvalidArgument(std::move(msg));
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      // Not retried: the same certificate is refused again.
      return Status::FailedPrecondition(fmt::format(
          "{} (TLS: the server's certificate was checked against {})", msg, TrustedCas(options)));
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CRL_BADFILE:
      return Status::FailedPrecondition(
          fmt::format("{} (TLS: cannot use {})", msg, TrustedCas(options)));
    case CURLE_SSL_CONNECT_ERROR:
      // OpenSSL's words for a reply that is not TLS at all: a plain-HTTP server (or
      // something else) on that port. Retrying cannot help.
      if (what.find("wrong version number") != std::string_view::npos ||
          what.find("packet length too long") != std::string_view::npos) {
        return Status::FailedPrecondition(fmt::format(
            "{} (TLS: the server did not answer in TLS; is the endpoint http:// ?)", msg));
      }
      return Status::Unavailable(std::move(msg));
    default: return Status::Unavailable(std::move(msg));
  }
}

}  // namespace

std::optional<std::string> HttpResponse::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return std::nullopt;
}

struct HttpClient::Handle {
  CURL* curl = nullptr;
  ~Handle() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }
};

HttpClient::HttpClient(const HttpOptions& options) : options_(options), handle_(new Handle) {
  GlobalInitOnce();
  handle_->curl = curl_easy_init();
}

HttpClient::~HttpClient() = default;

Result<HttpResponse> HttpClient::Send(const HttpRequest& request) {
  CURL* c = handle_->curl;
  if (c == nullptr) return Error(Status::Internal("curl_easy_init failed"));
  curl_easy_reset(c);  // keeps the connection cache and TLS session cache

  HttpResponse response;
  BodyReader reader{request.body, 0};
  char error_buffer[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);  // S3 keys may hold "./" and "//"
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  if (options_.request_timeout_ms > 0) {
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout_ms));
  }
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.low_speed_time_s));
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.ca_path.empty()) curl_easy_setopt(c, CURLOPT_CAPATH, options_.ca_path.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, WriteHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &response.headers);

  const std::string& m = request.method;
  if (m == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else if (m == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (m == "PUT") {
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadBody);
    curl_easy_setopt(c, CURLOPT_READDATA, &reader);
    curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, SeekBody);
    curl_easy_setopt(c, CURLOPT_SEEKDATA, &reader);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else if (m == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, reinterpret_cast<const char*>(request.body.data()));
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, m.c_str());
  }

  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    headers = curl_slist_append(headers, fmt::format("{}: {}", name, value).c_str());
  }
  // No 100-continue round trip; no default content type on POST.
  headers = curl_slist_append(headers, "Expect:");
  bool has_content_type = std::any_of(request.headers.begin(), request.headers.end(), [](auto& h) {
    return strcasecmp(h.first.c_str(), "content-type") == 0;
  });
  if (!has_content_type) headers = curl_slist_append(headers, "Content-Type:");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);

  CURLcode rc = curl_easy_perform(c);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK)
    return Error(CurlError(rc, error_buffer, request.method, request.url, options_));
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

HttpClientPool::Lease::~Lease() {
  if (pool_ != nullptr && client_ != nullptr) pool_->Release(std::move(client_));
}

HttpClientPool::Lease HttpClientPool::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto client = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(client));
    }
  }
  return Lease(this, std::make_unique<HttpClient>(options_));
}

void HttpClientPool::Release(std::unique_ptr<HttpClient> client) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(client));
}

}  // namespace tributary::lake
