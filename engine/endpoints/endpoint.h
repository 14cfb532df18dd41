// The small interfaces every database engine implements. The pipeline talks to sources and
// targets only through these, so a third engine is one new folder under endpoints/.
//
// Threading: one object = one connection = one thread at a time. Objects are created by the
// factory functions at the bottom and owned by the caller (unique_ptr).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "engine/catalog/schema.h"
#include "engine/common/secret.h"
#include "engine/common/status.h"
#include "engine/endpoints/row_batch.h"

namespace switchyard::endpoints {

enum class SslMode { kNone, kRequire, kVerifyCa, kVerifyFull };

struct ConnectionParams {
  catalog::Engine engine = catalog::Engine::kPostgres;
  std::string host = "127.0.0.1";
  int port = 0;
  std::string
      database;  // PostgreSQL: database to connect to; MySQL: default database (may be empty)
  std::string user;
  Secret password;  // empty: let the client library find it (~/.pgpass, option files)
  SslMode ssl_mode = SslMode::kNone;
  std::string ssl_root_cert;  // CA file for verify-ca / verify-full
  std::string application_name = "switchyard";

  // "postgres://user@host:port/db" style text for messages; never includes the password.
  std::string Describe() const;
};

using SqlRow = std::vector<std::optional<std::string>>;

// One statement of SqlSession::ExecutePipeline: `sql` is one statement whose $1..$n stand for
// `params`, in text form (nullopt = NULL; a value cannot hold a NUL byte). The server infers each
// parameter's type from where it stands, as it would for an untyped literal ('...'). No COPY.
struct PipelinedStatement {
  std::string sql;
  std::vector<std::optional<std::string>> params;
  // Keep a server-side prepared statement for this text (parsed and planned once per session,
  // whatever the parameters) instead of parsing it each time. The parameter types are the ones
  // inferred when it was first prepared: a caller whose parameters may come to mean something
  // else for the same text (a table recreated with other column types) must vary the text.
  bool prepare = false;
};

// A plain SQL connection: DDL, small queries, transaction control.
class SqlSession {
 public:
  virtual ~SqlSession() = default;
  virtual catalog::Engine engine() const = 0;
  // Runs one statement (or, for MySQL, one statement per call) and discards any result.
  virtual Status Execute(const std::string& sql) = 0;
  // Runs a query and returns every row as text (NULL = nullopt). For small results only.
  virtual Result<std::vector<SqlRow>> Query(const std::string& sql) = 0;
  // Runs `statements` in order in one round trip (PostgreSQL: one simple-query message; MySQL:
  // one multi-statement packet) and appends to *counts, per statement, the rows it inserted,
  // deleted, matched (UPDATE, on both engines) or returned (SELECT; result rows are
  // discarded). Stops at the first failing statement and returns its error; counts->size() is
  // then that statement's index, and the statements before it took effect (PostgreSQL parses
  // the whole batch first: a syntax error anywhere fails it with no statement run and counts
  // empty). Statements must not contain a top-level ';'.
  virtual Status ExecuteBatch(const std::vector<std::string>& statements,
                              std::vector<int64_t>* counts) = 0;
  // Whether ExecutePipeline is available (PostgreSQL); callers use ExecuteBatch otherwise.
  virtual bool supports_pipeline() const { return false; }
  // ExecuteBatch's contract for statements with parameters, sent in one go (PostgreSQL: libpq
  // pipeline mode, extended query protocol, one Sync at the end): counts as for ExecuteBatch;
  // the first failing statement ends the batch with counts->size() its index, and the
  // statements after it do not run. Outside a transaction block the batch is one implicit
  // transaction. A lost connection is a kConnectionError.
  virtual Status ExecutePipeline(const std::vector<PipelinedStatement>& statements,
                                 std::vector<int64_t>* counts) {
    return Status::Unsupported("statement pipelines are not supported by this engine");
  }
  // Quotes an identifier for this engine: "a""b" for PostgreSQL, `a``b` for MySQL.
  virtual std::string QuoteIdentifier(const std::string& name) const = 0;
  // Quotes a literal with the client library's escaping for this connection.
  virtual std::string QuoteLiteral(const std::string& value) const = 0;
  // Server version as text, for messages and feature checks.
  virtual std::string ServerVersion() const = 0;
};

// Reads table definitions from the source catalog.
class CatalogReader {
 public:
  virtual ~CatalogReader() = default;
  using TableFilter = std::function<bool(const std::string& schema, const std::string& table)>;
  // Every base table (not views) whose (schema, table) passes `filter`, with columns in ordinal
  // order, primary key, secondary indexes, foreign keys, comments and size estimates.
  // System schemas (pg_catalog, information_schema, mysql, performance_schema, sys) are never
  // returned.
  virtual Result<std::vector<catalog::Table>> ReadTables(const TableFilter& filter) = 0;
  // Standalone sequences whose (schema, name) passes `filter`. Engines without them: none.
  virtual Result<std::vector<catalog::Sequence>> ReadSequences(const TableFilter& filter) {
    return std::vector<catalog::Sequence>{};
  }
};

// What one snapshot read returns: the listed expressions over one table, optionally filtered.
struct ReadSpec {
  std::string schema;                     // unquoted source schema / database
  std::string table;                      // unquoted source table
  std::vector<std::string> select_exprs;  // SQL in the source dialect, identifiers already quoted
  std::string where;                      // SQL condition in the source dialect; empty = all rows
  std::vector<std::string> partitions;    // MySQL: read only these partitions; empty = all
  size_t batch_rows = 10000;              // rows per RowBatch handed to the sink
  size_t batch_bytes = 8 << 20;           // or bytes per batch, whichever comes first
};

// Receives batches from a reader. Consume() may keep nothing from `batch` after it returns.
class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual Status Consume(const RowBatch& batch) = 0;
};

