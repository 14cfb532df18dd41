#include "engine/endpoints/postgres/replication/replication_connection.h"

#include <poll.h>

#include <cerrno>
#include <cstring>

#include "engine/catalog/identifier.h"
#include "engine/endpoints/postgres/pg_error.h"
#include "engine/endpoints/postgres/pg_session.h"

namespace switchyard::endpoints::postgres::replication {
namespace {

bool IsGucName(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// A string literal for the replication command grammar, which knows only '...' with ''
// doubling (no E'' strings, so PQescapeLiteral's output is not always accepted).
Result<std::string> ReplicationLiteral(const std::string& value) {
  if (value.find('\0') != std::string::npos) {
    return Status::InvalidArgument("a replication command value cannot contain a NUL byte");
  }
  return catalog::QuoteLiteral(catalog::Engine::kPostgres, value);
}

std::string SqlState(const PGresult* result) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  return state != nullptr ? state : "";
}

std::string Field(const PGresult* result, int row, int column) {
  if (PQgetisnull(result, row, column)) return "";
  return std::string(PQgetvalue(result, row, column),
                     static_cast<size_t>(PQgetlength(result, row, column)));
}

Result<std::optional<Lsn>> OptionalLsnField(const PGresult* result, int row, int column) {
  if (PQgetisnull(result, row, column)) return std::optional<Lsn>();
  SY_ASSIGN_OR_RETURN(Lsn lsn, Lsn::Parse(Field(result, row, column)));
  return std::optional<Lsn>(lsn);
}

}  // namespace

Status ValidateSlotName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 63;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) ok = false;
  }
  if (ok) return Status::Ok();
  return Status::InvalidArgument("invalid replication slot name \"" + name +
                                 "\": use 1-63 lower-case letters, digits and underscores");
}

Result<std::string> BuildStartReplicationCommand(const std::string& slot_name, Lsn start,
                                                 const StreamOptions& options) {
  SY_RETURN_IF_ERROR(ValidateSlotName(slot_name));
  if (options.proto_version < 1 || options.proto_version > 2) {
    return Status::InvalidArgument("pgoutput proto_version must be 1 or 2, not " +
                                   std::to_string(options.proto_version));
  }
  if (options.streaming && options.proto_version < 2) {
    return Status::InvalidArgument("streaming of in-progress transactions needs proto_version 2");
  }
  if (options.publication_names.empty()) {
    return Status::InvalidArgument("START_REPLICATION needs at least one publication");
  }
  // pgoutput splits publication_names as an identifier list (SplitIdentifierString), so each
  // name is quoted as an identifier and the list is then passed as one literal.
  std::string names;
  for (const std::string& name : options.publication_names) {
    if (name.empty()) return Status::InvalidArgument("empty publication name");
    if (!names.empty()) names += ',';
    names += catalog::QuoteIdentifier(catalog::Engine::kPostgres, name);
  }
  SY_ASSIGN_OR_RETURN(std::string names_literal, ReplicationLiteral(names));
  std::string command = "START_REPLICATION SLOT " + slot_name + " LOGICAL " + start.ToString() +
                        " (proto_version '" + std::to_string(options.proto_version) +
                        "', publication_names " + names_literal;
  if (options.messages) command += ", messages 'true'";
  if (options.streaming) command += ", streaming 'on'";
  command += ")";
  return command;
}

Result<std::optional<SlotState>> ReadSlotState(PgConnection& connection,
                                               const std::string& slot_name) {
  SY_ASSIGN_OR_RETURN(
      PgResult result,
      connection.ExecParams(
          "SELECT slot_name::text, plugin::text, slot_type, database::text, active, active_pid, "
          "restart_lsn::text, confirmed_flush_lsn::text, wal_status, safe_wal_size "
          "FROM pg_catalog.pg_replication_slots WHERE slot_name = $1",
          {slot_name}, PGRES_TUPLES_OK, "reading replication slot state"));
  if (PQntuples(result.get()) == 0) return std::optional<SlotState>();
  const PGresult* r = result.get();
  SlotState state;
  state.slot_name = Field(r, 0, 0);
  state.plugin = Field(r, 0, 1);
  state.slot_type = Field(r, 0, 2);
  state.database = Field(r, 0, 3);
  state.active = Field(r, 0, 4) == "t";
  if (!PQgetisnull(r, 0, 5)) state.active_pid = std::stoi(Field(r, 0, 5));
  SY_ASSIGN_OR_RETURN(state.restart_lsn, OptionalLsnField(r, 0, 6));
  SY_ASSIGN_OR_RETURN(state.confirmed_flush_lsn, OptionalLsnField(r, 0, 7));
  state.wal_status = Field(r, 0, 8);
  if (!PQgetisnull(r, 0, 9)) state.safe_wal_size = std::stoll(Field(r, 0, 9));
  return std::optional<SlotState>(std::move(state));
}

ReplicationConnection::ReplicationConnection(PGconn* conn, std::string describe)
    : conn_(conn), describe_(std::move(describe)) {}

ReplicationConnection::~ReplicationConnection() = default;

