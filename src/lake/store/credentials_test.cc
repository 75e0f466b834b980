#include "lake/store/credentials.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "lake/store/test_http_server.h"

namespace tributary::lake {
namespace {

using testing::TestHttpServer;
using testing::TestRequest;
using testing::TestResponse;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "creds-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& text) const {
    std::string p = path_ + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream(p) << text;
    return p;
  }

 private:
  std::string path_;
};

// A chain with nothing configured but what the test adds; IMDS off unless the test asks.
CredentialsChainOptions Options() {
  CredentialsChainOptions o;
  o.env.vars["AWS_EC2_METADATA_DISABLED"] = "true";
  return o;
}

TEST(CredentialsChain, ConfigKeysComeFirst) {
  CredentialsChainOptions o = Options();
  o.access_key_id = "AKIDCONFIG";
  o.secret_access_key = "config-secret";
  o.env.vars["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  o.env.vars["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  auto c = MakeDefaultCredentialsChain(o)->Get();
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->access_key_id, "AKIDCONFIG");
  EXPECT_EQ(c->secret_access_key, "config-secret");
  EXPECT_EQ(c->expiration_ms, 0);
}

TEST(CredentialsChain, HalfGivenConfigKeysAreAnError) {
  CredentialsChainOptions o = Options();
  o.access_key_id = "AKIDCONFIG";
  o.env.vars["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  o.env.vars["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  auto c = MakeDefaultCredentialsChain(o)->Get();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.error().message().find("aws.secret.access.key is empty"), std::string::npos);
}

TEST(CredentialsChain, EnvironmentWithSessionToken) {
  CredentialsChainOptions o = Options();
  o.env.vars["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  o.env.vars["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  o.env.vars["AWS_SESSION_TOKEN"] = "env-token";
  auto c = MakeDefaultCredentialsChain(o)->Get();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->access_key_id, "AKIDENV");
  EXPECT_EQ(c->session_token, "env-token");
  EXPECT_EQ(c->source, "environment");
}

TEST(CredentialsChain, SharedFilesWithProfiles) {
  TempDir dir;
  dir.Write(
      ".aws/credentials",
      "# comment\n[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = d-secret\n"
      "\n[prod]\naws_access_key_id=AKIDPROD ; inline comment\n"
      "aws_secret_access_key=p-secret\n");
  dir.Write(".aws/config",
            "[default]\nregion = eu-west-1\n[profile prod]\naws_session_token = p-token\n"
            "[profile cfgonly]\naws_access_key_id = AKIDCFG\naws_secret_access_key = c-secret\n"
            "[sso-session x]\nsso_start_url = https://example\n");
  {
    CredentialsChainOptions o = Options();
    o.env.home = dir.path();
    auto c = MakeDefaultCredentialsChain(o)->Get();
    ASSERT_TRUE(c) << c.error().ToString();
    EXPECT_EQ(c->access_key_id, "AKIDDEFAULT");
    EXPECT_EQ(c->source, "profile default");
  }
  {
    CredentialsChainOptions o = Options();
    o.env.home = dir.path();
    o.env.vars["AWS_PROFILE"] = "prod";
    auto c = MakeDefaultCredentialsChain(o)->Get();
    ASSERT_TRUE(c) << c.error().ToString();
    EXPECT_EQ(c->access_key_id, "AKIDPROD");
    EXPECT_EQ(c->secret_access_key, "p-secret");
    EXPECT_EQ(c->session_token, "p-token");  // merged from the config file
  }
  {
    CredentialsChainOptions o = Options();
    o.env.home = dir.path();
    o.env.vars["AWS_PROFILE"] = "cfgonly";
    auto c = MakeDefaultCredentialsChain(o)->Get();
    ASSERT_TRUE(c);
    EXPECT_EQ(c->access_key_id, "AKIDCFG");
  }
  {
    CredentialsChainOptions o = Options();
    o.env.home = dir.path();
    o.env.vars["AWS_PROFILE"] = "missing";
    auto c = MakeDefaultCredentialsChain(o)->Get();
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message().find("AWS profile 'missing'"), std::string::npos);
  }
}

