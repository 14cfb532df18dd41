#include "engine/pipeline/cdc_task.h"

#include <chrono>
#include <memory>
#include <optional>

#include "engine/catalog/identifier.h"
#include "engine/logging/log.h"
#include "engine/pipeline/cdc/applier.h"
#include "engine/pipeline/cdc/control_table.h"
#include "engine/pipeline/cdc/mysql_change_stream.h"
#include "engine/pipeline/cdc/pg_change_stream.h"
#include "engine/pipeline/cdc/position.h"

namespace switchyard::pipeline {
namespace {

using catalog::Engine;
using endpoints::postgres::replication::Lsn;

// One interface over both change streams for the apply loop.
class ChangeSource {
 public:
  virtual ~ChangeSource() = default;
  virtual Result<std::optional<cdc::SourceTransaction>> Next() = 0;
  // After the target committed `position`.
  virtual Status Confirm(const cdc::SourcePosition& position) = 0;
};

class PgSource : public ChangeSource {
 public:
  explicit PgSource(std::unique_ptr<cdc::PgChangeStream> stream) : stream_(std::move(stream)) {}
  Result<std::optional<cdc::SourceTransaction>> Next() override {
    return stream_->Next(std::chrono::milliseconds(500));
  }
  Status Confirm(const cdc::SourcePosition& position) override {
    SY_ASSIGN_OR_RETURN(Lsn lsn, Lsn::Parse(position.text));
    return stream_->Confirm(lsn);
  }

 private:
  std::unique_ptr<cdc::PgChangeStream> stream_;
};

class MySqlSource : public ChangeSource {
 public:
  explicit MySqlSource(std::unique_ptr<cdc::MySqlChangeStream> stream)
      : stream_(std::move(stream)) {}
  Result<std::optional<cdc::SourceTransaction>> Next() override { return stream_->Next(); }
  // The binlog has no slot: the checkpoint on the target is the only record.
  Status Confirm(const cdc::SourcePosition&) override { return Status::Ok(); }

