// AWS credentials for request signing, found in the AWS SDKs' default order:
//
//   1. explicit keys (aws.access.key.id / aws.secret.access.key)
//   2. environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
//   3. shared files: AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials) and AWS_CONFIG_FILE
//      (~/.aws/config), profile AWS_PROFILE (else "default"); static keys, or role_arn +
//      web_identity_token_file
//   4. web identity (EKS IRSA): AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN
//      (+ AWS_ROLE_SESSION_NAME) → STS AssumeRoleWithWebIdentity; endpoint
//      AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL, else sts.<region>.amazonaws.com
//   5. ECS / EKS Pod Identity: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (169.254.170.2) or
//      AWS_CONTAINER_CREDENTIALS_FULL_URI (https, or http to a loopback or the container
//      agent's address), token AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)
//   6. EC2 instance metadata, IMDSv2 only (token PUT, then GET): endpoint
//      AWS_EC2_METADATA_SERVICE_ENDPOINT (default http://169.254.169.254); skipped when
//      AWS_EC2_METADATA_DISABLED=true
//
// A source that is not configured is skipped; one that is configured but fails (a profile
// without a secret, STS refusing the token) stops the chain with its error. The source
// that answered is kept: temporary credentials are fetched again from it before they
// expire (refresh_before_expiry_ms), and if that fails while the old ones still hold, the
// old ones are used and a warning is logged. Secrets never appear in messages or logs.
//
// Threading: a CredentialsProvider is thread-safe; Get() may block on HTTP while
// refreshing (one refresh at a time).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "lake/store/http_client.h"
#include "lake/store/sigv4.h"

namespace tributary::lake {

// The environment the chain reads: a snapshot, so tests need not touch the process's.
struct CredentialsEnvironment {
  std::map<std::string, std::string> vars;
  std::string home;  // for ~/.aws; empty: no shared files unless named by variables

  static CredentialsEnvironment FromProcess();
  // The variable's value, or "" when unset.
  std::string Get(const std::string& name) const;
};

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Valid credentials, fetched or refreshed as needed.
  virtual Result<AwsCredentials> Get() = 0;
  // Forgets cached temporary credentials (the server said they expired).
  virtual void Invalidate() = 0;
};

struct CredentialsChainOptions {
  std::string access_key_id;      // aws.access.key.id
  std::string secret_access_key;  // aws.secret.access.key
  CredentialsEnvironment env;
  std::string region;                          // for the regional STS endpoint; empty: AWS_REGION
  HttpOptions http;                            // TLS settings for STS and https container endpoints
  int64_t metadata_connect_timeout_ms = 1000;  // IMDS and ECS endpoints are local
  int64_t refresh_before_expiry_ms = 5 * 60 * 1000;
  // Clock (Unix epoch ms); tests replace it.
  std::function<int64_t()> now_ms;
};

// The default chain above.
std::unique_ptr<CredentialsProvider> MakeDefaultCredentialsChain(CredentialsChainOptions options);

// Always the same credentials.
std::unique_ptr<CredentialsProvider> MakeStaticCredentialsProvider(AwsCredentials credentials);

}  // namespace tributary::lake
