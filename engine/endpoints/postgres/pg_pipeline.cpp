// PgConnection::ExecutePipeline: SqlSession::ExecutePipeline over libpq pipeline mode.
//
// Why: a simple-query batch of statements with literals makes the server parse and plan every
// statement, and for small statements (CDC applies one row per statement) that is most of its
// work. A prepared statement is parsed once per connection and, after a few executions, runs a
// cached generic plan: what is left per statement is binding the parameters and executing.
//
// How: the connection goes non-blocking and into pipeline mode; a Parse is queued for every
// statement text not prepared yet, then Bind/Execute per statement, then one Sync. The queue is
// written while whatever the server answers meanwhile is taken into libpq's input buffer: in
// blocking mode, a server whose socket buffer is full of results we have not read stops reading
// our input while we wait to write — the deadlock libpq's docs warn of for big pipelines. Then
// one result per command is read, then the Sync's, and the connection leaves pipeline mode and
// non-blocking mode again. After a failure the server skips every command up to the Sync
// (PGRES_PIPELINE_ABORTED), so the connection is ready for the next statement once the Sync's
// result is read; a rollback is the caller's business, as after ExecuteBatch.
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "engine/endpoints/postgres/pg_connection.h"
#include "engine/endpoints/postgres/pg_error.h"

