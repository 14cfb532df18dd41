// Factory functions of the PostgreSQL endpoint: each opens its own connection. The objects are
// the concrete classes below; their PG -> PG pass-through (ReadRaw / WriteRaw) overrides the
// interface methods, and PgCatalogReader::special_indexes() needs a dynamic_cast.
#include "engine/endpoints/postgres/pg_bulk_loader.h"
#include "engine/endpoints/postgres/pg_catalog_reader.h"
#include "engine/endpoints/postgres/pg_connection.h"
#include "engine/endpoints/postgres/pg_snapshot_reader.h"
#include "engine/endpoints/postgres/postgres_endpoint.h"

namespace switchyard::endpoints::postgres {

Result<std::unique_ptr<SqlSession>> Connect(const ConnectionParams& params) {
  SY_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> connection, PgConnection::Open(params));
  return std::unique_ptr<SqlSession>(std::move(connection));
}

Result<std::unique_ptr<CatalogReader>> OpenCatalogReader(const ConnectionParams& params) {
  SY_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> connection, PgConnection::Open(params));
  return std::unique_ptr<CatalogReader>(new PgCatalogReader(std::move(connection)));
}

Result<std::unique_ptr<SnapshotReader>> OpenSnapshotReader(const ConnectionParams& params) {
  SY_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> connection, PgConnection::Open(params));
  return std::unique_ptr<SnapshotReader>(new PgSnapshotReader(std::move(connection)));
}

Result<std::unique_ptr<BulkLoader>> OpenBulkLoader(const ConnectionParams& params) {
  SY_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> connection, PgConnection::Open(params));
  return std::unique_ptr<BulkLoader>(new PgBulkLoader(std::move(connection)));
}

}  // namespace switchyard::endpoints::postgres
