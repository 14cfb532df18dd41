// Factory functions; replaced by the real implementation as it lands.
#include "engine/endpoints/mysql/mysql_endpoint.h"

namespace switchyard::endpoints::mysql {

Result<std::unique_ptr<SqlSession>> Connect(const ConnectionParams&) {
  return Status::Unsupported("mysql endpoint not built yet");
}
Result<std::unique_ptr<CatalogReader>> OpenCatalogReader(const ConnectionParams&) {
  return Status::Unsupported("mysql endpoint not built yet");
}
Result<std::unique_ptr<SnapshotReader>> OpenSnapshotReader(const ConnectionParams&) {
  return Status::Unsupported("mysql endpoint not built yet");
}
Result<std::unique_ptr<BulkLoader>> OpenBulkLoader(const ConnectionParams&) {
  return Status::Unsupported("mysql endpoint not built yet");
}

}  // namespace switchyard::endpoints::mysql
