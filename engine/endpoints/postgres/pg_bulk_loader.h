// PgBulkLoader: writes rows into one PostgreSQL table with COPY ... FROM STDIN (text format)
// inside a transaction: Begin, Write*, Commit or Abort; Begin may follow again.
//
// Rows sent by Write() are checked by the server as they stream in; a bad value (type error,
// constraint violation) surfaces at a later Write() or at Commit() as kDataError with the
// server's message, including its CONTEXT line ("COPY t, line 3, column a: ..."). After any
// failure the transaction is dead: call Abort(). A NUL byte in a value is refused locally by
// Write() before any byte of that batch is sent; the COPY then stays usable.
//
// Ownership: owns its connection; session() exposes it for DDL between loads (not during one).
// Threading: one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/endpoints/endpoint.h"
#include "engine/endpoints/postgres/copy_text_codec.h"
#include "engine/endpoints/postgres/pg_connection.h"

namespace switchyard::endpoints::postgres {

class PgBulkLoader final : public BulkLoader {
 public:
  explicit PgBulkLoader(std::unique_ptr<PgConnection> connection);

  // BEGIN; COPY "schema"."table" ("col", ...) FROM STDIN.
  Status Begin(const LoadSpec& spec) override;
  // Encodes the batch (fields in spec.columns order) and sends it in chunks of about 256 KB.
  Status Write(const RowBatch& batch) override;
  // Ends the COPY, checks its result, then COMMIT.
  Status Commit() override;
  // Fails the COPY if one is in progress, then ROLLBACK. Safe to call in any state.
  Status Abort() override;
  SqlSession& session() override { return *connection_; }

  // The PG -> PG pass-through: sends COPY text as produced by PgSnapshotReader::ReadRaw()
  // (columns in spec.columns order) unchanged. Chunks may split lines, but the text written
  // between Begin and Commit must end with a complete line.
  Status WriteRaw(std::string_view copy_text) override;

 private:
  enum class State { kIdle, kCopying, kFailed };

  Status Send(std::string_view data);
  // After the server ended the COPY by itself (an error): collect it, mark the load failed.
  Status CopyFailed();

  std::unique_ptr<PgConnection> connection_;
  State state_ = State::kIdle;
  std::string table_name_;            // "schema.table", for messages
  std::vector<std::string> columns_;  // for NUL-byte messages
  CopyTextEncoder encoder_;
};

}  // namespace switchyard::endpoints::postgres
