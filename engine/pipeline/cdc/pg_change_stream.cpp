#include "engine/pipeline/cdc/pg_change_stream.h"

#include <algorithm>
#include <set>
#include <utility>
#include <variant>

#include "engine/catalog/identifier.h"
#include "engine/pipeline/cdc/pg_value_text.h"

namespace switchyard::pipeline::cdc {

namespace repl = endpoints::postgres::replication;

namespace {

const catalog::Column* SourceColumn(const TablePlan& plan, const std::string& name) {
  for (const catalog::Column& c : plan.source.columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// How each of the plan's target columns is made from pgoutput text (pg_value_text.h);
// kUnsupported for a select_expr the change stream cannot reproduce.
Result<std::vector<PgValueConversion>> Conversions(const TablePlan& plan) {
  std::vector<PgValueConversion> out;
  for (const catalog::ColumnPlan& column : plan.target.columns) {
    SY_ASSIGN_OR_RETURN(
        PgValueConversion conversion,
        PgConversionFor(column, SourceColumn(plan, column.source_name), plan.SourceName()));
    out.push_back(conversion);
  }
  return out;
}

Status CheckPlans(const std::vector<TablePlan>& plans) {
  for (const TablePlan& plan : plans) SY_RETURN_IF_ERROR(Conversions(plan).status());
  return Status::Ok();
}

Result<ChangeValue> Convert(const repl::TupleValue& value, const PgValueConversion& conversion) {
  switch (value.kind) {
    case repl::TupleValueKind::kNull:
      return ChangeValue::Null();
    case repl::TupleValueKind::kUnchangedToast:
      return ChangeValue::Unchanged();
    case repl::TupleValueKind::kText:
    case repl::TupleValueKind::kBinary:
      break;
  }
  if (conversion.kind == PgTextConversion::kNone) return ChangeValue::Value(value.bytes);
  // kOnSource text values never come here (PgChangeStream::ConvertOnSource).
  SY_ASSIGN_OR_RETURN(std::string text, ConvertPgText(conversion, value.bytes));
  return ChangeValue::Value(std::move(text));
}

}  // namespace

Result<std::unique_ptr<PgChangeStream>> PgChangeStream::Start(
    const endpoints::ConnectionParams& params, const std::string& slot,
    const std::string& publication, Lsn start, const std::vector<TablePlan>& plans,
    const repl::ReplicationSessionOptions& session) {
  SY_RETURN_IF_ERROR(CheckPlans(plans));
  SY_ASSIGN_OR_RETURN(std::unique_ptr<repl::ReplicationConnection> conn,
                      repl::ReplicationConnection::Open(params, session));
  repl::StreamOptions options;
  options.publication_names = {publication};
  options.proto_version = 2;
  // Logical messages arrive as empty transactions: the engine's heartbeat (cdc_task.cpp) uses
  // them to move the slot forward while the published tables are idle.
  options.messages = true;
  options.streaming = true;
  SY_RETURN_IF_ERROR(conn->StartReplication(slot, start, options));
  return std::unique_ptr<PgChangeStream>(new PgChangeStream(std::move(conn), plans, start, params));
}

PgChangeStream::PgChangeStream(std::unique_ptr<repl::ReplicationConnection> conn,
                               const std::vector<TablePlan>& plans, Lsn start,
                               endpoints::ConnectionParams source)
    : conn_(std::move(conn)), source_(std::move(source)), plans_(&plans), start_(start) {}

Result<ChangeValue> PgChangeStream::ConvertOnSource(const std::string& sql,
                                                    const std::string& text) {
  if (!converter_) {
    SY_ASSIGN_OR_RETURN(converter_, endpoints::postgres::PgConnection::Open(source_));
  }
  auto result = converter_->ExecParams(sql, {text}, PGRES_TUPLES_OK,
                                       "converting a streamed value on the source");
  if (!result.ok()) {
    converter_.reset();  // opened again for the next value, or by the next session
    return result.status();
  }
  PGresult* r = result->get();
  if (PQntuples(r) != 1 || PQnfields(r) != 1) {
    return Status::Internal("converting a streamed value on the source: `" + sql + "` gave " +
                            std::to_string(PQntuples(r)) + " row(s)");
  }
  if (PQgetisnull(r, 0, 0)) return ChangeValue::Null();
  return ChangeValue::Value(std::string(PQgetvalue(r, 0, 0), PQgetlength(r, 0, 0)));
}

PgChangeStream::~PgChangeStream() {
  // A clean CopyDone lets the walsender exit at once, so the slot is free for the next Start.
  if (conn_ && conn_->streaming()) (void)conn_->StopReplication();
}

Status PgChangeStream::SendFeedback() {
  repl::StandbyStatusUpdate update;
  update.written = std::max(last_received_, confirmed_);
  update.flushed = confirmed_;
  update.applied = confirmed_;
  return conn_->SendStatusUpdate(update);
}

Status PgChangeStream::Confirm(Lsn flushed) {
  if (flushed < confirmed_) {
    return Status::InvalidArgument("Confirm(" + flushed.ToString() + ") is behind the position " +
                                   confirmed_.ToString() + " already confirmed");
  }
  if (flushed == confirmed_) return Status::Ok();
  confirmed_ = flushed;
  return SendFeedback();
}

Result<std::optional<SourceTransaction>> PgChangeStream::Next(std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() < 0) left = std::chrono::milliseconds(0);
    SY_ASSIGN_OR_RETURN(repl::ReceivedFrame frame, conn_->Receive(left));
    if (std::holds_alternative<repl::ReceiveTimeout>(frame)) {
      return std::optional<SourceTransaction>();
    }
    if (auto* keepalive = std::get_if<repl::PrimaryKeepalive>(&frame)) {
      last_received_ = std::max(last_received_, keepalive->wal_end);
      if (keepalive->reply_requested) SY_RETURN_IF_ERROR(SendFeedback());
    } else {
      auto& data = std::get<repl::XLogData>(frame);
      last_received_ = std::max(last_received_, data.wal_end);
      SY_ASSIGN_OR_RETURN(repl::PgOutputMessage message, decoder_.Decode(data.payload));
      std::optional<SourceTransaction> done;
      SY_RETURN_IF_ERROR(Handle(message, &done));
      if (done.has_value()) return done;
    }
    // A zero timeout means "what is already here": keep reading while frames are buffered.
    if (timeout.count() > 0 && Clock::now() >= deadline) return std::optional<SourceTransaction>();
  }
}

std::optional<SourceTransaction> PgChangeStream::Finish(ChangeList changes, Lsn end_lsn,
                                                        int64_t commit_time_us) const {
  if (end_lsn <= start_) return std::nullopt;  // already behind where we were asked to start
  SourceTransaction txn;
  txn.commit_position.text = end_lsn.ToString();
  txn.commit_time = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::microseconds(commit_time_us + repl::kPostgresEpochUnixMicros)));
  changes.MarkComplete();
  txn.changes = std::move(changes);
  return txn;
}

