// Target DDL: the statements that create a planned table on PostgreSQL or MySQL, split by
// when they run (schema and table before the load; primary key, secondary indexes, foreign
// keys and identity sequences after it, or later at cutover when deferred).
#pragma once

#include <string>
#include <vector>

#include "engine/catalog/schema.h"
#include "engine/catalog/type_mapping.h"

namespace switchyard::catalog {

// A table as it will exist on the target: names already transformed, types already mapped.
struct TargetTable {
  Engine engine = Engine::kPostgres;
  std::string schema;
  std::string name;
  std::vector<ColumnPlan> columns;
  std::vector<std::string> primary_key;  // target column names; empty = no primary key
  std::string primary_key_name;
  std::vector<Index> indexes;            // target column names
  std::vector<ForeignKey> foreign_keys;  // target names, referenced table already mapped
  std::string comment;
  // PostgreSQL enum types the columns use, created in `schema` before the table.
  struct EnumType {
    std::string name;
    std::vector<std::string> values;
  };
  std::vector<EnumType> enum_types;
  // Prepended to index names. MySQL index names are per table but PostgreSQL's are per schema,
  // so MySQL -> PostgreSQL sets "<table>_" to keep two tables' "idx_created" apart; same-engine
  // copies keep the source's names.
  std::string index_name_prefix;
  // CREATE INDEX statements replayed as the source wrote them (PostgreSQL expression, partial,
  // GIN/GiST indexes on a PostgreSQL target with the same schema and table names).
  std::vector<std::string> native_index_sql;
};

// CREATE SCHEMA IF NOT EXISTS (PostgreSQL) / CREATE DATABASE IF NOT EXISTS (MySQL).
std::string CreateSchemaSql(Engine engine, const std::string& schema);
std::string DropTableSql(const TargetTable& t);
std::string TruncateTableSql(const TargetTable& t);
// CREATE TABLE with columns, NOT NULL, defaults, identity and comments (MySQL inline). The
// primary key is inline when `with_primary_key`; otherwise AddPrimaryKeySql adds it later.
// On MySQL the key an AUTO_INCREMENT column must lead is always inline: the primary key, or
// the first index the column leads (CreateIndexesSql then leaves it out), or KEY `col` (col).
std::vector<std::string> CreateTableSql(const TargetTable& t, bool with_primary_key);
std::string AddPrimaryKeySql(const TargetTable& t);
std::vector<std::string> CreateIndexesSql(const TargetTable& t);
std::vector<std::string> CreateForeignKeysSql(const TargetTable& t);
// Moves identity sequences past the loaded values (PostgreSQL); MySQL needs nothing.
std::vector<std::string> SyncIdentitySql(const TargetTable& t);

}  // namespace switchyard::catalog
