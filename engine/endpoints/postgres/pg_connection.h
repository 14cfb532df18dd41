// PgConnection: one libpq connection set up the way every Switchyard PostgreSQL session must be,
// and the SqlSession interface over it.
//
// Session settings (applied on every connection, before anything else runs):
// client_encoding UTF8, standard_conforming_strings on, DateStyle 'ISO, YMD', IntervalStyle
// 'postgres', TimeZone 'UTC' (timestamptz values are read and written in UTC), extra_float_digits
// 1 (shortest exact float text), bytea_output 'hex'. Server notices are dropped rather than
// printed to stderr (the console owns the terminal).
//
// Ownership: owns the PGconn and closes it in the destructor; not copyable or movable.
// Threading: one thread at a time, except Cancel(), which any thread may call.
// Errors carry the server's message, SQLSTATE and params.Describe(); never the password.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/endpoints/endpoint.h"

namespace switchyard::endpoints::postgres {

struct PgResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
// A PGresult owned by the caller.
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

class PgConnection final : public SqlSession {
 public:
  // Connects with PQconnectdbParams (never a string-built conninfo) and applies the session
  // settings. Fails with kConnectionError when the server cannot be reached or refuses us.
  static Result<std::unique_ptr<PgConnection>> Open(const ConnectionParams& params);

  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // SqlSession. Execute() accepts several ';'-separated statements (simple query protocol).
  catalog::Engine engine() const override { return catalog::Engine::kPostgres; }
  Status Execute(const std::string& sql) override;
  Result<std::vector<SqlRow>> Query(const std::string& sql) override;
  Status ExecuteBatch(const std::vector<std::string>& statements,
                      std::vector<int64_t>* counts) override;
  bool supports_pipeline() const override { return true; }
  // In pg_pipeline.cpp: libpq pipeline mode; statements with `prepare` become named prepared
  // statements of this connection (at most kMaxPrepared; beyond that they are parsed each time).
  Status ExecutePipeline(const std::vector<PipelinedStatement>& statements,
                         std::vector<int64_t>* counts) override;
  std::string QuoteIdentifier(const std::string& name) const override;
  std::string QuoteLiteral(const std::string& value) const override;
  std::string ServerVersion() const override;

  // Runs `sql` and returns its result when its status is `expected` (PGRES_COMMAND_OK,
  // PGRES_TUPLES_OK, PGRES_COPY_OUT, PGRES_COPY_IN); otherwise the error, described with `what`.
  Result<PgResult> Exec(const std::string& sql, ExecStatusType expected, std::string_view what);
  // Same with text parameters $1..$n (extended protocol, one statement).
  Result<PgResult> ExecParams(const std::string& sql, const std::vector<std::string>& params,
                              ExecStatusType expected, std::string_view what);

  // Collects every pending result (after a COPY ended or was cancelled) until libpq has none
  // left. Returns the first error among them; `row_level_is_data` as in ErrorStatus().
  Status DrainResults(std::string_view what, bool row_level_is_data = false);

  // Asks the server to cancel the statement in progress (PQcancel). Thread-safe.
  Status Cancel();

  // A Status for the connection's last error (PQerrorMessage), e.g. after PQputCopyData failed.
  Status ConnectionErrorStatus(std::string_view what) const;

  PGconn* raw() { return conn_.get(); }
  // "postgres://user@host:port/db", for messages.
  const std::string& describe() const { return describe_; }
  bool in_transaction() const;

 private:
  struct ConnDeleter {
    void operator()(PGconn* conn) const { PQfinish(conn); }
  };
  struct CancelDeleter {
    void operator()(PGcancel* cancel) const { PQfreeCancel(cancel); }
  };

  // One command sent in a pipeline: a prepare or an execution (pg_pipeline.cpp).
  struct PipelineCommand;

  PgConnection(PGconn* conn, std::string describe);
  // Sends `statements` into libpq's output buffer, then the Sync (pg_pipeline.cpp).
  Status SendPipeline(const std::vector<PipelinedStatement>& statements,
                      std::vector<PipelineCommand>* sent);
  // Writes the output buffer while taking in what the server answers meanwhile.
  Status FlushPipeline();

  // Prepared statements by text, and the next name to give one. A name is recorded once the
  // server confirmed the prepare (a protocol-level prepare is not undone by a rollback); the
  // server forgets them with the connection, and so does this object.
  static constexpr size_t kMaxPrepared = 10000;
  std::unordered_map<std::string, std::string> prepared_;
  uint64_t next_prepared_ = 0;

  std::unique_ptr<PGconn, ConnDeleter> conn_;
  // Created once at connect time: PQcancel on it is safe from any thread.
  std::unique_ptr<PGcancel, CancelDeleter> cancel_;
  std::string describe_;
};

}  // namespace switchyard::endpoints::postgres
