#include "engine/endpoints/mysql/mysql_snapshot_reader.h"

#include <cstdlib>

#include "engine/catalog/identifier.h"

namespace switchyard::endpoints::mysql {

Result<std::unique_ptr<MySqlSnapshotReader>> MySqlSnapshotReader::Open(
    const ConnectionParams& params) {
  SY_ASSIGN_OR_RETURN(auto connection, MySqlConnection::Open(params));
  return std::make_unique<MySqlSnapshotReader>(std::move(connection));
}

Status MySqlSnapshotReader::BeginSnapshot(const std::string& /*snapshot_id*/) {
  snapshot_position_.reset();
  SY_RETURN_IF_ERROR(connection_->Execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                         .WithContext("beginning the snapshot"));
  SY_RETURN_IF_ERROR(connection_->Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
                         .WithContext("beginning the snapshot"));
  // MariaDB (and Percona) report the binlog position matching the snapshot just taken.
  SY_ASSIGN_OR_RETURN(auto rows, connection_->Query("SHOW STATUS LIKE 'binlog_snapshot_%'"));
  BinlogPosition position;
  bool have_file = false;
  bool have_position = false;
  for (const SqlRow& row : rows) {
    if (row.size() < 2 || !row[0] || !row[1]) continue;
    if (*row[0] == "Binlog_snapshot_file" || *row[0] == "binlog_snapshot_file") {
      position.file = *row[1];
      have_file = !position.file.empty();
    } else if (*row[0] == "Binlog_snapshot_position" || *row[0] == "binlog_snapshot_position") {
      position.position = std::strtoull(row[1]->c_str(), nullptr, 10);
      have_position = true;
    }
  }
  if (have_file && have_position) snapshot_position_ = std::move(position);
  return Status::Ok();
}

Status MySqlSnapshotReader::EndSnapshot() {
  return connection_->Execute("COMMIT").WithContext("ending the snapshot");
}

Status MySqlSnapshotReader::Read(const ReadSpec& spec, RowSink& sink, std::stop_token stop) {
  const std::string table =
      catalog::QuoteQualified(catalog::Engine::kMySql, spec.schema, spec.table);
  const std::string context = "reading " + table;
  if (spec.select_exprs.empty()) {
    return Status::InvalidArgument(context + ": no columns to select");
  }
  if (stop.stop_requested()) return Status::Cancelled(context + ": stop requested");

  std::string sql = "SELECT ";
  for (size_t i = 0; i < spec.select_exprs.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += spec.select_exprs[i];
  }
  sql += " FROM " + table;
  if (!spec.partitions.empty()) {
    sql += " PARTITION (";
    for (size_t i = 0; i < spec.partitions.size(); ++i) {
      if (i > 0) sql += ", ";
      sql += catalog::QuoteIdentifier(catalog::Engine::kMySql, spec.partitions[i]);
    }
    sql += ")";
  }
  if (!spec.where.empty()) sql += " WHERE " + spec.where;

  SY_ASSIGN_OR_RETURN(ResultPtr result, connection_->QueryUnbuffered(sql));
  const unsigned int fields = mysql_num_fields(result.get());
  const size_t batch_rows = spec.batch_rows == 0 ? 1 : spec.batch_rows;
  RowBatch batch(fields);

  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    Status status = sink.Consume(batch);
    batch.Clear();
    return status;
  };
  // Drops the unread rest of the result without reading it: closes the connection.
  auto abandon = [&](Status status) -> Status {
    connection_->Abandon();
    result.reset();
    return status;
  };

  while (true) {
    MYSQL_ROW row = mysql_fetch_row(result.get());
    if (row == nullptr) {
      // NULL is both "end of rows" and "the stream broke": only mysql_errno tells them apart.
      if (mysql_errno(connection_->handle()) != 0) {
        Status error = connection_->LastError(context);
        return abandon(error);
      }
      break;
    }
    const unsigned long* lengths = mysql_fetch_lengths(result.get());
    for (unsigned int i = 0; i < fields; ++i) {
      if (row[i] == nullptr) {
        batch.AppendNull();
      } else {
        batch.AppendField(std::string_view(row[i], lengths[i]));
      }
    }
    if (batch.rows() >= batch_rows || batch.byte_size() >= spec.batch_bytes) {
      Status status = flush();
      if (!status.ok()) return abandon(status.WithContext(context));
      if (stop.stop_requested()) return abandon(Status::Cancelled(context + ": stop requested"));
    }
  }
  result.reset();
  SY_RETURN_IF_ERROR(flush().WithContext(context));
  return Status::Ok();
}

}  // namespace switchyard::endpoints::mysql
