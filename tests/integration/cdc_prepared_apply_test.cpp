// The applier's pipelined path on PostgreSQL targets runs prepared statements with text
// parameters (SqlSession::ExecutePipeline). The same source transactions applied that way and
// applied with literal statements (the same session with the pipeline hidden, as for MySQL
// targets) leave identical rows, compared as the server prints them: numeric rounding to the
// column's scale, varchar/char padding, floats' NaN/Infinity, arrays, json's own spacing,
// jsonb, timestamps with offsets and rounded precision, intervals, bit strings, uuid, enum,
// NULLs, unchanged TOAST columns, key changes, the MySQL-source conversions (raw bytes to bytea,
// zero dates to NULL, zero-offset timestamps) — and no transaction needed a slower path. A table
// recreated with other column types gets its statements prepared again.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/integration/cdc_applier_fixture.h"

namespace switchyard::testing {
namespace {

using namespace cdc_applier;  // NOLINT: the shared fixture

// The target session with ExecutePipeline hidden: the applier then sends literal statements
// (ExecuteBatch), as it does for MySQL targets.
class LiteralOnly final : public endpoints::SqlSession {
 public:
  explicit LiteralOnly(endpoints::SqlSession* s) : s_(s) {}
  catalog::Engine engine() const override { return s_->engine(); }
  Status Execute(const std::string& sql) override { return s_->Execute(sql); }
  Result<std::vector<endpoints::SqlRow>> Query(const std::string& sql) override {
    return s_->Query(sql);
  }
  Status ExecuteBatch(const std::vector<std::string>& statements,
                      std::vector<int64_t>* counts) override {
    ++batches_;
    return s_->ExecuteBatch(statements, counts);
  }
  std::string QuoteIdentifier(const std::string& name) const override {
    return s_->QuoteIdentifier(name);
  }
  std::string QuoteLiteral(const std::string& value) const override {
    return s_->QuoteLiteral(value);
  }
  std::string ServerVersion() const override { return s_->ServerVersion(); }
  int batches() const { return batches_; }

