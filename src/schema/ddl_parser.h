// DDL parser: MySQL 5.7 / 8.x / 9.x and MariaDB 10.x / 11.x statements -> DdlStatement.
//
// Hand-written recursive descent over the tokens of ddl_lexer.h. Covers the statements
// that change table shapes (CREATE / ALTER / RENAME / DROP / TRUNCATE TABLE, CREATE /
// ALTER / DROP DATABASE|SCHEMA, CREATE / DROP INDEX, USE) in every spelling the servers
// write to the binlog or mysqldump / SHOW CREATE TABLE print; everything else a server
// accepts (users, grants, views, routines, triggers, events, sequences, maintenance, SET,
// transactions, DML, ...) is recognised by its leading keywords and returned as a
// SkippedStatement. Expressions (defaults, generated columns, CHECK, partitioning) are
// skipped by balanced-token scanning, so nesting depth costs no stack.
//
// Normalisations made here (the rest is the catalog's):
//   - type synonyms folded (see event::SqlType); type_name is the canonical upper case
//     name ("INT", "DECIMAL", "BOOLEAN", "POINT", "MEDIUMTEXT" for LONG VARCHAR);
//   - NCHAR / NATIONAL types get charset "utf8mb3"; "utf8" is reported as "utf8mb3" and
//     "utf8_*" collations as "utf8mb3_*" (MySQL 8.0.30+ / MariaDB 10.6+ spelling);
//     charset and collation names are lower-cased;
//   - DEFAULT values: string literals unquoted ("abc"), numbers as written ("-1.50"),
//     TRUE/FALSE as "1"/"0", NULL as default_is_null, X'..' / 0x.. as their bytes (as
//     SHOW CREATE TABLE prints them), b'..' as written, CURRENT_TIMESTAMP / NOW() /
//     LOCALTIME[STAMP] as "CURRENT_TIMESTAMP" or "CURRENT_TIMESTAMP(n)", other
//     expressions as written, without one outer pair of parentheses (MySQL 8 prints
//     DEFAULT (curdate()), MariaDB DEFAULT curdate(): both give "curdate()") and
//     Column::default_is_expression set;
//   - generated expressions: the text inside the parentheses, as written;
//   - MariaDB's JSON as SHOW CREATE TABLE prints it (LONGTEXT ... CHECK
//     (json_valid(`col`))) is reported as JSON, as the DDL `JSON` is.
//
// A statement that cannot be parsed yields kInvalidArgument with the byte offset and an
// excerpt of the input there. Thread-safe (no state); never crashes or loops on any input.
#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"
#include "schema/ddl_statement.h"

namespace tributary::schema {

// Parses every statement of `sql` (separated by ';'; empty statements are dropped).
// A routine, trigger or event definition (CREATE PROCEDURE ... BEGIN ...; ... END) takes
// the rest of the input, as its body holds semicolons (the binlog has one statement per
// QUERY event). Fails on the first statement that cannot be parsed.
Result<std::vector<DdlStatement>> ParseDdl(std::string_view sql);

// Parses exactly one statement (a trailing ';' is allowed). Empty input is an error.
Result<DdlStatement> ParseDdlStatement(std::string_view sql);

}  // namespace tributary::schema