TEST(CredentialsChain, SharedFileLocationsFromEnvironment) {
  TempDir dir;
  std::string creds = dir.Write("elsewhere/creds",
                                "[x]\naws_access_key_id=AKIDX\n"
                                "aws_secret_access_key=x-secret\n");
  CredentialsChainOptions o = Options();
  o.env.home = dir.path();  // no ~/.aws there
  o.env.vars["AWS_SHARED_CREDENTIALS_FILE"] = creds;
  o.env.vars["AWS_CONFIG_FILE"] = dir.path() + "/none";
  o.env.vars["AWS_PROFILE"] = "x";
  auto c = MakeDefaultCredentialsChain(o)->Get();
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->access_key_id, "AKIDX");
}

TEST(CredentialsChain, ProfileWithoutSecretIsAnError) {
  TempDir dir;
  dir.Write(".aws/credentials", "[default]\naws_access_key_id = AKIDONLY\n");
  CredentialsChainOptions o = Options();
  o.env.home = dir.path();
  auto c = MakeDefaultCredentialsChain(o)->Get();
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message().find("must both be set"), std::string::npos);
}

TEST(CredentialsChain, NothingConfiguredSaysWhatWasTried) {
  TempDir dir;
  CredentialsChainOptions o = Options();
  o.env.home = dir.path();
  auto c = MakeDefaultCredentialsChain(o)->Get();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code(), StatusCode::kInvalidArgument);
  const std::string& m = c.error().message();
  EXPECT_NE(m.find("no AWS credentials found"), std::string::npos);
  EXPECT_NE(m.find("AWS_ACCESS_KEY_ID not set"), std::string::npos);
  EXPECT_NE(m.find("profile default: not found"), std::string::npos);
  EXPECT_NE(m.find("AWS_EC2_METADATA_DISABLED"), std::string::npos);
}

constexpr std::string_view kStsReply =
    "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
    "<AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIASTS{n}</AccessKeyId>"
    "<SecretAccessKey>sts-secret</SecretAccessKey><SessionToken>sts-token</SessionToken>"
    "<Expiration>2030-01-01T01:00:00Z</Expiration></Credentials>"
    "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";

TEST(CredentialsChain, WebIdentityThroughStsAndRefreshBeforeExpiry) {
  std::atomic<int> calls{0};
  TestHttpServer sts([&](const TestRequest&) {
    std::string body(kStsReply);
    body.replace(body.find("{n}"), 3, std::to_string(++calls));
    return TestResponse{.status = 200, .body = body};
  });
  TempDir dir;
  std::string token_file = dir.Write("token", "eyJ.first.token\n");
  const int64_t expiry = *ParseIso8601Ms("2030-01-01T01:00:00Z");
  int64_t now = expiry - 60 * 60 * 1000;  // one hour before

  CredentialsChainOptions o = Options();
  o.env.vars["AWS_WEB_IDENTITY_TOKEN_FILE"] = token_file;
  o.env.vars["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/lake-writer";
  o.env.vars["AWS_ROLE_SESSION_NAME"] = "test session";
  o.env.vars["AWS_ENDPOINT_URL_STS"] = sts.url();
  o.now_ms = [&] { return now; };
  auto chain = MakeDefaultCredentialsChain(o);

  auto c = chain->Get();
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->access_key_id, "ASIASTS1");
  EXPECT_EQ(c->session_token, "sts-token");
  EXPECT_EQ(c->expiration_ms, expiry);
  auto reqs = sts.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].Header("content-type"), "application/x-www-form-urlencoded");
  EXPECT_NE(reqs[0].body.find("Action=AssumeRoleWithWebIdentity"), std::string::npos);
  EXPECT_NE(reqs[0].body.find("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Flake-writer"),
            std::string::npos);
  EXPECT_NE(reqs[0].body.find("RoleSessionName=test%20session"), std::string::npos);
  // Trimmed of its newline, last in the form.
  EXPECT_TRUE(reqs[0].body.ends_with("&WebIdentityToken=eyJ.first.token")) << reqs[0].body;

  // Still fresh 30 minutes later: cached.
  now = expiry - 30 * 60 * 1000;
  ASSERT_TRUE(chain->Get());
  EXPECT_EQ(calls.load(), 1);

  // Within five minutes of expiry: fetched again, with the rotated token.
  dir.Write("token", "eyJ.second.token");
  now = expiry - 4 * 60 * 1000;
  c = chain->Get();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->access_key_id, "ASIASTS2");
  EXPECT_EQ(calls.load(), 2);
  EXPECT_NE(sts.requests()[1].body.find("WebIdentityToken=eyJ.second.token"), std::string::npos);
}

