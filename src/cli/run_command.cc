#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>

#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/connector_plan.h"
#include "common/logging.h"
#include "config/connector_config.h"
#include "config/loader.h"
#include "connectors/run_sink.h"
#include "connectors/run_source.h"

namespace tributary::cli {
namespace {

// Runs one connector in this process until it fails or SIGINT/SIGTERM stops it.
int RunOne(const config::ConnectorConfig& c) {
  switch (c.kind) {
    case config::ConnectorKind::kMySqlSource: return connectors::RunMySqlSourceConnector(c);
    case config::ConnectorKind::kS3Sink: return connectors::RunS3SinkConnector(c);
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

int Run(const RunArgs& args) {
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
  auto pipeline = CheckPipeline(connectors);
  for (const auto& d : pipeline) fmt::print(stderr, "{}\n", config::FormatDiagnostic("tributary", d));
  if (config::HasErrors(pipeline)) {
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
