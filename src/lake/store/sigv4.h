// AWS Signature Version 4 (header-based), written from the published specification.
//
// SignV4 builds the canonical request, the string to sign and the signature for one HTTP
// request; the caller adds the resulting Authorization header. S3 rules apply: the path is
// not normalised ('.' and '//' are kept, as S3 keys may hold them) and is URI-encoded once,
// with '/' kept. The payload is either hashed (hex SHA-256 of the body) or declared
// UNSIGNED-PAYLOAD; S3 also wants that value in the x-amz-content-sha256 header
// (AddSigningHeaders puts it there, with x-amz-date and the session token).
//
// Pure functions; thread-safe. Secrets appear only in the returned signature's inputs,
// never in any returned string except through the HMAC.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::lake {

inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// Hex SHA-256 of the empty string.
inline constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  // When temporary credentials stop working (Unix epoch ms); 0: they do not expire.
  int64_t expiration_ms = 0;
  std::string source;  // which provider gave them ("environment", "profile default", ...)

  bool empty() const { return access_key_id.empty() || secret_access_key.empty(); }
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct SigV4Request {
  std::string method;         // GET, PUT, ...
  std::string canonical_uri;  // the encoded path as sent, e.g. "/bucket/a%20b"; "/" at least
  HeaderList query;           // decoded names and values, any order
  HeaderList headers;         // every header to sign, host included; any case and order
  std::string payload_hash;   // hex SHA-256 of the body, or kUnsignedPayload
};

struct SigV4Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-date"
  std::string signature;       // hex
  std::string authorization;   // the Authorization header value
};

// Signs `request` at `amz_date` ("20150830T123600Z") for region and service ("s3").
SigV4Signature SignV4(const SigV4Request& request, const AwsCredentials& credentials,
                      std::string_view amz_date, std::string_view region, std::string_view service);

// Adds x-amz-date, x-amz-content-sha256 (when `content_sha256` is true, as S3 requires) and
// x-amz-security-token (temporary credentials) to request->headers.
void AddSigningHeaders(SigV4Request* request, const AwsCredentials& credentials,
                       std::string_view amz_date, bool content_sha256);

// SigV4 URI encoding: every byte except A-Z a-z 0-9 - . _ ~ becomes %XX (uppercase hex);
// '/' is kept unless `encode_slash` (query names and values encode it, paths do not).
std::string UriEncode(std::string_view s, bool encode_slash);
// Decodes %XX escapes (and nothing else: '+' stays '+'); a bad escape is copied as is.
std::string UriDecode(std::string_view s);

// "a=1&b=" from decoded pairs: each name and value URI-encoded, sorted by name then value.
// The same string serves as the query of the URL sent, so the two can never differ.
std::string CanonicalQueryString(const HeaderList& query);

// "20150830T123600Z" for a time point (UTC).
std::string AmzDate(std::chrono::system_clock::time_point t);

}  // namespace tributary::lake

namespace tributary::lake {

// Parses an ISO 8601 UTC time as AWS sends it ("2013-05-24T00:00:00Z",
// "2009-10-12T17:50:30.000Z", "+00:00" also accepted) into Unix epoch ms; nullopt when
// malformed.
std::optional<int64_t> ParseIso8601Ms(std::string_view text);

}  // namespace tributary::lake
