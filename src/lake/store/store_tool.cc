// store_tool: a small client of the object stores, for the end-to-end tests and for
// measuring uploads. Not installed; built with the tests.
//
//   store_tool [options] put KEY FILE       one PutObject (whole file in memory)
//   store_tool [options] upload KEY FILE    streaming upload (multipart past the part size),
//                                           prints a JSON line of figures
//   store_tool [options] get KEY [OUT]      to OUT or stdout
//   store_tool [options] head KEY
//   store_tool [options] ls PREFIX          "key<TAB>size<TAB>etag" lines
//   store_tool [options] rm KEY
//   store_tool [options] pending PREFIX     incomplete multipart uploads (S3 only)
//
// Options: --url (default $TRIBUTARY_S3_ENDPOINT; file:///path for a folder), --bucket
// (default $TRIBUTARY_S3_BUCKET), --region (default $AWS_REGION or us-east-1),
// --path-style true|false, --part-size BYTES, --parallelism N, --retries N,
// --chunk BYTES (upload: size of each Append). Credentials: the AWS default chain.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/logging.h"
#include "lake/store/local_store.h"
#include "lake/store/s3_store.h"

using namespace tributary;
using namespace tributary::lake;

namespace {

std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

int Fail(const Status& s) {
  std::fprintf(stderr, "store_tool: %s\n", s.ToString().c_str());
  return 1;
}

int Usage() {
  std::fprintf(stderr,
               "usage: store_tool [--url U] [--bucket B] [--region R] [--path-style true|false]\n"
               "                  [--part-size N] [--parallelism N] [--retries N] [--chunk N]\n"
               "                  put|upload|get|head|ls|rm|pending ARGS...\n");
  return 2;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(Status::IoError("cannot read " + path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (Status s = InitLogging(EnvOr("STORE_TOOL_LOG_LEVEL", "warn")); !s.ok()) return Fail(s);
  std::map<std::string, std::string> opt = {
      {"url", EnvOr("TRIBUTARY_S3_ENDPOINT", "http://127.0.0.1:9000")},
      {"bucket", EnvOr("TRIBUTARY_S3_BUCKET", "tributary-lake")},
      {"region", EnvOr("AWS_REGION", "us-east-1")},
      {"path-style", "true"},
      {"part-size", std::to_string(25 * 1024 * 1024)},
      {"parallelism", "4"},
      {"retries", "3"},
      {"chunk", std::to_string(1024 * 1024)}};
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.starts_with("--")) {
      std::string name = a.substr(2);
      if (!opt.count(name) || i + 1 >= argc) return Usage();
      opt[name] = argv[++i];
    } else {
      args.push_back(a);
    }
  }
  if (args.size() < 2) return Usage();
  const std::string& cmd = args[0];

  std::unique_ptr<ObjectStore> store;
  S3Store* s3 = nullptr;
  if (opt["url"].starts_with("file://")) {
    auto local = LocalStore::Open(opt["url"].substr(7));
    if (!local) return Fail(local.error());
    store = std::move(*local);
  } else {
    S3StoreOptions o;
    o.endpoint = opt["url"];
    o.bucket = opt["bucket"];
    o.region = opt["region"];
    o.path_style = opt["path-style"] == "true";
    o.part_size = std::stoll(opt["part-size"]);
    o.part_parallelism = std::stoi(opt["parallelism"]);
    o.retry.max_retries = std::stoi(opt["retries"]);
    CredentialsChainOptions c;
    c.env = CredentialsEnvironment::FromProcess();
    c.region = o.region;
    auto opened = S3Store::Open(std::move(o), MakeDefaultCredentialsChain(std::move(c)));
    if (!opened) return Fail(opened.error());
    s3 = opened->get();
    store = std::move(*opened);
  }

  const std::string& key = args[1];
  if (cmd == "put" && args.size() == 3) {
    auto data = ReadFile(args[2]);
    if (!data) return Fail(data.error());
    Status s = store->Put(key, AsBytes(*data));
    return s.ok() ? 0 : Fail(s);
  }
  if (cmd == "upload" && args.size() == 3) {
    int fd = ::open(args[2].c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Fail(Status::IoError("cannot open " + args[2]));
    auto start = std::chrono::steady_clock::now();
    auto up = store->BeginUpload(key);
    if (!up) return Fail(up.error());
    std::string chunk(static_cast<size_t>(std::stoll(opt["chunk"])), '\0');
    while (true) {
      ssize_t n = ::read(fd, chunk.data(), chunk.size());
      if (n < 0) return Fail(Status::IoError("read failed"));
      if (n == 0) break;
      Status s = (*up)->Append(AsBytes(std::string_view(chunk.data(), static_cast<size_t>(n))));
      if (!s.ok()) return Fail(s);
    }
    ::close(fd);
    Status s = (*up)->Complete();
    if (!s.ok()) return Fail(s);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    uint64_t bytes = (*up)->size();
    std::printf(
        "{\"bytes\":%llu,\"seconds\":%.3f,\"mb_per_s\":%.1f,\"parts\":%llu,"
        "\"retries\":%llu,\"max_rss_mb\":%.1f,\"cpu_user_s\":%.2f,\"cpu_sys_s\":%.2f}\n",
        static_cast<unsigned long long>(bytes), secs, bytes / 1e6 / secs,
        static_cast<unsigned long long>(s3 ? s3->counters().parts_uploaded.load() : 0),
        static_cast<unsigned long long>(s3 ? s3->counters().retries.load() : 0),
        ru.ru_maxrss / 1024.0, ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
        ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
    return 0;
  }
  if (cmd == "get" && (args.size() == 2 || args.size() == 3)) {
    auto data = store->Get(key);
    if (!data) return Fail(data.error());
    if (args.size() == 3) {
      std::ofstream(args[2], std::ios::binary) << *data;
    } else {
      std::fwrite(data->data(), 1, data->size(), stdout);
    }
    return 0;
  }
  if (cmd == "head" && args.size() == 2) {
    auto info = store->Head(key);
    if (!info) return Fail(info.error());
    if (!info->has_value()) return Fail(Status::NotFound(key + ": no such object"));
    std::printf("%s\t%llu\t%s\n", (*info)->key.c_str(),
                static_cast<unsigned long long>((*info)->size), (*info)->etag.c_str());
    return 0;
  }
  if (cmd == "ls" && args.size() == 2) {
    auto all = store->ListAll(key);
    if (!all) return Fail(all.error());
    for (auto& o : *all) {
      std::printf("%s\t%llu\t%s\n", o.key.c_str(), static_cast<unsigned long long>(o.size),
                  o.etag.c_str());
    }
    return 0;
  }
  if (cmd == "rm" && args.size() == 2) {
    Status s = store->Delete(key);
    return s.ok() ? 0 : Fail(s);
  }
  if (cmd == "pending" && args.size() == 2 && s3 != nullptr) {
    auto pending = s3->ListPendingUploads(key);
    if (!pending) return Fail(pending.error());
    for (auto& p : *pending) std::printf("%s\t%s\n", p.key.c_str(), p.upload_id.c_str());
    return 0;
  }
  return Usage();
}
