#include "engine/endpoints/endpoint.h"

#include "engine/endpoints/mysql/mysql_endpoint.h"
#include "engine/endpoints/postgres/postgres_endpoint.h"

namespace switchyard::endpoints {

std::string ConnectionParams::Describe() const {
  std::string scheme = engine == catalog::Engine::kPostgres ? "postgres" : "mysql";
  std::string out = scheme + "://" + user + "@" + host + ":" + std::to_string(port);
  if (!database.empty()) out += "/" + database;
  return out;
}

Result<std::unique_ptr<SqlSession>> Connect(const ConnectionParams& params) {
  if (params.engine == catalog::Engine::kPostgres) return postgres::Connect(params);
  return mysql::Connect(params);
}

Result<std::unique_ptr<CatalogReader>> OpenCatalogReader(const ConnectionParams& params) {
  if (params.engine == catalog::Engine::kPostgres) return postgres::OpenCatalogReader(params);
  return mysql::OpenCatalogReader(params);
}

Result<std::unique_ptr<SnapshotReader>> OpenSnapshotReader(const ConnectionParams& params) {
  if (params.engine == catalog::Engine::kPostgres) return postgres::OpenSnapshotReader(params);
  return mysql::OpenSnapshotReader(params);
}

Result<std::unique_ptr<BulkLoader>> OpenBulkLoader(const ConnectionParams& params) {
  if (params.engine == catalog::Engine::kPostgres) return postgres::OpenBulkLoader(params);
  return mysql::OpenBulkLoader(params);
}

}  // namespace switchyard::endpoints
