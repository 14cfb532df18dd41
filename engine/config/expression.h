// add-column expressions. DMS writes them in SQLite syntax ($col references, || concatenation,
// arithmetic, string and number literals, a few functions, CASE WHEN ...). We parse a subset at
// load time (so a bad expression fails before anything connects) and translate it into the
// SOURCE dialect when the table is known, so the snapshot read computes the value:
//   MySQL:      CONCAT() for ||, `backtick` column names, IFNULL, CHAR_LENGTH for length
//   PostgreSQL: || and "double-quoted" column names, COALESCE for ifnull
// Anything outside the subset is an InvalidArgument naming the rule and the token.
//
// Supported: literals ('text', 12, 1.5, NULL), $column, $AR_M_SOURCE_SCHEMA,
// $AR_M_SOURCE_TABLE_NAME (become literals), other $AR_H_* / $AR_M_* (NULL + a "not implemented
// yet" warning), unary - + NOT, || * / % + - = == != <> < <= > >= AND OR, IS [NOT] NULL,
// [NOT] LIKE, CASE [x] WHEN .. THEN .. [ELSE ..] END, and the functions upper, lower, length,
// trim, ltrim, rtrim, substr, replace, coalesce, ifnull, nullif, abs, round, max, min.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/catalog/schema.h"
#include "engine/common/status.h"

namespace switchyard::config {

class Expression {
 public:
  // `json_path` names the expression in messages ("TableMappings.rules[4].expression").
  static Result<Expression> Parse(std::string_view text, const std::string& json_path,
                                  std::vector<std::string>* warnings);

  // SQL for `engine`, evaluated over `source_table`. Error when a $column is not in the table.
  Result<std::string> ToSql(catalog::Engine engine, const catalog::Table& source_table) const;

  // Source columns the expression reads, in order of first use.
  std::vector<std::string> ColumnReferences() const;
  const std::string& text() const { return text_; }

  struct Node;  // defined in expression.cpp

 private:
  std::shared_ptr<const Node> root_;
  std::string text_;
  std::string json_path_;
};

}  // namespace switchyard::config
