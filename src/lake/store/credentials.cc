#include "lake/store/credentials.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <vector>

#include "lake/store/xml_text.h"

extern char** environ;

namespace tributary::lake {
namespace {

using SourceResult = Result<std::optional<AwsCredentials>>;
using IniFile = std::map<std::string, std::map<std::string, std::string>>;

constexpr std::string_view kEcsHost = "http://169.254.170.2";
constexpr std::string_view kImdsEndpoint = "http://169.254.169.254";

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// Reads a whole file; nullopt when it does not exist.
Result<std::optional<std::string>> ReadOptionalFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return std::optional<std::string>();
    return Error(Status::IoError(fmt::format("cannot read {}: {}", path, std::strerror(errno))));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return std::optional<std::string>(ss.str());
}

// Sections of an AWS shared file. In the config file profiles are "[profile NAME]" (and
// "[default]"); other section kinds (sso-session, services) are dropped.
IniFile ParseIni(std::string_view text, bool config_file) {
  IniFile out;
  std::map<std::string, std::string>* section = nullptr;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = Trim(text.substr(pos, eol - pos));
    pos = eol + 1;
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[') {
      size_t close = line.find(']');
      std::string_view name =
          Trim(line.substr(1, close == std::string_view::npos ? line.size() - 1 : close - 1));
      section = nullptr;
      if (config_file) {
        if (name.starts_with("profile ") || name.starts_with("profile\t")) {
          name = Trim(name.substr(8));
        } else if (name != "default") {
          continue;
        }
      }
      section = &out[std::string(name)];
      continue;
    }
    if (section == nullptr) continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;  // nested sub-keys of s3 = ... blocks
    std::string key(Trim(line.substr(0, eq)));
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = Trim(line.substr(eq + 1));
    // Inline comments need a space before them, as in the SDKs.
    for (std::string_view mark : {" #", " ;", "\t#", "\t;"}) {
      size_t at = value.find(mark);
      if (at != std::string_view::npos) value = Trim(value.substr(0, at));
    }
    (*section)[key] = std::string(value);
  }
  return out;
}

// "host" of "scheme://host[:port]/path"; IPv6 brackets removed.
std::string UrlHost(std::string_view url) {
  size_t start = url.find("://");
  if (start == std::string_view::npos) return "";
  start += 3;
  size_t end = url.find_first_of("/?#", start);
  std::string_view authority = url.substr(start, end == std::string_view::npos ? end : end - start);
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (authority.starts_with('[')) {
    size_t close = authority.find(']');
    return std::string(authority.substr(1, close == std::string_view::npos ? close : close - 1));
  }
  size_t colon = authority.find(':');
  return std::string(authority.substr(0, colon));
}

bool IsAllowedContainerHttpHost(const std::string& host) {
  return host == "localhost" || host.starts_with("127.") || host == "::1" ||
         host == "169.254.170.2" || host == "169.254.170.23" || host == "fd00:ec2::23";
}

Result<HttpResponse> SendOnce(const HttpOptions& http, HttpRequest request) {
  HttpClient client(http);
  return client.Send(request);
}

// The {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"} document of the ECS agent
// and of IMDS.
Result<AwsCredentials> ParseJsonCredentials(std::string_view body, std::string_view where,
                                            std::string source) {
  auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) {
    return Error(Status::Corruption(fmt::format("{}: the credentials reply is not JSON", where)));
  }
  auto str = [&](const char* key) -> std::string {
    auto it = doc.find(key);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (std::string code = str("Code"); !code.empty() && code != "Success") {
    return Error(Status::FailedPrecondition(
        fmt::format("{}: credentials not available: {} {}", where, code, str("Message"))));
  }
  AwsCredentials out;
  out.access_key_id = str("AccessKeyId");
  out.secret_access_key = str("SecretAccessKey");
  out.session_token = str("Token");
  out.source = std::move(source);
  if (out.empty()) {
    return Error(Status::Corruption(
        fmt::format("{}: the credentials reply has no AccessKeyId or SecretAccessKey", where)));
  }
  if (std::string exp = str("Expiration"); !exp.empty()) {
    auto ms = ParseIso8601Ms(exp);
    if (!ms) {
      return Error(Status::Corruption(fmt::format("{}: bad Expiration '{}'", where, exp)));
    }
    out.expiration_ms = *ms;
  }
  return out;
}

