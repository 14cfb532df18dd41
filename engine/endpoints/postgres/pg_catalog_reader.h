// PgCatalogReader: reads table definitions from pg_catalog with five queries for all tables at
// once (tables, columns, enum labels, indexes, foreign keys), inside one REPEATABLE READ READ
// ONLY transaction so they agree with each other.
//
// Tables: ordinary and partitioned tables (relkind 'r', 'p'), not partitions; pg_catalog,
// information_schema, pg_toast* and pg_temp* are never returned. Size estimates of a partitioned
// table are the sums over its partitions.
//
// Indexes: Table::indexes holds plain btree indexes on columns. Expression, partial and
// non-btree indexes (GIN, GiST, ...) cannot be described by catalog::Index; they are left out of
// Table::indexes and listed by special_indexes() with their CREATE INDEX text. INCLUDE columns
// are not part of Index::columns.
//
// Ownership: owns its connection. Threading: one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/endpoints/endpoint.h"
#include "engine/endpoints/postgres/pg_connection.h"

namespace switchyard::endpoints::postgres {

// An index catalog::Index cannot describe, with the definition to recreate it on PostgreSQL.
struct PgSpecialIndex {
  std::string schema;
  std::string table;
  std::string name;
  bool unique = false;
  std::string definition;  // pg_get_indexdef(): "CREATE INDEX i ON s.t USING gin (doc)"
};

class PgCatalogReader final : public CatalogReader {
 public:
  explicit PgCatalogReader(std::unique_ptr<PgConnection> connection);

  Result<std::vector<catalog::Table>> ReadTables(const TableFilter& filter) override;
  Result<std::vector<catalog::Sequence>> ReadSequences(const TableFilter& filter) override;

  // The special indexes of the tables returned by the last ReadTables() call.
  const std::vector<PgSpecialIndex>& special_indexes() const { return special_indexes_; }

  PgConnection& session() { return *connection_; }

 private:
  Result<std::vector<catalog::Table>> ReadInTransaction(const TableFilter& filter);

  std::unique_ptr<PgConnection> connection_;
  std::vector<PgSpecialIndex> special_indexes_;
};

}  // namespace switchyard::endpoints::postgres
