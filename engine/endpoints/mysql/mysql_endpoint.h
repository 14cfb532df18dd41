// Factory functions of the MySQL/MariaDB endpoint (libmariadb). See endpoints/endpoint.h for
// contracts.
#pragma once

#include <memory>

#include "engine/endpoints/endpoint.h"

namespace switchyard::endpoints::mysql {

Result<std::unique_ptr<SqlSession>> Connect(const ConnectionParams& params);
Result<std::unique_ptr<CatalogReader>> OpenCatalogReader(const ConnectionParams& params);
Result<std::unique_ptr<SnapshotReader>> OpenSnapshotReader(const ConnectionParams& params);
Result<std::unique_ptr<BulkLoader>> OpenBulkLoader(const ConnectionParams& params);

}  // namespace switchyard::endpoints::mysql
