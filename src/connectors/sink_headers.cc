#include "connectors/sink_headers.h"

#include <fmt/format.h>

#include "common/json_text.h"
#include "format/gzip_stream.h"
#include "format/record_value.h"

namespace tributary::connectors {
namespace {

// `s` with each byte that does not start a valid UTF-8 sequence replaced by U+FFFD.
std::string ReplaceInvalidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  size_t i = 0;
  while (i < s.size()) {
    // Find the longest valid prefix from i by growing one sequence at a time.
    size_t n = 0;
    for (size_t len = 1; len <= 4 && i + len <= s.size(); ++len) {
      if (IsValidUtf8(s.substr(i, len))) {
        n = len;
        break;
      }
    }
    if (n == 0) {
      out.append("\xEF\xBF\xBD");
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

void AppendText(std::string_view bytes, std::string* out) {
  if (IsValidUtf8(bytes)) {
    format::AppendJacksonString(bytes, out);
  } else {
    format::AppendJacksonString(ReplaceInvalidUtf8(bytes), out);
  }
}

}  // namespace

void EncodeHeadersLine(const format::SinkRecord& record, std::string* out) {
  out->append("{\"headers\":[");
  bool first = true;
  for (const format::SinkHeader& h : record.headers) {
    if (!first) out->push_back(',');
    first = false;
    out->append("{\"key\":");
    AppendText(h.key, out);
    out->append(",\"value\":");
    if (h.value) {
      AppendText(*h.value, out);
    } else {
      out->append("null");
    }
    out->push_back('}');
  }
  out->append("]}");
}

Status MissingHeadersError(const format::SinkRecord& record) {
  if (!record.headers.empty()) return Status::Ok();
  return Status::InvalidArgument(fmt::format(
      "{}: Headers cannot be null for a record when store.kafka.headers=true (the record has "
      "no headers; Kafka Connect's S3 sink fails it the same way)",
      format::RecordPosition(record)));
}

HeadersJsonFormat::HeadersJsonFormat(const format::JsonLinesOptions& options) {
  if (options.compression == format::Compression::kGzip) {
    gzip_ = std::make_unique<format::GzipStream>(options.compression_level);
  }
}

HeadersJsonFormat::~HeadersJsonFormat() = default;

std::string_view HeadersJsonFormat::Extension() const { return gzip_ ? ".json.gz" : ".json"; }

Status HeadersJsonFormat::Begin(std::string* out) {
  out_ = out;
  records_ = 0;
  plain_bytes_ = 0;
  if (gzip_) return gzip_->Begin(out_);
  return Status::Ok();
}

Status HeadersJsonFormat::Append(const format::SinkRecord& record, const format::ParsedValue&) {
  if (out_ == nullptr) return Status::Internal("HeadersJsonFormat::Append before Begin");
  if (Status s = MissingHeadersError(record); !s.ok()) return s;
  std::string* target = gzip_ ? &line_ : out_;
  if (gzip_) line_.clear();
  size_t at = target->size();
  EncodeHeadersLine(record, target);
  target->push_back('\n');
  plain_bytes_ += target->size() - at;
  ++records_;
  return gzip_ ? gzip_->Write(line_, out_) : Status::Ok();
}

Status HeadersJsonFormat::Finish() {
  if (out_ == nullptr) return Status::Internal("HeadersJsonFormat::Finish before Begin");
  Status s = gzip_ ? gzip_->Finish(out_) : Status::Ok();
  out_ = nullptr;
  return s;
}

uint64_t HeadersJsonFormat::EstimatedObjectBytes() const {
  if (!gzip_) return plain_bytes_;
  return gzip_->bytes_out() + gzip_->pending_in() / 2 + 8;
}

uint64_t HeadersJsonFormat::BufferedBytes() const {
  return line_.capacity() + (gzip_ ? format::GzipStream::kStateBytes : 0);
}

}  // namespace tributary::connectors
