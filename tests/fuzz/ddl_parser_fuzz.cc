// libFuzzer target for the DDL parser and the catalog: any bytes are parsed as SQL and
// every statement that parses is applied to a catalog that already holds a few tables
// (so that ALTER / RENAME / DROP reach real schemas), then every table is rendered.
// Parse and apply errors are expected outcomes; a crash, sanitizer report, leak or hang
// is a bug. An odd-sized input runs with lower_case_table_names.
// scripts/fuzz.sh seeds it with the statements of src/schema/testdata/ddl_corpus.txt.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "schema/catalog.h"
#include "schema/ddl_parser.h"

namespace {

using tributary::schema::Catalog;
using tributary::schema::CatalogOptions;

constexpr std::string_view kBaseSchema =
    "CREATE DATABASE test CHARSET latin1;"
    "CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(10), b TEXT, c ENUM('x','y'), "
    "  UNIQUE KEY ua (a), KEY kb (b(3)));"
    "CREATE TABLE Mixed (x INT, y DECIMAL(5,2) NOT NULL DEFAULT 0, z JSON);"
    "CREATE TABLE other.u (k BIGINT UNSIGNED AUTO_INCREMENT, PRIMARY KEY (k));";

// The catalog every input starts from, built once per option value.
const Catalog& BaseCatalog(bool lower_case_table_names) {
  static const Catalog* bases[2] = {nullptr, nullptr};
  const Catalog*& base = bases[lower_case_table_names ? 1 : 0];
  if (base == nullptr) {
    CatalogOptions options;
    options.lower_case_table_names = lower_case_table_names;
    auto* c = new Catalog(options);
    if (!c->ApplySql(kBaseSchema, "test")) __builtin_trap();  // the harness's own DDL
    base = c;
  }
  return *base;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  std::string_view sql(reinterpret_cast<const char*>(bytes), size);
  Catalog catalog = BaseCatalog((size % 2) == 1);

  auto statements = tributary::schema::ParseDdl(sql);
  if (!statements) return 0;
  std::string current = "test";
  for (const auto& st : *statements) {
    if (st.end < st.offset || st.end > size) __builtin_trap();
    auto applied = catalog.Apply(st, current);
    if (!applied) continue;
    if (applied->use_database) current = *applied->use_database;
  }
  static volatile size_t sink = 0;
  for (const auto& id : catalog.TableIds()) {
    const auto* table = catalog.FindTable(id);
    if (table == nullptr) __builtin_trap();  // listed ids must be found
    sink = sink + tributary::schema::DescribeTable(*table).size();
  }
  return 0;
}