TEST(CredentialsChain, RefreshFailureKeepsValidCredentialsThenFails) {
  std::atomic<int> calls{0};
  TestHttpServer sts([&](const TestRequest&) {
    if (++calls == 1) {
      std::string body(kStsReply);
      body.replace(body.find("{n}"), 3, "1");
      return TestResponse{.status = 200, .body = body};
    }
    return TestResponse{.status = 503,
                        .body =
                            "<ErrorResponse><Error><Code>ServiceUnavailable"
                            "</Code><Message>down</Message></Error>"
                            "</ErrorResponse>"};
  });
  TempDir dir;
  const int64_t expiry = *ParseIso8601Ms("2030-01-01T01:00:00Z");
  int64_t now = expiry - 60 * 60 * 1000;
  CredentialsChainOptions o = Options();
  o.env.vars["AWS_WEB_IDENTITY_TOKEN_FILE"] = dir.Write("token", "t");
  o.env.vars["AWS_ROLE_ARN"] = "arn:aws:iam::1:role/r";
  o.env.vars["AWS_ENDPOINT_URL_STS"] = sts.url();
  o.now_ms = [&] { return now; };
  auto chain = MakeDefaultCredentialsChain(o);
  ASSERT_TRUE(chain->Get());
  now = expiry - 60 * 1000;  // refresh due, STS down, old ones still valid
  auto c = chain->Get();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->access_key_id, "ASIASTS1");
  now = expiry + 1;  // expired and STS still down
  c = chain->Get();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code(), StatusCode::kUnavailable);
  EXPECT_NE(c.error().message().find("ServiceUnavailable: down"), std::string::npos);
}

TEST(CredentialsChain, WebIdentityRejectedByStsNamesTheCode) {
  TestHttpServer sts([](const TestRequest&) {
    return TestResponse{
        .status = 400,
        .body =
            "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>"
            "<Message>Incorrect token audience</Message></Error></ErrorResponse>"};
  });
  TempDir dir;
  CredentialsChainOptions o = Options();
  o.env.vars["AWS_WEB_IDENTITY_TOKEN_FILE"] = dir.Write("token", "t");
  o.env.vars["AWS_ROLE_ARN"] = "arn:aws:iam::1:role/r";
  o.env.vars["AWS_ENDPOINT_URL"] = sts.url();  // the generic override works too
  auto c = MakeDefaultCredentialsChain(o)->Get();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(c.error().message().find("HTTP 400 InvalidIdentityToken: Incorrect token audience"),
            std::string::npos)
      << c.error().message();
}

TEST(CredentialsChain, WebIdentityFromProfile) {
  TestHttpServer sts([](const TestRequest&) {
    std::string body(kStsReply);
    body.replace(body.find("{n}"), 3, "P");
    return TestResponse{.status = 200, .body = body};
  });
  TempDir dir;
  std::string token = dir.Write("tok", "jwt");
  dir.Write(".aws/config",
            "[profile eks]\nrole_arn = arn:aws:iam::1:role/p\n"
            "web_identity_token_file = " +
                token + "\n");
  CredentialsChainOptions o = Options();
  o.env.home = dir.path();
  o.env.vars["AWS_PROFILE"] = "eks";
  o.env.vars["AWS_ENDPOINT_URL_STS"] = sts.url();
  auto c = MakeDefaultCredentialsChain(o)->Get();
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->access_key_id, "ASIASTSP");
}

