#include "connectors/sink_tagging.h"

#include "connectors/sink_retry.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <set>

namespace tributary::connectors {
namespace {

constexpr const char* kPairsKey = "s3.object.tagging.key.value.pairs";
constexpr size_t kMaxExtraTags = 7;  // S3: 10 tags per object, 3 are the offset tags
constexpr size_t kMaxTagKey = 128;
constexpr size_t kMaxTagValue = 256;

// S3's tag alphabet: letters and digits (any non-ASCII UTF-8 is let through: S3 allows
// Unicode letters), spaces and + - = . _ : / @.
bool ValidTagText(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || std::isalnum(u) || c == ' ') continue;
    if (std::string_view("+-=._:/@").find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool OffsetTagName(std::string_view k) {
  return k == "startOffset" || k == "endOffset" || k == "recordCount";
}

}  // namespace

Result<ObjectTagging> ObjectTagging::Parse(const std::vector<std::string>& pairs,
                                           std::string_view behavior) {
  auto bad = [](std::string msg) {
    return Error(Status::InvalidArgument(fmt::format("{}: {}", kPairsKey, msg)));
  };
  ObjectTagging t;
  t.fail_on_error = behavior == "fail";
  std::set<std::string, std::less<>> seen;
  for (const std::string& item : pairs) {
    if (item.empty()) continue;
    size_t colon = item.find(':');
    if (colon == std::string::npos || colon == 0) {
      return bad(fmt::format("'{}' is not key:value", item));
    }
    std::string key = item.substr(0, colon);
    std::string value = item.substr(colon + 1);
    if (OffsetTagName(key)) {
      return bad(fmt::format("'{}' would replace the sink's own {} tag", item, key));
    }
    if (key.size() > kMaxTagKey || value.size() > kMaxTagValue) {
      return bad(fmt::format("'{}': S3 allows tag keys of {} and values of {} characters",
                             item, kMaxTagKey, kMaxTagValue));
    }
    if (!ValidTagText(key) || !ValidTagText(value)) {
      return bad(fmt::format("'{}': S3 tags allow letters, digits, spaces and + - = . _ : / @",
                             item));
    }
    if (!seen.insert(key).second) return bad(fmt::format("tag key '{}' is given twice", key));
    t.extra.emplace_back(std::move(key), std::move(value));
  }
  if (t.extra.size() > kMaxExtraTags) {
    return bad(fmt::format("{} pairs; S3 allows 10 tags per object, 3 of them are startOffset, "
                           "endOffset and recordCount",
                           t.extra.size()));
  }
  return t;
}

lake::ObjectTags ObjectTagsFor(const ObjectTagging& tagging, int64_t start_offset,
                               int64_t end_offset, uint64_t count) {
  lake::ObjectTags tags;
  tags.reserve(3 + tagging.extra.size());
  tags.emplace_back("startOffset", std::to_string(start_offset));
  tags.emplace_back("endOffset", std::to_string(end_offset));
  tags.emplace_back("recordCount", std::to_string(count));
  for (const auto& kv : tagging.extra) tags.push_back(kv);
  return tags;
}

Status TagUploadedObject(lake::ObjectStore& store, const std::string& key,
                         const lake::ObjectTags& tags, bool fail_on_error,
                         std::chrono::milliseconds backoff, const std::stop_token& stop,
                         const std::stop_token& abandon) {
  if (!fail_on_error) {
    Status s = store.PutTags(key, tags);
    if (!s.ok()) {
      spdlog::warn("cannot tag {} (s3.object.behavior.on.tagging.error=ignore: it stays "
                   "untagged): {}",
                   key, s.message());
    }
    return Status::Ok();
  }
  Status s = RetryWhileRetryable(
      "tagging " + key, [&] { return store.PutTags(key, tags); }, backoff, stop, abandon);
  if (s.ok() || s.retryable()) return s;  // retryable: stopped while waiting
  return s.WithContext(fmt::format("tagging {} (s3.object.behavior.on.tagging.error=fail)", key));
}

}  // namespace tributary::connectors
