#include "format/parquet/thrift_compact.h"

#include <cstdlib>

namespace tributary::format::parquet {

void CompactWriter::FieldHeader(int16_t id, CompactType type) {
  int16_t& last = last_id_[depth_];
  int delta = id - last;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_->push_back(static_cast<char>(type));
    Varint(ZigZag(static_cast<int32_t>(id)));
  }
  last = id;
}

void CompactWriter::ListHeader(CompactType elem, uint32_t size) {
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | static_cast<uint32_t>(elem)));
  } else {
    out_->push_back(static_cast<char>(0xf0 | static_cast<int>(elem)));
    Varint(size);
  }
}

void CompactWriter::Push() {
  if (depth_ + 1 >= kMaxDepth) std::abort();  // Parquet's structs nest 5 deep at most
  ++depth_;
  last_id_[depth_] = 0;
}

}  // namespace tributary::format::parquet
