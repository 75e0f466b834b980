// Digests and encodings the S3 client needs (OpenSSL underneath): SHA-256 and HMAC-SHA256
// for SigV4, MD5 for Content-MD5, hex and base64. Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tributary::lake {

using Sha256Digest = std::array<unsigned char, 32>;

Sha256Digest Sha256(std::span<const std::byte> data);
Sha256Digest HmacSha256(std::span<const std::byte> key, std::string_view message);

// Lowercase hex of the SHA-256 of `data` (SigV4's HashedPayload).
std::string Sha256Hex(std::span<const std::byte> data);
inline std::string Sha256Hex(std::string_view text) {
  return Sha256Hex({reinterpret_cast<const std::byte*>(text.data()), text.size()});
}

// Base64 of the MD5 of `data` (the Content-MD5 header).
std::string Md5Base64(std::span<const std::byte> data);

std::string HexLower(std::span<const unsigned char> bytes);
std::string Base64Encode(std::span<const std::byte> bytes);

}  // namespace tributary::lake

namespace tributary::lake {
// Decodes standard base64 (padding optional, whitespace not allowed); nullopt when malformed.
std::optional<std::string> Base64Decode(std::string_view text);
}  // namespace tributary::lake
