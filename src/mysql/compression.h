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
// payload, decompressed into *out (replacing its content). The uncompressed size field is
// informational (MySQL's streaming compressor may omit it, and zstd frames may not state
// it): without it the frame is decompressed as a stream. Refuses more than `max_size`
// decompressed bytes (bounded memory), a cut-off frame, and a result that differs from a
// size the header does state.
Result<TransactionPayloadEvent> DecodeTransactionPayload(ByteReader& reader, uint64_t max_size,
                                                         std::vector<std::byte>* out);

// MariaDB's compressed blocks: a byte 0x80|n, the uncompressed length in n big-endian
// bytes, then zlib data.
Result<std::vector<std::byte>> MariaDbUncompress(std::span<const std::byte> block);

}  // namespace tributary::mysql
