#include "lake/store/sigv4.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "lake/store/hashing.h"
#include "lake/store/object_store.h"

namespace tributary::lake {
namespace {

const AwsCredentials kSuiteCredentials{
    .access_key_id = "AKIDEXAMPLE",
    .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};

std::string ReadVector(const std::string& name, const std::string& ext) {
  std::string path =
      std::string(TRIBUTARY_STORE_TESTDATA) + "/aws-sig-v4-test-suite/" + name + "/" + name + ext;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Turns a suite .req file into a SigV4Request: request line, headers (continuation lines
// folded into the previous value with ','), blank line, body. The path and query of the
// request line are taken as raw (unencoded) text, as the suite writes them.
SigV4Request ParseReq(const std::string& text) {
  SigV4Request r;
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    lines.push_back(text.substr(pos, eol - pos));
    pos = eol + 1;
  }
  std::string request_line = lines[0];
  size_t sp1 = request_line.find(' ');
  size_t sp2 = request_line.rfind(' ');
  r.method = request_line.substr(0, sp1);
  std::string target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string path = target.substr(0, target.find('?'));
  r.canonical_uri = UriEncode(path, false);
  if (size_t q = target.find('?'); q != std::string::npos) {
    std::string query = target.substr(q + 1);
    size_t start = 0;
    while (start <= query.size()) {
      size_t amp = query.find('&', start);
      if (amp == std::string::npos) amp = query.size();
      std::string item = query.substr(start, amp - start);
      size_t eq = item.find('=');
      r.query.emplace_back(item.substr(0, eq), eq == std::string::npos ? "" : item.substr(eq + 1));
      start = amp + 1;
    }
  }
  size_t i = 1;
  for (; i < lines.size() && !lines[i].empty(); ++i) {
    const std::string& line = lines[i];
    if (line[0] == ' ' || line[0] == '\t') {
      std::string v = line.substr(line.find_first_not_of(" \t"));
      r.headers.back().second += "," + v;
      continue;
    }
    size_t colon = line.find(':');
    r.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  std::string body;
  for (++i; i < lines.size(); ++i) body += lines[i] + (i + 1 < lines.size() ? "\n" : "");
  r.payload_hash = Sha256Hex(body);
  return r;
}

class SuiteVector : public ::testing::TestWithParam<std::string> {};

TEST_P(SuiteVector, MatchesCanonicalRequestStringToSignAndAuthorization) {
  const std::string& name = GetParam();
  SigV4Request request = ParseReq(ReadVector(name, ".req"));
  SigV4Signature sig =
      SignV4(request, kSuiteCredentials, "20150830T123600Z", "us-east-1", "service");
  EXPECT_EQ(sig.canonical_request, ReadVector(name, ".creq"));
  EXPECT_EQ(sig.string_to_sign, ReadVector(name, ".sts"));
  EXPECT_EQ(sig.authorization, ReadVector(name, ".authz"));
}

INSTANTIATE_TEST_SUITE_P(
    AwsSigV4TestSuite, SuiteVector,
    ::testing::Values("get-vanilla", "get-vanilla-query", "get-vanilla-empty-query-key",
                      "get-vanilla-query-order-key", "get-vanilla-query-order-key-case",
                      "get-vanilla-query-order-value", "get-vanilla-query-unreserved",
                      "get-vanilla-utf8-query", "get-unreserved", "get-utf8",
                      "get-header-key-duplicate", "get-header-value-order", "get-header-value-trim",
                      "get-header-value-multiline", "post-header-key-case", "post-header-key-sort",
                      "post-header-value-case", "post-vanilla", "post-vanilla-query",
                      "post-vanilla-empty-query-value", "post-x-www-form-urlencoded",
                      "post-x-www-form-urlencoded-parameters", "post-sts-header-before",
                      "post-sts-header-after", "get-space"),
    [](const auto& info) {
      std::string n = info.param;
      for (char& c : n) {
        if (c == '-') c = '_';
      }
      return n;
    });

// The S3 examples of "Signature Calculations for the Authorization Header: Transferring
// Payload in a Single Chunk" (bucket examplebucket, 20130524T000000Z).
const AwsCredentials kS3DocCredentials{
    .access_key_id = "AKIAIOSFODNN7EXAMPLE",
    .secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};
constexpr std::string_view kS3DocDate = "20130524T000000Z";

SigV4Signature SignS3Doc(SigV4Request r) {
  r.headers.emplace_back("Host", "examplebucket.s3.amazonaws.com");
  AddSigningHeaders(&r, kS3DocCredentials, kS3DocDate, true);
  return SignV4(r, kS3DocCredentials, kS3DocDate, "us-east-1", "s3");
}

TEST(S3DocumentedExamples, GetObjectWithRange) {
  SigV4Signature sig = SignS3Doc({.method = "GET",
                                  .canonical_uri = "/" + UriEncode("test.txt", false),
                                  .headers = {{"Range", "bytes=0-9"}},
                                  .payload_hash = std::string(kEmptyPayloadHash)});
  EXPECT_EQ(
      sig.canonical_request,
      "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sig.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(sig.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(S3DocumentedExamples, PutObjectWithSignedPayload) {
  std::string body = "Welcome to Amazon S3.";
  std::string hash = Sha256Hex(body);
  EXPECT_EQ(hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  SigV4Signature sig = SignS3Doc({.method = "PUT",
                                  .canonical_uri = "/" + UriEncode("test$file.text", false),
                                  .headers = {{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                                              {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
                                  .payload_hash = hash});
  EXPECT_TRUE(sig.canonical_request.starts_with("PUT\n/test%24file.text\n\n"));
  EXPECT_EQ(sig.signed_headers, "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class");
  EXPECT_EQ(sig.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(S3DocumentedExamples, GetBucketLifecycle) {
  SigV4Signature sig = SignS3Doc({.method = "GET",
                                  .canonical_uri = "/",
                                  .query = {{"lifecycle", ""}},
                                  .payload_hash = std::string(kEmptyPayloadHash)});
  EXPECT_TRUE(sig.canonical_request.starts_with("GET\n/\nlifecycle=\n"));
  EXPECT_EQ(sig.signature, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(S3DocumentedExamples, ListObjects) {
  SigV4Signature sig = SignS3Doc({.method = "GET",
                                  .canonical_uri = "/",
                                  .query = {{"prefix", "J"}, {"max-keys", "2"}},
                                  .payload_hash = std::string(kEmptyPayloadHash)});
  EXPECT_TRUE(sig.canonical_request.starts_with("GET\n/\nmax-keys=2&prefix=J\n"));
  EXPECT_EQ(sig.signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4, SessionTokenIsSignedAndUnsignedPayloadDeclared) {
  AwsCredentials creds = kS3DocCredentials;
  creds.session_token = "token/with+chars=";
  SigV4Request r{
      .method = "PUT", .canonical_uri = "/k", .payload_hash = std::string(kUnsignedPayload)};
  r.headers.emplace_back("host", "h");
  AddSigningHeaders(&r, creds, kS3DocDate, true);
  SigV4Signature sig = SignV4(r, creds, kS3DocDate, "us-east-1", "s3");
  EXPECT_EQ(sig.signed_headers, "host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
  EXPECT_NE(sig.canonical_request.find("x-amz-content-sha256:UNSIGNED-PAYLOAD\n"),
            std::string::npos);
  EXPECT_NE(sig.canonical_request.find("x-amz-security-token:token/with+chars=\n"),
            std::string::npos);
  EXPECT_TRUE(sig.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
  // The secret never shows up in what is sent.
  EXPECT_EQ(sig.authorization.find(creds.secret_access_key), std::string::npos);
  // A different token gives a different signature.
  creds.session_token = "other";
  SigV4Request r2{
      .method = "PUT", .canonical_uri = "/k", .payload_hash = std::string(kUnsignedPayload)};
  r2.headers.emplace_back("host", "h");
  AddSigningHeaders(&r2, creds, kS3DocDate, true);
  EXPECT_NE(SignV4(r2, creds, kS3DocDate, "us-east-1", "s3").signature, sig.signature);
}

TEST(UriEncode, S3KeyRules) {
  EXPECT_EQ(UriEncode("topics/t/partition=0/t+0+0000000000.json", false),
            "topics/t/partition%3D0/t%2B0%2B0000000000.json");
  EXPECT_EQ(UriEncode("a b", false), "a%20b");
  EXPECT_EQ(UriEncode("a/b", true), "a%2Fb");
  EXPECT_EQ(UriEncode("-._~AZaz09", true), "-._~AZaz09");
  EXPECT_EQ(UriEncode("=&?#%!*'()$,;:@[]", true),
            "%3D%26%3F%23%25%21%2A%27%28%29%24%2C%3B%3A%40%5B%5D");
  EXPECT_EQ(UriEncode("ключ", false), "%D0%BA%D0%BB%D1%8E%D1%87");
  EXPECT_EQ(UriEncode(std::string_view("\x00\xff", 2), false), "%00%FF");
  // Keys S3 allows but path normalisation would break: kept as they are.
  EXPECT_EQ(UriEncode("a/./b//c/../d", false), "a/./b//c/../d");
}

TEST(UriEncode, DecodeRoundTrip) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(UriDecode(UriEncode(all, true)), all);
  EXPECT_EQ(UriDecode("a+b%2"), "a+b%2");  // '+' is not a space here; bad escape copied
}

TEST(CanonicalQuery, SortsByEncodedNameThenValue) {
  EXPECT_EQ(CanonicalQueryString({{"b", "2"}, {"a", "x y"}, {"a", "1"}, {"uploads", ""}}),
            "a=1&a=x%20y&b=2&uploads=");
  EXPECT_EQ(CanonicalQueryString({{"prefix", "topics/a b"}, {"continuation-token", "1/2+3="}}),
            "continuation-token=1%2F2%2B3%3D&prefix=topics%2Fa%20b");
}

TEST(Time, AmzDateAndIso8601) {
  auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1369353600));
  EXPECT_EQ(AmzDate(t), "20130524T000000Z");
  EXPECT_EQ(ParseIso8601Ms("2013-05-24T00:00:00Z"), 1369353600000);
  EXPECT_EQ(ParseIso8601Ms("2009-10-12T17:50:30.123Z"), 1255369830123);
  EXPECT_EQ(ParseIso8601Ms("2009-10-12T17:50:30.5+00:00"), 1255369830500);
  EXPECT_EQ(ParseIso8601Ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_FALSE(ParseIso8601Ms("2013-05-24"));
  EXPECT_FALSE(ParseIso8601Ms("2013-13-24T00:00:00Z"));
  EXPECT_FALSE(ParseIso8601Ms("2013-05-24T00:00:00+02:00"));
}

TEST(Hashing, KnownDigests) {
  EXPECT_EQ(Sha256Hex(""), kEmptyPayloadHash);
  EXPECT_EQ(Md5Base64(AsBytes("")), "1B2M2Y8AsgTpgAmY7PhCfg==");
  EXPECT_EQ(Base64Encode(AsBytes("hello!?")), "aGVsbG8hPw==");
  EXPECT_EQ(Base64Decode("aGVsbG8hPw=="), "hello!?");
  EXPECT_EQ(Base64Decode("aGVsbG8hPw"), "hello!?");
  EXPECT_FALSE(Base64Decode("a*b="));
}

}  // namespace
}  // namespace tributary::lake