 private:
  std::unique_ptr<cdc::MySqlChangeStream> stream_;
};

// Creates the publication for the planned tables and the slot, unless they exist.
Result<Lsn> PreparePgSlot(const config::TaskConfig& task, const std::vector<TablePlan>& plans,
                          const std::string& name) {
  const auto params = task.source.ToConnectionParams();
  SY_ASSIGN_OR_RETURN(auto session, endpoints::Connect(params));
  SY_ASSIGN_OR_RETURN(auto pubs, session->Query("SELECT 1 FROM pg_publication WHERE pubname = " +
                                                session->QuoteLiteral(name)));
  if (pubs.empty()) {
    std::string tables;
    for (const auto& p : plans) {
      tables += (tables.empty() ? "" : ", ") +
                catalog::QuoteQualified(Engine::kPostgres, p.source.schema, p.source.name);
    }
    SY_RETURN_IF_ERROR(session->Execute("CREATE PUBLICATION " +
                                        catalog::QuoteIdentifier(Engine::kPostgres, name) +
                                        " FOR TABLE " + tables));
  }
  SY_ASSIGN_OR_RETURN(auto slots,
                      session->Query("SELECT 1 FROM pg_replication_slots WHERE slot_name = " +
                                     session->QuoteLiteral(name)));
  if (!slots.empty()) return Lsn();  // continue from the slot's confirmed position
  SY_ASSIGN_OR_RETURN(auto repl,
                      endpoints::postgres::replication::ReplicationConnection::Open(params));
  SY_ASSIGN_OR_RETURN(
      auto created,
      repl->CreateLogicalSlot(name, endpoints::postgres::replication::SnapshotAction::kNothing));
  SY_LOG(kInfo, Component::kSourceCapture,
         "created publication and replication slot " << name << " at "
                                                     << created.consistent_point.ToString());
  return created.consistent_point;
}

Result<std::unique_ptr<ChangeSource>> OpenSource(const config::TaskConfig& task,
                                                 const std::vector<TablePlan>& plans,
                                                 const std::optional<cdc::Checkpoint>& checkpoint) {
  const auto params = task.source.ToConnectionParams();
  const std::string name = ReplicationObjectName(task.identifier);
  if (task.source.engine == Engine::kPostgres) {
    Lsn start;
    if (checkpoint) {
      SY_ASSIGN_OR_RETURN(start, Lsn::Parse(checkpoint->position.text));
      SY_ASSIGN_OR_RETURN(Lsn ignored, PreparePgSlot(task, plans, name));
      (void)ignored;
    } else {
      SY_ASSIGN_OR_RETURN(start, PreparePgSlot(task, plans, name));
    }
    SY_ASSIGN_OR_RETURN(auto stream, cdc::PgChangeStream::Start(params, name, name, start, plans));
    return std::unique_ptr<ChangeSource>(new PgSource(std::move(stream)));
  }
  std::string file;
  uint64_t position = 0;
  if (checkpoint) {
    SY_ASSIGN_OR_RETURN(auto parsed, cdc::ParsePosition(checkpoint->position.text));
    const std::string& text = checkpoint->position.text;
    file = text.substr(0, text.find(':'));
    position = parsed.offset;
  } else {
    SY_ASSIGN_OR_RETURN(auto session, endpoints::Connect(params));
    SY_ASSIGN_OR_RETURN(auto rows, session->Query("SHOW MASTER STATUS"));
    if (rows.empty() || !rows[0][0] || !rows[0][1]) {
      return Status::Unsupported(
          "the source has no binary log (log_bin is off): CDC from "
          "MySQL/MariaDB needs binlog_format=ROW and binlog_row_image=FULL");
    }
    file = *rows[0][0];
    position = std::stoull(*rows[0][1]);
  }
  // A replica server id of our own, stable per task so the server sees one replica.
  uint32_t server_id = 1000000;
  for (char c : task.identifier) server_id = server_id * 31 + static_cast<unsigned char>(c);
  server_id = 1000000 + server_id % 1000000000;
  SY_ASSIGN_OR_RETURN(auto stream,
                      cdc::MySqlChangeStream::Start(params, server_id, file, position, plans));
  return std::unique_ptr<ChangeSource>(new MySqlSource(std::move(stream)));
}

}  // namespace

std::string ReplicationObjectName(const std::string& task_identifier) {
  std::string out = "switchyard_";
  for (char c : task_identifier) {
    out += (c == '-') ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

Status RunCdc(const config::TaskConfig& task, const std::vector<TablePlan>& plans,
              state::StateStore& store, std::stop_token stop) {
  SY_ASSIGN_OR_RETURN(auto target, endpoints::Connect(task.target.ToConnectionParams()));
  // Target tables must exist for CDC-only tasks; create the missing ones (as DO_NOTHING does).
  for (const auto& p : plans) {
    SY_ASSIGN_OR_RETURN(
        auto rows, target->Query("SELECT 1 FROM information_schema.tables WHERE table_schema = " +
                                 target->QuoteLiteral(p.target.schema) +
                                 " AND table_name = " + target->QuoteLiteral(p.target.name)));
    if (!rows.empty()) continue;
    SY_RETURN_IF_ERROR(target->Execute(catalog::CreateSchemaSql(p.target.engine, p.target.schema)));
    for (const auto& sql : catalog::CreateTableSql(p.target, true))
      SY_RETURN_IF_ERROR(target->Execute(sql));
  }
  cdc::Applier applier(target.get(), task.identifier, task.settings.control_tables, &plans);
  SY_RETURN_IF_ERROR(applier.Prepare());
  SY_ASSIGN_OR_RETURN(auto checkpoint,
                      cdc::ReadCheckpoint(*target, task.settings.control_tables, task.identifier));
  if (checkpoint) {
    SY_LOG(kInfo, Component::kSourceCapture,
           "resuming change capture after " << checkpoint->position.text);
  }
  SY_ASSIGN_OR_RETURN(auto source, OpenSource(task, plans, checkpoint));
  for (const auto& p : plans) {
    (void)store.SetTableState(p.source.schema, p.source.name, state::TableState::kTableCompleted);
  }
  SY_LOG(kInfo, Component::kSourceCapture,
         "change capture running for " << plans.size() << " table(s)");

  while (!stop.stop_requested()) {
    SY_ASSIGN_OR_RETURN(auto txn, source->Next());
    if (!txn) continue;
    Status applied = applier.Apply(*txn);
    if (!applied.ok()) {
      return applied.WithContext("applying the source transaction committed at " +
                                 txn->commit_position.text +
                                 " (nothing after the last checkpoint was lost; fix and resume)");
    }
    SY_RETURN_IF_ERROR(source->Confirm(txn->commit_position));
    // Per-table DMS counters (Inserts/Updates/Deletes) for `switchyard status`.
    for (const auto& change : txn->changes) {
      state::ChangeCounts counts;
      switch (change.op) {
        case cdc::ChangeOp::kInsert:
          counts.inserts = counts.applied_inserts = 1;
          break;
        case cdc::ChangeOp::kUpdate:
          counts.updates = counts.applied_updates = 1;
          break;
        case cdc::ChangeOp::kDelete:
          counts.deletes = counts.applied_deletes = 1;
          break;
        case cdc::ChangeOp::kTruncate:
          counts.ddls = counts.applied_ddls = 1;
          break;
      }
      if (applier.last_skipped())
        counts.applied_inserts = counts.applied_updates = counts.applied_deletes =
            counts.applied_ddls = 0;
      const auto& p = plans[change.table];
      (void)store.AddChangeCounts(p.source.schema, p.source.name, counts);
    }
  }
  return Status::Ok();
}

}  // namespace switchyard::pipeline
