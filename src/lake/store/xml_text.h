// A tiny reader for the XML S3 and STS send back (errors, listings, multipart replies).
//
// Not a general XML parser: it finds elements by tag name in document order, without
// namespaces (a prefix is part of the name), CDATA or comments, which those replies never
// use. Elements are found at any depth. Pure functions on views; the views returned point
// into the input and live as long as it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::lake {

// Inner text of the first <tag>...</tag> (or "" for <tag/>), entities not decoded.
std::optional<std::string_view> XmlFirstRaw(std::string_view xml, std::string_view tag);
// As XmlFirstRaw, with entities (&amp; &lt; &gt; &quot; &apos; &#N; &#xN;) decoded.
std::optional<std::string> XmlFirst(std::string_view xml, std::string_view tag);
// Inner text of every <tag> element, in order (nested elements of the same tag are not
// expected and not handled).
std::vector<std::string_view> XmlAll(std::string_view xml, std::string_view tag);

std::string XmlUnescape(std::string_view text);
// Escapes & < > " ' for element text.
std::string XmlEscape(std::string_view text);

// The <Error><Code>..</Code><Message>..</Message></Error> of an S3 (or STS
// <ErrorResponse>) reply; nullopt when the body holds no <Error> element.
struct XmlError {
  std::string code;
  std::string message;
  std::string request_id;
};
std::optional<XmlError> ParseXmlError(std::string_view body);

}  // namespace tributary::lake
