#include "engine/endpoints/postgres/pg_bulk_loader.h"

#include <algorithm>

#include "engine/catalog/identifier.h"

namespace switchyard::endpoints::postgres {
namespace {

// Big enough to amortise the per-message cost, small enough that libpq's output buffer stays
// small and the server starts parsing early.
constexpr size_t kChunkBytes = 256 << 10;

}  // namespace

PgBulkLoader::PgBulkLoader(std::unique_ptr<PgConnection> connection)
    : connection_(std::move(connection)) {}

Status PgBulkLoader::Begin(const LoadSpec& spec) {
  if (state_ != State::kIdle) {
    return Status::Internal("bulk load of " + spec.schema + "." + spec.table +
                            " begun while another is open on the connection");
  }
  if (spec.columns.empty()) {
    return Status::InvalidArgument("bulk load of " + spec.schema + "." + spec.table +
                                   " lists no columns");
  }
  table_name_ = spec.schema + "." + spec.table;
  columns_ = spec.columns;
  std::string sql = "COPY ";
  sql += catalog::QuoteQualified(catalog::Engine::kPostgres, spec.schema, spec.table);
  sql += " (";
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += catalog::QuoteIdentifier(catalog::Engine::kPostgres, spec.columns[i]);
  }
  sql += ") FROM STDIN";
  SY_RETURN_IF_ERROR(connection_->Execute("BEGIN"));
  auto started = connection_->Exec(sql, PGRES_COPY_IN, "cannot load " + table_name_);
  if (!started.ok()) {
    (void)connection_->Execute("ROLLBACK");
    return started.status();
  }
  state_ = State::kCopying;
  return Status::Ok();
}

Status PgBulkLoader::Send(std::string_view data) {
  while (!data.empty()) {
    size_t n = std::min(data.size(), kChunkBytes);
    if (PQputCopyData(connection_->raw(), data.data(), static_cast<int>(n)) != 1) {
      return CopyFailed();
    }
    data.remove_prefix(n);
  }
  return Status::Ok();
}

Status PgBulkLoader::CopyFailed() {
  state_ = State::kFailed;
  Status why = connection_->DrainResults("load of " + table_name_ + " failed", true);
  if (why.ok()) why = connection_->ConnectionErrorStatus("load of " + table_name_ + " failed");
  return why;
}

Status PgBulkLoader::Write(const RowBatch& batch) {
  if (state_ != State::kCopying) {
    return Status::Internal("Write() on " + table_name_ + " without a bulk load in progress");
  }
  if (batch.columns() != columns_.size()) {
    return Status::Internal("batch for " + table_name_ + " has " + std::to_string(batch.columns()) +
                            " fields per row, expected " + std::to_string(columns_.size()));
  }
  encoder_.Clear();
  Status encoded = encoder_.Append(batch, columns_);
  if (!encoded.ok()) return encoded.WithContext("cannot load " + table_name_);
  return Send(encoder_.data());
}

Status PgBulkLoader::WriteRaw(std::string_view copy_text) {
  if (state_ != State::kCopying) {
    return Status::Internal("WriteRaw() on " + table_name_ + " without a bulk load in progress");
  }
  return Send(copy_text);
}

Status PgBulkLoader::Commit() {
  if (state_ != State::kCopying) {
    return Status::Internal("Commit() on " + table_name_ + " without a bulk load in progress");
  }
  if (PQputCopyEnd(connection_->raw(), nullptr) != 1) return CopyFailed();
  Status copied = connection_->DrainResults("load of " + table_name_ + " failed", true);
  if (!copied.ok()) {
    state_ = State::kFailed;
    return copied;
  }
  Status committed = connection_->Execute("COMMIT");
  if (!committed.ok()) {
    state_ = State::kFailed;
    return committed.WithContext("cannot commit load of " + table_name_);
  }
  state_ = State::kIdle;
  return Status::Ok();
}

Status PgBulkLoader::Abort() {
  if (state_ == State::kCopying) {
    PQputCopyEnd(connection_->raw(), "aborted");
    (void)connection_->DrainResults("aborted load of " + table_name_);
  }
  state_ = State::kIdle;
  if (!connection_->in_transaction()) return Status::Ok();
  return connection_->Execute("ROLLBACK");
}

}  // namespace switchyard::endpoints::postgres
