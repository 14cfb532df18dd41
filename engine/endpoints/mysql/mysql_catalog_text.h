// Parsing the text information_schema hands back: ENUM/SET member lists, column defaults and
// MariaDB's JSON check constraints. Pure functions, no connection.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard::endpoints::mysql {

// Members of "enum('a','it''s','back\\slash')" or "set(...)" (COLUMN_TYPE), unescaped:
// {"a", "it's", "back\slash"}. Returns an empty list when `column_type` has no member list.
std::vector<std::string> ParseEnumValues(std::string_view column_type);

// COLUMN_DEFAULT turned into what catalog::Column::default_expr holds: the SQL expression
// text, nullopt when the column has no default or defaults to NULL.
//   MariaDB 10.2.7+ already prints SQL: string literals quoted ('abc'), NULL as the text NULL,
//   expressions as is (current_timestamp()).
//   MySQL prints literal values unquoted and marks expressions with DEFAULT_GENERATED in EXTRA;
//   literals of non-numeric types are quoted here.
std::optional<std::string> NormalizeDefault(const std::optional<std::string>& column_default,
                                            bool mariadb, std::string_view data_type,
                                            std::string_view extra);

// The column named by a MariaDB JSON check "json_valid(`col`)" (backquotes undoubled), or
// nullopt for any other clause.
std::optional<std::string> JsonValidColumn(std::string_view check_clause);

}  // namespace switchyard::endpoints::mysql
