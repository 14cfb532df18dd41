// Factory functions; replaced by the real implementation as it lands.
#include "engine/endpoints/postgres/postgres_endpoint.h"

namespace switchyard::endpoints::postgres {

Result<std::unique_ptr<SqlSession>> Connect(const ConnectionParams&) {
  return Status::Unsupported("postgres endpoint not built yet");
}
Result<std::unique_ptr<CatalogReader>> OpenCatalogReader(const ConnectionParams&) {
  return Status::Unsupported("postgres endpoint not built yet");
}
Result<std::unique_ptr<SnapshotReader>> OpenSnapshotReader(const ConnectionParams&) {
  return Status::Unsupported("postgres endpoint not built yet");
}
Result<std::unique_ptr<BulkLoader>> OpenBulkLoader(const ConnectionParams&) {
  return Status::Unsupported("postgres endpoint not built yet");
}

}  // namespace switchyard::endpoints::postgres
