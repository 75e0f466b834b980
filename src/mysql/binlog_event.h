// Binlog event vocabulary: type codes, the common header, checksum algorithms.
#pragma once

#include <cstdint>
#include <string_view>

namespace tributary::mysql {

enum class EventType : uint8_t {
  kUnknown = 0,
  kStartV3 = 1,
  kQuery = 2,
  kStop = 3,
  kRotate = 4,
  kIntvar = 5,
  kSlave = 7,
  kAppendBlock = 9,
  kDeleteFile = 11,
  kRand = 13,
  kUserVar = 14,
  kFormatDescription = 15,
  kXid = 16,
  kBeginLoadQuery = 17,
  kExecuteLoadQuery = 18,
  kTableMap = 19,
  kWriteRowsV0 = 20,
  kUpdateRowsV0 = 21,
  kDeleteRowsV0 = 22,
  kWriteRowsV1 = 23,
  kUpdateRowsV1 = 24,
  kDeleteRowsV1 = 25,
  kIncident = 26,
  kHeartbeat = 27,
  kIgnorable = 28,
  kRowsQuery = 29,
  kWriteRowsV2 = 30,
  kUpdateRowsV2 = 31,
  kDeleteRowsV2 = 32,
  kGtid = 33,
  kAnonymousGtid = 34,
  kPreviousGtids = 35,
  kTransactionContext = 36,
  kViewChange = 37,
  kXaPrepare = 38,
  kPartialUpdateRows = 39,
  kTransactionPayload = 40,
  kHeartbeatV2 = 41,
  kGtidTagged = 42,
  // MariaDB
  kMariaAnnotateRows = 160,
  kMariaBinlogCheckpoint = 161,
  kMariaGtid = 162,
  kMariaGtidList = 163,
  kMariaStartEncryption = 164,
  kMariaQueryCompressed = 165,
  kMariaWriteRowsCompressedV1 = 166,
  kMariaUpdateRowsCompressedV1 = 167,
  kMariaDeleteRowsCompressedV1 = 168,
  kMariaWriteRowsCompressed = 169,
  kMariaUpdateRowsCompressed = 170,
  kMariaDeleteRowsCompressed = 171,
};

// "WRITE_ROWS_V2", "GTID", ...; "UNKNOWN_<n>" for codes we do not know.
std::string EventTypeName(EventType type);

enum class ChecksumAlgorithm : uint8_t { kNone = 0, kCrc32 = 1, kUndefined = 255 };

inline constexpr size_t kEventHeaderLength = 19;  // binlog v4
inline constexpr size_t kChecksumLength = 4;
inline constexpr uint32_t kBinlogMagic = 0x6e6962fe;  // fe 'b' 'i' 'n'

// Header flags.
inline constexpr uint16_t kFlagBinlogInUse = 0x0001;
inline constexpr uint16_t kFlagArtificial = 0x0020;
inline constexpr uint16_t kFlagRelayLog = 0x0040;
inline constexpr uint16_t kFlagIgnorable = 0x0080;

struct EventHeader {
  uint32_t timestamp = 0;
  EventType type = EventType::kUnknown;
  uint8_t raw_type = 0;
  uint32_t server_id = 0;
  uint32_t event_size = 0;  // header + body + checksum
  uint32_t log_pos = 0;     // position after this event in the source binlog (0 inside payloads)
  uint16_t flags = 0;
};

}  // namespace tributary::mysql