Result<PgChangeStream::RelationMap> PgChangeStream::MapRelation(
    const repl::Relation& relation) const {
  RelationMap map;
  map.relation = relation;
  for (size_t p = 0; p < plans_->size(); ++p) {
    const TablePlan& plan = (*plans_)[p];
    if (plan.capture_ended) continue;  // another table under a captured table's old name
    if (plan.source.schema == relation.schema && plan.source.name == relation.name) {
      map.plan = p;
      break;
    }
  }
  if (!map.plan.has_value()) return map;
  const TablePlan& plan = (*plans_)[*map.plan];
  SY_ASSIGN_OR_RETURN(map.conversions, Conversions(plan));
  map.target_index.assign(relation.columns.size(), -1);
  for (size_t t = 0; t < plan.target.columns.size(); ++t) {
    const std::string& source_name = plan.target.columns[t].source_name;
    bool found = false;
    for (size_t r = 0; r < relation.columns.size(); ++r) {
      if (relation.columns[r].name == source_name) {
        map.target_index[r] = static_cast<int>(t);
        found = true;
        break;
      }
    }
    if (!found) map.missing.push_back(t);
  }
  return map;
}

bool PgChangeStream::ColumnsDiffer(const repl::Relation& relation, const TablePlan& plan) const {
  std::set<std::string> planned, streamed;
  for (const auto& c : plan.source.columns) {
    if (!c.generated) planned.insert(c.name);  // PostgreSQL 15 does not publish generated ones
  }
  for (const auto& c : relation.columns) streamed.insert(c.name);
  return planned != streamed;
}