TEST(CredentialsChain, ContainerCredentialsWithTokenFile) {
  TestHttpServer ecs([](const TestRequest& r) {
    if (r.target != "/v2/credentials/abc" || r.Header("authorization") != "Bearer tok-1") {
      return TestResponse{.status = 403, .body = "denied"};
    }
    return TestResponse{.status = 200,
                        .body = R"({"AccessKeyId":"ASIAECS","SecretAccessKey":"ecs-secret",)"
                                R"("Token":"ecs-token","Expiration":"2030-01-01T00:00:00Z"})"};
  });
  TempDir dir;
  CredentialsChainOptions o = Options();
  o.env.vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = ecs.url() + "/v2/credentials/abc";
  o.env.vars["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = dir.Write("t", "Bearer tok-1\n");
  auto c = MakeDefaultCredentialsChain(o)->Get();
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->access_key_id, "ASIAECS");
  EXPECT_EQ(c->session_token, "ecs-token");
  EXPECT_EQ(c->expiration_ms, *ParseIso8601Ms("2030-01-01T00:00:00Z"));
}

TEST(CredentialsChain, ContainerFullUriMustBeLocalOrHttps) {
  CredentialsChainOptions o = Options();
  o.env.vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://evil.example.com/creds";
  auto c = MakeDefaultCredentialsChain(o)->Get();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.error().message().find("evil.example.com"), std::string::npos);
}

TEST(CredentialsChain, InstanceMetadataV2) {
  TestHttpServer imds([](const TestRequest& r) {
    if (r.method == "PUT" && r.target == "/latest/api/token") {
      if (r.Header("x-aws-ec2-metadata-token-ttl-seconds") != "21600") return TestResponse{400};
      return TestResponse{.status = 200, .body = "IMDS-TOKEN"};
    }
    if (r.Header("x-aws-ec2-metadata-token") != "IMDS-TOKEN") return TestResponse{401};
    if (r.target == "/latest/meta-data/iam/security-credentials/") {
      return TestResponse{.status = 200, .body = "lake-role\n"};
    }
    if (r.target == "/latest/meta-data/iam/security-credentials/lake-role") {
      return TestResponse{.status = 200,
                          .body = R"({"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAIMDS",)"
                                  R"("SecretAccessKey":"imds-secret","Token":"imds-token",)"
                                  R"("Expiration":"2030-01-01T00:00:00Z"})"};
    }
    return TestResponse{404};
  });
  CredentialsChainOptions o = Options();
  o.env.vars.erase("AWS_EC2_METADATA_DISABLED");
  o.env.vars["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.url() + "/";
  auto c = MakeDefaultCredentialsChain(o)->Get();
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->access_key_id, "ASIAIMDS");
  EXPECT_EQ(c->source, "instance metadata role lake-role");
  auto reqs = imds.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].method, "PUT");
}

TEST(CredentialsChain, UnreachableInstanceMetadataIsNotConfigured) {
  TempDir dir;
  CredentialsChainOptions o = Options();
  o.env.home = dir.path();
  o.env.vars.erase("AWS_EC2_METADATA_DISABLED");
  o.env.vars["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:1";
  auto c = MakeDefaultCredentialsChain(o)->Get();
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message().find("instance metadata at http://127.0.0.1:1"), std::string::npos)
      << c.error().message();
}

TEST(CredentialsChain, SecretsNeverInMessages) {
  TestHttpServer ecs([](const TestRequest&) {
    return TestResponse{.status = 200,
                        .body = R"({"AccessKeyId":"A","SecretAccessKey":"",)"
                                R"("Token":"super-secret-token"})"};
  });
  CredentialsChainOptions o = Options();
  o.env.vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = ecs.url() + "/c";
  o.env.vars["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "auth-secret";
  auto c = MakeDefaultCredentialsChain(o)->Get();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message().find("super-secret-token"), std::string::npos);
  EXPECT_EQ(c.error().message().find("auth-secret"), std::string::npos);
}

}  // namespace
}  // namespace tributary::lake