namespace switchyard::endpoints::postgres {

struct PgConnection::PipelineCommand {
  size_t statement = 0;     // index into the statements
  bool is_prepare = false;  // a Parse of the statement's text under `name`, not its execution
  std::string name;
};

namespace {

constexpr std::string_view kWhat = "statement of a pipeline failed";
constexpr size_t kMaxParams = 65535;  // the protocol counts parameters in 16 bits

int64_t RowCount(PGresult* result) {
  const char* tuples = PQcmdTuples(result);
  return tuples[0] == '\0' ? 0 : std::stoll(tuples);
}

}  // namespace

Status PgConnection::SendPipeline(const std::vector<PipelinedStatement>& statements,
                                  std::vector<PipelineCommand>* sent) {
  PGconn* conn = conn_.get();
  std::unordered_map<std::string, std::string> pending;  // prepared by this pipeline
  std::vector<const char*> values;
  for (size_t i = 0; i < statements.size(); ++i) {
    const PipelinedStatement& s = statements[i];
    if (s.params.size() > kMaxParams) {
      return Status::InvalidArgument("statement " + std::to_string(i) + " of a pipeline has " +
                                     std::to_string(s.params.size()) + " parameters, at most " +
                                     std::to_string(kMaxParams) + " are possible [" + describe_ +
                                     "]");
    }
    values.clear();
    for (const auto& p : s.params) values.push_back(p ? p->c_str() : nullptr);
    const int n = static_cast<int>(values.size());
    const std::string* name = nullptr;
    if (s.prepare) {
      if (auto it = prepared_.find(s.sql); it != prepared_.end()) {
        name = &it->second;
      } else if (auto p = pending.find(s.sql); p != pending.end()) {
        name = &p->second;
      } else if (prepared_.size() + pending.size() < kMaxPrepared) {
        // Parameter types left to the server (nParams 0): inferred as for untyped literals.
        std::string fresh = "sy_p" + std::to_string(next_prepared_++);
        if (PQsendPrepare(conn, fresh.c_str(), s.sql.c_str(), 0, nullptr) == 0) {
          return ConnectionErrorStatus(kWhat);
        }
        sent->push_back({i, true, fresh});
        name = &pending.emplace(s.sql, std::move(fresh)).first->second;  // nodes do not move
      }
    }
    const int ok = name != nullptr ? PQsendQueryPrepared(conn, name->c_str(), n, values.data(),
                                                         nullptr, nullptr, 0)
                                   : PQsendQueryParams(conn, s.sql.c_str(), n, nullptr,
                                                       values.data(), nullptr, nullptr, 0);
    if (ok == 0) return ConnectionErrorStatus(kWhat);
    sent->push_back({i, false, {}});
  }
  return Status::Ok();
}

Status PgConnection::FlushPipeline() {
  PGconn* conn = conn_.get();
  for (;;) {
    const int flushed = PQflush(conn);
    if (flushed == 0) return Status::Ok();
    if (flushed < 0) {
      return Status::ConnectionError(std::string(kWhat) + ": " + DescribeError(conn, nullptr) +
                                     " [" + describe_ + "]");
    }
    pollfd fd{PQsocket(conn), POLLIN | POLLOUT, 0};
    if (poll(&fd, 1, -1) < 0) {
      if (errno == EINTR) continue;
      return Status::ConnectionError(std::string(kWhat) + ": poll: " + std::strerror(errno) + " [" +
                                     describe_ + "]");
    }
    // The server may be blocked writing results: take them in so that it reads again.
    if ((fd.revents & (POLLIN | POLLERR | POLLHUP)) != 0 && PQconsumeInput(conn) == 0) {
      return Status::ConnectionError(std::string(kWhat) + ": " + DescribeError(conn, nullptr) +
                                     " [" + describe_ + "]");
    }
  }
}

Status PgConnection::ExecutePipeline(const std::vector<PipelinedStatement>& statements,
                                     std::vector<int64_t>* counts) {
  if (statements.empty()) return Status::Ok();
  PGconn* conn = conn_.get();
  if (PQstatus(conn) == CONNECTION_BAD) return ConnectionErrorStatus(kWhat);
  if (PQsetnonblocking(conn, 1) != 0 || PQenterPipelineMode(conn) == 0) {
    (void)PQsetnonblocking(conn, 0);
    return ConnectionErrorStatus(kWhat);
  }
  // Leaves the connection as every other call expects it, or, when the pipeline is out of step
  // (connection lost, or results not as sent), unusable: shut down, so that every later call
  // fails with a connection error and the caller opens a new connection.
  auto finish = [&](Status st, bool in_step) {
    if (in_step && PQexitPipelineMode(conn) == 0) in_step = false;
    (void)PQsetnonblocking(conn, 0);
    if (!in_step) {
      if (PQstatus(conn) != CONNECTION_BAD) (void)shutdown(PQsocket(conn), SHUT_RDWR);
      if (st.code() != StatusCode::kConnectionError) {
        st = Status::ConnectionError(st.message() + "; the connection was closed, its state " +
                                     "being unknown");
      }
    }
    return st;
  };

  std::vector<PipelineCommand> sent;
  const Status send = SendPipeline(statements, &sent);
  if (PQstatus(conn) == CONNECTION_BAD) return finish(ConnectionErrorStatus(kWhat), false);
  // A statement that could not be queued ends the pipeline there; what was queued still runs
  // (up to the first failure) and is read, so the connection stays in step.
  if (PQpipelineSync(conn) == 0) return finish(ConnectionErrorStatus(kWhat), false);
  Status flushed = FlushPipeline();
  if (!flushed.ok()) return finish(flushed, false);

  Status first;
  for (const PipelineCommand& c : sent) {
    PgResult result(PQgetResult(conn));
    if (PQstatus(conn) == CONNECTION_BAD) return finish(ConnectionErrorStatus(kWhat), false);
    if (result == nullptr) return finish(Status::Internal("pipeline results out of step"), false);
    const ExecStatusType status = PQresultStatus(result.get());
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      if (c.is_prepare) {
        prepared_.emplace(statements[c.statement].sql, c.name);
      } else if (first.ok()) {
        counts->push_back(RowCount(result.get()));
      }
    } else if (status != PGRES_PIPELINE_ABORTED && first.ok()) {
      first = ErrorStatus(conn, result.get(), kWhat, describe_);
    }
    // Each command's results end with a null result.
    PgResult end(PQgetResult(conn));
    if (end != nullptr) return finish(Status::Internal("pipeline results out of step"), false);
  }
  PgResult sync(PQgetResult(conn));
  if (PQstatus(conn) == CONNECTION_BAD) return finish(ConnectionErrorStatus(kWhat), false);
  if (sync == nullptr || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) {
    return finish(Status::Internal("pipeline results out of step at its end"), false);
  }
  if (first.ok()) first = send;
  return finish(first, true);
}

}  // namespace switchyard::endpoints::postgres