Status PgChangeStream::OnRelation(const repl::Relation& relation) {
  // A relation this session knew under a planned name, now under another: renamed (the OID
  // stays). Its changes from here on are not the plan's; the handler ends its capture.
  if (auto known = relations_.find(relation.oid);
      known != relations_.end() && known->second.plan && on_table_ended_) {
    const TablePlan& was = (*plans_)[*known->second.plan];
    if (!was.capture_ended &&
        (was.source.schema != relation.schema || was.source.name != relation.name)) {
      SourceTableEnd end;
      end.kind = SourceTableEnd::Kind::kRenamed;
      end.renamed_to = relation.schema + "." + relation.name;
      end.position = last_received_.ToString() + " or earlier";
      SY_RETURN_IF_ERROR(on_table_ended_(*known->second.plan, end));
    }
  }
  // Which plan the relation belongs to, whether or not its columns still map.
  std::optional<size_t> plan;
  for (size_t p = 0; p < plans_->size(); ++p) {
    if ((*plans_)[p].capture_ended) continue;
    if ((*plans_)[p].source.schema == relation.schema && (*plans_)[p].source.name == relation.name)
      plan = p;
  }
  if (plan && on_schema_change_ && ColumnsDiffer(relation, (*plans_)[*plan])) {
    // Changes of this table already decoded with the old columns cannot be applied with new
    // ones: a schema change inside a transaction that changed the table before it.
    auto touches = [&](const ChangeList& changes) {
      return std::any_of(changes.begin(), changes.end(),
                         [&](const RowChange& c) { return c.table == *plan; });
    };
    bool pending = in_txn_ && touches(txn_changes_);
    for (const auto& [xid, s] : streamed_) pending = pending || touches(s.changes);
    if (pending) {
      return Status::Unsupported("CDC from PostgreSQL: the columns of " + relation.schema + "." +
                                 relation.name +
                                 " changed inside a transaction that had already changed the "
                                 "table; reload the table");
    }
    std::vector<std::string> columns_now;
    for (const auto& c : relation.columns) columns_now.push_back(c.name);
    SchemaChangePoint at;
    if (stream_xid_.has_value()) {
      at.streamed_xid = stream_xid_;
    } else if (in_txn_) {
      at.commits_after = txn_final_lsn_.ToString();
    }
    SY_ASSIGN_OR_RETURN(bool applied, on_schema_change_(*plan, columns_now, at));
    if (!applied) {
      RelationMap suspended;  // its changes are left out until a reload and Remap
      suspended.relation = relation;
      relations_[relation.oid] = std::move(suspended);
      return Status::Ok();
    }
  }
  SY_ASSIGN_OR_RETURN(RelationMap map, MapRelation(relation));
  relations_[relation.oid] = std::move(map);
  return Status::Ok();
}

Status PgChangeStream::Remap() {
  for (auto& [oid, map] : relations_) {
    SY_ASSIGN_OR_RETURN(map, MapRelation(map.relation));
  }
  return Status::Ok();
}

const PgChangeStream::RelationMap* PgChangeStream::Find(uint32_t relation_oid) const {
  auto it = relations_.find(relation_oid);
  return it == relations_.end() ? nullptr : &it->second;
}

