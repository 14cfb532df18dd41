#include "engine/endpoints/mysql/mysql_catalog_text.h"

#include <strings.h>

#include "engine/catalog/identifier.h"

namespace switchyard::endpoints::mysql {
namespace {

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         strncasecmp(text.data(), prefix.data(), prefix.size()) == 0;
}

bool IsNumericType(std::string_view type) {
  static constexpr std::string_view kNumeric[] = {"tinyint", "smallint", "mediumint", "int",
                                                  "integer", "bigint",   "decimal",   "numeric",
                                                  "float",   "double",   "real",      "bit"};
  for (std::string_view t : kNumeric) {
    if (type == t) return true;
  }
  return false;
}

// MySQL string escapes as the server prints them inside quoted literals.
char Unescape(char c) {
  switch (c) {
    case '0':
      return '\0';
    case 'b':
      return '\b';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'Z':
      return '\x1a';
    default:
      return c;  // \\ \' \" and anything else: the character itself
  }
}

}  // namespace

std::vector<std::string> ParseEnumValues(std::string_view column_type) {
  std::vector<std::string> values;
  size_t open = column_type.find('(');
  if (open == std::string_view::npos) return values;
  size_t i = open + 1;
  while (i < column_type.size() && column_type[i] == '\'') {
    std::string value;
    ++i;
    while (i < column_type.size()) {
      char c = column_type[i];
      if (c == '\\' && i + 1 < column_type.size()) {
        value.push_back(Unescape(column_type[i + 1]));
        i += 2;
      } else if (c == '\'') {
        if (i + 1 < column_type.size() && column_type[i + 1] == '\'') {
          value.push_back('\'');
          i += 2;
        } else {
          ++i;  // closing quote
          break;
        }
      } else {
        value.push_back(c);
        ++i;
      }
    }
    values.push_back(std::move(value));
    if (i < column_type.size() && column_type[i] == ',') ++i;
  }
  return values;
}

std::optional<std::string> NormalizeDefault(const std::optional<std::string>& column_default,
                                            bool mariadb, std::string_view data_type,
                                            std::string_view extra) {
  if (!column_default.has_value()) return std::nullopt;
  const std::string& text = *column_default;
  if (mariadb) {
    if (text == "NULL") return std::nullopt;
    return text;
  }
  if (extra.find("DEFAULT_GENERATED") != std::string_view::npos) return text;
  if (IsNumericType(data_type)) return text;
  return catalog::QuoteLiteral(catalog::Engine::kMySql, text);
}

std::optional<std::string> JsonValidColumn(std::string_view check_clause) {
  constexpr std::string_view kPrefix = "json_valid(`";
  if (!StartsWithNoCase(check_clause, kPrefix) || check_clause.size() < kPrefix.size() + 2 ||
      check_clause.substr(check_clause.size() - 2) != "`)") {
    return std::nullopt;
  }
  std::string_view quoted =
      check_clause.substr(kPrefix.size(), check_clause.size() - kPrefix.size() - 2);
  std::string name;
  for (size_t i = 0; i < quoted.size(); ++i) {
    if (quoted[i] == '`') {
      if (i + 1 >= quoted.size() || quoted[i + 1] != '`') return std::nullopt;  // not one name
      ++i;
    }
    name.push_back(quoted[i]);
  }
  return name;
}

}  // namespace switchyard::endpoints::mysql