 private:
  endpoints::SqlSession* s_;
  int batches_ = 0;
};

class CdcPreparedApply : public CdcApplierFixture {
 protected:
  // A second target database with the same tables, written through LiteralOnly.
  void OpenLiteralTarget(const std::string& name) {
    auto s = endpoints::Connect(FreshPostgresDatabase("sy_cdc_apply_" + name + "_lit"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    literal_session_ = std::move(s).value();
    literal_ = std::make_unique<LiteralOnly>(literal_session_.get());
  }
  void ExecBoth(const std::string& sql) {
    Exec(sql);
    Status st = literal_session_->Execute(sql);
    ASSERT_TRUE(st.ok()) << st.ToString() << "\n" << sql;
  }
  std::vector<endpoints::SqlRow> RowsOf(endpoints::SqlSession& s, const std::string& sql) {
    auto r = s.Query(sql);
    EXPECT_TRUE(r.ok()) << r.status().ToString() << "\n" << sql;
    return r.ok() ? *r : std::vector<endpoints::SqlRow>{};
  }

  std::unique_ptr<endpoints::SqlSession> literal_session_;
  std::unique_ptr<LiteralOnly> literal_;
};

TEST_P(CdcPreparedApply, PreparedAndLiteralStatementsLeaveIdenticalRows) {
  Open("prepared_wide");
  OpenLiteralTarget("prepared_wide");
  ExecBoth("CREATE SCHEMA IF NOT EXISTS app");
  ExecBoth("CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy')");
  std::vector<catalog::ColumnPlan> c;
  c.push_back(Col("id", "bigint", "", false));
  c.push_back(Col("n", "numeric(10,2)", ""));
  c.push_back(Col("v", "character varying(8)", ""));
  c.push_back(Col("ch", "character(4)", ""));
  c.push_back(Col("f8", "double precision", ""));
  c.push_back(Col("f4", "real", ""));
  c.push_back(Col("b", "bytea", ""));
  c.push_back(Col("arr", "integer[]", ""));
  c.push_back(Col("tarr", "text[]", ""));
  c.push_back(Col("j", "json", ""));
  c.push_back(Col("jb", "jsonb", ""));
  c.push_back(Col("tz", "timestamp with time zone", ""));
  c.push_back(Col("ts", "timestamp(3) without time zone", ""));
  c.push_back(Col("iv", "interval", ""));
  c.push_back(Col("bits", "bit(5)", ""));
  c.push_back(Col("vb", "bit varying(8)", ""));
  c.push_back(Col("u", "uuid", ""));
  c.push_back(Col("bo", "boolean", ""));
  c.push_back(Col("d", "date", ""));
  c.push_back(Col("ip", "inet", ""));
  c.push_back(Col("mood", "app.mood", ""));
  c.push_back(Col("mybin", "bytea", ""));
  c.back().transform = ValueTransform::kBinaryToPgBytea;
  c.push_back(Col("myzero", "date", ""));
  c.back().transform = ValueTransform::kMySqlZeroDateToNull;
  c.push_back(Col("myts", "timestamp with time zone", ""));
  c.back().transform = ValueTransform::kMySqlZeroTimestampToUtc;
  c.push_back(Col("txt", "text", ""));
  c.back().transform = ValueTransform::kRejectNul;
  const size_t w = AddTable("wide", c, {"id"});
  // The literal target gets the same table.
  for (const std::string& sql : catalog::CreateTableSql(plans_[w].target, true)) {
    Status st = literal_session_->Execute(sql);
    ASSERT_TRUE(st.ok()) << st.ToString() << "\n" << sql;
  }

  const std::string toast(5000, 't');
  auto row = [&](int id) {
    const std::string s = std::to_string(id);
    return std::vector<ChangeValue>{
        V(s),
        V(id % 2 ? "1.005" : "-12345678.995"),
        V(id % 3 ? "ab  " : "😀ünï'\\x"),
        V("ab"),
        V(id % 4 == 0   ? "NaN"
          : id % 4 == 1 ? "-Infinity"
                        : "4.9e-324"),
        V("3.4028235e+38"),
        V("\\x00ff5c27"),
        V("{1,NULL," + s + "}"),
        V("{\"a,b\",\"c\\\"d\",NULL}"),
        V("{\"b\": 1,  \"a\" : [1,2]}"),
        V("{\"b\":1,\"a\":\"\\u00e9\"}"),
        V("2024-02-29 23:59:59.123456+05:30"),
        V("2024-01-01 00:00:00.12351"),
        V("1 year 2 mons -3 days 04:05:06.7"),
        V("10101"),
        V("101"),
        V("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"),
        V(id % 2 ? "t" : "false"),
        V(id % 5 ? "2000-02-29" : "infinity"),
        V("192.168.0.1/24"),
        V("ok"),
        V(std::string("\x00\x01'\\\xff", 5)),
        V(id % 2 ? "0000-00-00" : "2024-01-31"),
        V(id % 2 ? "0000-00-00 00:00:00" : "2024-01-02 03:04:05.5"),
        V(id == 3 ? toast : "line\nnext\ttab"),
    };
  };
  auto nulls = [&](int id) {
    std::vector<ChangeValue> r(plans_[w].target.columns.size(), N());
    r[0] = V(std::to_string(id));
    return r;
  };
  auto unchanged = [&](int id) {
    std::vector<ChangeValue> r(plans_[w].target.columns.size(), U());
    r[0] = V(std::to_string(id));
    return r;
  };

  std::vector<SourceTransaction> txns;
  {
    // 70 consecutive inserts: prepared blocks of 64, 4 and 2 rows.
    std::vector<RowChange> ch;
    for (int id = 1; id <= 70; ++id) ch.push_back(Ins(w, row(id)));
    ch.push_back(Ins(w, nulls(100)));
    txns.push_back(Txn(1, std::move(ch)));
  }
  {
    std::vector<RowChange> ch;
    // Every column but one unchanged (TOAST), then one column written to NULL.
    auto toast_update = unchanged(3);
    toast_update[2] = V("new");
    ch.push_back(Upd(w, {}, toast_update));
    auto to_null = row(4);
    to_null[9] = N();
    to_null[1] = N();
    ch.push_back(Upd(w, {}, to_null));
    // Every column from NULL to a value; a key change (the old key in `before`).
    ch.push_back(Upd(w, {}, row(100)));
    auto moved = row(200);
    ch.push_back(Upd(w, row(5), moved));
    // All unchanged: the row must exist, nothing written.
    ch.push_back(Upd(w, {}, unchanged(6)));
    ch.push_back(Del(w, nulls(7)));
    ch.push_back(Ins(w, row(7)));
    ch.push_back(Del(w, row(8)));
    txns.push_back(Txn(2, std::move(ch)));
  }

  auto prepared = MakeApplier();
  Applier literal(literal_.get(), task_, control_, &plans_);
  literal.SetApplyMode(GetParam().mode);
  ASSERT_TRUE(literal.Prepare().ok());
  for (const SourceTransaction& t : txns) {
    Status st = prepared->Apply(t);
    ASSERT_TRUE(st.ok()) << st.ToString();
    st = literal.Apply(t);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  EXPECT_EQ(prepared->stats().slower_path_redos, 0);
  EXPECT_EQ(literal.stats().slower_path_redos, 0);
  EXPECT_GT(literal_->batches(), 0) << "the literal target took the literal path";
  const std::string prepared_count = "SELECT count(*)::int FROM pg_prepared_statements";
  // Inserts of 64, 4, 2 and 1 rows, the updates (two column sets, the key change), the delete.
  EXPECT_EQ(Rows(prepared_count)[0][0], "8");
  EXPECT_EQ(RowsOf(*literal_session_, prepared_count)[0][0], "0");
  EXPECT_EQ(prepared->stats().inserts, 72);
  EXPECT_EQ(prepared->stats().updates, 5);
  EXPECT_EQ(prepared->stats().deletes, 2);
  EXPECT_EQ(prepared->stats().unchanged_toast_updates, 2);

  const std::string q = "SELECT id, t::text FROM app.wide t ORDER BY id";
  const auto rows = Rows(q);
  EXPECT_EQ(rows.size(), 70u);
  EXPECT_EQ(rows, RowsOf(*literal_session_, q));
  // A few values spelled out, so that "identical" is not "identically wrong".
  EXPECT_EQ(Rows("SELECT n::text, v, ch, f8::text, j::text, myzero::text, myts::text, txt"
                 " FROM app.wide WHERE id = 1"),
            (std::vector<endpoints::SqlRow>{
                R({"1.01", "ab  ", "ab  ", "-Infinity", "{\"b\": 1,  \"a\" : [1,2]}", std::nullopt,
                   std::nullopt, "line\nnext\ttab"})}));
  EXPECT_EQ(Rows("SELECT v, length(txt), encode(mybin, 'hex') FROM app.wide WHERE id = 3"),
            (std::vector<endpoints::SqlRow>{R({"new", "5000", "0001275cff"})}));
}

TEST_P(CdcPreparedApply, TableRecreatedWithOtherTypesIsPreparedAgain) {
  Open("prepared_retype");
  const size_t k =
      AddTable("retyped", {Col("id", "integer", "", false), Col("v", "integer", "")}, {"id"});
  auto a = MakeApplier();
  ASSERT_TRUE(a->Apply(Txn(1, {Ins(k, {V("1"), V("007")})})).ok());
  EXPECT_EQ(Rows("SELECT v::text FROM app.retyped"), (std::vector<endpoints::SqlRow>{R({"7"})}));

  // Reloaded with v as text (same table and column names, hence the same statement text but
  // for the types): the integer parameter of the first prepare would turn '007' into '7'.
  Exec("DROP TABLE app.retyped");
  plans_[k].target.columns[1].target_type = "text";
  for (const std::string& sql : catalog::CreateTableSql(plans_[k].target, true)) Exec(sql);
  ASSERT_TRUE(a->Apply(Txn(2, {Ins(k, {V("1"), V("007")})})).ok());
  EXPECT_EQ(Rows("SELECT v FROM app.retyped"), (std::vector<endpoints::SqlRow>{R({"007"})}));
  EXPECT_EQ(a->stats().slower_path_redos, 0);
}

TEST_P(CdcPreparedApply, RejectedValueIsRedoneDirectlyAndNamesTheChange) {
  Open("prepared_reject");
  const size_t k =
      AddTable("narrow", {Col("id", "integer", "", false), Col("v", "varchar(3)", "")}, {"id"});
  auto a = MakeApplier();
  Status st = a->Apply(Txn(1, {Ins(k, {V("1"), V("abc")}), Upd(k, {}, {V("1"), V("abcd")})}));
  EXPECT_EQ(st.code(), StatusCode::kDataError) << st.ToString();
  EXPECT_NE(st.message().find("update on"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("'abcd'"), std::string::npos) << st.message();
  EXPECT_EQ(a->stats().slower_path_redos, 1);
  EXPECT_TRUE(Rows("SELECT * FROM app.narrow").empty());
  EXPECT_FALSE(Stored().has_value());
}

// The pipelined path's statements (the default mode would net these tables' changes).
INSTANTIATE_TEST_SUITE_P(Targets, CdcPreparedApply,
                         ::testing::Values(ApplierCase(Engine::kPostgres,
                                                       Applier::ApplyMode::kChangeByChange)),
                         EngineName);

}  // namespace
}  // namespace switchyard::testing
