// Renders docs/configuration.md from the options table (`tributary config-doc`).
#pragma once

#include <string>

namespace tributary::config {

std::string RenderConfigDoc();

}  // namespace tributary::config
