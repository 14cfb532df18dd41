#include "engine/endpoints/mysql/mysql_catalog_reader.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "engine/endpoints/mysql/mysql_catalog_text.h"

namespace switchyard::endpoints::mysql {
namespace {

using TableKey = std::pair<std::string, std::string>;  // (schema, table), exact bytes

const std::string& Text(const SqlRow& row, size_t i) {
  static const std::string kEmpty;
  return row[i].has_value() ? *row[i] : kEmpty;
}

std::optional<int64_t> Integer(const SqlRow& row, size_t i) {
  if (!row[i].has_value() || row[i]->empty()) return std::nullopt;
  return std::strtoll(row[i]->c_str(), nullptr, 10);
}

std::string Lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

bool IsBinaryType(std::string_view type) {
  return type == "binary" || type == "varbinary" || type == "tinyblob" || type == "blob" ||
         type == "mediumblob" || type == "longblob";
}

bool IsTemporalWithFraction(std::string_view type) {
  return type == "time" || type == "datetime" || type == "timestamp";
}

// Fills the parts of a column's type that depend on DATA_TYPE.
catalog::ColumnType MakeType(const std::string& data_type, const std::string& column_type,
                             std::optional<int64_t> char_length,
                             std::optional<int64_t> numeric_precision,
                             std::optional<int64_t> numeric_scale,
                             std::optional<int64_t> datetime_precision,
                             const std::optional<std::string>& charset) {
  catalog::ColumnType type;
  type.name = Lower(data_type);
  type.full = column_type;
  type.is_unsigned = Contains(column_type, " unsigned");
  if (type.name == "bit") {
    type.length = numeric_precision;  // bits
  } else if (char_length.has_value()) {
    type.length = char_length;  // characters for strings, bytes for binary/blob
  }
  if (type.name == "decimal" || type.name == "numeric") {
    if (numeric_precision) type.precision = static_cast<int>(*numeric_precision);
    if (numeric_scale) type.scale = static_cast<int>(*numeric_scale);
  } else if (IsTemporalWithFraction(type.name) && datetime_precision.has_value()) {
    type.precision = static_cast<int>(*datetime_precision);
  }
  if (type.name == "enum" || type.name == "set") type.enum_values = ParseEnumValues(column_type);
  if (charset.has_value()) {
    type.charset = *charset;
  } else if (IsBinaryType(type.name)) {
    type.charset = "binary";
  }
  type.is_json = type.name == "json";
  return type;
}

// 'a','b' for an IN list; every value through the connection's escaping.
std::string InList(MySqlConnection& conn, const std::set<std::string>& values) {
  std::string out;
  for (const std::string& value : values) {
    if (!out.empty()) out += ",";
    out += conn.QuoteLiteral(value);
  }
  return out;
}

constexpr const char* kSystemSchemas = "('mysql','information_schema','performance_schema','sys')";

}  // namespace

Result<std::vector<catalog::Table>> MySqlCatalogReader::ReadTables(const TableFilter& filter) {
  MySqlConnection& conn = *connection_;
  std::vector<catalog::Table> tables;
  std::map<TableKey, size_t> index_of;
  std::set<std::string> schemas;

  SY_ASSIGN_OR_RETURN(
      auto table_rows,
      conn.Query(std::string("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_COMMENT, TABLE_ROWS, "
                             "DATA_LENGTH FROM information_schema.TABLES "
                             "WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN ") +
                 kSystemSchemas));
  for (const SqlRow& row : table_rows) {
    const std::string& schema = Text(row, 0);
    const std::string& name = Text(row, 1);
    if (filter && !filter(schema, name)) continue;
    catalog::Table table;
    table.schema = schema;
    table.name = name;
    table.comment = Text(row, 2);
    table.estimated_rows = Integer(row, 3).value_or(0);
    table.estimated_bytes = Integer(row, 4).value_or(0);
    tables.push_back(std::move(table));
  }
  std::sort(tables.begin(), tables.end(), [](const catalog::Table& a, const catalog::Table& b) {
    return std::tie(a.schema, a.name) < std::tie(b.schema, b.name);
  });
  for (size_t i = 0; i < tables.size(); ++i) {
    index_of[{tables[i].schema, tables[i].name}] = i;
    schemas.insert(tables[i].schema);
  }
  if (tables.empty()) return tables;
  // information_schema compares names case-insensitively; rows are matched back to tables by
  // exact bytes through index_of, so the IN list only narrows what the server reads.
  const std::string in_schemas = "(" + InList(conn, schemas) + ")";
  auto find = [&](const SqlRow& row) -> catalog::Table* {
    auto it = index_of.find({Text(row, 0), Text(row, 1)});
    return it == index_of.end() ? nullptr : &tables[it->second];
  };

  // Partitions (for parallel-load partitions-auto / partitions-list), in their order.
  SY_ASSIGN_OR_RETURN(
      auto partition_rows,
      conn.Query(
          "SELECT TABLE_SCHEMA, TABLE_NAME, PARTITION_NAME FROM information_schema.PARTITIONS "
          "WHERE PARTITION_NAME IS NOT NULL AND TABLE_SCHEMA IN " +
          in_schemas +
          " GROUP BY TABLE_SCHEMA, TABLE_NAME, PARTITION_NAME "
          "ORDER BY TABLE_SCHEMA, TABLE_NAME, MIN(PARTITION_ORDINAL_POSITION)"));
  for (const SqlRow& row : partition_rows) {
    if (catalog::Table* t = find(row)) t->partitions.push_back(Text(row, 2));
  }

  // Columns. ORDINAL_POSITION order is kept by sorting per table below.
  SY_ASSIGN_OR_RETURN(
      auto column_rows,
      conn.Query("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, "
                 "IS_NULLABLE, DATA_TYPE, COLUMN_TYPE, CHARACTER_MAXIMUM_LENGTH, "
                 "NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, CHARACTER_SET_NAME, "
                 "EXTRA, COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN " +
                 in_schemas + " ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION"));
  std::map<TableKey, std::vector<std::pair<int64_t, catalog::Column>>> columns_of;
  for (const SqlRow& row : column_rows) {
    catalog::Table* table = find(row);
    if (table == nullptr) continue;
    catalog::Column column;
    column.name = Text(row, 2);
    column.type = MakeType(Text(row, 6), Text(row, 7), Integer(row, 8), Integer(row, 9),
                           Integer(row, 10), Integer(row, 11), row[12]);
    column.nullable = Text(row, 5) == "YES";
    const std::string extra = Text(row, 13);
    column.auto_increment = Contains(extra, "auto_increment");
    // VIRTUAL GENERATED / STORED GENERATED (and MariaDB's older PERSISTENT), but not MySQL's
    // DEFAULT_GENERATED, which marks an expression default.
    column.generated =
        Contains(extra, "VIRTUAL") || Contains(extra, "STORED") || Contains(extra, "PERSISTENT");
    if (!column.generated) {
      column.default_expr = NormalizeDefault(row[4], conn.is_mariadb(), column.type.name, extra);
    }
    column.comment = Text(row, 14);
    columns_of[{table->schema, table->name}].emplace_back(Integer(row, 3).value_or(0),
                                                          std::move(column));
  }
  for (auto& [key, columns] : columns_of) {
    std::stable_sort(columns.begin(), columns.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    catalog::Table& table = tables[index_of[key]];
    for (auto& entry : columns) table.columns.push_back(std::move(entry.second));
  }

  // MariaDB stores JSON as LONGTEXT plus a CHECK (json_valid(`col`)) constraint.
  if (conn.is_mariadb()) {
    SY_ASSIGN_OR_RETURN(
        auto check_rows,
        conn.Query("SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CHECK_CLAUSE "
                   "FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA IN " +
                   in_schemas + " AND CHECK_CLAUSE LIKE 'json\\_valid(%'"));
    for (const SqlRow& row : check_rows) {
      catalog::Table* table = find(row);
      if (table == nullptr) continue;
      std::optional<std::string> column_name = JsonValidColumn(Text(row, 2));
      if (!column_name) continue;
      for (catalog::Column& column : table->columns) {
        if (column.name == *column_name) column.type.is_json = true;
      }
    }
  }

  // Indexes: one row per (index, column). Rows of one index are grouped in first-seen order
  // and their columns put in SEQ_IN_INDEX order.
  SY_ASSIGN_OR_RETURN(
      auto index_rows,
      conn.Query("SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, "
                 "COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN " +
                 in_schemas + " ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"));
  struct PendingIndex {
    catalog::Index index;
    std::vector<std::pair<int64_t, std::string>> columns;
    bool expression = false;  // MySQL 8 functional key part: not representable, skipped
  };
  std::map<TableKey, std::vector<PendingIndex>> indexes_of;
  for (const SqlRow& row : index_rows) {
    catalog::Table* table = find(row);
    if (table == nullptr) continue;
    auto& list = indexes_of[{table->schema, table->name}];
    const std::string& name = Text(row, 2);
    auto it = std::find_if(list.begin(), list.end(),
                           [&](const PendingIndex& p) { return p.index.name == name; });
    if (it == list.end()) {
      PendingIndex pending;
      pending.index.name = name;
      pending.index.unique = Text(row, 3) == "0";
      pending.index.primary = name == "PRIMARY";
      list.push_back(std::move(pending));
      it = list.end() - 1;
    }
    if (!row[5].has_value()) {
      it->expression = true;
      continue;
    }
    it->columns.emplace_back(Integer(row, 4).value_or(0), *row[5]);
  }
  for (auto& [key, list] : indexes_of) {
    catalog::Table& table = tables[index_of[key]];
    for (PendingIndex& pending : list) {
      if (pending.expression) continue;
      std::stable_sort(pending.columns.begin(), pending.columns.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      for (auto& column : pending.columns) pending.index.columns.push_back(column.second);
      if (pending.index.primary) {
        table.primary_key = std::move(pending.index);
      } else {
        table.indexes.push_back(std::move(pending.index));
      }
    }
  }

  // Foreign keys: one row per column, in ORDINAL_POSITION order within each constraint.
  SY_ASSIGN_OR_RETURN(
      auto fk_rows,
      conn.Query("SELECT k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, "
                 "k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, "
                 "r.UPDATE_RULE, r.DELETE_RULE "
                 "FROM information_schema.KEY_COLUMN_USAGE k "
                 "JOIN information_schema.REFERENTIAL_CONSTRAINTS r "
                 "ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA "
                 "AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME "
                 "WHERE k.REFERENCED_TABLE_NAME IS NOT NULL AND k.TABLE_SCHEMA IN " +
                 in_schemas +
                 " ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, "
                 "k.ORDINAL_POSITION"));
  for (const SqlRow& row : fk_rows) {
    catalog::Table* table = find(row);
    if (table == nullptr) continue;
    const std::string& name = Text(row, 2);
    auto it = std::find_if(table->foreign_keys.begin(), table->foreign_keys.end(),
                           [&](const catalog::ForeignKey& fk) { return fk.name == name; });
    if (it == table->foreign_keys.end()) {
      catalog::ForeignKey fk;
      fk.name = name;
      fk.ref_schema = Text(row, 4);
      fk.ref_table = Text(row, 5);
      fk.on_update = Text(row, 7);
      fk.on_delete = Text(row, 8);
      table->foreign_keys.push_back(std::move(fk));
      it = table->foreign_keys.end() - 1;
    }
    it->columns.push_back(Text(row, 3));
    it->ref_columns.push_back(Text(row, 6));
  }
  return tables;
}

}  // namespace switchyard::endpoints::mysql
