#include "lake/store/xml_text.h"

#include <charconv>

#include "common/utf8.h"

namespace tributary::lake {
namespace {

// Finds the next start tag named `tag` at or after `from`. Sets *content_begin to just
// past its '>' and *self_closing when it is <tag/>. Returns npos when there is none.
size_t FindStart(std::string_view xml, std::string_view tag, size_t from, size_t* content_begin,
                 bool* self_closing) {
  while (true) {
    size_t lt = xml.find('<', from);
    if (lt == std::string_view::npos) return lt;
    size_t name_end = lt + 1 + tag.size();
    if (xml.compare(lt + 1, tag.size(), tag) == 0 && name_end < xml.size()) {
      char next = xml[name_end];
      if (next == '>' || next == ' ' || next == '/' || next == '\t' || next == '\n' ||
          next == '\r') {
        size_t gt = xml.find('>', name_end);
        if (gt == std::string_view::npos) return std::string_view::npos;
        *self_closing = xml[gt - 1] == '/';
        *content_begin = gt + 1;
        return lt;
      }
    }
    from = lt + 1;
  }
}

}  // namespace

std::optional<std::string_view> XmlFirstRaw(std::string_view xml, std::string_view tag) {
  size_t begin = 0;
  bool self_closing = false;
  if (FindStart(xml, tag, 0, &begin, &self_closing) == std::string_view::npos) return std::nullopt;
  if (self_closing) return std::string_view();
  std::string close = "</" + std::string(tag) + ">";
  size_t end = xml.find(close, begin);
  if (end == std::string_view::npos) return std::nullopt;
  return xml.substr(begin, end - begin);
}

std::optional<std::string> XmlFirst(std::string_view xml, std::string_view tag) {
  auto raw = XmlFirstRaw(xml, tag);
  if (!raw) return std::nullopt;
  return XmlUnescape(*raw);
}

std::vector<std::string_view> XmlAll(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> out;
  std::string close = "</" + std::string(tag) + ">";
  size_t from = 0;
  while (true) {
    size_t begin = 0;
    bool self_closing = false;
    if (FindStart(xml, tag, from, &begin, &self_closing) == std::string_view::npos) break;
    if (self_closing) {
      out.emplace_back();
      from = begin;
      continue;
    }
    size_t end = xml.find(close, begin);
    if (end == std::string_view::npos) break;
    out.push_back(xml.substr(begin, end - begin));
    from = end + close.size();
  }
  return out;
}

std::string XmlUnescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out.push_back(text[i]);
      continue;
    }
    size_t semi = text.find(';', i);
    if (semi == std::string_view::npos || semi - i > 12) {
      out.push_back('&');
      continue;
    }
    std::string_view ent = text.substr(i + 1, semi - i - 1);
    if (ent == "amp")
      out.push_back('&');
    else if (ent == "lt")
      out.push_back('<');
    else if (ent == "gt")
      out.push_back('>');
    else if (ent == "quot")
      out.push_back('"');
    else if (ent == "apos")
      out.push_back('\'');
    else if (ent.size() > 1 && ent[0] == '#') {
      uint32_t cp = 0;
      bool hex = ent[1] == 'x' || ent[1] == 'X';
      std::string_view digits = ent.substr(hex ? 2 : 1);
      auto [p, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (ec != std::errc() || p != digits.data() + digits.size()) {
        out.push_back('&');
        continue;
      }
      if (cp <= 0x10FFFF) AppendUtf8CodePoint(cp, &out);
    } else {
      out.push_back('&');
      continue;
    }
    i = semi;
  }
  return out;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::optional<XmlError> ParseXmlError(std::string_view body) {
  auto error = XmlFirstRaw(body, "Error");
  if (!error) return std::nullopt;
  XmlError out;
  out.code = XmlFirst(*error, "Code").value_or("");
  out.message = XmlFirst(*error, "Message").value_or("");
  // S3 puts RequestId inside <Error>, STS beside it.
  out.request_id = XmlFirst(*error, "RequestId").value_or(XmlFirst(body, "RequestId").value_or(""));
  return out;
}

}  // namespace tributary::lake
