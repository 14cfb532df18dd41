// MySqlChangeStream: turns a MySQL/MariaDB binlog (binlog_stream.h) into the engine's change
// model (change_event.h) for a set of TablePlans.
//
// Grouping: a GTID (or a QUERY "BEGIN") opens a transaction; its XID (or a QUERY "COMMIT" /
// "ROLLBACK", which the server writes for non-transactional tables) closes it. The result is
// one SourceTransaction whose commit_position is "<file>:<next_position of the closing event>"
// followed by " <gtid>" when the group had a GTID (position.h accepts that form), and whose
// commit_time is the latest moment the commit can have been: the end of the closing event's
// timestamp's second (binlog timestamps are whole seconds), or when the stream read it if that
// is earlier (see Finish). Transactions that touched no planned table
// are not returned (the checkpoint only moves with planned changes; on restart those are read
// and dropped again).
//
// Rows: WRITE/UPDATE/DELETE rows events whose TABLE_MAP names (plan.source.schema,
// plan.source.name) become kInsert (after), kUpdate (before = the old row image, after) and
// kDelete (before). Binlog columns are matched by position to their names: the TABLE_MAP's
// column names when the server logged them (binlog_row_metadata=FULL), else the plan's source
// column order (which must then have the binlog's column count). Each target column then takes
// the value of its ColumnPlan::source_name, converted to the text the full load's select_expr
// yields so that the column's ValueTransform and load_expr apply unchanged:
//   `c`                           -> the decoded value (value_decoder.h prints SELECT's text)
//   CAST(`c` AS DOUBLE)           -> FLOAT widened to double, printed shortest-round-trip
//   LPAD(BIN(`c`+0),n,'0')        -> BIT as a string of n binary digits
//   (`c`+0)                       -> BIT as an unsigned decimal number
//   (<one of the above> <> 0)     -> "1" / "0" (MySQL's truth; PostgreSQL boolean reads both)
// Any other select_expr, and columns without a source column (add-column), are Unsupported
// naming the column. A column missing from an image (binlog_row_image=MINIMAL/NOBLOB) is
// kUnchanged in an update's after image and kNull in a before image (the key is still there);
// missing from an insert it is Unsupported.
//
// QUERY events: BEGIN/COMMIT/ROLLBACK/SAVEPOINT frame transactions. "TRUNCATE [TABLE] t" of a
// planned table becomes its own SourceTransaction with one kTruncate (committed at the QUERY's
// next_position). DROP TABLE, RENAME TABLE and ALTER TABLE ... RENAME TO of planned tables go
// to the table-ended handler (mysql_statement.h reads them; source_table_end.h says what
// happens), other DDL naming a planned table to the schema-change handler. Without the
// handler, or when the statement is not understood, any statement (DDL, or statement-based DML
// in binlog_format=STATEMENT / MIXED) that names a planned table (as a whole identifier,
// case-insensitively) is Status::Unsupported carrying the statement. Other statements are
// skipped. Plans marked capture_ended are skipped altogether (rows, TRUNCATE and DDL alike):
// a table created again under such a name is another table. XA transactions are not handled
// (their rows arrive without an XID).
//
// Errors: those of BinlogStream (connection, corrupt events, unsupported event types) and the
// ones above. After any error the stream must be discarded and restarted from the last
// applied commit position.
//
// Ownership and threads: the plans are borrowed and must outlive the stream; one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/common/status.h"
#include "engine/endpoints/endpoint.h"
#include "engine/endpoints/mysql/binlog/binlog_stream.h"
#include "engine/pipeline/cdc/change_event.h"
#include "engine/pipeline/cdc/source_table_end.h"
#include "engine/pipeline/table_plan.h"

