// PgChangeStream against the throwaway PostgreSQL server: changes made on a source table
// (awkward text, numeric, bytea, timestamptz, a TOASTed text left unchanged by an update, a key
// change, deletes, truncate) are read as SourceTransactions, applied with cdc::Applier to a
// copy of the table in another database, and the copy is compared value by value with the
// source. A transaction large enough to be streamed arrives as one transaction (an aborted
// streamed one not at all, a rolled-back savepoint's changes inside one not at all), and restarting
// from an earlier LSN after Confirm re-delivers nothing already confirmed.
//
// Each test uses its own sy_cdc_pgs_* databases and slot; a SlotGuard drops the slot however
// the test ends (a leftover slot pins WAL on the shared server).
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/catalog/ddl.h"
#include "engine/catalog/identifier.h"
#include "engine/endpoints/postgres/pg_connection.h"
#include "engine/endpoints/postgres/replication/replication_connection.h"
#include "engine/pipeline/cdc/applier.h"
#include "engine/pipeline/cdc/pg_change_stream.h"
#include "engine/pipeline/cdc/position.h"
#include "tests/support/pg_slots.h"
#include "tests/support/servers.h"
#include "tests/support/table_compare.h"

namespace switchyard::testing {
namespace {

using endpoints::ConnectionParams;
using endpoints::postgres::PgConnection;
using endpoints::postgres::replication::Lsn;
using endpoints::postgres::replication::ReadSlotState;
using endpoints::postgres::replication::ReplicationConnection;
using endpoints::postgres::replication::ReplicationSessionOptions;
using endpoints::postgres::replication::SnapshotAction;
using pipeline::TablePlan;
using namespace pipeline::cdc;  // NOLINT: the unit under test
using Clock = std::chrono::steady_clock;

ConnectionParams FreshDatabase(const std::string& name) {
  return switchyard::testing::FreshDatabaseWithoutSlots(name);
}

// Creates the slot (no snapshot) and returns its consistent point.
Lsn CreateSlot(const ConnectionParams& params, const std::string& slot) {
  auto repl = ReplicationConnection::Open(params);
  EXPECT_TRUE(repl.ok()) << repl.status().ToString();
  if (!repl.ok()) return Lsn();
  auto created = (*repl)->CreateLogicalSlot(slot, SnapshotAction::kNothing);
  EXPECT_TRUE(created.ok()) << created.status().ToString();
  return created.ok() ? created->consistent_point : Lsn();
}

catalog::ColumnPlan Col(const std::string& name, const std::string& type, bool nullable = true) {
  catalog::ColumnPlan c;
  c.source_name = c.target_name = name;
  c.select_expr = catalog::QuoteIdentifier(catalog::Engine::kPostgres, name);
  c.target_type = type;
  c.nullable = nullable;
  return c;
}

TablePlan Plan(const std::string& table, std::vector<catalog::ColumnPlan> cols) {
  TablePlan p;
  p.source.schema = "public";
  p.source.name = table;
  p.target.engine = catalog::Engine::kPostgres;
  p.target.schema = "public";
  p.target.name = table;
  p.target.columns = std::move(cols);
  p.target.primary_key = {"id"};
  p.segments.emplace_back();
  p.passthrough = true;
  return p;
}

// Starts a stream, retrying while the previous walsender still holds the slot.
std::unique_ptr<PgChangeStream> StartStream(const ConnectionParams& params, const std::string& slot,
                                            Lsn start, const std::vector<TablePlan>& plans,
                                            const ReplicationSessionOptions& session = {}) {
  auto deadline = Clock::now() + std::chrono::seconds(15);
  while (true) {
    auto stream = PgChangeStream::Start(params, slot, "sy_pub", start, plans, session);
    if (stream.ok()) return std::move(stream).value();
    if (Clock::now() > deadline) {
      ADD_FAILURE() << stream.status().ToString();
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

// Reads exactly `count` transactions (fails the test when they do not arrive in time).
std::vector<SourceTransaction> ReadTxns(PgChangeStream& stream, size_t count) {
  std::vector<SourceTransaction> out;
  auto deadline = Clock::now() + std::chrono::seconds(60);
  while (out.size() < count && Clock::now() < deadline) {
    auto next = stream.Next(std::chrono::milliseconds(200));
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    if (!next.ok()) break;
    if (next->has_value()) out.push_back(std::move(**next));
  }
  EXPECT_EQ(out.size(), count);
  return out;
}

// Nothing arrives within `wait`.
void ExpectQuiet(PgChangeStream& stream, std::chrono::milliseconds wait) {
  auto deadline = Clock::now() + wait;
  while (Clock::now() < deadline) {
    auto next = stream.Next(std::chrono::milliseconds(200));
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    EXPECT_FALSE(next->has_value())
        << "unexpected transaction at " << (*next)->commit_position.text;
  }
}

// pg_stat_replication_slots.stream_txns of `slot` once it reaches `expected` (the statistics
// lag a little; the stream is read meanwhile), or as it is after 10 s.
std::string StreamedTxns(const ConnectionParams& source, const std::string& slot,
                         PgChangeStream& stream, int expected) {
  auto conn = PgConnection::Open(source);
  EXPECT_TRUE(conn.ok());
  if (!conn.ok()) return "";
  std::string stream_txns;
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < deadline) {
    auto stats = (*conn)->Query(
        "SELECT stream_txns::text FROM pg_stat_replication_slots WHERE slot_name = " +
        (*conn)->QuoteLiteral(slot));
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    if (!stats.ok()) break;
    if (!stats->empty() && (*stats)[0][0].has_value()) stream_txns = *(*stats)[0][0];
    if (stream_txns == std::to_string(expected)) break;
    EXPECT_TRUE(stream.Next(std::chrono::milliseconds(200)).ok());
  }
  return stream_txns;
}

void ApplyAll(Applier& applier, const std::vector<SourceTransaction>& txns) {
  for (const SourceTransaction& txn : txns) {
    Status st = applier.Apply(txn);
    ASSERT_TRUE(st.ok()) << st.ToString();
    EXPECT_FALSE(applier.last_skipped());
  }
}

const char kItemsDdl[] =
    "CREATE TABLE items (id int PRIMARY KEY, t text, n numeric(20,6), b bytea, ts timestamptz, "
    "big text)";

std::vector<TablePlan> ItemsPlans() {
  std::vector<TablePlan> plans;
  plans.push_back(Plan(
      "items", {Col("id", "integer", false), Col("t", "text"), Col("n", "numeric(20,6)"),
                Col("b", "bytea"), Col("ts", "timestamp with time zone"), Col("big", "text")}));
  return plans;
}

TableCompare ItemsCompare() {
  TableCompare spec;
  spec.source_from = spec.target_from = "public.items";
  spec.columns = {{"id", "id::text", "id::text", CompareKind::kText},
                  {"t", "t", "t", CompareKind::kText},
                  {"n", "n::text", "n::text", CompareKind::kDecimal},
                  {"b", "encode(b, 'hex')", "encode(b, 'hex')", CompareKind::kText},
                  {"ts", "ts::text", "ts::text", CompareKind::kText},
                  {"big", "big", "big", CompareKind::kText}};
  spec.source_order_by = spec.target_order_by = "id";
  return spec;
}

std::unique_ptr<endpoints::SqlSession> TargetSession(const ConnectionParams& target,
                                                     const std::vector<TablePlan>& plans) {
  auto session = endpoints::Connect(target);
  EXPECT_TRUE(session.ok()) << session.status().ToString();
  if (!session.ok()) return nullptr;
  for (const TablePlan& plan : plans) {
    for (const std::string& sql : catalog::CreateTableSql(plan.target, true)) {
      Status st = (*session)->Execute(sql);
      EXPECT_TRUE(st.ok()) << st.ToString() << "\n" << sql;
    }
  }
  return std::move(session).value();
}

TEST(CdcPgStream, ChangesApplyValueForValueAndReplayAfterConfirmGivesNothing) {
  ConnectionParams source = FreshDatabase("sy_cdc_pgs_values_src");
  ConnectionParams target = FreshPostgresDatabase("sy_cdc_pgs_values_tgt");
  ExecOrDie(source, std::string(kItemsDdl) +
                        ";\nCREATE TABLE other (id int PRIMARY KEY, v text);\n"
                        "CREATE PUBLICATION sy_pub FOR TABLE items, other");
  const std::string slot = "sy_cdc_pgs_values_slot";
  SlotGuard guard(source, slot);
  const Lsn start = CreateSlot(source, slot);
  ASSERT_FALSE(start.is_zero());

  const std::vector<TablePlan> plans = ItemsPlans();
  auto session = TargetSession(target, plans);
  ASSERT_TRUE(session);
  Applier applier(session.get(), "sy_cdc_pgs", config::ControlTablesSettings{}, &plans);
  ASSERT_TRUE(applier.Prepare().ok());

  auto stream = StartStream(source, slot, start, plans);
  ASSERT_TRUE(stream);

  // 1: inserts (one row all NULL, one with a TOASTed value), plus an unplanned table.
  ExecOrDie(
      source,
      "BEGIN;\n"
      "INSERT INTO items VALUES (1, E'tab\\there\\nnew line \\\\ \"dq\" ''sq'' 😀 ünï', "
      "12345678901234.123456, '\\x00ff5c0a0d27'::bytea, "
      "'2024-02-29 23:59:59.123456+05:30', "
      "(SELECT string_agg(md5(g::text), '') FROM generate_series(1, 400) g));\n"
      "INSERT INTO items VALUES (2, NULL, NULL, NULL, NULL, NULL);\n"
      "INSERT INTO items VALUES (3, '', -0.5, ''::bytea, '1970-01-01 00:00:00+00', 'small');\n"
      "INSERT INTO other VALUES (1, 'ignored');\n"
      "COMMIT");
  // 2: an update leaving the TOASTed column unchanged, and a key change.
  ExecOrDie(source,
            "BEGIN;\n"
            "UPDATE items SET t = E'changed\\ttab' WHERE id = 1;\n"
            "UPDATE items SET id = 30, n = 7 WHERE id = 3;\n"
            "COMMIT");
  // 3: a delete.
  ExecOrDie(source, "DELETE FROM items WHERE id = 2");

  auto txns = ReadTxns(*stream, 3);
  ASSERT_EQ(txns.size(), 3u);
  ASSERT_EQ(txns[0].changes.size(), 3u);  // `other` ignored
  for (const RowChange& c : txns[0].changes) {
    EXPECT_EQ(c.op, ChangeOp::kInsert);
    EXPECT_EQ(c.table, 0u);
    EXPECT_EQ(c.after.size(), 6u);
  }
  ASSERT_EQ(txns[1].changes.size(), 2u);
  EXPECT_EQ(txns[1].changes[0].op, ChangeOp::kUpdate);
  EXPECT_TRUE(txns[1].changes[0].before.empty());  // key unchanged
  ASSERT_EQ(txns[1].changes[0].after.size(), 6u);
  EXPECT_EQ(txns[1].changes[0].after[5].kind, ChangeValue::kUnchanged);
  EXPECT_EQ(txns[1].changes[0].after[1].bytes, "changed\ttab");
  ASSERT_EQ(txns[1].changes[1].before.size(), 6u);  // key changed: old key sent
  EXPECT_EQ(txns[1].changes[1].before[0].bytes, "3");
  ASSERT_EQ(txns[2].changes.size(), 1u);
  EXPECT_EQ(txns[2].changes[0].op, ChangeOp::kDelete);
  ASSERT_EQ(txns[2].changes[0].before.size(), 6u);
  EXPECT_EQ(txns[2].changes[0].before[0].bytes, "2");
  auto order01 = ComparePositions(txns[0].commit_position.text, txns[1].commit_position.text);
  ASSERT_TRUE(order01.ok());
  EXPECT_EQ(*order01, -1);
  EXPECT_GT(txns[0].commit_time.time_since_epoch().count(), 0);

  ApplyAll(applier, txns);
  EXPECT_EQ(applier.stats().unchanged_toast_updates, 1);
  EXPECT_EQ(CompareTables(source, target, ItemsCompare()), "");

  // 4: truncate, then 5: new rows.
  ExecOrDie(source, "TRUNCATE items");
  ExecOrDie(source,
            "INSERT INTO items VALUES (4, E'a\\nb', 1.5, '\\xdeadbeef', now(), "
            "repeat('x', 5000))");
  auto more = ReadTxns(*stream, 2);
  ASSERT_EQ(more.size(), 2u);
  ASSERT_EQ(more[0].changes.size(), 1u);
  EXPECT_EQ(more[0].changes[0].op, ChangeOp::kTruncate);
  EXPECT_EQ(more[0].changes[0].table, 0u);
  ApplyAll(applier, more);
  EXPECT_EQ(CompareTables(source, target, ItemsCompare()), "");

  // Confirm what was applied; a restart from the slot's first LSN re-delivers none of it.
  auto confirmed = Lsn::Parse(more.back().commit_position.text);
  ASSERT_TRUE(confirmed.ok());
  ASSERT_TRUE(stream->Confirm(*confirmed).ok());
  EXPECT_TRUE(stream->Confirm(*confirmed).ok());  // same again: no-op
  EXPECT_EQ(stream->Confirm(start).code(), StatusCode::kInvalidArgument);
  stream.reset();
  stream = StartStream(source, slot, start, plans);
  ASSERT_TRUE(stream);
  ExpectQuiet(*stream, std::chrono::milliseconds(1500));

  ExecOrDie(source, "INSERT INTO items VALUES (5, 'after restart', NULL, NULL, NULL, NULL)");
  auto last = ReadTxns(*stream, 1);
  ASSERT_EQ(last.size(), 1u);
  ASSERT_EQ(last[0].changes.size(), 1u);
  EXPECT_EQ(last[0].changes[0].after[0].bytes, "5");
  ApplyAll(applier, last);
  EXPECT_EQ(CompareTables(source, target, ItemsCompare()), "");
  // Applied on the pipelined path (prepared statements), none redone slower.
  EXPECT_EQ(applier.stats().slower_path_redos, 0);
}

// Source and target databases with `items`, the publication and a slot, an applier on the
// target, and a stream whose session streams transactions past 64 kB while they are in progress.
class CdcPgStreamed : public ::testing::Test {
 protected:
  void Open(const std::string& name) {
    source_ = FreshDatabase("sy_cdc_pgs_" + name + "_src");
    target_ = FreshPostgresDatabase("sy_cdc_pgs_" + name + "_tgt");
    ExecOrDie(source_, std::string(kItemsDdl) + ";\nCREATE PUBLICATION sy_pub FOR TABLE items");
    slot_ = "sy_cdc_pgs_" + name + "_slot";
    guard_.emplace(source_, slot_);
    const Lsn start = CreateSlot(source_, slot_);
    ASSERT_FALSE(start.is_zero());
    session_ = TargetSession(target_, plans_);
    ASSERT_TRUE(session_);
    applier_ = std::make_unique<Applier>(session_.get(), "sy_cdc_pgs",
                                         config::ControlTablesSettings{}, &plans_);
    ASSERT_TRUE(applier_->Prepare().ok());
    ReplicationSessionOptions options;
    options.settings = {{"logical_decoding_work_mem", "64kB"}};
    stream_ = StartStream(source_, slot_, start, plans_, options);
    ASSERT_TRUE(stream_);
  }

  ConnectionParams source_, target_;
  std::string slot_;
  std::optional<SlotGuard> guard_;
  const std::vector<TablePlan> plans_ = ItemsPlans();
  std::unique_ptr<endpoints::SqlSession> session_;
  std::unique_ptr<Applier> applier_;
  std::unique_ptr<PgChangeStream> stream_;
};

TEST_F(CdcPgStreamed, ALargeTransactionArrivesWholeAndAnAbortedOneNotAtAll) {
  ASSERT_NO_FATAL_FAILURE(Open("stream"));
  constexpr int kRows = 4000;
  ExecOrDie(source_,
            "BEGIN;\n"
            "INSERT INTO items SELECT g, repeat('r', 100), g, NULL, now(), NULL "
            "FROM generate_series(100001, 104000) g;\n"
            "ROLLBACK");
  ExecOrDie(source_,
            "INSERT INTO items SELECT g, repeat('p', 100) || g || E'\\t😀', g * 1.5, "
            "int4send(g), '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 second', "
            "CASE WHEN g % 1000 = 0 THEN repeat(md5(g::text), 100) END "
            "FROM generate_series(1, " +
                std::to_string(kRows) + ") g");

  auto txns = ReadTxns(*stream_, 1);
  ASSERT_EQ(txns.size(), 1u);
  EXPECT_EQ(txns[0].changes.size(), static_cast<size_t>(kRows));
  ApplyAll(*applier_, txns);
  EXPECT_EQ(CompareTables(source_, target_, ItemsCompare()), "");

  // The streamed transaction was confirmed; nothing else (the aborted one) is pending.
  auto confirmed = Lsn::Parse(txns[0].commit_position.text);
  ASSERT_TRUE(confirmed.ok());
  ASSERT_TRUE(stream_->Confirm(*confirmed).ok());
  ExpectQuiet(*stream_, std::chrono::milliseconds(1000));

  // The server really streamed both large transactions.
  EXPECT_EQ(StreamedTxns(source_, slot_, *stream_, 2), "2");
}

TEST_F(CdcPgStreamed, ARolledBackSavepointLeavesOutExactlyItsChanges) {
  ASSERT_NO_FATAL_FAILURE(Open("savepoint"));

  // Each savepoint's changes pass 64 kB, so they are streamed before its fate is known; s2 is
  // released into s1 and goes with it when s1 rolls back.
  const auto rows = [](int from, int to, const char* fill) {
    return "INSERT INTO items SELECT g, repeat('" + std::string(fill) + "', 100) || g, g, NULL, " +
           "'2024-01-01 00:00:00+00', NULL FROM generate_series(" + std::to_string(from) + ", " +
           std::to_string(to) + ") g;\n";
  };
  ExecOrDie(source_, "BEGIN;\n" + rows(1, 2000, "a") + "SAVEPOINT s1;\n" + rows(2001, 4000, "b") +
                         "UPDATE items SET t = 'rolled back' WHERE id <= 10;\n"
                         "SAVEPOINT s2;\n"
                         "DELETE FROM items WHERE id BETWEEN 11 AND 20;\n" +
                         rows(4001, 5000, "x") +
                         "RELEASE SAVEPOINT s2;\n"
                         "ROLLBACK TO SAVEPOINT s1;\n"
                         "SAVEPOINT s3;\n"
                         "UPDATE items SET t = 'kept' WHERE id <= 5;\n" +
                         rows(5001, 6000, "c") +
                         "RELEASE SAVEPOINT s3;\n"
                         "COMMIT");

  auto txns = ReadTxns(*stream_, 1);
  ASSERT_EQ(txns.size(), 1u);
  EXPECT_EQ(txns[0].changes.size(), 2000u + 5u + 1000u);
  ApplyAll(*applier_, txns);
  EXPECT_EQ(CompareTables(source_, target_, ItemsCompare()), "");
  EXPECT_EQ(StreamedTxns(source_, slot_, *stream_, 1), "1");
}

TEST(CdcPgStream, AColumnWithNoSourceColumnIsUnsupported) {
  std::vector<TablePlan> plans = ItemsPlans();
  plans[0].target.columns[2].source_name.clear();  // as a rule's added column
  plans[0].target.columns[2].select_expr = "now()";
  auto stream =
      PgChangeStream::Start(Servers().postgres, "sy_cdc_pgs_unused_slot", "sy_pub", Lsn(), plans);
  ASSERT_FALSE(stream.ok());
  EXPECT_EQ(stream.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(stream.status().message().find("public.items.n"), std::string::npos)
      << stream.status().ToString();
}

}  // namespace
}  // namespace switchyard::testing
