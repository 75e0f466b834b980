#include <curl/curl.h>
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <mysql.h>
#include <zstd.h>

#include <string>

#include "build_info.h"
#include "cli/allocator.h"
#include "cli/commands.h"
#include "common/malloc_info.h"

namespace tributary::cli {

CLI::App* AddVersionCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("version", "Print the version and the libraries it runs on");
  cmd->callback([exit_code] {
    fmt::print("tributary {} (commit {}, {} build)\n", TRIBUTARY_VERSION, TRIBUTARY_GIT_COMMIT,
               TRIBUTARY_BUILD_TYPE);
    fmt::print("  libmariadb {}\n", mysql_get_client_info());
    fmt::print("  librdkafka {}\n", rd_kafka_version_str());
    fmt::print("  libcurl {}\n", curl_version_info(CURLVERSION_NOW)->version);
    fmt::print("  zstd {}\n", ZSTD_versionString());
    fmt::print("  malloc: {}\n", MallocName());
    if (std::string preload = SourceMallocPreload(); !preload.empty()) {
      fmt::print("  source connectors: mimalloc preloaded from {}\n", preload);
    }
    *exit_code = kExitOk;
  });
  return cmd;
}

}  // namespace tributary::cli