Result<std::unique_ptr<ReplicationConnection>> ReplicationConnection::Open(
    const ConnectionParams& params, const ReplicationSessionOptions& options) {
  std::string settings = kSessionSettings;
  for (const auto& [name, value] : options.settings) {
    if (!IsGucName(name)) {
      return Status::InvalidArgument("invalid setting name \"" + name + "\"");
    }
    SY_ASSIGN_OR_RETURN(std::string literal, ReplicationLiteral(value));
    settings += "; SET " + name + " = " + literal;
  }

  std::string describe = params.Describe() + " (replication)";
  SY_ASSIGN_OR_RETURN(PGconn * conn, ConnectLibpq(params, /*replication=*/true, describe));
  std::unique_ptr<ReplicationConnection> session(
      new ReplicationConnection(conn, std::move(describe)));
  // Several statements in one simple query run as one implicit transaction; that is fine for
  // SET and leaves the connection idle, as CREATE_REPLICATION_SLOT ... 'export' requires.
  PgResult result(PQexec(session->conn_.get(), settings.c_str()));
  if (result == nullptr || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    return ErrorStatus(session->conn_.get(), result.get(), "applying session settings",
                       session->describe_);
  }
  return session;
}

Result<PgResult> ReplicationConnection::Exec(const std::string& command, ExecStatusType expected,
                                             std::string_view what) {
  if (streaming_) {
    return Status::Internal(std::string(what) + ": the connection is streaming [" + describe_ +
                            "]");
  }
  PgResult result(PQexec(conn_.get(), command.c_str()));
  if (result == nullptr || PQresultStatus(result.get()) != expected) {
    Status status = ErrorStatus(conn_.get(), result.get(), what, describe_);
    // 42704 undefined_object: e.g. the replication slot does not exist.
    if (SqlState(result.get()) == "42704") return Status::NotFound(status.message());
    return status;
  }
  return result;
}

Result<SystemIdentity> ReplicationConnection::IdentifySystem() {
  SY_ASSIGN_OR_RETURN(PgResult result,
                      Exec("IDENTIFY_SYSTEM", PGRES_TUPLES_OK, "IDENTIFY_SYSTEM failed"));
  const PGresult* r = result.get();
  if (PQntuples(r) != 1 || PQnfields(r) < 4) {
    return Status::Internal("IDENTIFY_SYSTEM returned an unexpected result shape [" + describe_ +
                            "]");
  }
  SystemIdentity identity;
  identity.system_id = Field(r, 0, 0);
  identity.timeline = static_cast<uint32_t>(std::stoul(Field(r, 0, 1)));
  SY_ASSIGN_OR_RETURN(identity.wal_flush_position, Lsn::Parse(Field(r, 0, 2)));
  identity.database = Field(r, 0, 3);
  return identity;
}

Result<CreatedSlot> ReplicationConnection::CreateLogicalSlot(const std::string& slot_name,
                                                             SnapshotAction action,
                                                             bool temporary) {
  SY_RETURN_IF_ERROR(ValidateSlotName(slot_name));
  bool export_snapshot = action == SnapshotAction::kExport;
  std::string command = "CREATE_REPLICATION_SLOT " + slot_name +
                        (temporary ? " TEMPORARY" : "") + " LOGICAL pgoutput ";
  if (server_version() >= 150000) {
    command += export_snapshot ? "(SNAPSHOT 'export')" : "(SNAPSHOT 'nothing')";
  } else {
    command += export_snapshot ? "EXPORT_SNAPSHOT" : "NOEXPORT_SNAPSHOT";
  }
  SY_ASSIGN_OR_RETURN(
      PgResult result,
      Exec(command, PGRES_TUPLES_OK, "creating replication slot \"" + slot_name + "\" failed"));
  const PGresult* r = result.get();
  if (PQntuples(r) != 1 || PQnfields(r) < 4) {
    return Status::Internal("CREATE_REPLICATION_SLOT returned an unexpected result shape [" +
                            describe_ + "]");
  }
  CreatedSlot slot;
  slot.slot_name = Field(r, 0, 0);
  SY_ASSIGN_OR_RETURN(slot.consistent_point, Lsn::Parse(Field(r, 0, 1)));
  slot.snapshot_name = Field(r, 0, 2);
  slot.output_plugin = Field(r, 0, 3);
  if (export_snapshot && slot.snapshot_name.empty()) {
    return Status::Internal("CREATE_REPLICATION_SLOT exported no snapshot [" + describe_ + "]");
  }
  return slot;
}

Status ReplicationConnection::DropSlot(const std::string& slot_name, bool wait) {
  SY_RETURN_IF_ERROR(ValidateSlotName(slot_name));
  std::string command = "DROP_REPLICATION_SLOT " + slot_name + (wait ? " WAIT" : "");
  auto result =
      Exec(command, PGRES_COMMAND_OK, "dropping replication slot \"" + slot_name + "\" failed");
  return result.status();
}