namespace switchyard::pipeline::cdc {

struct MySqlChangeStreamOptions {
  // How often the server sends a heartbeat when idle; Next() returns nullopt on each one that
  // arrives outside a transaction.
  std::chrono::milliseconds heartbeat_period{std::chrono::seconds(1)};
  // Stop at the current end of the binlog: Next() returns nullopt there instead of waiting
  // (tests, one-shot catch-up).
  bool non_blocking = false;
};

// The column names of a table after `statement` (ALTER TABLE ... ADD/DROP/CHANGE/RENAME
// COLUMN), given those before; nullopt when the statement is not understood. Pure.
std::optional<std::vector<std::string>> MySqlColumnsAfterAlter(
    std::string_view statement, const std::vector<std::string>& before);

class MySqlChangeStream {
 public:
  static Result<std::unique_ptr<MySqlChangeStream>> Start(
      const endpoints::ConnectionParams& params, uint32_t server_id, const std::string& file,
      uint64_t position, const std::vector<TablePlan>& plans,
      const MySqlChangeStreamOptions& options = {});

  MySqlChangeStream(const MySqlChangeStream&) = delete;
  MySqlChangeStream& operator=(const MySqlChangeStream&) = delete;

  // The next committed source transaction that touched a planned table, or nullopt when a
  // heartbeat (or, non-blocking, the end of the binlog) came first.
  Result<std::optional<SourceTransaction>> Next();
  // Like Next, but returns nullopt as soon as the server has sent nothing more yet (a partly
  // read transaction is kept for the next call): for batching what has already arrived.
  Result<std::optional<SourceTransaction>> NextIfReady() { return Next(/*only_if_ready=*/true); }

  // Called for a DDL statement (other than DROP/RENAME TABLE) that names a planned table, with
  // the plan index; it may replace that plan (see schema_change.h) and returns whether the
  // table's changes are still applied. Without a handler such a statement is Unsupported.
  // `columns_now`: the table's source column names right after the statement.
  using SchemaChangeHandler =
      std::function<Result<bool>(size_t table, const std::vector<std::string>& columns_now)>;
  void SetSchemaChangeHandler(SchemaChangeHandler handler) {
    on_schema_change_ = std::move(handler);
  }

  // Called for each planned table a DROP TABLE / RENAME TABLE / ALTER TABLE ... RENAME statement
  // takes away, with the plan index, after every change before the statement was returned.
  // The handler marks the plan capture_ended (source_table_end.h).
  void SetTableEndedHandler(TableEndedHandler handler) { on_table_ended_ = std::move(handler); }

  // Where changes go beyond the memory budget (MemoryLimitTotal); must outlive the stream.
  // Without one, every change stays in memory.
  void SetSpillSpace(SpillSpace* space) {
    spill_ = space;
    if (changes_.empty()) changes_ = ChangeList(space, SpillSpace::Stage::kSource);
  }

  // Breaks the connection so that a blocked Next() returns; from any thread.
  void Abandon() { stream_->Abandon(); }

 private:
  MySqlChangeStream(std::unique_ptr<endpoints::mysql::binlog::BinlogStream> stream,
                    const std::vector<TablePlan>* plans);

  Result<std::optional<SourceTransaction>> Next(bool only_if_ready);
  Status OnRows(const endpoints::mysql::binlog::RowsEvent& rows);
  // Handles a QUERY event; sets *done when it completes a transaction to return.
  Status OnQuery(const endpoints::mysql::binlog::BinlogEvent& event, bool* done);
  SourceTransaction Finish(const endpoints::mysql::binlog::BinlogEvent& end);
  void Reset();

  std::unique_ptr<endpoints::mysql::binlog::BinlogStream> stream_;
  const std::vector<TablePlan>* plans_;
  // The transaction being collected.
  bool in_transaction_ = false;  // BEGIN seen (a GTID alone may be followed by a DDL QUERY)
  std::string gtid_;
  SpillSpace* spill_ = nullptr;  // null: changes stay in memory
  ChangeList changes_;
  SchemaChangeHandler on_schema_change_;
  TableEndedHandler on_table_ended_;
};

}  // namespace switchyard::pipeline::cdc
