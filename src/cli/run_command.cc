#include <fmt/format.h>

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
  // One MySQL source runs in this process (docs/source-connector.md).
  if (connectors.size() == 1 && connectors[0].kind == config::ConnectorKind::kMySqlSource) {
    return connectors::RunMySqlSourceConnector(connectors[0]);
  }
  // One S3 sink runs in this process (docs/sink-connector.md).
  if (connectors.size() == 1 && connectors[0].kind == config::ConnectorKind::kS3Sink) {
    return connectors::RunS3SinkConnector(connectors[0]);
  }
  // The connectors are wired in by later work (see README "Status").
  fmt::print(stderr,
             "tributary: error: this build validates configurations only; the connector "
             "runtime is not built in yet (use --dry-run to check files)\n");
  return kExitRuntime;
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
