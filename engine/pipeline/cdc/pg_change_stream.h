// PgChangeStream: a PostgreSQL logical replication stream (pgoutput, protocol 2, streaming of
// large transactions on) turned into the engine's change model (change_event.h), one
// SourceTransaction per committed source transaction, for a fixed set of TablePlans.
//
// Mapping:
// - Relation messages are matched to plans by (namespace, relname) == (plan.source.schema,
//   plan.source.name), leaving out plans marked capture_ended; changes of other relations are
//   ignored. A known relation OID under a new name is a rename (SetTableEndedHandler). Relation
//   columns are mapped to the plan's target column order by ColumnPlan::source_name; relation
//   columns no plan column reads are ignored. A plan column the Relation lacks is decoded as
//   ChangeValue::Unchanged: the plan is ahead of the stream (a reload planned the table from
//   a catalog that changed after the stream's last Relation for it), and such changes come
//   before the table's load position, where the apply leaves them out.
// - Values are pgoutput's text ('t'), which is what `SELECT col::text` returns; columns whose
//   select_expr is not the plain quoted source column are converted client-side to the text
//   the full load's select_expr gives (pg_value_text.h: boolean::int, real::float8,
//   timestamptz AT TIME ZONE 'UTC', array_to_json of number/boolean/text arrays, ...), and
//   any other select_expr of the column is evaluated by the source on the value (kOnSource,
//   one round trip per value, on a second, plain connection). Start fails with kUnsupported
//   naming the first column that is neither (added by a rule, no source column).
// - Insert -> after; Update -> before from the 'K'/'O' old tuple when present (else empty:
//   the key did not change), after from the new tuple, 'u' -> ChangeValue::Unchanged; Delete ->
//   before; Truncate -> one kTruncate per truncated planned table.
// - commit_position is the Commit's end LSN in "X/Y" form (position.h), commit_time the
//   Commit's timestamp. A transaction with no change to a planned table is still returned
//   (empty `changes`) so its position can be confirmed.
// - Streamed transactions (Stream Start/Stop/Commit/Abort) are buffered per top-level xid (in
//   memory, and in spill files beyond the SpillSpace's budget) until Stream Commit and then
//   returned as one SourceTransaction. Stream Abort of the top-level xid discards its buffer;
//   Stream Abort of a sub-transaction (ROLLBACK TO SAVEPOINT inside a large transaction; the
//   server sends one for each sub-transaction rolled back, nested ones included) discards
//   exactly the changes whose data messages carried that sub-transaction's xid.
// - Transactions whose end LSN is not after the `start` given to Start are dropped (the server
//   also never re-sends what is behind the slot's confirmed_flush_lsn).
//
// Flush: the slot's confirmed_flush_lsn moves only through Confirm, which the caller calls
// after the applier committed that position. Keepalives asking for a reply are answered inside
// Next with the last confirmed flush; Next must therefore be called often enough (well within
// wal_sender_timeout), even while nothing is being applied.
//
// Ownership: owns its ReplicationConnection; the plans are borrowed and must outlive the
// stream. One thread at a time. After an error the stream is broken: destroy it and Start a
// new one from the last confirmed position.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/common/status.h"
#include "engine/endpoints/endpoint.h"
#include "engine/endpoints/postgres/pg_connection.h"
#include "engine/endpoints/postgres/replication/lsn.h"
#include "engine/endpoints/postgres/replication/pgoutput_decoder.h"
#include "engine/endpoints/postgres/replication/replication_connection.h"
#include "engine/pipeline/cdc/change_event.h"
#include "engine/pipeline/cdc/pg_value_text.h"
#include "engine/pipeline/cdc/source_table_end.h"
#include "engine/pipeline/table_plan.h"

namespace switchyard::pipeline::cdc {

class PgChangeStream {
 public:
  using Lsn = endpoints::postgres::replication::Lsn;

  // Opens a replication connection (`session` adds settings such as
  // logical_decoding_work_mem), checks the plans, and starts streaming `slot` for
  // `publication` from `start` (Lsn() = from the slot's confirmed_flush_lsn).
  static Result<std::unique_ptr<PgChangeStream>> Start(
      const endpoints::ConnectionParams& params, const std::string& slot,
      const std::string& publication, Lsn start, const std::vector<TablePlan>& plans,
      const endpoints::postgres::replication::ReplicationSessionOptions& session = {});

  ~PgChangeStream();
  PgChangeStream(const PgChangeStream&) = delete;
  PgChangeStream& operator=(const PgChangeStream&) = delete;

  // The next committed transaction, or nullopt when none completed within `timeout`. A
  // transaction partly received when the timeout passes is kept and completed by a later call.
  // A zero timeout reads only what has already arrived, as long as frames keep being there.
  Result<std::optional<SourceTransaction>> Next(std::chrono::milliseconds timeout);

  // Reports `flushed` (a commit_position returned by Next, after it was applied) to the server
  // as the slot's confirmed flush position. A position behind an earlier Confirm ->
  // kInvalidArgument; the same one again is a no-op.
  Status Confirm(Lsn flushed);

  Lsn confirmed() const { return confirmed_; }
  // Sends a standby status update with the last confirmed position, unasked: keeps the
  // walsender's wal_sender_timeout away while the caller is not reading.
  Status KeepAlive() { return SendFeedback(); }