// Streams table contents under a consistent snapshot without holding a table in memory.
class SnapshotReader {
 public:
  virtual ~SnapshotReader() = default;
  // Starts the read-only transaction all Read() calls run in. `snapshot_id` is a PostgreSQL
  // exported snapshot name to import (empty = a fresh REPEATABLE READ snapshot); MySQL uses
  // START TRANSACTION WITH CONSISTENT SNAPSHOT and ignores it.
  virtual Status BeginSnapshot(const std::string& snapshot_id) = 0;
  virtual Status Read(const ReadSpec& spec, RowSink& sink, std::stop_token stop) = 0;
  virtual Status EndSnapshot() = 0;
  // The source position the open snapshot corresponds to, in the change stream's spelling
  // (MySQL/MariaDB "binlog.000012:4711"): every change committed at or before it is visible,
  // none after. "" when the engine cannot tell (PostgreSQL: the exporting slot knows it).
  virtual std::string SnapshotPosition() const { return ""; }
  // Engine-native text rows handed over unparsed, for same-engine copies that need no value
  // conversion (PostgreSQL COPY text: chunks of whole lines). Engines without it say so.
  virtual Status ReadRaw(const ReadSpec& spec,
                         const std::function<Status(std::string_view chunk)>& sink,
                         std::stop_token stop) {
    return Status::Unsupported("raw copy is not supported by this source");
  }
};

// What a bulk load writes: rows whose fields are in `columns` order.
struct LoadSpec {
  std::string schema;                // unquoted target schema / database
  std::string table;                 // unquoted target table
  std::vector<std::string> columns;  // unquoted target column names, one per RowBatch field
  // MySQL only, one entry per column, empty = load the field directly. Otherwise an SQL
  // expression in which `@v` stands for the field, e.g. "CAST(CONV(@v, 2, 10) AS UNSIGNED)".
  std::vector<std::string> load_exprs;
};

// Writes rows in bulk: PostgreSQL COPY FROM STDIN, MySQL LOAD DATA LOCAL INFILE.
// Usage: Begin, Write* , Commit (or Abort). Commit ends the transaction; Begin may follow again.
class BulkLoader {
 public:
  virtual ~BulkLoader() = default;
  virtual Status Begin(const LoadSpec& spec) = 0;
  virtual Status Write(const RowBatch& batch) = 0;
  // Writes engine-native text rows as produced by SnapshotReader::ReadRaw of the same engine.
  virtual Status WriteRaw(std::string_view chunk) {
    return Status::Unsupported("raw copy is not supported by this target");
  }
  virtual Status Commit() = 0;
  virtual Status Abort() = 0;
  virtual SqlSession& session() = 0;
};

// Factories: implemented in endpoints/<engine>/. Each opens its own connection.
Result<std::unique_ptr<SqlSession>> Connect(const ConnectionParams& params);
Result<std::unique_ptr<CatalogReader>> OpenCatalogReader(const ConnectionParams& params);
Result<std::unique_ptr<SnapshotReader>> OpenSnapshotReader(const ConnectionParams& params);
Result<std::unique_ptr<BulkLoader>> OpenBulkLoader(const ConnectionParams& params);

}  // namespace switchyard::endpoints
