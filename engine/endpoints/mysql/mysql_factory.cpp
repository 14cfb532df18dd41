// Factory functions of the MySQL/MariaDB endpoint: each opens its own connection.
#include "engine/endpoints/mysql/mysql_bulk_loader.h"
#include "engine/endpoints/mysql/mysql_catalog_reader.h"
#include "engine/endpoints/mysql/mysql_connection.h"
#include "engine/endpoints/mysql/mysql_endpoint.h"
#include "engine/endpoints/mysql/mysql_snapshot_reader.h"

namespace switchyard::endpoints::mysql {

Result<std::unique_ptr<SqlSession>> Connect(const ConnectionParams& params) {
  SY_ASSIGN_OR_RETURN(auto connection, MySqlConnection::Open(params));
  return std::unique_ptr<SqlSession>(std::move(connection));
}

Result<std::unique_ptr<CatalogReader>> OpenCatalogReader(const ConnectionParams& params) {
  SY_ASSIGN_OR_RETURN(auto connection, MySqlConnection::Open(params));
  return std::unique_ptr<CatalogReader>(
      std::make_unique<MySqlCatalogReader>(std::move(connection)));
}

Result<std::unique_ptr<SnapshotReader>> OpenSnapshotReader(const ConnectionParams& params) {
  SY_ASSIGN_OR_RETURN(auto reader, MySqlSnapshotReader::Open(params));
  return std::unique_ptr<SnapshotReader>(std::move(reader));
}

Result<std::unique_ptr<BulkLoader>> OpenBulkLoader(const ConnectionParams& params) {
  SY_ASSIGN_OR_RETURN(auto loader, MySqlBulkLoader::Open(params));
  return std::unique_ptr<BulkLoader>(std::move(loader));
}

}  // namespace switchyard::endpoints::mysql
