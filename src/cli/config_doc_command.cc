#include <fmt/format.h>

#include <fstream>
#include <string>

#include "cli/commands.h"
#include "config/config_doc.h"

namespace tributary::cli {

CLI::App* AddConfigDocCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "config-doc", "Print the reference of every configuration key (docs/configuration.md)");
  auto output = std::make_shared<std::string>();
  cmd->add_option("-o,--output", *output, "Write to this file instead of standard output");
  cmd->callback([exit_code, output] {
    std::string doc = config::RenderConfigDoc();
    if (output->empty()) {
      fmt::print("{}", doc);
      *exit_code = kExitOk;
      return;
    }
    std::ofstream out(*output, std::ios::binary | std::ios::trunc);
    out << doc;
    out.close();
    if (!out) {
      fmt::print(stderr, "tributary: error: cannot write {}\n", *output);
      *exit_code = kExitRuntime;
      return;
    }
    *exit_code = kExitOk;
  });
  return cmd;
}

}  // namespace tributary::cli