  // Called when a planned table's Relation message lists other columns than its plan (a
  // column added or dropped on the source), between transactions, with the plan index. The
  // handler may replace that plan; it returns whether the table's changes are still applied
  // (false: suspended, its changes are left out). Without a handler, an added column is
  // ignored and a dropped one is an error.
  // `columns_now`: the source column names the Relation message lists; `at`: the transaction
  // it came in (SchemaChangePoint).
  using SchemaChangeHandler = std::function<Result<bool>(
      size_t table, const std::vector<std::string>& columns_now, const SchemaChangePoint& at)>;
  void SetSchemaChangeHandler(SchemaChangeHandler handler) {
    on_schema_change_ = std::move(handler);
  }
  // Called when a relation this session mapped to a plan arrives under another name (ALTER
  // TABLE ... RENAME; pgoutput carries no DDL, and a drop shows nothing at all: see
  // pg_table_watch.h), before its changes under the new name; the handler marks the plan
  // capture_ended (source_table_end.h) and the relation's changes are left out from then on.
  void SetTableEndedHandler(TableEndedHandler handler) { on_table_ended_ = std::move(handler); }
  // Maps every relation seen so far again, after the plans changed (a table reloaded).
  Status Remap();
  // Where changes go beyond the memory budget (MemoryLimitTotal); must outlive the stream.
  // Without one, every change stays in memory.
  void SetSpillSpace(SpillSpace* space) { spill_ = space; }

 private:
  struct RelationMap {
    std::optional<size_t> plan;     // nullopt: not a planned table (or a suspended one)
    std::vector<int> target_index;  // per relation column: target column index, -1 = unused
    std::vector<size_t> missing;    // target columns the relation lacks (see the file comment)
    std::vector<PgValueConversion> conversions;           // per target column (pg_value_text.h)
    endpoints::postgres::replication::Relation relation;  // as last received, for Remap
  };
  // Builds the map of `relation` against the current plans.
  Result<RelationMap> MapRelation(const endpoints::postgres::replication::Relation& relation) const;
  bool ColumnsDiffer(const endpoints::postgres::replication::Relation& relation,
                     const TablePlan& plan) const;

  PgChangeStream(std::unique_ptr<endpoints::postgres::replication::ReplicationConnection> conn,
                 const std::vector<TablePlan>& plans, Lsn start,
                 endpoints::ConnectionParams source);

  Status SendFeedback();
  // Handles one decoded message; sets *done when a transaction completed.
  Status Handle(const endpoints::postgres::replication::PgOutputMessage& message,
                std::optional<SourceTransaction>* done);
  Status OnRelation(const endpoints::postgres::replication::Relation& relation);
  // Runs of consecutive changes of a streamed transaction by the (sub-)transaction xid their
  // data messages carried: (xid, count), in the order of the changes.
  using XidRuns = std::vector<std::pair<uint32_t, size_t>>;
  // Where a data message's changes go: the open transaction's list, or a streamed one's, which
  // also records the (sub-)transaction each change came from.
  struct ChangeSink {
    ChangeList* changes = nullptr;
    XidRuns* xid_runs = nullptr;  // streamed transactions only
    uint32_t xid = 0;
    Status Append(RowChange change);
  };
  Result<ChangeSink> Target(std::optional<uint32_t> xid);
  // Stream Abort of sub-transaction `subxid` of a streamed transaction: drops its changes.
  static Status DiscardSubTransaction(uint32_t subxid, ChangeList* changes, XidRuns* runs);
  Result<std::vector<ChangeValue>> Map(const RelationMap& map,
                                       const endpoints::postgres::replication::TupleData& tuple,
                                       const char* what);
  // A kOnSource value (pg_value_text.h): `sql` run with `text` as $1 on a plain connection to
  // the source, opened at the first such value.
  Result<ChangeValue> ConvertOnSource(const std::string& sql, const std::string& text);
  const RelationMap* Find(uint32_t relation_oid) const;
  std::optional<SourceTransaction> Finish(ChangeList changes, Lsn end_lsn,
                                          int64_t commit_time_us) const;

  std::unique_ptr<endpoints::postgres::replication::ReplicationConnection> conn_;
  const endpoints::ConnectionParams source_;
  std::unique_ptr<endpoints::postgres::PgConnection> converter_;  // for kOnSource values
  const std::vector<TablePlan>* plans_;
  Lsn start_;
  endpoints::postgres::replication::PgOutputDecoder decoder_{2};
  std::map<uint32_t, RelationMap> relations_;
  // Non-streamed transaction between Begin and Commit.
  bool in_txn_ = false;
  Lsn txn_final_lsn_;            // the open non-streamed transaction's, from its Begin
  SpillSpace* spill_ = nullptr;  // null: changes stay in memory
  ChangeList txn_changes_;
  // Streamed transactions by top-level xid.
  struct Streamed {
    ChangeList changes;
    XidRuns xid_runs;
  };
  std::map<uint32_t, Streamed> streamed_;
  std::optional<uint32_t> stream_xid_;  // inside Stream Start .. Stop
  SchemaChangeHandler on_schema_change_;
  TableEndedHandler on_table_ended_;
  Lsn last_received_;
  Lsn confirmed_;
};

}  // namespace switchyard::pipeline::cdc
