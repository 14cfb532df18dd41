#include "engine/pipeline/cdc/pg_slot.h"

#include <cctype>

#include "engine/catalog/identifier.h"
#include "engine/endpoints/postgres/pg_connection.h"
#include "engine/logging/log.h"

namespace switchyard::pipeline::cdc {
namespace {

using catalog::Engine;
using endpoints::postgres::PgConnection;
using endpoints::postgres::replication::Lsn;
using endpoints::postgres::replication::ReplicationConnection;
using endpoints::postgres::replication::SnapshotAction;

}  // namespace

std::string ReplicationObjectName(const std::string& task_identifier) {
  std::string out = "switchyard_";
  for (char c : task_identifier) {
    out += (c == '-') ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

Status EnsurePublication(const config::TaskConfig& task, const std::vector<TablePlan>& plans) {
  const std::string name = ReplicationObjectName(task.identifier);
  const std::string quoted = catalog::QuoteIdentifier(Engine::kPostgres, name);
  SY_ASSIGN_OR_RETURN(auto session, endpoints::Connect(task.source.ToConnectionParams()));
  SY_ASSIGN_OR_RETURN(auto pubs, session->Query("SELECT 1 FROM pg_publication WHERE pubname = " +
                                                session->QuoteLiteral(name)));
  std::string missing;
  for (const auto& p : plans) {
    if (p.capture_ended) continue;  // dropped or renamed on the source (source_table_end.h)
    if (!pubs.empty()) {
      SY_ASSIGN_OR_RETURN(
          auto member, session->Query("SELECT 1 FROM pg_publication_tables WHERE pubname = " +
                                      session->QuoteLiteral(name) + " AND schemaname = " +
                                      session->QuoteLiteral(p.source.schema) +
                                      " AND tablename = " + session->QuoteLiteral(p.source.name)));
      if (!member.empty()) continue;
    }
    // Gone from the source since the plans were made (a drop or rename the CDC table watch
    // has not reported yet): adding it would fail this and every later reconnect.
    SY_ASSIGN_OR_RETURN(auto exists,
                        session->Query("SELECT to_regclass(" +
                                       session->QuoteLiteral(catalog::QuoteQualified(
                                           Engine::kPostgres, p.source.schema, p.source.name)) +
                                       ") IS NOT NULL"));
    if (exists.empty() || exists[0][0].value_or("f") != "t") continue;
    missing += (missing.empty() ? "" : ", ") +
               catalog::QuoteQualified(Engine::kPostgres, p.source.schema, p.source.name);
  }
  if (missing.empty()) return Status::Ok();
  if (pubs.empty())
    return session->Execute("CREATE PUBLICATION " + quoted + " FOR TABLE " + missing);
  SY_LOG(kInfo, Component::kSourceCapture, "adding " << missing << " to publication " << name);
  return session->Execute("ALTER PUBLICATION " + quoted + " ADD TABLE " + missing);
}

Result<bool> TaskSlotExists(const config::TaskConfig& task) {
  SY_ASSIGN_OR_RETURN(auto conn, PgConnection::Open(task.source.ToConnectionParams()));
  SY_ASSIGN_OR_RETURN(auto state, endpoints::postgres::replication::ReadSlotState(
                                      *conn, ReplicationObjectName(task.identifier)));
  return state.has_value();
}

Status DropSlotIfExists(const config::TaskConfig& task) {
  const std::string name = ReplicationObjectName(task.identifier);
  SY_ASSIGN_OR_RETURN(auto repl, ReplicationConnection::Open(task.source.ToConnectionParams()));
  Status st = repl->DropSlot(name, /*wait=*/true);
  if (st.code() == StatusCode::kNotFound) return Status::Ok();
  if (st.ok()) SY_LOG(kInfo, Component::kSourceCapture, "dropped replication slot " << name);
  return st;
}

Result<SnapshotSlot> CreateSnapshotSlot(const config::TaskConfig& task, const std::string& name,
                                        bool temporary) {
  SnapshotSlot out;
  SY_ASSIGN_OR_RETURN(out.connection,
                      ReplicationConnection::Open(task.source.ToConnectionParams()));
  SY_LOG(kInfo, Component::kSourceCapture,
         "creating replication slot " << name << (temporary ? " (temporary)" : "")
                                      << "; this waits for transactions open on the source "
                                         "to finish");
  SY_ASSIGN_OR_RETURN(out.slot,
                      out.connection->CreateLogicalSlot(name, SnapshotAction::kExport, temporary));
  SY_LOG(kInfo, Component::kSourceCapture,
         "replication slot " << name << " consistent at " << out.slot.consistent_point.ToString()
                             << ", snapshot " << out.slot.snapshot_name);
  SY_ASSIGN_OR_RETURN(auto reader, PgConnection::Open(task.source.ToConnectionParams()));
  SY_RETURN_IF_ERROR(
      reader->Execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; "
                      "SET TRANSACTION SNAPSHOT " +
                      reader->QuoteLiteral(out.slot.snapshot_name)));
  SY_ASSIGN_OR_RETURN(auto rows, reader->Query("SELECT pg_current_snapshot()::text"));
  if (rows.empty() || !rows[0][0]) {
    return Status::DatabaseError("reading the transactions of snapshot " + out.slot.snapshot_name +
                                 ": no row");
  }
  out.snapshot_xids = *rows[0][0];
  (void)reader->Execute("COMMIT");
  return out;
}

Result<Lsn> CheckTaskSlot(const config::TaskConfig& task,
                          const std::optional<std::string>& expected_at_or_after) {
  const std::string name = ReplicationObjectName(task.identifier);
  SY_ASSIGN_OR_RETURN(auto conn, PgConnection::Open(task.source.ToConnectionParams()));
  SY_ASSIGN_OR_RETURN(auto state, endpoints::postgres::replication::ReadSlotState(*conn, name));
  if (!state) {
    if (expected_at_or_after) {
      return Status::DatabaseError(
          "replication slot " + name +
          " is gone (dropped behind the engine's back): the "
          "changes after " +
          *expected_at_or_after +
          " can no longer be read. Reload the task (--start-type reload-target) to start "
          "from a new snapshot");
    }
    SY_ASSIGN_OR_RETURN(auto repl, ReplicationConnection::Open(task.source.ToConnectionParams()));
    SY_ASSIGN_OR_RETURN(auto created, repl->CreateLogicalSlot(name, SnapshotAction::kNothing));
    SY_LOG(kInfo, Component::kSourceCapture,
           "created replication slot " << name << " at " << created.consistent_point.ToString());
    return created.consistent_point;
  }
  if (state->wal_status == "lost") {
    return Status::DatabaseError(
        "replication slot " + name +
        " was invalidated by the source (wal_status lost: it "
        "fell behind max_slot_wal_keep_size); changes are missing. Reload the task "
        "(--start-type reload-target)");
  }
  if (expected_at_or_after && state->confirmed_flush_lsn) {
    SY_ASSIGN_OR_RETURN(Lsn expected, Lsn::Parse(*expected_at_or_after));
    if (expected < *state->confirmed_flush_lsn) {
      return Status::DatabaseError(
          "replication slot " + name + " starts at " + state->confirmed_flush_lsn->ToString() +
          ", after the target's position " + *expected_at_or_after +
          ": it was recreated or advanced behind the engine's back and the changes in between "
          "are gone. Reload the task (--start-type reload-target)");
    }
  }
  return Lsn();  // stream from the slot's confirmed position
}

}  // namespace switchyard::pipeline::cdc
