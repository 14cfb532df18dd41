// MySqlCatalogReader: reads table definitions from information_schema.
//
// A handful of queries cover every table at once (tables, columns, JSON checks, index
// columns, foreign keys), so hundreds of tables cost the same few round trips as one.
// Owns its connection; one thread at a time.
#pragma once

#include <memory>

#include "engine/endpoints/endpoint.h"
#include "engine/endpoints/mysql/mysql_connection.h"

namespace switchyard::endpoints::mysql {

class MySqlCatalogReader final : public CatalogReader {
 public:
  explicit MySqlCatalogReader(std::unique_ptr<MySqlConnection> connection)
      : connection_(std::move(connection)) {}

  Result<std::vector<catalog::Table>> ReadTables(const TableFilter& filter) override;

 private:
  std::unique_ptr<MySqlConnection> connection_;
};

}  // namespace switchyard::endpoints::mysql
