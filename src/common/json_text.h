// Writing JSON text by hand on hot paths (no DOM): string escaping.
#pragma once

#include <string>
#include <string_view>

namespace tributary {

// Appends `s` as a JSON string literal (quotes included). Control characters, '"' and
// '\\' are escaped; valid UTF-8 passes through; each byte of an invalid UTF-8 sequence
// is written as \u00XX (its Latin-1 reading), so the output is always valid JSON.
void AppendJsonString(std::string_view s, std::string* out);

// Appends `utf8` escaped for the inside of a JSON string literal (no quotes added):
// '"', '\\' and control characters are escaped, everything else (bytes >= 0x80 included)
// is copied. REQUIRES: `utf8` is valid UTF-8 (AppendJsonString checks; converters that
// produce UTF-8 call this directly).
void AppendJsonEscaped(std::string_view utf8, std::string* out);

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or values above U+10FFFF).
bool IsValidUtf8(std::string_view s);

}  // namespace tributary
