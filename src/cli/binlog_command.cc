#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "mysql/binlog_file.h"
#include "mysql/event_json.h"

namespace tributary::cli {
namespace {

struct BinlogArgs {
  std::vector<std::string> files;
  bool no_verify_checksum = false;
  bool quiet = false;
};

int RunBinlog(const BinlogArgs& args) {
  std::string line;
  size_t total = 0;
  for (const auto& path : args.files) {
    mysql::DecoderOptions options;
    options.verify_checksums = !args.no_verify_checksum;
    auto reader = mysql::BinlogFileReader::Open(path, options);
    if (!reader) {
      fmt::print(stderr, "tributary: error: {}\n", reader.error().message());
      return kExitRuntime;
    }
    mysql::EventJsonContext ctx;
    ctx.binlog_file = path;
    while (auto ev = (*reader)->Next()) {
      if (!ev->has_value()) {
        std::fflush(stdout);
        fmt::print(stderr, "tributary: error: {}\n", ev->error().message());
        return kExitRuntime;
      }
      const mysql::DecodedEvent& e = **ev;
      if (const auto* g = std::get_if<mysql::GtidEvent>(&e.body)) {
        ctx.gtid = g->anonymous ? "" : g->ToString();
      } else if (const auto* mg = std::get_if<mysql::MariaGtidEvent>(&e.body)) {
        ctx.gtid = mg->gtid.ToString();
      }
      ++total;
      if (args.quiet) continue;
      line.clear();
      if (Status s = mysql::AppendEventJson(e, ctx, &line); !s.ok()) {
        std::fflush(stdout);
        fmt::print(stderr, "tributary: error: {}:{}: {}\n", path, e.offset, s.message());
        return kExitRuntime;
      }
      line.push_back('\n');
      std::fwrite(line.data(), 1, line.size(), stdout);
    }
  }
  if (args.quiet) fmt::print(stderr, "{} events decoded\n", total);
  return kExitOk;
}

}  // namespace

CLI::App* AddBinlogCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<BinlogArgs>();
  auto* cmd = app.add_subcommand(
      "binlog", "Decode binlog files and print one JSON object per event (docs/binlog-tool.md)");
  cmd->add_option("--file", args->files, "Binlog file(s) to decode, plain or .gz")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_flag("--no-verify-checksum", args->no_verify_checksum,
                "Do not check event CRC32s (for files known to be damaged)");
  cmd->add_flag("-q,--quiet", args->quiet, "Decode everything but print only the event count");
  cmd->footer("Exit codes: 0 ok, 1 undecodable input (the message names file and offset), 2 usage.");
  cmd->callback([exit_code, args] { *exit_code = RunBinlog(*args); });
  return cmd;
}

}  // namespace tributary::cli
