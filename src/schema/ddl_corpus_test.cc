// The DDL corpus: src/schema/testdata/ddl_corpus.txt.
//
// Each case is a statement sequence applied to a fresh Catalog, and the expected
// rendering of what happened: one line per statement outcome (table changes, unknown
// tables, USE, skipped statements, errors), then every database and table left in the
// catalog (DescribeTable). Layout:
//
//   === case name
//   -- options: lower_case_table_names server_charset=latin1 utf8mb4=utf8mb4_0900_ai_ci
//   SQL ...;
//   ---
//   expected lines
//
// The current database starts as `test` (which exists with the server defaults). Lines
// starting with '#' between cases are comments. After a deliberate change of behaviour,
// TRIBUTARY_DDL_CORPUS_REGEN=1 rewrites the expectations from the actual results (then
// review the diff).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "schema/catalog.h"
#include "schema/ddl_parser.h"

namespace tributary::schema {
namespace {

struct CorpusCase {
  std::string comments;  // "#" lines between the previous case and this one
  std::string name;
  std::string options;
  std::string sql;
  std::string expected;
  size_t line = 0;
};

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// Cases, and the text before the first one (kept by the regenerator).
std::vector<CorpusCase> ParseCorpus(const std::vector<std::string>& lines, std::string* preamble) {
  std::vector<CorpusCase> cases;
  CorpusCase* cur = nullptr;
  bool in_expected = false;
  std::string comments;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.starts_with("=== ")) {
      cases.push_back(CorpusCase{comments, l.substr(4), "", "", "", i + 1});
      comments.clear();
      cur = &cases.back();
      in_expected = false;
      continue;
    }
    if (cur == nullptr) {
      *preamble += l + "\n";
      continue;
    }
    if (!in_expected && cur->sql.empty() && l.starts_with("-- options:")) {
      cur->options = l.substr(11);
      continue;
    }
    if (l == "---" && !in_expected) {
      in_expected = true;
      continue;
    }
    if (in_expected) {
      if (l.starts_with("#")) comments += l + "\n";  // kept for the next case
      if (l.empty() || l.starts_with("#")) continue;
      cur->expected += l + "\n";
    } else {
      cur->sql += l + "\n";
    }
  }
  return cases;
}

CatalogOptions OptionsOf(const std::string& spec) {
  CatalogOptions o;
  std::istringstream in(spec);
  std::string word;
  while (in >> word) {
    if (word == "lower_case_table_names") {
      o.lower_case_table_names = true;
    } else if (word.starts_with("server_charset=")) {
      o.server_charset = word.substr(15);
    } else if (word.starts_with("server_collation=")) {
      o.server_collation = word.substr(17);
    } else if (word.starts_with("utf8mb4=")) {
      o.charset_default_collations["utf8mb4"] = word.substr(8);
    } else {
      ADD_FAILURE() << "unknown corpus option " << word;
    }
  }
  return o;
}

std::string Id(const event::TableId& id) { return id.database + "." + id.table; }

// Runs one case; returns the rendering and counts the statements.
std::string RunCase(const CorpusCase& c, size_t* statements) {
  std::string out;
  Catalog catalog(OptionsOf(c.options));
  catalog.PutDatabase("test", "", "");
  auto parsed = ParseDdl(c.sql);
  if (!parsed) return "error: " + parsed.error().message() + "\n";
  std::string current = "test";
  for (const DdlStatement& st : *parsed) {
    ++*statements;
    if (const auto* skip = std::get_if<SkippedStatement>(&st.body)) {
      out += "skip " + skip->what + "\n";
      continue;
    }
    auto r = catalog.Apply(st, current);
    if (!r) {
      out += "error: " + r.error().message() + "\n";
      continue;
    }
    if (r->use_database) {
      current = *r->use_database;
      out += "use " + current + "\n";
    }
    for (const TableChange& ch : r->changes) {
      out += "change " + std::string(TableChangeTypeName(ch.type)) + " " + Id(ch.id);
      if (ch.previous_id) out += " from " + Id(*ch.previous_id);
      if (!ch.schema_complete) out += " incomplete";
      out += "\n";
      // The change carries the table as it is after the statement.
      if (ch.type != TableChange::Type::kDrop) {
        const event::TableSchema* now = catalog.FindTable(ch.id);
        if (now == nullptr || DescribeTable(*now) != DescribeTable(ch.schema)) {
          bool later_change = false;
          for (const TableChange& other : r->changes) later_change |= &other > &ch && other.id == ch.id;
          for (const TableChange& other : r->changes) {
            later_change |= &other > &ch && other.previous_id && *other.previous_id == ch.id;
          }
          if (!later_change) out += "  (change schema differs from catalog)\n";
        }
      }
    }
    for (const event::TableId& id : r->unknown_tables) out += "unknown " + Id(id) + "\n";
  }
  for (const std::string& db : catalog.DatabaseNames()) {
    const Catalog::Database* d = catalog.FindDatabase(db);
    if (db == "test" && d->charset == "utf8mb4" && d->collation == "utf8mb4_general_ci") continue;
    out += "database " + d->name + " " + d->charset + "/" + d->collation + "\n";
  }
  for (const event::TableId& id : catalog.TableIds()) out += DescribeTable(*catalog.FindTable(id));
  return out;
}

TEST(DdlCorpus, EveryCaseMatches) {
  std::string path = TRIBUTARY_DDL_CORPUS;
  std::vector<std::string> lines = ReadLines(path);
  ASSERT_FALSE(lines.empty()) << "cannot read " << path;
  std::string preamble;
  std::vector<CorpusCase> cases = ParseCorpus(lines, &preamble);
  size_t statements = 0;
  bool regen = std::getenv("TRIBUTARY_DDL_CORPUS_REGEN") != nullptr;
  std::string rewritten = preamble;
  for (const CorpusCase& c : cases) {
    std::string actual = RunCase(c, &statements);
    if (regen) {
      rewritten += c.comments.empty() ? "" : c.comments + "\n";
      rewritten += "=== " + c.name + "\n";
      if (!c.options.empty()) rewritten += "-- options:" + c.options + "\n";
      rewritten += c.sql + "---\n" + actual + "\n";
    } else {
      EXPECT_EQ(c.expected, actual) << "case '" << c.name << "' at " << path << ":" << c.line;
    }
  }
  if (regen) {
    std::ofstream(path) << rewritten;
    GTEST_SKIP() << "rewrote " << path;
  }
  // The corpus must stay a real one.
  EXPECT_GE(statements, 300u);
  EXPECT_GE(cases.size(), 100u);
}

}  // namespace
}  // namespace tributary::schema
