#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/allocator.h"
#include "cli/commands.h"
#include "cli/connector_plan.h"
#include "common/logging.h"
#include "config/connector_config.h"
#include "config/loader.h"
#include "connectors/run_sink.h"
#include "connectors/run_source.h"
#include "server/listen_address.h"
#include "server/metrics_endpoint.h"

namespace tributary::cli {
namespace {

constexpr const char* kMetricsListen = "tributary.metrics.listen";
constexpr const char* kMetricsAllowRemote = "tributary.metrics.allow.remote";

// The connector's metrics endpoint address (nullopt: none), checked against the bind
// policy. Errors: InvalidArgument naming the key.
Result<std::optional<server::ListenAddress>> MetricsAddress(const config::ConnectorConfig& c) {
  std::string listen = c.GetString(kMetricsListen);
  if (listen.empty()) return std::optional<server::ListenAddress>();
  auto address = server::CheckListenAddress(listen, c.GetBool(kMetricsAllowRemote));
  if (!address) return Error(address.error());
  return std::optional<server::ListenAddress>(std::move(*address));
}

// Every connector's endpoint address is valid and no two connectors share one.
bool CheckMetricsAddresses(const std::vector<config::ConnectorConfig>& all) {
  bool ok = true;
  std::map<std::pair<std::string, uint16_t>, std::string> used;  // (host, port) -> connector
  for (const auto& c : all) {
    auto address = MetricsAddress(c);
    if (!address) {
      fmt::print(stderr, "tributary: error: connector '{}': {}\n", c.name,
                 address.error().message());
      ok = false;
      continue;
    }
    if (!*address || (*address)->port == 0) continue;
    auto [it, fresh] = used.emplace(std::pair((*address)->host, (*address)->port), c.name);
    if (!fresh) {
      fmt::print(stderr,
                 "tributary: error: connectors '{}' and '{}' both give {}={}: each connector "
                 "runs in its own process and needs its own port\n",
                 it->second, c.name, kMetricsListen, c.GetString(kMetricsListen));
      ok = false;
    }
  }
  return ok;
}

// Runs one connector in this process until it fails or SIGINT/SIGTERM stops it, with its
// metrics endpoint when configured (the endpoint's thread blocks every signal, so the
// connector's signal handling still works).
int RunOne(const config::ConnectorConfig& c) {
  std::unique_ptr<server::MetricsEndpoint> endpoint;
  auto address = MetricsAddress(c);
  if (!address) {
    fmt::print(stderr, "tributary: error: connector '{}': {}\n", c.name, address.error().message());
    return kExitUsage;
  }
  if (*address) {
    server::MetricsEndpointOptions o;
    o.address = **address;
    o.connector = c.name;
    o.type = c.kind == config::ConnectorKind::kS3Sink ? "sink" : "source";
    auto started = server::MetricsEndpoint::Start(std::move(o));
    if (!started) {
      fmt::print(stderr, "tributary: error: connector '{}': metrics endpoint: {}\n", c.name,
                 started.error().message());
      return kExitRuntime;
    }
    endpoint = std::move(*started);
    const std::string& host = (*address)->host;
    spdlog::info("connector {}: metrics and health on http://{}:{}/metrics and /health", c.name,
                 host.find(':') == std::string::npos ? host : fmt::format("[{}]", host),
                 endpoint->port());
  }
  switch (c.kind) {
    case config::ConnectorKind::kMySqlSource:
      return connectors::RunMySqlSourceConnector(c, endpoint.get());
    case config::ConnectorKind::kS3Sink: return connectors::RunS3SinkConnector(c, endpoint.get());
    default: break;
  }
  fmt::print(stderr, "tributary: error: connector '{}' is of a kind this build cannot run\n", c.name);
  return kExitUsage;
}

std::atomic<bool> g_stop_children{false};
void OnStopSignal(int) { g_stop_children = true; }

// Several connectors (e.g. the source and the sink of one pipeline): one child process
// each, so they fail and restart independently; SIGINT/SIGTERM are passed on to every
// child and the worst exit code is returned.
int RunSeveral(const std::vector<config::ConnectorConfig>& all) {
  std::fflush(stdout);
  std::fflush(stderr);
  std::vector<pid_t> children;
  for (const auto& c : all) {
    pid_t pid = ::fork();
    if (pid < 0) {
      fmt::print(stderr, "tributary: error: cannot start a process for connector '{}'\n", c.name);
      for (pid_t p : children) ::kill(p, SIGTERM);
      break;
    }
    if (pid == 0) ::_exit(RunOne(c));
    children.push_back(pid);
  }
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  int worst = children.size() == all.size() ? kExitOk : kExitRuntime;
  size_t running = children.size();
  bool forwarded = false;
  while (running > 0) {
    int status = 0;
    pid_t done = ::waitpid(-1, &status, 0);
    if (done < 0) {
      if (errno != EINTR) break;
      if (g_stop_children && !forwarded) {
        for (pid_t p : children) ::kill(p, SIGTERM);
        forwarded = true;
      }
      continue;
    }
    --running;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : kExitRuntime;
    worst = std::max(worst, code);
    if (code != kExitOk && !forwarded) {
      // One connector failed: stop the others too, as one pipeline.
      for (pid_t p : children) ::kill(p, SIGTERM);
      forwarded = true;
    }
  }
  return worst;
}

struct RunArgs {
  std::vector<std::string> files;
  bool dry_run = false;
  bool show_settings = false;
  std::string log_level = "info";
};

// One source connector alone, to be started: nothing printed yet (validation runs again,
// printing its diagnostics, in the process that goes on).
bool IsOneSourceToStart(const RunArgs& args) {
  if (args.dry_run || args.files.size() != 1) return false;
  // Read twice: only a regular file (a pipe, e.g. `run <(envsubst < f.json)`, has one read).
  struct stat st {};
  if (::stat(args.files[0].c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  auto raw = config::LoadConfigFile(args.files[0]);
  if (!raw) return false;
  auto result = config::Validate(*raw);
  return result.config && result.config->kind == config::ConnectorKind::kMySqlSource;
}

int Run(const RunArgs& args) {
  if (IsOneSourceToStart(args)) MaybeRunSourceOnMimalloc();
  std::vector<config::ConnectorConfig> connectors;
  bool failed = false;
  for (const auto& path : args.files) {
    auto raw = config::LoadConfigFile(path);
    if (!raw) {
      fmt::print(stderr, "{}\n", raw.error().message());
      failed = true;
      continue;
    }
    auto result = config::Validate(*raw);
    for (const auto& d : result.diagnostics) {
      fmt::print(stderr, "{}\n", config::FormatDiagnostic(path, d));
    }
    if (!result.config) {
      failed = true;
      continue;
    }
    connectors.push_back(std::move(*result.config));
  }
  if (failed) {
    fmt::print(stderr, "tributary: configuration has errors; nothing started\n");
    return kExitUsage;
  }
  for (const auto& c : connectors) {
    auto clients = CheckKafkaClients(c);
    for (const auto& d : clients) fmt::print(stderr, "{}\n", config::FormatDiagnostic(c.path, d));
    failed |= config::HasErrors(clients);
  }
  if (failed) {
    fmt::print(stderr, "tributary: configuration has errors; nothing started\n");
    return kExitUsage;
  }
  auto pipeline = CheckPipeline(connectors);
  for (const auto& d : pipeline) fmt::print(stderr, "{}\n", config::FormatDiagnostic("tributary", d));
  if (config::HasErrors(pipeline) || !CheckMetricsAddresses(connectors)) {
    fmt::print(stderr, "tributary: configuration has errors; nothing started\n");
    return kExitUsage;
  }
  for (const auto& c : connectors) {
    fmt::print("{}", DescribeConnector(c));
    if (args.show_settings) fmt::print("  settings given:\n{}", DescribeSettings(c));
  }
  if (args.dry_run) {
    fmt::print("configuration OK ({} connector{}); dry run, nothing started\n", connectors.size(),
               connectors.size() == 1 ? "" : "s");
    return kExitOk;
  }
  if (connectors.size() == 1) return RunOne(connectors[0]);
  return RunSeveral(connectors);
}

}  // namespace

CLI::App* AddRunCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand(
      "run", "Load connector config files (Kafka Connect JSON, bare maps or .properties), "
             "validate them and start the connectors");
  cmd->add_option("files", args->files, "Connector config files")->required()->check(CLI::ExistingFile);
  cmd->add_flag("--dry-run", args->dry_run,
                "Validate and say what would start, then exit (0 when the files are valid)");
  cmd->add_flag("--show-settings", args->show_settings,
                "Also list the settings each file gives (secrets hidden)");
  cmd->add_option("--log-level", args->log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str();
  cmd->footer("Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error.");
  cmd->callback([exit_code, args] {
    if (Status s = InitLogging(args->log_level); !s.ok()) {
      fmt::print(stderr, "tributary: error: {}\n", s.message());
      *exit_code = kExitUsage;
      return;
    }
    *exit_code = Run(*args);
  });
  return cmd;
}

}  // namespace tributary::cli
