#include "engine/endpoints/postgres/pg_snapshot_reader.h"

#include <algorithm>
#include <cstring>

#include "engine/catalog/identifier.h"
#include "engine/endpoints/postgres/copy_text_codec.h"

namespace switchyard::endpoints::postgres {
namespace {

// Owns one buffer returned by PQgetCopyData.
struct CopyBuffer {
  char* data = nullptr;
  ~CopyBuffer() { Reset(); }
  void Reset() {
    if (data != nullptr) PQfreemem(data);
    data = nullptr;
  }
};

}  // namespace

PgSnapshotReader::PgSnapshotReader(std::unique_ptr<PgConnection> connection)
    : connection_(std::move(connection)) {}

Status PgSnapshotReader::BeginSnapshot(const std::string& snapshot_id) {
  SY_RETURN_IF_ERROR(connection_->Execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  if (snapshot_id.empty()) return Status::Ok();
  Status imported =
      connection_->Execute("SET TRANSACTION SNAPSHOT " + connection_->QuoteLiteral(snapshot_id));
  if (!imported.ok()) {
    (void)connection_->Execute("ROLLBACK");
    return imported.WithContext("cannot import snapshot " + snapshot_id);
  }
  return Status::Ok();
}

Status PgSnapshotReader::EndSnapshot() { return connection_->Execute("COMMIT"); }

Status PgSnapshotReader::StartCopy(const ReadSpec& spec) {
  if (spec.select_exprs.empty()) {
    return Status::InvalidArgument("snapshot read of " + spec.schema + "." + spec.table +
                                   " lists no columns");
  }
  table_name_ = spec.schema + "." + spec.table;
  if (!spec.partitions.empty()) {
    // PostgreSQL partitions are tables of their own; the planner never asks for this.
    return Status::Unsupported("reading named partitions of " + table_name_ +
                               " is MySQL-only; PostgreSQL sources split by key ranges");
  }
  std::string sql = "COPY (SELECT ";
  for (size_t i = 0; i < spec.select_exprs.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += spec.select_exprs[i];
  }
  sql += " FROM ";
  sql += catalog::QuoteQualified(catalog::Engine::kPostgres, spec.schema, spec.table);
  if (!spec.where.empty()) {
    sql += " WHERE (";
    sql += spec.where;
    sql += ")";
  }
  sql += ") TO STDOUT";
  auto started = connection_->Exec(sql, PGRES_COPY_OUT, "cannot read " + table_name_);
  return started.status();
}

Status PgSnapshotReader::AbandonCopy(Status why) {
  (void)connection_->Cancel();
  // Whatever arrives before the server notices the cancel is discarded; the COPY then ends
  // with "canceling statement due to user request", which is expected here.
  CopyBuffer buffer;
  while (PQgetCopyData(connection_->raw(), &buffer.data, 0) >= 0) buffer.Reset();
  (void)connection_->DrainResults("cancelled read of " + table_name_);
  return why;
}

Status PgSnapshotReader::FinishCopy(int last_code) {
  if (last_code == -2) {
    Status failed = connection_->ConnectionErrorStatus("read of " + table_name_ + " failed");
    (void)connection_->DrainResults("read of " + table_name_);
    return failed;
  }
  return connection_->DrainResults("read of " + table_name_ + " failed");
}

Status PgSnapshotReader::Read(const ReadSpec& spec, RowSink& sink, std::stop_token stop) {
  if (stop.stop_requested()) return Status::Cancelled("read of " + spec.table + " stopped");
  SY_RETURN_IF_ERROR(StartCopy(spec));
  RowBatch batch(spec.select_exprs.size());
  const size_t max_rows = spec.batch_rows > 0 ? spec.batch_rows : 1;
  CopyBuffer buffer;
  int length;
  while ((length = PQgetCopyData(connection_->raw(), &buffer.data, 0)) > 0) {
    std::string_view line(buffer.data, static_cast<size_t>(length));
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    Status decoded = DecodeCopyTextLine(line, &batch);
    buffer.Reset();
    if (!decoded.ok()) {
      return AbandonCopy(decoded.WithContext("cannot decode a row of " + table_name_));
    }
    if (batch.rows() >= max_rows || batch.byte_size() >= spec.batch_bytes) {
      Status consumed = sink.Consume(batch);
      batch.Clear();
      if (!consumed.ok()) return AbandonCopy(consumed);
      if (stop.stop_requested()) {
        return AbandonCopy(Status::Cancelled("read of " + table_name_ + " stopped"));
      }
    }
  }
  SY_RETURN_IF_ERROR(FinishCopy(length));
  if (!batch.empty()) SY_RETURN_IF_ERROR(sink.Consume(batch));
  return Status::Ok();
}

Status PgSnapshotReader::ReadRaw(const ReadSpec& spec,
                                 const std::function<Status(std::string_view chunk)>& sink,
                                 std::stop_token stop) {
  if (stop.stop_requested()) return Status::Cancelled("read of " + spec.table + " stopped");
  SY_RETURN_IF_ERROR(StartCopy(spec));
  const size_t max_rows = spec.batch_rows > 0 ? spec.batch_rows : 1;
  std::string chunk;
  chunk.reserve(std::min<size_t>(spec.batch_bytes, 64 << 20) + (64 << 10));
  size_t rows = 0;
  CopyBuffer buffer;
  int length;
  while ((length = PQgetCopyData(connection_->raw(), &buffer.data, 0)) > 0) {
    chunk.append(buffer.data, static_cast<size_t>(length));
    buffer.Reset();
    if (++rows >= max_rows || chunk.size() >= spec.batch_bytes) {
      Status consumed = sink(chunk);
      chunk.clear();
      rows = 0;
      if (!consumed.ok()) return AbandonCopy(consumed);
      if (stop.stop_requested()) {
        return AbandonCopy(Status::Cancelled("read of " + table_name_ + " stopped"));
      }
    }
  }
  SY_RETURN_IF_ERROR(FinishCopy(length));
  if (!chunk.empty()) SY_RETURN_IF_ERROR(sink(chunk));
  return Status::Ok();
}

}  // namespace switchyard::endpoints::postgres