Status ReplicationConnection::StartReplication(const std::string& slot_name, Lsn start,
                                               const StreamOptions& options) {
  SY_ASSIGN_OR_RETURN(std::string command, BuildStartReplicationCommand(slot_name, start, options));
  SY_ASSIGN_OR_RETURN(PgResult result, Exec(command, PGRES_COPY_BOTH,
                                            "starting replication from slot \"" + slot_name +
                                                "\" at " + start.ToString() + " failed"));
  streaming_ = true;
  return Status::Ok();
}

Status ReplicationConnection::ConnectionLost(std::string_view what) {
  streaming_ = false;
  Status status = ErrorStatus(conn_.get(), nullptr, what, describe_);
  return Status::ConnectionError(status.message());
}

Status ReplicationConnection::StreamEnded() {
  streaming_ = false;
  Status first =
      Status::ConnectionError("the server ended the replication stream [" + describe_ + "]");
  bool have_error = false;
  while (PGresult* raw = PQgetResult(conn_.get())) {
    PgResult result(raw);
    ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && !have_error) {
      Status error = ErrorStatus(conn_.get(), result.get(), "replication stream ended", describe_);
      first = Status::ConnectionError(error.message());
      have_error = true;
    }
    if (PQstatus(conn_.get()) == CONNECTION_BAD) break;
  }
  return first;
}

Result<ReceivedFrame> ReplicationConnection::Receive(std::chrono::milliseconds timeout) {
  if (!streaming_) {
    return Status::Internal("Receive called while not streaming [" + describe_ + "]");
  }
  buffer_.reset();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    char* raw = nullptr;
    int length = PQgetCopyData(conn_.get(), &raw, 1);
    if (length > 0) {
      buffer_.reset(raw);
      SY_ASSIGN_OR_RETURN(ReplicationFrame frame, ParseReplicationFrame(std::string_view(
                                                      raw, static_cast<size_t>(length))));
      if (auto* data = std::get_if<XLogData>(&frame)) return ReceivedFrame(*data);
      return ReceivedFrame(std::get<PrimaryKeepalive>(frame));
    }
    if (length == -1) return StreamEnded();
    if (length < -1) return ConnectionLost("reading the replication stream failed");

    // Nothing buffered: wait for the socket until the deadline.
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return ReceivedFrame(ReceiveTimeout{});
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    pollfd fd{};
    fd.fd = PQsocket(conn_.get());
    fd.events = POLLIN;
    if (fd.fd < 0) return ConnectionLost("replication connection has no socket");
    int ready = poll(&fd, 1, static_cast<int>(wait.count()) + 1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      streaming_ = false;
      return Status::ConnectionError(std::string("poll on the replication socket failed: ") +
                                     std::strerror(errno) + " [" + describe_ + "]");
    }
    if (ready == 0) return ReceivedFrame(ReceiveTimeout{});
    if (PQconsumeInput(conn_.get()) == 0) {
      return ConnectionLost("reading the replication stream failed");
    }
  }
}

Status ReplicationConnection::SendStatusUpdate(StandbyStatusUpdate update) {
  if (!streaming_) {
    return Status::Internal("SendStatusUpdate called while not streaming [" + describe_ + "]");
  }
  // PostgreSQL 15 would move confirmed_flush_lsn backwards on request; never ask it to.
  if (!update.flushed.is_zero() && update.flushed < last_flushed_sent_) {
    return Status::InvalidArgument("flushed LSN " + update.flushed.ToString() +
                                   " is behind the one already reported (" +
                                   last_flushed_sent_.ToString() + ") [" + describe_ + "]");
  }
  if (update.client_time_us == 0) update.client_time_us = NowPostgresMicros();
  std::string message = EncodeStandbyStatusUpdate(update);
  if (PQputCopyData(conn_.get(), message.data(), static_cast<int>(message.size())) != 1 ||
      PQflush(conn_.get()) != 0) {
    return ConnectionLost("sending a standby status update failed");
  }
  if (!update.flushed.is_zero()) last_flushed_sent_ = update.flushed;
  return Status::Ok();
}

Status ReplicationConnection::StopReplication() {
  if (!streaming_) return Status::Ok();
  buffer_.reset();
  if (PQputCopyEnd(conn_.get(), nullptr) != 1 || PQflush(conn_.get()) != 0) {
    return ConnectionLost("ending the replication stream failed");
  }
  // The server may still send data before its CopyDone; discard it.
  for (;;) {
    char* raw = nullptr;
    int length = PQgetCopyData(conn_.get(), &raw, 0);
    if (raw != nullptr) PQfreemem(raw);
    if (length == -1) break;
    if (length < -1) return ConnectionLost("ending the replication stream failed");
  }
  streaming_ = false;
  Status first;
  while (PGresult* raw = PQgetResult(conn_.get())) {
    PgResult result(raw);
    ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && first.ok()) {
      first = ErrorStatus(conn_.get(), result.get(), "ending the replication stream", describe_);
    }
    if (PQstatus(conn_.get()) == CONNECTION_BAD) break;
  }
  return first;
}

}  // namespace switchyard::endpoints::postgres::replication
