// Factory functions of the PostgreSQL endpoint (libpq). See endpoints/endpoint.h for contracts.
#pragma once

#include <memory>

#include "engine/endpoints/endpoint.h"

namespace switchyard::endpoints::postgres {

Result<std::unique_ptr<SqlSession>> Connect(const ConnectionParams& params);
Result<std::unique_ptr<CatalogReader>> OpenCatalogReader(const ConnectionParams& params);
Result<std::unique_ptr<SnapshotReader>> OpenSnapshotReader(const ConnectionParams& params);
Result<std::unique_ptr<BulkLoader>> OpenBulkLoader(const ConnectionParams& params);

}  // namespace switchyard::endpoints::postgres