class StaticProvider : public CredentialsProvider {
 public:
  explicit StaticProvider(AwsCredentials c) : credentials_(std::move(c)) {}
  Result<AwsCredentials> Get() override { return credentials_; }
  void Invalidate() override {}

 private:
  AwsCredentials credentials_;
};

class DefaultChain : public CredentialsProvider {
 public:
  explicit DefaultChain(CredentialsChainOptions options) : options_(std::move(options)) {
    if (!options_.now_ms) options_.now_ms = SystemNowMs;
  }

  Result<AwsCredentials> Get() override {
    std::lock_guard lock(mu_);
    int64_t now = options_.now_ms();
    if (cached_ && Fresh(*cached_, now)) return *cached_;
    Result<AwsCredentials> fetched = active_ >= 0 ? FetchFrom(active_) : Resolve();
    if (fetched) {
      cached_ = *fetched;
      fetched_at_ms_ = now;
      return *fetched;
    }
    if (cached_ && (cached_->expiration_ms == 0 || now < cached_->expiration_ms)) {
      spdlog::warn(
          "refreshing AWS credentials from {} failed, using the current ones until they "
          "expire: {}",
          cached_->source, fetched.error().message());
      return *cached_;
    }
    return Error(fetched.error());
  }

  void Invalidate() override {
    std::lock_guard lock(mu_);
    if (cached_ && cached_->expiration_ms != 0) cached_.reset();
  }

 private:
  static constexpr int kSourceCount = 6;

  bool Fresh(const AwsCredentials& c, int64_t now) const {
    if (c.expiration_ms == 0) return true;
    // Short-lived credentials refresh at half their life rather than constantly.
    int64_t window = std::min(options_.refresh_before_expiry_ms,
                              std::max<int64_t>(0, (c.expiration_ms - fetched_at_ms_) / 2));
    return now < c.expiration_ms - window;
  }

  Result<AwsCredentials> Resolve() {
    std::vector<std::string> notes;
    for (int i = 0; i < kSourceCount; ++i) {
      std::string note;
      SourceResult r = Fetch(i, &note);
      if (!r) return Error(r.error());
      if (r->has_value()) {
        active_ = i;
        spdlog::info("AWS credentials from {}", (*r)->source);
        return std::move(**r);
      }
      notes.push_back(std::move(note));
    }
    return Error(Status::InvalidArgument(fmt::format(
        "no AWS credentials found; set aws.access.key.id and aws.secret.access.key, or the "
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables, or use a profile, "
        "web identity, container or instance credentials (tried: {})",
        fmt::join(notes, "; "))));
  }

  Result<AwsCredentials> FetchFrom(int source) {
    std::string note;
    SourceResult r = Fetch(source, &note);
    if (!r) return Error(r.error());
    if (!r->has_value()) {
      return Error(Status::Unavailable(fmt::format("AWS credentials went away: {}", note)));
    }
    return std::move(**r);
  }

  SourceResult Fetch(int source, std::string* note) {
    switch (source) {
      case 0: return FromConfigKeys(note);
      case 1: return FromEnvironment(note);
      case 2: return FromProfile(note);
      case 3: return FromWebIdentityEnv(note);
      case 4: return FromContainer(note);
      default: return FromInstanceMetadata(note);
    }
  }

  const CredentialsEnvironment& env() const { return options_.env; }

  SourceResult FromConfigKeys(std::string* note) {
    bool has_id = !options_.access_key_id.empty();
    bool has_secret = !options_.secret_access_key.empty();
    if (!has_id && !has_secret) {
      *note = "aws.access.key.id: not set";
      return std::nullopt;
    }
    if (!has_id || !has_secret) {
      return Error(Status::InvalidArgument(
          fmt::format("{} is set but {} is empty: give both keys or neither",
                      has_id ? "aws.access.key.id" : "aws.secret.access.key",
                      has_id ? "aws.secret.access.key" : "aws.access.key.id")));
    }
    AwsCredentials c;
    c.access_key_id = options_.access_key_id;
    c.secret_access_key = options_.secret_access_key;
    c.source = "config keys aws.access.key.id/aws.secret.access.key";
    return c;
  }

