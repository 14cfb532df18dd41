// MySqlChangeStream against the real MariaDB source and PostgreSQL target: binlog row events
// of a planned table become SourceTransactions whose values, applied by cdc::Applier to a
// target table created from the plan, equal the source value for value (text with tabs,
// newlines and emoji, DECIMAL, FLOAT via CAST AS DOUBLE, BIT(5) as binary digits, BLOB with
// 0x00, DATETIME(6), BIGINT UNSIGNED, TINYINT(1) changed to boolean, NULLs); a multi-statement
// transaction is one SourceTransaction at its commit position; TRUNCATE is kTruncate; a
// restart from a commit position continues after it; unsupported columns and DDL on a planned
// table are refused with messages naming them.
#include <gtest/gtest.h>

#include <cstdlib>

#include "engine/catalog/ddl.h"
#include "engine/catalog/identifier.h"
#include "engine/catalog/type_mapping.h"
#include "engine/pipeline/cdc/applier.h"
#include "engine/pipeline/cdc/mysql_change_stream.h"
#include "engine/pipeline/cdc/position.h"
#include "tests/integration/binlog_test_util.h"

namespace switchyard::testing {
namespace {

using catalog::Engine;
using pipeline::TablePlan;
using namespace pipeline::cdc;  // NOLINT: the unit under test

class CdcMySqlStream : public ::testing::Test {
 protected:
  void Open(const std::string& name) {
    src_params_ = FreshMySqlDatabase("sy_cdc_mys_" + name);
    dst_params_ = FreshPostgresDatabase("sy_cdc_mys_" + name);
    auto s = endpoints::Connect(src_params_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    src_ = std::move(s).value();
    auto d = endpoints::Connect(dst_params_);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    dst_ = std::move(d).value();
  }

  void Src(const std::string& sql) {
    Status st = src_->Execute(sql);
    ASSERT_TRUE(st.ok()) << st.ToString() << "\n" << sql;
  }
  void Dst(const std::string& sql) {
    Status st = dst_->Execute(sql);
    ASSERT_TRUE(st.ok()) << st.ToString() << "\n" << sql;
  }
  std::vector<endpoints::SqlRow> Rows(endpoints::SqlSession& s, const std::string& sql) {
    auto r = s.Query(sql);
    EXPECT_TRUE(r.ok()) << r.status().ToString() << "\n" << sql;
    return r.ok() ? *r : std::vector<endpoints::SqlRow>{};
  }

  // Plans every source table of the database MySQL -> PostgreSQL as table_plan.cpp does
  // (catalog::PlanColumn per column; `boolean_columns` get change-data-type boolean) and
  // creates the targets in "public".
  void PlanTables(const std::vector<std::string>& boolean_columns = {}) {
    auto reader = endpoints::OpenCatalogReader(src_params_);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    auto tables = (*reader)->ReadTables(
        [&](const std::string& s, const std::string&) { return s == src_params_.database; });
    ASSERT_TRUE(tables.ok()) << tables.status().ToString();
    for (const catalog::Table& table : *tables) {
      TablePlan p;
      p.source = table;
      p.target.engine = Engine::kPostgres;
      p.target.schema = "public";
      p.target.name = table.name;
      if (table.primary_key) p.target.primary_key = table.primary_key->columns;
      for (const catalog::Column& c : table.columns) {
        const bool in_key = std::find(p.target.primary_key.begin(), p.target.primary_key.end(),
                                      c.name) != p.target.primary_key.end();
        std::optional<catalog::TypeOverride> o;
        if (std::find(boolean_columns.begin(), boolean_columns.end(), c.name) !=
            boolean_columns.end()) {
          o = catalog::TypeOverride{"boolean", {}, {}, {}};
        }
        auto col = catalog::PlanColumn(c, {Engine::kMySql, Engine::kPostgres, in_key}, o);
        ASSERT_TRUE(col.ok()) << col.status().ToString();
        p.target.columns.push_back(*col);
      }
      for (const std::string& sql : catalog::CreateTableSql(p.target, true)) Dst(sql);
      plans_.push_back(std::move(p));
    }
  }

  std::unique_ptr<MySqlChangeStream> Stream(const BinlogPos& from, uint32_t n) {
    MySqlChangeStreamOptions o;
    o.non_blocking = true;
    auto s =
        MySqlChangeStream::Start(Servers().mysql, 5300 + n, from.file, from.position, plans_, o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  // Every transaction up to the current end of the binlog.
  std::vector<SourceTransaction> ReadAll(MySqlChangeStream& stream) {
    std::vector<SourceTransaction> out;
    while (true) {
      auto t = stream.Next();
      EXPECT_TRUE(t.ok()) << t.status().ToString();
      if (!t.ok() || !t->has_value()) return out;
      out.push_back(std::move(**t));
    }
  }

  endpoints::ConnectionParams src_params_, dst_params_;
  std::unique_ptr<endpoints::SqlSession> src_, dst_;
  std::vector<TablePlan> plans_;
};

const char kCreate[] =
    "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(100), d DECIMAL(20,6), f FLOAT, b BIT(5),"
    " bl BLOB, dt DATETIME(6), u BIGINT UNSIGNED, flag TINYINT(1))"
    " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

std::vector<ChangeOp> Ops(const SourceTransaction& t) {
  std::vector<ChangeOp> ops;
  for (const RowChange& c : t.changes) ops.push_back(c.op);
  return ops;
}

TEST_F(CdcMySqlStream, ChangesApplyToPostgresValueForValue) {
  Open("values");
  Src(kCreate);
  Src("CREATE TABLE other (id INT PRIMARY KEY, x INT)");
  PlanTables({"flag"});
  ASSERT_EQ(plans_.size(), 2u);
  // Only t is replicated: the plan for "other" is dropped to show unplanned tables are ignored.
  plans_.erase(std::remove_if(plans_.begin(), plans_.end(),
                              [](const TablePlan& p) { return p.source.name != "t"; }),
               plans_.end());
  ASSERT_EQ(plans_.size(), 1u);
  const BinlogPos start = CurrentBinlogPosition(*src_);
  ASSERT_FALSE(start.file.empty());
  const auto before_writes = std::chrono::system_clock::now();

  // 1: one statement, three rows (one all-NULL).
  Src(R"(INSERT INTO t VALUES
      (1, 'tab\there\nnew line 😀 it''s back\\slash', 12345678901234.123456, 0.1, b'10101',
       X'00FF0001', '2024-02-29 23:59:59.123456', 18446744073709551615, 1),
      (2, '', -0.000001, 16777216, b'00000', X'', '1970-01-01 00:00:00.000000', 0, 0),
      (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL))");
  // An unplanned table's transaction produces nothing.
  Src("INSERT INTO other VALUES (1, 1)");
  // 2: a multi-statement transaction.
  Src("BEGIN");
  Src("INSERT INTO t VALUES (4, 'four', 4.5, -3.4e38, b'11111', X'00', '2000-01-01 00:00:00.5',"
      " 9223372036854775808, 2)");
  Src("UPDATE t SET v = 'one', f = 1.5, b = b'00001', flag = 0 WHERE id = 1");
  Src("DELETE FROM t WHERE id = 2");
  Src("INSERT INTO other VALUES (2, 2)");
  Src("COMMIT");
  const BinlogPos after_multi = CurrentBinlogPosition(*src_);
  // 3: every column changes, including to and from NULL.
  Src("UPDATE t SET v = 'x\\ty', d = 1, f = 2.5, b = b'01110', bl = X'0000',"
      " dt = '1999-12-31 23:59:59.999999', u = 42, flag = 1 WHERE id = 3");
  Src("UPDATE t SET v = NULL, bl = NULL, u = NULL WHERE id = 4");

  auto stream = Stream(start, 1);
  ASSERT_NE(stream, nullptr);
  std::vector<SourceTransaction> txns = ReadAll(*stream);
  ASSERT_EQ(txns.size(), 4u);
  EXPECT_EQ(Ops(txns[0]),
            (std::vector<ChangeOp>{ChangeOp::kInsert, ChangeOp::kInsert, ChangeOp::kInsert}));
  EXPECT_EQ(Ops(txns[1]),
            (std::vector<ChangeOp>{ChangeOp::kInsert, ChangeOp::kUpdate, ChangeOp::kDelete}));
  EXPECT_EQ(Ops(txns[2]), (std::vector<ChangeOp>{ChangeOp::kUpdate}));
  EXPECT_EQ(Ops(txns[3]), (std::vector<ChangeOp>{ChangeOp::kUpdate}));
  // The multi-statement transaction commits where SHOW MASTER STATUS stood after COMMIT.
  auto pos = ParsePosition(txns[1].commit_position.text);
  ASSERT_TRUE(pos.ok()) << pos.status().ToString();
  EXPECT_EQ(txns[1].commit_position.text.substr(0, txns[1].commit_position.text.find(' ')),
            after_multi.file + ":" + std::to_string(after_multi.position));
  EXPECT_FALSE(pos->gtid.empty()) << txns[1].commit_position.text;  // MariaDB "0-1-N"
  for (size_t i = 1; i < txns.size(); ++i) {
    auto cmp = ComparePositions(txns[i - 1].commit_position.text, txns[i].commit_position.text);
    ASSERT_TRUE(cmp.ok());
    EXPECT_EQ(*cmp, -1);
  }
  // Binlog timestamps have whole seconds; the commit time taken is the latest the commit can
  // have been (the end of its second, or when it was read), so never one before the writes.
  const auto now = std::chrono::system_clock::now();
  for (const auto& txn : txns) {
    EXPECT_GE(txn.commit_time, before_writes);
    EXPECT_LE(txn.commit_time, now);
  }
  // Canonical values as the full load's select_expr prints them.
  const RowChange& first = txns[0].changes[0];
  ASSERT_EQ(first.after.size(), 9u);
  EXPECT_EQ(first.after[3].bytes, "0.10000000149011612");  // CAST(f AS DOUBLE)
  EXPECT_EQ(first.after[4].bytes, "10101");                // LPAD(BIN(b+0),5,'0')
  EXPECT_EQ(first.after[5].bytes, std::string("\x00\xff\x00\x01", 4));
  EXPECT_EQ(first.after[8].bytes, "1");               // (flag <> 0)
  EXPECT_EQ(txns[1].changes[0].after[8].bytes, "1");  // 2 is true
  // Updates and deletes carry the full old row.
  EXPECT_EQ(txns[1].changes[1].before.size(), 9u);
  EXPECT_EQ(txns[1].changes[1].before[1].bytes, first.after[1].bytes);
  EXPECT_EQ(txns[1].changes[2].before.size(), 9u);

  Applier applier(dst_.get(), "mys_values", config::ControlTablesSettings{}, &plans_);
  ASSERT_TRUE(applier.Prepare().ok());
  for (const SourceTransaction& t : txns) {
    Status st = applier.Apply(t);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  auto compare = [&]() {
    auto src_rows = Rows(*src_,
                         "SELECT CAST(id AS CHAR), v, CAST(d AS CHAR), CAST(f AS DOUBLE),"
                         " LPAD(BIN(b+0),5,'0'), HEX(bl), DATE_FORMAT(dt,'%Y-%m-%d %H:%i:%s.%f'),"
                         " CAST(u AS CHAR), CAST((flag <> 0) AS CHAR) FROM t ORDER BY id");
    auto dst_rows = Rows(*dst_,
                         "SELECT id::text, v, d::text, f::float8::text, b::text,"
                         " upper(encode(bl, 'hex')), to_char(dt, 'YYYY-MM-DD HH24:MI:SS.US'),"
                         " u::text, CASE WHEN flag THEN '1' WHEN NOT flag THEN '0' END"
                         " FROM public.t ORDER BY id");
    ASSERT_EQ(src_rows.size(), dst_rows.size());
    for (size_t r = 0; r < src_rows.size(); ++r) {
      ASSERT_EQ(src_rows[r].size(), dst_rows[r].size());
      for (size_t c = 0; c < src_rows[r].size(); ++c) {
        const auto& s = src_rows[r][c];
        const auto& d = dst_rows[r][c];
        if (c == 3 && s && d) {  // FLOAT: the same number, printed by two engines
          EXPECT_EQ(std::strtod(s->c_str(), nullptr), std::strtod(d->c_str(), nullptr))
              << "row " << r << ": " << *s << " vs " << *d;
          continue;
        }
        EXPECT_EQ(s, d) << "row " << r << " column " << c;
      }
    }
  };
  compare();
  EXPECT_EQ(Rows(*dst_, "SELECT count(*) FROM public.t")[0][0], "3");
  // Applied on the pipelined path (prepared statements on PostgreSQL), none redone slower.
  EXPECT_EQ(applier.stats().slower_path_redos, 0);

  // Phase 2, from a fresh stream at the last commit position: TRUNCATE, then new rows.
  auto last = ParsePosition(txns.back().commit_position.text);
  ASSERT_TRUE(last.ok());
  const std::string last_file =
      txns.back().commit_position.text.substr(0, txns.back().commit_position.text.find(':'));
  Src("TRUNCATE TABLE t");
  Src("TRUNCATE TABLE other");
  Src("INSERT INTO t (id, v, b) VALUES (10, 'after truncate', b'00110'), (11, NULL, NULL)");
  stream = Stream({last_file, last->offset}, 2);
  ASSERT_NE(stream, nullptr);
  txns = ReadAll(*stream);
  ASSERT_EQ(txns.size(), 2u);
  EXPECT_EQ(Ops(txns[0]), (std::vector<ChangeOp>{ChangeOp::kTruncate}));
  EXPECT_EQ(Ops(txns[1]), (std::vector<ChangeOp>{ChangeOp::kInsert, ChangeOp::kInsert}));
  for (const SourceTransaction& t : txns) {
    Status st = applier.Apply(t);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  compare();
  EXPECT_EQ(Rows(*dst_, "SELECT count(*) FROM public.t")[0][0], "2");
  EXPECT_EQ(applier.stats().truncates, 1);
  EXPECT_EQ(applier.stats().slower_path_redos, 0);
}

TEST_F(CdcMySqlStream, AddedColumnIsUnsupportedNamingIt) {
  Open("added");
  Src("CREATE TABLE t (id INT PRIMARY KEY, x INT)");
  PlanTables();
  ASSERT_EQ(plans_.size(), 1u);
  catalog::ColumnPlan added;
  added.target_name = "added_col";
  added.select_expr = "CONCAT(`x`, 'z')";
  added.target_type = "text";
  plans_[0].target.columns.push_back(added);
  const BinlogPos start = CurrentBinlogPosition(*src_);
  Src("INSERT INTO t VALUES (1, 1)");
  auto stream = Stream(start, 3);
  ASSERT_NE(stream, nullptr);
  auto t = stream->Next();
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(t.status().message().find("added_col"), std::string::npos) << t.status().ToString();

  // A select_expr the stream cannot reproduce on a source column is refused the same way.
  plans_[0].target.columns.pop_back();
  plans_[0].target.columns[1].select_expr = "(`x` * 2)";
  stream = Stream(start, 4);
  ASSERT_NE(stream, nullptr);
  t = stream->Next();
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(t.status().message().find("\"x\""), std::string::npos) << t.status().ToString();
}

TEST_F(CdcMySqlStream, DdlOnAPlannedTableIsUnsupportedOtherDdlIsSkipped) {
  Open("ddl");
  Src("CREATE TABLE t (id INT PRIMARY KEY, x INT)");
  PlanTables();
  const BinlogPos start = CurrentBinlogPosition(*src_);
  Src("CREATE TABLE unrelated (id INT)");
  Src("INSERT INTO t VALUES (1, 1)");
  Src("ALTER TABLE t ADD COLUMN y INT");
  auto stream = Stream(start, 5);
  ASSERT_NE(stream, nullptr);
  auto t = stream->Next();
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_TRUE(t->has_value());
  EXPECT_EQ(Ops(**t), (std::vector<ChangeOp>{ChangeOp::kInsert}));
  t = stream->Next();
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(t.status().message().find("ALTER TABLE t ADD COLUMN y INT"), std::string::npos)
      << t.status().ToString();
}

}  // namespace
}  // namespace switchyard::testing

namespace switchyard::testing {
namespace {

TEST_F(CdcMySqlStream, BlockingStreamReturnsNulloptOnHeartbeatThenTheNextTransaction) {
  Open("heartbeat");
  Src("CREATE TABLE t (id INT PRIMARY KEY, b BIT(12))");
  PlanTables();
  const BinlogPos start = CurrentBinlogPosition(*src_);
  MySqlChangeStreamOptions o;
  o.heartbeat_period = std::chrono::milliseconds(300);
  auto s = MySqlChangeStream::Start(Servers().mysql, 5306, start.file, start.position, plans_, o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto t = (*s)->Next();
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_FALSE(t->has_value());
  Src("INSERT INTO t VALUES (7, b'101000000011')");
  for (int i = 0; i < 20; ++i) {
    t = (*s)->Next();
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    if (t->has_value()) break;
  }
  ASSERT_TRUE(t->has_value());
  ASSERT_EQ((*t)->changes.size(), 1u);
  EXPECT_EQ((*t)->changes[0].after[1].bytes, "101000000011");
}

}  // namespace
}  // namespace switchyard::testing
