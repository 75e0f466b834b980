#include "config/diagnostic.h"

#include <fmt/format.h>

#include <algorithm>

namespace tributary::config {

std::string FormatDiagnostic(const std::string& path, const Diagnostic& d) {
  const char* level = d.error() ? "error" : "warning";
  if (d.key.empty()) return fmt::format("{}: {}: {}", path, level, d.message);
  return fmt::format("{}: {}: {}: {}", path, level, d.key, d.message);
}

bool HasErrors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.error(); });
}

}  // namespace tributary::config
