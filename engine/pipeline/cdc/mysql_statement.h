// Reading MySQL/MariaDB statements from the binlog's QUERY events, as far as CDC needs it: a
// small lexer (keywords, identifiers, comments) and the table-level DDL that ends a captured
// table's capture (DROP TABLE, RENAME TABLE, ALTER TABLE ... RENAME TO). Pure functions; no
// full SQL grammar: what is not understood is reported as such, and the caller errs on the
// safe side (it stops rather than guesses).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard::pipeline::cdc::mysql_statement {

std::string Lower(std::string_view s);
// `s` without leading white space and comments (/* */, "-- ", #).
std::string_view SkipSpaceAndComments(std::string_view s);
// Reads a keyword (letters/underscores), lowercased; advances `s`. Empty when none.
std::string Word(std::string_view& s);
// Reads one identifier, backquoted or bare; advances `s`. Empty on failure.
std::string Identifier(std::string_view& s);
// The comma-separated clauses of `s` (an ALTER TABLE's), split only outside quotes and
// parentheses.
std::vector<std::string_view> SplitClauses(std::string_view s);

struct QualifiedName {
  std::string schema;  // the event's default database when the statement does not say
  std::string name;
  bool operator==(const QualifiedName&) const = default;
};

// One table a statement takes away from its name.
struct TableEnd {
  QualifiedName table;
  std::optional<QualifiedName> renamed_to;  // nullopt: dropped
  bool operator==(const TableEnd&) const = default;
};

// The tables that `statement` drops or renames, in statement order:
//   DROP TABLE [IF EXISTS] a [, b ...]           -> each dropped
//   RENAME TABLE a TO b [, c TO d ...]           -> each renamed (a swap shows as a chain)
//   ALTER [ONLINE] [IGNORE] TABLE a ... RENAME [TO|AS] b -> renamed
// Unqualified names are in `default_db`. Empty for any other statement, and for temporary
// tables (DROP TEMPORARY TABLE), which are never captured. nullopt when the statement is one
// of the three but could not be read: the caller must not guess which tables it names.
std::optional<std::vector<TableEnd>> TablesEndedBy(std::string_view statement,
                                                   const std::string& default_db);

}  // namespace switchyard::pipeline::cdc::mysql_statement
