// The CDC applier test fixture: a fresh PostgreSQL or MySQL target database per test, tables
// created from plans, source transactions at positions of the parameter's source kind, and
// readers for rows and the checkpoint. Shared by the applier and apply-exception tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/catalog/ddl.h"
#include "engine/catalog/identifier.h"
#include "engine/pipeline/cdc/applier.h"
#include "engine/pipeline/cdc/control_table.h"
#include "tests/support/servers.h"

namespace switchyard::testing::cdc_applier {

using catalog::Engine;
using catalog::ValueTransform;
using pipeline::TablePlan;
using namespace pipeline::cdc;  // NOLINT: the unit under test

inline ChangeValue V(std::string s) { return ChangeValue::Value(std::move(s)); }
inline ChangeValue N() { return ChangeValue::Null(); }
inline ChangeValue U() { return ChangeValue::Unchanged(); }
inline endpoints::SqlRow R(std::initializer_list<std::optional<std::string>> v) { return v; }

inline const std::string kText = std::string("it's \"quoted\" back\\slash\nnew line\ttab 😀 ünï");
inline const std::string kBytes = std::string("\x00\x01'\\\"\xff\x00", 7);
inline constexpr char kBytesHex[] = "0001275C22FF00";

// The parameter: the target engine, and the mode MakeApplier's appliers apply in.
struct ApplierCase {
  ApplierCase(Engine e, Applier::ApplyMode m = Applier::ApplyMode::kTransactional)  // NOLINT
      : engine(e), mode(m) {}
  Engine engine;
  Applier::ApplyMode mode;
};

// Per test: a fresh target database, the plans of the tables it creates, an Applier factory.
class CdcApplierFixture : public ::testing::TestWithParam<ApplierCase> {
 protected:
  Engine engine() const { return GetParam().engine; }
  bool pg() const { return engine() == Engine::kPostgres; }

  void Open(const std::string& name) {
    const std::string db = "sy_cdc_apply_" + name + (pg() ? "_pg" : "_my");
    params_ = pg() ? FreshPostgresDatabase(db) : FreshMySqlDatabase(db);
    auto s = endpoints::Connect(params_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    session_ = std::move(s).value();
    schema_ = pg() ? "app" : params_.database;
    if (pg()) Exec(catalog::CreateSchemaSql(Engine::kPostgres, schema_));
    // MySQL: keep the control table inside the throwaway database so runs never share state.
    control_.control_schema = pg() ? "" : params_.database;
    task_ = "task_" + name;
  }

  void Exec(const std::string& sql) {
    Status st = session_->Execute(sql);
    ASSERT_TRUE(st.ok()) << st.ToString() << "\n" << sql;
  }

  std::vector<endpoints::SqlRow> Rows(const std::string& sql) {
    auto r = session_->Query(sql);
    EXPECT_TRUE(r.ok()) << r.status().ToString() << "\n" << sql;
    return r.ok() ? *r : std::vector<endpoints::SqlRow>{};
  }

  catalog::ColumnPlan Col(const std::string& name, const std::string& pg_type,
                          const std::string& my_type, bool nullable = true) {
    catalog::ColumnPlan c;
    c.source_name = c.target_name = name;
    c.select_expr = name;
    c.target_type = pg() ? pg_type : my_type;
    c.nullable = nullable;
    return c;
  }

  // Creates the table on the target and adds its plan; returns the plan index.
  size_t AddTable(const std::string& name, std::vector<catalog::ColumnPlan> cols,
                  std::vector<std::string> pk) {
    TablePlan p;
    p.source.schema = "src";
    p.source.name = name;
    p.target.engine = engine();
    p.target.schema = schema_;
    p.target.name = name;
    p.target.columns = std::move(cols);
    p.target.primary_key = std::move(pk);
    for (const std::string& sql : catalog::CreateTableSql(p.target, true)) Exec(sql);
    plans_.push_back(std::move(p));
    return plans_.size() - 1;
  }

  // The mixed-type table: id, txt, bin, big (unsigned 64-bit range), ts, flags (BIT), doc.
  size_t AddMixed() {
    std::vector<catalog::ColumnPlan> c;
    c.push_back(Col("id", "bigint", "bigint", false));
    c.push_back(Col("txt", "text", "longtext"));
    c.push_back(Col("bin", "bytea", "longblob"));
    // Raw bytes as the MySQL reader gives them: PostgreSQL needs the bytea hex form.
    if (pg()) c.back().transform = ValueTransform::kBinaryToPgBytea;
    c.push_back(Col("big", "numeric(20)", "decimal(20)"));
    c.push_back(Col("ts", "timestamp(6)", "datetime(6)"));
    c.push_back(Col("flags", "bit(5)", "bit(5)"));
    if (!pg()) c.back().load_expr = "CAST(CONV(@v,2,10) AS UNSIGNED)";
    c.push_back(Col("doc", "text", "longtext"));
    return AddTable("mixed", std::move(c), {"id"});
  }

  std::vector<endpoints::SqlRow> MixedRows() {
    const std::string t = catalog::QuoteQualified(engine(), schema_, "mixed");
    return Rows(pg() ? "SELECT id::text, txt, upper(encode(bin, 'hex')), big::text,"
                       " to_char(ts, 'YYYY-MM-DD HH24:MI:SS.US'), flags::text, doc FROM " +
                           t + " ORDER BY id"
                     : "SELECT id, txt, HEX(bin), big, DATE_FORMAT(ts, '%Y-%m-%d %H:%i:%s.%f'),"
                       " LPAD(BIN(flags+0), 5, '0'), doc FROM " +
                           t + " ORDER BY id");
  }

  // Position number n in the source kind this parameter exercises: LSNs on the PostgreSQL
  // run, binlog file:offset on the MySQL run (positions are source-side; either works anywhere).
  std::string Pos(int n) const {
    if (pg()) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "0/%X", n * 0x100);
      return buf;
    }
    return "binlog.00000" + std::to_string(1 + n / 10) + ":" + std::to_string(4 + (n % 10) * 100);
  }

