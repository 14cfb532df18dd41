#include "engine/endpoints/postgres/pg_connection.h"

#include "engine/catalog/identifier.h"
#include "engine/endpoints/postgres/pg_error.h"
#include "engine/endpoints/postgres/pg_session.h"

namespace switchyard::endpoints::postgres {

PgConnection::PgConnection(PGconn* conn, std::string describe)
    : conn_(conn), cancel_(PQgetCancel(conn)), describe_(std::move(describe)) {}

PgConnection::~PgConnection() = default;

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const ConnectionParams& params) {
  std::string describe = params.Describe();
  SY_ASSIGN_OR_RETURN(PGconn * conn, ConnectLibpq(params, /*replication=*/false, describe));
  std::unique_ptr<PgConnection> session(new PgConnection(conn, std::move(describe)));
  SY_RETURN_IF_ERROR(session->Execute(kSessionSettings));
  return session;
}

Result<PgResult> PgConnection::Exec(const std::string& sql, ExecStatusType expected,
                                    std::string_view what) {
  PgResult result(PQexec(conn_.get(), sql.c_str()));
  if (result == nullptr || PQresultStatus(result.get()) != expected) {
    return ErrorStatus(conn_.get(), result.get(), what, describe_);
  }
  return result;
}

Result<PgResult> PgConnection::ExecParams(const std::string& sql,
                                          const std::vector<std::string>& params,
                                          ExecStatusType expected, std::string_view what) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::string& p : params) values.push_back(p.c_str());
  PgResult result(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                               values.data(), nullptr, nullptr, 0));
  if (result == nullptr || PQresultStatus(result.get()) != expected) {
    return ErrorStatus(conn_.get(), result.get(), what, describe_);
  }
  return result;
}

Status PgConnection::Execute(const std::string& sql) {
  PgResult result(PQexec(conn_.get(), sql.c_str()));
  ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
    return Status::Ok();
  }
  if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT) {
    // Not a plain statement: leave the connection usable before reporting the misuse.
    if (status == PGRES_COPY_IN) PQputCopyEnd(conn_.get(), "COPY is not allowed in Execute()");
    (void)Cancel();
    (void)DrainResults("COPY in Execute()");
    return Status::InvalidArgument("COPY statements cannot run through Execute() [" + describe_ +
                                   "]");
  }
  return ErrorStatus(conn_.get(), result.get(), "statement failed", describe_);
}

Result<std::vector<SqlRow>> PgConnection::Query(const std::string& sql) {
  SY_ASSIGN_OR_RETURN(PgResult result, Exec(sql, PGRES_TUPLES_OK, "query failed"));
  int rows = PQntuples(result.get());
  int cols = PQnfields(result.get());
  std::vector<SqlRow> out;
  out.reserve(static_cast<size_t>(rows));
  for (int r = 0; r < rows; ++r) {
    SqlRow row;
    row.reserve(static_cast<size_t>(cols));
    for (int c = 0; c < cols; ++c) {
      if (PQgetisnull(result.get(), r, c)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(result.get(), r, c),
                                     static_cast<size_t>(PQgetlength(result.get(), r, c))));
      }
    }
    out.push_back(std::move(row));
  }
  return out;
}

Status PgConnection::ExecuteBatch(const std::vector<std::string>& statements,
                                  std::vector<int64_t>* counts) {
  constexpr std::string_view kWhat = "statement of a batch failed";
  if (statements.empty()) return Status::Ok();
  std::string sql;
  for (const std::string& s : statements) {
    if (!sql.empty()) sql += ";\n";
    sql += s;
  }
  // The simple query protocol runs the statements in order and stops at the first error: one
  // result per statement that ran, then the error's.
  if (PQsendQuery(conn_.get(), sql.c_str()) == 0) return ConnectionErrorStatus(kWhat);
  Status first;
  while (PGresult* raw_result = PQgetResult(conn_.get())) {
    PgResult result(raw_result);
    const ExecStatusType status = PQresultStatus(result.get());
    if (!first.ok()) continue;  // drained so the connection is ready again
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      const char* tuples = PQcmdTuples(result.get());
      counts->push_back(tuples[0] == '\0' ? 0 : std::stoll(tuples));
    } else if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT) {
      first = Status::InvalidArgument("COPY statements cannot run through ExecuteBatch() [" +
                                      describe_ + "]");
      if (status == PGRES_COPY_IN) {
        PQputCopyEnd(conn_.get(), "COPY is not allowed in a batch");
      } else {
        char* buffer = nullptr;
        while (PQgetCopyData(conn_.get(), &buffer, 0) >= 0) PQfreemem(buffer);
      }
    } else if (status != PGRES_EMPTY_QUERY) {
      first = ErrorStatus(conn_.get(), result.get(), kWhat, describe_);
    }
    if (PQstatus(conn_.get()) == CONNECTION_BAD) break;
  }
  if (first.ok() && PQstatus(conn_.get()) == CONNECTION_BAD) return ConnectionErrorStatus(kWhat);
  return first;
}

std::string PgConnection::QuoteIdentifier(const std::string& name) const {
  return catalog::QuoteIdentifier(catalog::Engine::kPostgres, name);
}

std::string PgConnection::QuoteLiteral(const std::string& value) const {
  char* quoted = PQescapeLiteral(conn_.get(), value.data(), value.size());
  if (quoted == nullptr) {
    // Invalid UTF-8: quote it plainly (safe with standard_conforming_strings); the server
    // rejects the bytes with a proper data error when the statement runs.
    return catalog::QuoteLiteral(catalog::Engine::kPostgres, value);
  }
  std::string out(quoted);
  PQfreemem(quoted);
  return out;
}

std::string PgConnection::ServerVersion() const {
  const char* version = PQparameterStatus(conn_.get(), "server_version");
  return version != nullptr ? version : std::to_string(PQserverVersion(conn_.get()));
}

Status PgConnection::DrainResults(std::string_view what, bool row_level_is_data) {
  Status first;
  while (PGresult* raw_result = PQgetResult(conn_.get())) {
    PgResult result(raw_result);
    ExecStatusType status = PQresultStatus(result.get());
    if (status == PGRES_COPY_IN) {
      PQputCopyEnd(conn_.get(), "abandoned");
    } else if (status == PGRES_COPY_OUT) {
      char* buffer = nullptr;
      while (PQgetCopyData(conn_.get(), &buffer, 0) >= 0) PQfreemem(buffer);
    } else if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && first.ok()) {
      first = ErrorStatus(conn_.get(), result.get(), what, describe_, row_level_is_data);
    }
    if (PQstatus(conn_.get()) == CONNECTION_BAD) break;
  }
  if (first.ok() && PQstatus(conn_.get()) == CONNECTION_BAD) {
    return ConnectionErrorStatus(what);
  }
  return first;
}

Status PgConnection::Cancel() {
  if (cancel_ == nullptr) return Status::ConnectionError("no cancel handle [" + describe_ + "]");
  char errbuf[256];
  if (PQcancel(cancel_.get(), errbuf, sizeof(errbuf)) == 0) {
    return Status::ConnectionError(std::string("cancel request failed: ") + errbuf + " [" +
                                   describe_ + "]");
  }
  return Status::Ok();
}

Status PgConnection::ConnectionErrorStatus(std::string_view what) const {
  return ErrorStatus(conn_.get(), nullptr, what, describe_);
}

bool PgConnection::in_transaction() const {
  PGTransactionStatusType status = PQtransactionStatus(conn_.get());
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

}  // namespace switchyard::endpoints::postgres