Result<std::vector<ChangeValue>> PgChangeStream::Map(const RelationMap& map,
                                                     const repl::TupleData& tuple,
                                                     const char* what) {
  const TablePlan& plan = (*plans_)[*map.plan];
  if (tuple.size() != map.target_index.size()) {
    return Status::Internal(std::string("CDC from PostgreSQL: ") + what + " tuple of " +
                            plan.SourceName() + " has " + std::to_string(tuple.size()) +
                            " column(s), its Relation " + std::to_string(map.target_index.size()));
  }
  std::vector<ChangeValue> out(plan.target.columns.size());
  for (size_t r = 0; r < tuple.size(); ++r) {
    int t = map.target_index[r];
    if (t < 0) continue;
    if (tuple[r].kind == repl::TupleValueKind::kBinary) {
      return Status::Internal("CDC from PostgreSQL: binary value in " + plan.SourceName() + "." +
                              plan.target.columns[t].source_name + " (binary mode is not used)");
    }
    Result<ChangeValue> value = map.conversions[t].kind == PgTextConversion::kOnSource &&
                                        tuple[r].kind == repl::TupleValueKind::kText
                                    ? ConvertOnSource(map.conversions[t].source_sql, tuple[r].bytes)
                                    : Convert(tuple[r], map.conversions[t]);
    if (!value.ok()) {
      return Status(value.status().code(), value.status().message() + " in " + plan.SourceName() +
                                               "." + plan.target.columns[t].source_name);
    }
    out[t] = std::move(value).value();
  }
  for (size_t t : map.missing) out[t] = ChangeValue::Unchanged();
  return out;
}

Result<PgChangeStream::ChangeSink> PgChangeStream::Target(std::optional<uint32_t> xid) {
  if (stream_xid_.has_value()) {
    Streamed& s = streamed_[*stream_xid_];
    return ChangeSink{&s.changes, &s.xid_runs, xid.value_or(*stream_xid_)};
  }
  if (!in_txn_) {
    return Status::Internal("CDC from PostgreSQL: a data message arrived outside a transaction");
  }
  return ChangeSink{&txn_changes_, nullptr, 0};
}

Status PgChangeStream::ChangeSink::Append(RowChange change) {
  SY_RETURN_IF_ERROR(changes->Append(std::move(change)));
  if (xid_runs != nullptr) {
    if (!xid_runs->empty() && xid_runs->back().first == xid) {
      ++xid_runs->back().second;
    } else {
      xid_runs->emplace_back(xid, 1);
    }
  }
  return Status::Ok();
}

Status PgChangeStream::DiscardSubTransaction(uint32_t subxid, ChangeList* changes, XidRuns* runs) {
  if (std::none_of(runs->begin(), runs->end(), [&](const auto& r) { return r.first == subxid; }))
    return Status::Ok();  // nothing of it was streamed
  size_t run = 0;
  size_t left = runs->empty() ? 0 : (*runs)[0].second;
  SY_RETURN_IF_ERROR(changes->Filter([&](const RowChange&) {
    while (left == 0) left = (*runs)[++run].second;
    --left;
    return (*runs)[run].first != subxid;
  }));
  XidRuns kept;
  for (const auto& r : *runs) {
    if (r.first == subxid) continue;
    if (!kept.empty() && kept.back().first == r.first) {
      kept.back().second += r.second;
    } else {
      kept.push_back(r);
    }
  }
  *runs = std::move(kept);
  return Status::Ok();
}

