// LocalStore: an ObjectStore in a folder (store.url=file:///path), the same key layout as
// in a bucket: key "topics/t/partition=0/t+0+0000000000.json" is the file
// <root>/topics/t/partition=0/t+0+0000000000.json.
//
// Writes are atomic and durable: bytes go to a temporary file beside the target
// (".<name>.tributary-tmp-<random>", never listed), which is fsynced, renamed over the
// target, and the directory fsynced. Directories are created as needed and left in place
// when emptied. Keys must be relative paths without "." / ".." / empty segments (S3 allows
// those, a folder cannot hold them faithfully): such keys get kInvalidArgument.
//
// Threading: all methods are thread-safe (the file system serialises); an Upload is used
// by one thread at a time. Temporary files of a crashed process stay behind, hidden.
#pragma once

#include <memory>
#include <string>

#include "lake/store/object_store.h"

namespace tributary::lake {

class LocalStore : public ObjectStore {
 public:
  // `root` is an absolute folder path; it is created if missing.
  static Result<std::unique_ptr<LocalStore>> Open(const std::string& root);

  std::string Describe() const override;
  Status Put(std::string_view key, std::span<const std::byte> data,
             const WriteOptions& options = {}) override;
  Result<std::unique_ptr<ObjectUpload>> BeginUpload(std::string_view key,
                                                    const WriteOptions& options = {}) override;
  Result<std::string> Get(std::string_view key) override;
  Result<std::optional<ObjectInfo>> Head(std::string_view key) override;
  Result<ListPage> List(std::string_view prefix, std::string_view token,
                        int max_keys = 1000) override;
  Status Delete(std::string_view key) override;

  const std::string& root() const { return root_; }

 private:
  explicit LocalStore(std::string root) : root_(std::move(root)) {}

  std::string root_;  // no trailing '/'
};

}  // namespace tributary::lake
