// BinlogFileReader: reads a binlog file (plain or .gz) event by event.
//
// The whole file is mapped (or, for .gz, inflated) into memory, so DecodedEvents view
// it until the reader is destroyed. Events inside a TRANSACTION_PAYLOAD come right
// after the payload event, marked `inner`. Errors name the file and the offset.
// Not thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mysql/event_decoder.h"

namespace tributary::mysql {

class BinlogFileReader {
 public:
  static Result<std::unique_ptr<BinlogFileReader>> Open(const std::string& path,
                                                        DecoderOptions options = {});
  // Reads binlog bytes already in memory (tests, fuzzing); `name` names them in errors.
  static Result<std::unique_ptr<BinlogFileReader>> FromMemory(std::vector<std::byte> bytes,
                                                              std::string name,
                                                              DecoderOptions options = {});
  ~BinlogFileReader();
  BinlogFileReader(const BinlogFileReader&) = delete;
  BinlogFileReader& operator=(const BinlogFileReader&) = delete;

  // The next event; nullopt at the end of the file. After an error, reading stops.
  std::optional<Result<DecodedEvent>> Next();

  const std::string& path() const { return path_; }
  uint64_t offset() const { return pos_; }
  uint64_t size() const { return data_.size(); }
  // The decoder, e.g. to install a TABLE_MAP hook before reading.
  EventDecoder& decoder() { return decoder_; }

 private:
  BinlogFileReader(std::string path, DecoderOptions options) : path_(std::move(path)), decoder_(options) {}
  Result<DecodedEvent> Fail(uint64_t at, const Status& s);
  Status CheckMagic();

  std::string path_;
  EventDecoder decoder_;
  std::span<const std::byte> data_;
  void* mapping_ = nullptr;       // mmap of a plain file
  std::vector<std::byte> inflated_;  // content of a .gz file
  uint64_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace tributary::mysql