  // Transactions are move-only (their changes may own a spill file).
  template <typename... T>
  static std::vector<SourceTransaction> Batch(T&&... txns) {
    std::vector<SourceTransaction> out;
    (out.push_back(std::forward<T>(txns)), ...);
    return out;
  }
  SourceTransaction Txn(int n, std::vector<RowChange> changes) const {
    SourceTransaction t;
    t.commit_position.text = Pos(n);
    t.commit_time = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000 + n));
    t.changes = std::move(changes);
    return t;
  }

  // An insert into the mixed table (AddMixed) of a row with only id and txt = "r".
  static RowChange MixedInsert(size_t mixed, int id);

  std::unique_ptr<Applier> MakeApplier() {
    auto a = std::make_unique<Applier>(session_.get(), task_, control_, &plans_);
    a->SetApplyMode(GetParam().mode);
    Status st = a->Prepare();
    EXPECT_TRUE(st.ok()) << st.ToString();
    return a;
  }

  std::optional<Checkpoint> Stored() {
    auto c = ReadCheckpoint(*session_, control_, task_);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : std::nullopt;
  }

  endpoints::ConnectionParams params_;
  std::unique_ptr<endpoints::SqlSession> session_;
  std::string schema_;
  std::string task_;
  config::ControlTablesSettings control_;
  std::vector<TablePlan> plans_;
};

inline RowChange Ins(size_t t, std::vector<ChangeValue> after) {
  return {ChangeOp::kInsert, t, {}, std::move(after)};
}
inline RowChange Upd(size_t t, std::vector<ChangeValue> before, std::vector<ChangeValue> after) {
  return {ChangeOp::kUpdate, t, std::move(before), std::move(after)};
}
inline RowChange Del(size_t t, std::vector<ChangeValue> before) {
  return {ChangeOp::kDelete, t, std::move(before), {}};
}

inline RowChange CdcApplierFixture::MixedInsert(size_t mixed, int id) {
  return Ins(mixed, {V(std::to_string(id)), V("r"), N(), N(), N(), N(), N()});
}

inline std::string EngineName(const ::testing::TestParamInfo<ApplierCase>& info) {
  std::string name = info.param.engine == Engine::kPostgres ? "PostgreSQL" : "MySQL";
  switch (info.param.mode) {
    case Applier::ApplyMode::kTransactional:
      break;
    case Applier::ApplyMode::kBatchOptimized:
      name += "_BatchOptimized";
      break;
    case Applier::ApplyMode::kChangeByChange:
      name += "_ChangeByChange";
      break;
  }
  return name;
}

}  // namespace switchyard::testing::cdc_applier
