#include "server/http_request.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace tributary::server {
namespace {

using State = HttpParse::State;

TEST(HttpRequest, ParsesAGetWithHeaders) {
  std::string req = "GET /metrics?name=x HTTP/1.1\r\nHost: 127.0.0.1:9404\r\nAccept: */*\r\n\r\n";
  HttpParse p = ParseHttpRequestHead(req);
  ASSERT_EQ(p.state, State::kComplete) << p.error;
  EXPECT_EQ(p.request.method, "GET");
  EXPECT_EQ(p.request.target, "/metrics?name=x");
  EXPECT_EQ(p.request.path, "/metrics");
  EXPECT_EQ(p.request.minor_version, 1);
  EXPECT_EQ(p.head_bytes, req.size());
  // Names lowercased, values trimmed, in order.
  ASSERT_EQ(p.request.headers.size(), 2u);
  EXPECT_EQ(p.request.headers[0].first, "host");
  EXPECT_EQ(p.request.Header("host"), "127.0.0.1:9404");
  EXPECT_EQ(p.request.Header("accept"), "*/*");
  EXPECT_FALSE(p.request.Header("Accept").has_value());  // lookups take the lowercase name
  p = ParseHttpRequestHead("PUT /k HTTP/1.1\r\nX-Amz-Meta-A:\t v 1 \r\nEmpty:\r\n\r\n");
  ASSERT_EQ(p.state, State::kComplete) << p.error;
  EXPECT_EQ(p.request.Header("x-amz-meta-a"), "v 1");
  EXPECT_EQ(p.request.Header("empty"), "");
}

TEST(HttpRequest, BareLineFeedsAndHttp10AndAbsoluteForm) {
  HttpParse p = ParseHttpRequestHead("GET /health HTTP/1.0\n\n");
  ASSERT_EQ(p.state, State::kComplete);
  EXPECT_EQ(p.request.path, "/health");
  EXPECT_EQ(p.request.minor_version, 0);
  p = ParseHttpRequestHead("GET http://localhost:9404/metrics#x HTTP/1.1\r\n\r\n");
  ASSERT_EQ(p.state, State::kComplete);
  EXPECT_EQ(p.request.path, "/metrics");
  p = ParseHttpRequestHead("GET http://localhost HTTP/1.1\r\n\r\n");
  ASSERT_EQ(p.state, State::kComplete);
  EXPECT_EQ(p.request.path, "/");
}

TEST(HttpRequest, IncompleteUntilTheBlankLine) {
  std::string req = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
  for (size_t n = 0; n < req.size(); ++n) {
    HttpParse p = ParseHttpRequestHead(std::string_view(req).substr(0, n));
    EXPECT_EQ(p.state, State::kIncomplete) << "prefix of " << n << " bytes";
  }
  EXPECT_EQ(ParseHttpRequestHead(req).state, State::kComplete);
}

TEST(HttpRequest, Malformed) {
  for (const char* bad : {
           "GET\r\n\r\n", "GET /x\r\n\r\n", " GET /x HTTP/1.1\r\n\r\n", "GET  /x HTTP/1.1\r\n\r\n",
           "GET /x HTTP/1.1 extra\r\n\r\n", "GET x HTTP/1.1\r\n\r\n",
           "GET /x\x01y HTTP/1.1\r\n\r\n", "G(T /x HTTP/1.1\r\n\r\n", "GET /x HTTX/1.1\r\n\r\n",
           "GET /x HTTP/1.a\r\n\r\n", "GET /x HTTP/11\r\n\r\n",
           "GET /x HTTP/1.1\r\nno colon\r\n\r\n", "GET /x HTTP/1.1\r\n: empty name\r\n\r\n",
           "GET /x HTTP/1.1\r\n folded: header\r\n\r\n",
           "GET /x HTTP/1.1\r\nName: bad\x01value\r\n\r\n",
           "\x16\x03\x01\x02\x00",  // a TLS ClientHello: refused at the first byte
       }) {
    HttpParse p = ParseHttpRequestHead(bad);
    EXPECT_EQ(p.state, State::kError) << bad;
    EXPECT_EQ(p.error_status, 400) << bad;
  }
}

TEST(HttpRequest, OtherVersionsAre505) {
  HttpParse p = ParseHttpRequestHead("GET /x HTTP/2.0\r\n\r\n");
  ASSERT_EQ(p.state, State::kError);
  EXPECT_EQ(p.error_status, 505);
}

TEST(HttpRequest, HeadSizeLimit) {
  std::string big = "GET /x HTTP/1.1\r\nX: " + std::string(200, 'a') + "\r\n\r\n";
  EXPECT_EQ(ParseHttpRequestHead(big, 1000).state, State::kComplete);
  HttpParse p = ParseHttpRequestHead(big, 100);
  ASSERT_EQ(p.state, State::kError);
  EXPECT_EQ(p.error_status, 431);
  // A head that never ends is refused once past the limit, not waited for.
  std::string endless = "GET /x HTTP/1.1\r\nX: " + std::string(300, 'a');
  EXPECT_EQ(ParseHttpRequestHead(endless, 1000).state, State::kIncomplete);
  EXPECT_EQ(ParseHttpRequestHead(endless, 100).error_status, 431);
  std::string long_line = "GET /" + std::string(300, 'a');
  EXPECT_EQ(ParseHttpRequestHead(long_line, 100).error_status, 431);
  std::string long_method(300, 'G');
  EXPECT_EQ(ParseHttpRequestHead(long_method, 100).error_status, 431);
}

// Random bytes, and random mutations of a valid request: never a crash (run under ASan
// + UBSan by scripts/test.sh), always a definite answer, and a complete parse only with
// a head inside the input.
TEST(HttpRequest, RandomBytesNeverCrash) {
  std::mt19937_64 rng(20261125);
  const std::string valid =
      "GET /metrics HTTP/1.1\r\nHost: localhost\r\nAccept: text/plain\r\n\r\n";
  int complete = 0, errors = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string input;
    if (i % 2 == 0) {
      size_t n = rng() % 300;
      for (size_t k = 0; k < n; ++k) {
        // Bias towards the bytes that matter to the parser.
        static constexpr char kInteresting[] = {' ', '\r', '\n', ':', '/', 'G',  'E',    'T',
                                                'H', 'P',  '1',  '.', '?', '\0', '\x7f', '\xff'};
        input += rng() % 3 == 0 ? kInteresting[rng() % sizeof kInteresting]
                                : static_cast<char>(rng() & 0xff);
      }
    } else {
      input = valid;
      int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !input.empty(); ++e) {
        size_t at = rng() % input.size();
        switch (rng() % 3) {
          case 0: input[at] = static_cast<char>(rng() & 0xff); break;
          case 1: input.erase(at, 1 + rng() % 5); break;
          default: input.insert(at, 1, static_cast<char>(rng() & 0xff)); break;
        }
      }
    }
    HttpParse p = ParseHttpRequestHead(input, 64 + rng() % 256);
    if (p.state == State::kComplete) {
      ++complete;
      ASSERT_LE(p.head_bytes, input.size());
      ASSERT_FALSE(p.request.method.empty());
      ASSERT_TRUE(p.request.path.starts_with('/') || p.request.path == "*");
    } else if (p.state == State::kError) {
      ++errors;
      ASSERT_TRUE(p.error_status == 400 || p.error_status == 431 || p.error_status == 505);
    }
  }
  EXPECT_GT(complete, 100);  // the mutations leave some requests valid
  EXPECT_GT(errors, 100000);
}

}  // namespace
}  // namespace tributary::server