  SourceResult FromEnvironment(std::string* note) {
    AwsCredentials c;
    c.access_key_id = env().Get("AWS_ACCESS_KEY_ID");
    c.secret_access_key = env().Get("AWS_SECRET_ACCESS_KEY");
    if (c.empty()) {
      *note = c.access_key_id.empty() && c.secret_access_key.empty()
                  ? "environment: AWS_ACCESS_KEY_ID not set"
                  : "environment: only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set";
      return std::nullopt;
    }
    c.session_token = env().Get("AWS_SESSION_TOKEN");
    c.source = "environment";
    return c;
  }

  SourceResult FromProfile(std::string* note) {
    std::string profile = env().Get("AWS_PROFILE");
    bool explicit_profile = !profile.empty();
    if (profile.empty()) profile = env().Get("AWS_DEFAULT_PROFILE");
    explicit_profile = explicit_profile || !profile.empty();
    if (profile.empty()) profile = "default";

    std::string credentials_path = env().Get("AWS_SHARED_CREDENTIALS_FILE");
    std::string config_path = env().Get("AWS_CONFIG_FILE");
    if (credentials_path.empty() && !env().home.empty()) {
      credentials_path = env().home + "/.aws/credentials";
    }
    if (config_path.empty() && !env().home.empty()) config_path = env().home + "/.aws/config";

    // The config file first, the credentials file's values over it (as the SDKs merge).
    std::map<std::string, std::string> merged;
    bool found = false;
    for (auto [path, is_config] : {std::pair{config_path, true}, {credentials_path, false}}) {
      if (path.empty()) continue;
      auto text = ReadOptionalFile(path);
      if (!text) return Error(text.error());
      if (!text->has_value()) continue;
      IniFile ini = ParseIni(**text, is_config);
      auto it = ini.find(profile);
      if (it == ini.end()) continue;
      found = true;
      for (auto& [k, v] : it->second) merged[k] = v;
    }
    std::string where = fmt::format("profile {} ({}, {})", profile,
                                    credentials_path.empty() ? "-" : credentials_path,
                                    config_path.empty() ? "-" : config_path);
    if (!found) {
      if (explicit_profile) {
        return Error(Status::InvalidArgument(
            fmt::format("AWS profile '{}' (AWS_PROFILE) not found in {} or {}", profile,
                        credentials_path.empty() ? "-" : credentials_path,
                        config_path.empty() ? "-" : config_path)));
      }
      *note = fmt::format("profile {}: not found", profile);
      return std::nullopt;
    }
    AwsCredentials c;
    c.access_key_id = merged["aws_access_key_id"];
    c.secret_access_key = merged["aws_secret_access_key"];
    c.session_token = merged["aws_session_token"];
    if (!c.access_key_id.empty() || !c.secret_access_key.empty()) {
      if (c.empty()) {
        return Error(Status::InvalidArgument(fmt::format(
            "{}: aws_access_key_id and aws_secret_access_key must both be set", where)));
      }
      c.source = "profile " + profile;
      return c;
    }
    if (!merged["role_arn"].empty() && !merged["web_identity_token_file"].empty()) {
      std::string session = merged["role_session_name"];
      return WebIdentity(merged["role_arn"], merged["web_identity_token_file"], session,
                         "profile " + profile + " web identity");
    }
    if (!merged["role_arn"].empty()) {
      return Error(Status::Unsupported(fmt::format(
          "{}: assuming a role from source_profile/credential_source is not supported; give "
          "keys, or role_arn with web_identity_token_file",
          where)));
    }
    if (!merged["credential_process"].empty() || !merged["sso_session"].empty() ||
        !merged["sso_start_url"].empty()) {
      return Error(Status::Unsupported(fmt::format(
          "{}: credential_process and SSO profiles are not supported; export the keys (e.g. "
          "`aws configure export-credentials --format env`)",
          where)));
    }
    *note = fmt::format("profile {}: no keys", profile);
    return std::nullopt;
  }

  SourceResult FromWebIdentityEnv(std::string* note) {
    std::string token_file = env().Get("AWS_WEB_IDENTITY_TOKEN_FILE");
    std::string role = env().Get("AWS_ROLE_ARN");
    if (token_file.empty() || role.empty()) {
      *note = "web identity: AWS_WEB_IDENTITY_TOKEN_FILE/AWS_ROLE_ARN not set";
      return std::nullopt;
    }
    return WebIdentity(role, token_file, env().Get("AWS_ROLE_SESSION_NAME"), "web identity");
  }

