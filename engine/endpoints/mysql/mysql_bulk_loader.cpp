#include "engine/endpoints/mysql/mysql_bulk_loader.h"

#include "engine/catalog/identifier.h"
#include "engine/endpoints/mysql/load_data_encoder.h"

namespace switchyard::endpoints::mysql {
namespace {

constexpr int kWarningsQuoted = 5;
// A batch buffer larger than this is released after use instead of being kept for the next.
constexpr size_t kMaxKeptBuffer = size_t{64} << 20;

}  // namespace

Result<std::unique_ptr<MySqlBulkLoader>> MySqlBulkLoader::Open(const ConnectionParams& params) {
  SY_ASSIGN_OR_RETURN(auto connection, MySqlConnection::Open(params));
  SY_RETURN_IF_ERROR(connection->Execute("SET SESSION foreign_key_checks = 0, unique_checks = 0")
                         .WithContext("setting up the bulk load session"));
  return std::make_unique<MySqlBulkLoader>(std::move(connection));
}

Status MySqlBulkLoader::Begin(const LoadSpec& spec) {
  if (in_transaction_) {
    return Status::Internal("bulk load into " + table_ + ": Begin() before Commit()/Abort()");
  }
  SY_ASSIGN_OR_RETURN(statement_, BuildLoadDataStatement(spec));
  table_ = catalog::QuoteQualified(catalog::Engine::kMySql, spec.schema, spec.table);
  columns_ = spec.columns.size();
  SY_RETURN_IF_ERROR(connection_->Execute("START TRANSACTION").WithContext("loading " + table_));
  in_transaction_ = true;
  return Status::Ok();
}

Status MySqlBulkLoader::Write(const RowBatch& batch) {
  if (!in_transaction_) return Status::Internal("bulk load: Write() without Begin()");
  if (batch.columns() != columns_) {
    return Status::InvalidArgument("loading " + table_ + ": batch has " +
                                   std::to_string(batch.columns()) + " fields per row, expected " +
                                   std::to_string(columns_));
  }
  if (batch.empty()) return Status::Ok();
  buffer_.clear();
  EncodeLoadData(batch, buffer_);
  Status status = connection_->ExecuteLoadData(statement_, buffer_);
  if (buffer_.capacity() > kMaxKeptBuffer) std::string().swap(buffer_);
  SY_RETURN_IF_ERROR(status.WithContext("loading " + table_));
  return CheckWarnings();
}

Status MySqlBulkLoader::CheckWarnings() {
  const unsigned int count = mysql_warning_count(connection_->handle());
  if (count == 0) return Status::Ok();
  // "Records: 3  Deleted: 0  Skipped: 1  Warnings: 2"; gone once SHOW WARNINGS runs.
  const char* info_text = mysql_info(connection_->handle());
  const std::string info = info_text != nullptr ? info_text : "";
  SY_ASSIGN_OR_RETURN(auto rows,
                      connection_->Query("SHOW WARNINGS LIMIT " + std::to_string(kWarningsQuoted)));
  std::string message;
  for (const SqlRow& row : rows) {
    if (row.size() < 3) continue;
    if (row[0].value_or("") == "Note") continue;
    if (!message.empty()) message += "; ";
    message += row[0].value_or("") + " " + row[1].value_or("") + ": " + row[2].value_or("");
  }
  if (message.empty()) return Status::Ok();  // only notes
  return Status::DataError("loading " + table_ + ": the server reported " + message +
                           (count > rows.size() ? "; ..." : "") +
                           (info.empty() ? "" : " [" + info + "]") + " (" + connection_->where() +
                           ")");
}

Status MySqlBulkLoader::Commit() {
  if (!in_transaction_) return Status::Internal("bulk load: Commit() without Begin()");
  in_transaction_ = false;
  return connection_->Execute("COMMIT").WithContext("committing the load into " + table_);
}

Status MySqlBulkLoader::Abort() {
  if (!in_transaction_) return Status::Ok();
  in_transaction_ = false;
  return connection_->Execute("ROLLBACK").WithContext("rolling back the load into " + table_);
}

}  // namespace switchyard::endpoints::mysql
