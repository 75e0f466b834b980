// tributary: MySQL/MariaDB change data capture to Kafka and S3, in one binary.
#include <fmt/format.h>

#include <exception>

#include "cli/commands.h"
#include "common/logging.h"

int main(int argc, char** argv) {
  using namespace tributary::cli;
  CLI::App app{"Tributary: MySQL/MariaDB change data capture into Kafka and an S3 data lake, "
               "Debezium- and Kafka Connect-compatible, without the JVM.",
               "tributary"};
  app.footer(
      "Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error.\n"
      "Run `tributary <command> --help` for a command's options.");
  app.require_subcommand(1);
  // Every command logs to stderr (stdout carries command output, e.g. binlog's JSON lines);
  // `run --log-level` re-initialises at its level.
  (void)tributary::InitLogging("info");
  int exit_code = kExitOk;
  AddVersionCommand(app, &exit_code);
  AddRunCommand(app, &exit_code);
  AddConfigDocCommand(app, &exit_code);
  AddBinlogCommand(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message
    return kExitUsage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "tributary: error: {}\n", e.what());
    return kExitRuntime;
  }
  return exit_code;
}
