// Compressed binlog content: MySQL TRANSACTION_PAYLOAD (zstd) and MariaDB's compressed
// query and rows events (zlib).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/byte_reader.h"
#include "mysql/events.h"

namespace tributary::mysql {

// Decodes a TRANSACTION_PAYLOAD body: its (type, length, value) header fields, then the
// payload, decompressed into *out (replacing its content). Refuses an uncompressed size
// above `max_size` (bounded memory) and a payload that does not decompress to exactly
// the size its header states.
Result<TransactionPayloadEvent> DecodeTransactionPayload(ByteReader& reader, uint64_t max_size,
                                                         std::vector<std::byte>* out);

// MariaDB's compressed blocks: a byte 0x80|n, the uncompressed length in n big-endian
// bytes, then zlib data.
Result<std::vector<std::byte>> MariaDbUncompress(std::span<const std::byte> block);

}  // namespace tributary::mysql
