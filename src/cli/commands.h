// The subcommands of the `tributary` binary. Each Add*Command registers its options on
// the CLI11 app and returns the exit code holder that main() reads after parsing.
//
// Exit codes: 0 ok, 1 runtime failure, 2 usage or config error.
#pragma once

#include <CLI/CLI.hpp>

namespace tributary::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;
inline constexpr int kExitUsage = 2;

// Each returns the subcommand; its callback stores the exit code in *exit_code.
CLI::App* AddVersionCommand(CLI::App& app, int* exit_code);
CLI::App* AddRunCommand(CLI::App& app, int* exit_code);
CLI::App* AddConfigDocCommand(CLI::App& app, int* exit_code);
CLI::App* AddBinlogCommand(CLI::App& app, int* exit_code);

}  // namespace tributary::cli
