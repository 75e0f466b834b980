// Diagnostic: one problem found in a config file, for the person who wrote it.
#pragma once

#include <string>
#include <vector>

namespace tributary::config {

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string key;      // the key as written in the file; empty for file-level problems
  std::string message;  // never contains a secret value

  bool error() const { return severity == Severity::kError; }
};

// "<path>: error: <key>: <message>" (or "warning"), one line.
std::string FormatDiagnostic(const std::string& path, const Diagnostic& d);

bool HasErrors(const std::vector<Diagnostic>& diagnostics);

}  // namespace tributary::config
