// PgSnapshotReader: streams tables out of PostgreSQL with COPY (SELECT ...) TO STDOUT inside one
// REPEATABLE READ READ ONLY transaction, optionally importing an exported snapshot (the one a
// logical replication slot was created with), so that every table is read as of the same
// instant.
//
// Memory stays flat whatever the table size: rows go to the sink batch by batch (Read) or chunk
// by chunk (ReadRaw). A stop request is honoured between batches: the COPY is cancelled, the
// connection drained, and Cancelled returned; the snapshot transaction is then aborted and only
// EndSnapshot() is useful.
//
// Ownership: owns its connection. Threading: one thread at a time.
#pragma once

#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>

#include "engine/endpoints/endpoint.h"
#include "engine/endpoints/postgres/pg_connection.h"

namespace switchyard::endpoints::postgres {

class PgSnapshotReader final : public SnapshotReader {
 public:
  explicit PgSnapshotReader(std::unique_ptr<PgConnection> connection);

  // BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY, then SET TRANSACTION SNAPSHOT when
  // `snapshot_id` is not empty (it must still be importable: its exporting transaction open).
  Status BeginSnapshot(const std::string& snapshot_id) override;
  // Decodes rows into RowBatches of at most spec.batch_rows rows / about spec.batch_bytes bytes.
  Status Read(const ReadSpec& spec, RowSink& sink, std::stop_token stop) override;
  // COMMIT (a read-only transaction: nothing to lose).
  Status EndSnapshot() override;

  // The PG -> PG pass-through: hands the COPY text of the rows to `sink` unparsed, in chunks
  // of whole lines ('\n'-terminated; one line per row, so a chunk's row count is its number of
  // '\n' bytes) of about spec.batch_bytes bytes or spec.batch_rows rows. The text is in the
  // format PgBulkLoader::WriteRaw() takes. `chunk` is only valid during the call.
  Status ReadRaw(const ReadSpec& spec, const std::function<Status(std::string_view chunk)>& sink,
                 std::stop_token stop) override;

  PgConnection& session() { return *connection_; }

 private:
  // Starts `COPY (SELECT ...) TO STDOUT` for `spec`.
  Status StartCopy(const ReadSpec& spec);
  // Ends a COPY early (stop request or sink error): cancel, drain, then return `why`.
  Status AbandonCopy(Status why);
  // After PQgetCopyData returned -1 or -2: the COPY's final status.
  Status FinishCopy(int last_code);

  std::unique_ptr<PgConnection> connection_;
  std::string table_name_;  // "schema.table" of the COPY in progress, for messages
};

}  // namespace switchyard::endpoints::postgres