  std::string StsEndpoint() const {
    std::string url = env().Get("AWS_ENDPOINT_URL_STS");
    if (url.empty()) url = env().Get("AWS_ENDPOINT_URL");
    if (!url.empty()) return url;
    std::string region = options_.region;
    if (region.empty()) region = env().Get("AWS_REGION");
    if (region.empty()) region = env().Get("AWS_DEFAULT_REGION");
    if (region.empty()) return "https://sts.amazonaws.com";
    return fmt::format("https://sts.{}.amazonaws.com{}", region,
                       region.starts_with("cn-") ? ".cn" : "");
  }

  SourceResult WebIdentity(const std::string& role_arn, const std::string& token_file,
                           std::string session_name, std::string source) {
    auto token = ReadOptionalFile(token_file);
    if (!token) return Error(token.error());
    if (!token->has_value() || Trim(**token).empty()) {
      return Error(Status::FailedPrecondition(
          fmt::format("web identity token file {} is missing or empty", token_file)));
    }
    if (session_name.empty()) session_name = fmt::format("tributary-{}", options_.now_ms());
    std::string endpoint = StsEndpoint();
    while (endpoint.ends_with('/')) endpoint.pop_back();
    std::string body = fmt::format(
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn={}&RoleSessionName={}"
        "&WebIdentityToken={}",
        UriEncode(role_arn, true), UriEncode(session_name, true), UriEncode(Trim(**token), true));
    HttpOptions http = options_.http;
    http.request_timeout_ms = 30'000;
    HttpRequest request{.method = "POST",
                        .url = endpoint + "/",
                        .headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                                    {"Accept", "application/xml"}},
                        .body = {reinterpret_cast<const std::byte*>(body.data()), body.size()}};
    std::string where =
        fmt::format("STS AssumeRoleWithWebIdentity at {} for {}", endpoint, role_arn);
    auto response = SendOnce(http, std::move(request));
    if (!response) return Error(response.error().WithContext(where));
    if (response->status != 200) {
      auto err = ParseXmlError(response->body);
      std::string detail = err ? fmt::format("{}: {}", err->code, err->message)
                               : std::string(response->body.substr(0, 200));
      std::string msg = fmt::format("{}: HTTP {} {}", where, response->status, detail);
      if (response->status >= 500) return Error(Status::Unavailable(std::move(msg)));
      return Error(Status::FailedPrecondition(std::move(msg)));
    }
    auto creds = XmlFirstRaw(response->body, "Credentials");
    if (!creds) {
      return Error(Status::Corruption(fmt::format("{}: the reply has no <Credentials>", where)));
    }
    AwsCredentials c;
    c.access_key_id = XmlFirst(*creds, "AccessKeyId").value_or("");
    c.secret_access_key = XmlFirst(*creds, "SecretAccessKey").value_or("");
    c.session_token = XmlFirst(*creds, "SessionToken").value_or("");
    std::string exp = XmlFirst(*creds, "Expiration").value_or("");
    if (c.empty() || c.session_token.empty()) {
      return Error(
          Status::Corruption(fmt::format("{}: the reply's <Credentials> are incomplete", where)));
    }
    if (!exp.empty()) c.expiration_ms = ParseIso8601Ms(exp).value_or(0);
    c.source = std::move(source);
    return c;
  }

  SourceResult FromContainer(std::string* note) {
    std::string relative = env().Get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    std::string full = env().Get("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    std::string url;
    if (!relative.empty()) {
      url = std::string(kEcsHost) + (relative.starts_with('/') ? "" : "/") + relative;
    } else if (!full.empty()) {
      std::string host = UrlHost(full);
      if (!full.starts_with("https://") &&
          !(full.starts_with("http://") && IsAllowedContainerHttpHost(host))) {
        return Error(Status::InvalidArgument(fmt::format(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback address or "
            "169.254.170.2/169.254.170.23; got host '{}'",
            host)));
      }
      url = full;
    } else {
      *note = "container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI not set";
      return std::nullopt;
    }
    HeaderList headers;
    std::string token;
    if (std::string file = env().Get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); !file.empty()) {
      auto text = ReadOptionalFile(file);
      if (!text) return Error(text.error());
      if (!text->has_value()) {
        return Error(Status::FailedPrecondition(
            fmt::format("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {} does not exist", file)));
      }
      token = std::string(Trim(**text));
    } else {
      token = env().Get("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    }
    if (!token.empty()) headers.emplace_back("Authorization", token);
    headers.emplace_back("Accept", "application/json");
    HttpOptions http = options_.http;
    http.connect_timeout_ms = options_.metadata_connect_timeout_ms;
    http.request_timeout_ms = 10'000;
    std::string where = fmt::format("container credentials at {}", url);
    auto response = SendOnce(http, {.method = "GET", .url = url, .headers = std::move(headers)});
    if (!response) return Error(response.error().WithContext(where));
    if (response->status != 200) {
      std::string msg = fmt::format("{}: HTTP {} {}", where, response->status,
                                    Trim(std::string_view(response->body).substr(0, 200)));
      if (response->status >= 500) return Error(Status::Unavailable(std::move(msg)));
      return Error(Status::FailedPrecondition(std::move(msg)));
    }
    return ParseJsonCredentials(response->body, where, "container credentials");
  }

  SourceResult FromInstanceMetadata(std::string* note) {
    std::string disabled = env().Get("AWS_EC2_METADATA_DISABLED");
    for (char& ch : disabled) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (disabled == "true") {
      *note = "instance metadata: AWS_EC2_METADATA_DISABLED=true";
      return std::nullopt;
    }
    std::string endpoint = env().Get("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    if (endpoint.empty()) endpoint = kImdsEndpoint;
    while (endpoint.ends_with('/')) endpoint.pop_back();
    HttpOptions http = options_.http;
    http.connect_timeout_ms = options_.metadata_connect_timeout_ms;
    http.request_timeout_ms = 5'000;
    HttpClient client(http);

    auto token = client.Send({.method = "PUT",
                              .url = endpoint + "/latest/api/token",
                              .headers = {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}}});
    if (!token) {
      // No metadata service here (not on EC2): not configured, not an error.
      *note = fmt::format("instance metadata at {}: {}", endpoint, token.error().message());
      return std::nullopt;
    }
    std::string where = fmt::format("instance metadata (IMDSv2) at {}", endpoint);
    if (token->status != 200) {
      *note = fmt::format("{}: token request got HTTP {}", where, token->status);
      return std::nullopt;
    }
    HeaderList auth = {{"X-aws-ec2-metadata-token", std::string(Trim(token->body))}};
    std::string base = endpoint + "/latest/meta-data/iam/security-credentials/";
    auto roles = client.Send({.method = "GET", .url = base, .headers = auth});
    if (!roles) return Error(roles.error().WithContext(where));
    if (roles->status == 404) {
      *note = fmt::format("{}: no IAM role attached to the instance", where);
      return std::nullopt;
    }
    if (roles->status != 200) {
      return Error(
          Status::Unavailable(fmt::format("{}: listing roles got HTTP {}", where, roles->status)));
    }
    std::string_view list = Trim(roles->body);
    std::string role(Trim(list.substr(0, list.find('\n'))));
    if (role.empty()) {
      *note = fmt::format("{}: no IAM role attached to the instance", where);
      return std::nullopt;
    }
    auto creds = client.Send({.method = "GET", .url = base + role, .headers = auth});
    if (!creds) return Error(creds.error().WithContext(where));
    if (creds->status != 200) {
      return Error(Status::Unavailable(
          fmt::format("{}: credentials of role {} got HTTP {}", where, role, creds->status)));
    }
    return ParseJsonCredentials(creds->body, where, "instance metadata role " + role);
  }

  CredentialsChainOptions options_;
  std::mutex mu_;
  std::optional<AwsCredentials> cached_;
  int64_t fetched_at_ms_ = 0;
  int active_ = -1;  // the source that answered, -1 before the first resolve
};

}  // namespace

CredentialsEnvironment CredentialsEnvironment::FromProcess() {
  CredentialsEnvironment env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    std::string name(kv.substr(0, eq));
    if (name.starts_with("AWS_")) env.vars.emplace(std::move(name), std::string(kv.substr(eq + 1)));
  }
  if (const char* home = std::getenv("HOME"); home != nullptr) env.home = home;
  return env;
}

std::string CredentialsEnvironment::Get(const std::string& name) const {
  auto it = vars.find(name);
  return it == vars.end() ? std::string() : it->second;
}

std::unique_ptr<CredentialsProvider> MakeDefaultCredentialsChain(CredentialsChainOptions options) {
  return std::make_unique<DefaultChain>(std::move(options));
}

std::unique_ptr<CredentialsProvider> MakeStaticCredentialsProvider(AwsCredentials credentials) {
  return std::make_unique<StaticProvider>(std::move(credentials));
}

}  // namespace tributary::lake
