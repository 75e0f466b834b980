// Text primitives for writing JSON exactly as Kafka Connect's JsonConverter (Jackson) and
// Debezium write it: string escaping, Java's Float/Double.toString, BigDecimal text,
// base64 and hex.
//
// Everything appends to a caller-owned std::string (reused across events on the hot
// path); nothing allocates except through `out` growing. Thread-safe: no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tributary::format::debezium {

// Appends `utf8` as a JSON string literal (quotes included) with Jackson's escaping:
// \" \\ \b \t \f \n \r, other bytes below 0x20 as \u00XX with upper-case hex digits;
// everything else (including bytes >= 0x80) as is. REQUIRES: `utf8` is valid UTF-8.
void AppendJsonStringLiteral(std::string_view utf8, std::string* out);

// As above, without the quotes.
void AppendJsonStringBody(std::string_view utf8, std::string* out);

// Java's Double.toString (JDK 19+, the shortest decimal that reads back, with Java's
// rule of preferring the closest 2-digit decimal when 1 digit would do): "1.0", "100.0",
// "1.0E10", "1.0E-5", "4.9E-324", "-0.0", "NaN", "Infinity".
void AppendJavaDouble(double v, std::string* out);

// Java's Float.toString with the same rules for float32: "1.1", "3.4028235E38".
void AppendJavaFloat(float v, std::string* out);

// The exact decimal value of `v` as Java's `new BigDecimal(v).toPlainString()` writes it:
// "100000000000000000000", "0.1000000000000000055511151231257827021181583404541015625".
void AppendExactDoublePlain(double v, std::string* out);

// Java's BigDecimal.toString() of unscaled digits `digits` (no sign, no leading zeros
// except a lone "0") with `scale`, negative when `negative`: "123.45", "1E-7", "0E-8".
void AppendBigDecimalString(std::string_view digits, int scale, bool negative, std::string* out);

// Standard base64 with padding (java.util.Base64.getEncoder, Jackson's binary nodes).
void AppendBase64(std::string_view bytes, std::string* out);
// URL-safe alphabet (-_), with padding (java.util.Base64.getUrlEncoder).
void AppendBase64Url(std::string_view bytes, std::string* out);
// Lower-case hex, two digits per byte.
void AppendHexLower(std::string_view bytes, std::string* out);

void AppendInt(int64_t v, std::string* out);
void AppendUInt(uint64_t v, std::string* out);

}  // namespace tributary::format::debezium