Status PgChangeStream::Handle(const repl::PgOutputMessage& message,
                              std::optional<SourceTransaction>* done) {
  if (auto* begin = std::get_if<repl::BeginMessage>(&message)) {
    in_txn_ = true;
    txn_final_lsn_ = begin->final_lsn;
    txn_changes_ = ChangeList(spill_, SpillSpace::Stage::kSource);
    return Status::Ok();
  }
  if (auto* commit = std::get_if<repl::CommitMessage>(&message)) {
    if (!in_txn_) return Status::Internal("CDC from PostgreSQL: Commit without Begin");
    in_txn_ = false;
    *done = Finish(std::move(txn_changes_), commit->end_lsn, commit->commit_time_us);
    txn_changes_.clear();
    return Status::Ok();
  }
  if (auto* relation = std::get_if<repl::RelationMessage>(&message)) {
    return OnRelation(relation->relation);
  }
  if (auto* insert = std::get_if<repl::InsertMessage>(&message)) {
    SY_ASSIGN_OR_RETURN(ChangeSink sink, Target(insert->xid));
    const RelationMap* map = Find(insert->relation_oid);
    if (map == nullptr || !map->plan.has_value()) return Status::Ok();
    RowChange change{ChangeOp::kInsert, *map->plan, {}, {}};
    SY_ASSIGN_OR_RETURN(change.after, Map(*map, insert->new_tuple, "Insert new"));
    SY_RETURN_IF_ERROR(sink.Append(std::move(change)));
    return Status::Ok();
  }
  if (auto* update = std::get_if<repl::UpdateMessage>(&message)) {
    SY_ASSIGN_OR_RETURN(ChangeSink sink, Target(update->xid));
    const RelationMap* map = Find(update->relation_oid);
    if (map == nullptr || !map->plan.has_value()) return Status::Ok();
    RowChange change{ChangeOp::kUpdate, *map->plan, {}, {}};
    if (update->old_kind != repl::OldTupleKind::kNone) {
      SY_ASSIGN_OR_RETURN(change.before, Map(*map, update->old_tuple, "Update old"));
    }
    SY_ASSIGN_OR_RETURN(change.after, Map(*map, update->new_tuple, "Update new"));
    SY_RETURN_IF_ERROR(sink.Append(std::move(change)));
    return Status::Ok();
  }
  if (auto* del = std::get_if<repl::DeleteMessage>(&message)) {
    SY_ASSIGN_OR_RETURN(ChangeSink sink, Target(del->xid));
    const RelationMap* map = Find(del->relation_oid);
    if (map == nullptr || !map->plan.has_value()) return Status::Ok();
    RowChange change{ChangeOp::kDelete, *map->plan, {}, {}};
    SY_ASSIGN_OR_RETURN(change.before, Map(*map, del->old_tuple, "Delete old"));
    SY_RETURN_IF_ERROR(sink.Append(std::move(change)));
    return Status::Ok();
  }
  if (auto* truncate = std::get_if<repl::TruncateMessage>(&message)) {
    SY_ASSIGN_OR_RETURN(ChangeSink sink, Target(truncate->xid));
    for (uint32_t oid : truncate->relation_oids) {
      const RelationMap* map = Find(oid);
      if (map == nullptr || !map->plan.has_value()) continue;
      SY_RETURN_IF_ERROR(sink.Append(RowChange{ChangeOp::kTruncate, *map->plan, {}, {}}));
    }
    return Status::Ok();
  }
  if (auto* start = std::get_if<repl::StreamStartMessage>(&message)) {
    stream_xid_ = start->xid;
    if (start->first_segment) {
      streamed_[start->xid] = Streamed{ChangeList(spill_, SpillSpace::Stage::kSource), {}};
    }
    return Status::Ok();
  }
  if (std::get_if<repl::StreamStopMessage>(&message) != nullptr) {
    stream_xid_.reset();
    return Status::Ok();
  }
  if (auto* commit = std::get_if<repl::StreamCommitMessage>(&message)) {
    ChangeList changes;
    auto it = streamed_.find(commit->xid);
    if (it != streamed_.end()) {
      changes = std::move(it->second.changes);
      streamed_.erase(it);
    }
    *done = Finish(std::move(changes), commit->end_lsn, commit->commit_time_us);
    return Status::Ok();
  }
  if (auto* abort = std::get_if<repl::StreamAbortMessage>(&message)) {
    auto it = streamed_.find(abort->xid);
    if (abort->subxid == abort->xid) {
      if (it != streamed_.end()) streamed_.erase(it);
      return Status::Ok();
    }
    if (it == streamed_.end()) return Status::Ok();
    return DiscardSubTransaction(abort->subxid, &it->second.changes, &it->second.xid_runs);
  }
  // Origin, Type, logical messages: nothing to apply.
  return Status::Ok();
}

}  // namespace switchyard::pipeline::cdc
