// MariaDB UUID, INET4 and INET6 columns in CDC, against the real MariaDB source. The binlog
// carries them as BINARY(16) / BINARY(4) strings with trailing zero bytes dropped and no hint
// of the type; the full load SELECTs them as text. These tests pin down that CDC produces the
// full load's text exactly (the server's own SELECT is the truth): every UUID version and
// variant (v1 from uuid(), stored with swapped segments; v4; v7; nil; all-ones; odd
// variants), IPv4-mapped/-compatible and compressed INET6 forms, NULLs; and that inserts,
// updates (of the key too) and deletes of such rows apply to a PostgreSQL target (uuid, inet)
// and to a MariaDB target (the same types), on a table keyed by a UUID and on a keyless one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/catalog/ddl.h"
#include "engine/catalog/identifier.h"
#include "engine/catalog/type_mapping.h"
#include "engine/endpoints/mysql/binlog/fixed_binary_text.h"
#include "engine/pipeline/cdc/applier.h"
#include "engine/pipeline/cdc/mysql_change_stream.h"
#include "tests/integration/binlog_test_util.h"

namespace switchyard::testing {
namespace {

using catalog::Engine;
using pipeline::TablePlan;
using namespace pipeline::cdc;  // NOLINT: the unit under test
using binlog::FixedBinaryType;

// Column values for the decoding test, inserted row by row (a shorter list is padded with NULL).
const std::vector<std::string> kUuids = {
    "UUID()",                                  // v1, variant 1: stored with segments swapped
    "UUID()",                                  //
    "'6ccd780c-baba-4026-9564-5b8c656024db'",  // v4
    "'01890a5d-ac96-774b-bcce-b302099a8057'",  // v7: stored as it is
    "'00000000-0000-0000-0000-000000000000'",  // nil: the binlog sends no bytes at all
    "'ffffffff-ffff-ffff-ffff-ffffffffffff'",
    "'12345678-9abc-1def-0123-456789abcdef'",  // v1, variant 0: not swapped
    "'12345678-9abc-5def-c123-456789abcdef'",  // v5, Microsoft variant: swapped
    "'12345678-9abc-3def-8123-000000000000'",  // v3 ending in zero bytes (not so when stored)
    "'00000000-0000-1000-8000-000000000000'",
    "'a0000000-0000-6000-8000-000000000001'",  // v6
    "'12345678-9abc-8def-8123-456789abcdef'",  // v8
    "NULL",
};
const std::vector<std::string> kInet6s = {
    "'::ffff:1.2.3.4'",
    "'::'",
    "'2001:db8::1'",
    "'fe80:0:0:0:202:b3ff:fe1e:8329'",
    "'::1.2.3.4'",
    "'::0.0.1.2'",
    "'::ffff:0.0.1.2'",
    "'1:2:3:4:5:6:7:8'",
    "'1:0:3:4:5:6:7:8'",
    "'1:0:0:4:0:0:0:8'",
    "'1:0:0:4:5:0:0:8'",
    "'::1'",
    "'1::'",
    "NULL",
};
const std::vector<std::string> kInet4s = {
    "'1.2.3.4'", "'0.0.0.0'", "'255.255.255.255'", "'10.0.0.0'", "'192.168.0.10'", "NULL",
};

// The server's text and the decoder's bytes formatted as `type` must be the same.
void ExpectSameText(FixedBinaryType type, const Value& server, const Value& decoded,
                    const std::string& where) {
  ASSERT_EQ(server.has_value(), decoded.has_value())
      << where << ": server " << server.value_or("NULL");
  if (!server) return;
  auto text = binlog::FixedBinaryToText(type, *decoded);
  ASSERT_TRUE(text.ok()) << where << ": " << text.status().ToString();
  EXPECT_EQ(*text, *server) << where;
}

TEST(CdcMySqlFixedBinaryDecoding, BinlogBytesFormatAsTheServersSelectText) {
  auto params = FreshMySqlDatabase("sy_fixed_binary_decode");
  auto session = OpenOrDie(params);
  ASSERT_NE(session, nullptr);
  ASSERT_TRUE(
      session->Execute("CREATE TABLE t (id INT PRIMARY KEY, u UUID, i4 INET4, i6 INET6)").ok());
  const BinlogPos start = CurrentBinlogPosition(*session);
  const size_t n = std::max({kUuids.size(), kInet4s.size(), kInet6s.size()});
  auto at = [](const std::vector<std::string>& v, size_t i) {
    return i < v.size() ? v[i] : std::string("NULL");
  };
  std::string insert = "INSERT INTO t VALUES ";
  for (size_t i = 0; i < n; ++i) {
    insert += (i > 0 ? ", (" : "(") + std::to_string(i + 1) + ", " + at(kUuids, i) + ", " +
              at(kInet4s, i) + ", " + at(kInet6s, i) + ")";
  }
  Status st = session->Execute(insert);
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto snapshot = [&]() {
    auto rows = session->Query("SELECT id, u, i4, i6 FROM t ORDER BY id");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? *rows : Rows{};
  };
  const Rows inserted = snapshot();
  ASSERT_EQ(inserted.size(), n);
  ASSERT_TRUE(session
                  ->Execute("UPDATE t SET u = UUID(), i4 = '127.0.0.1', i6 = '::ffff:127.0.0.1'"
                            " WHERE id = 1")
                  .ok());
  const Rows updated = snapshot();
  ASSERT_TRUE(session->Execute("UPDATE t SET id = id + 1000").ok());
  const Rows moved = snapshot();
  ASSERT_TRUE(session->Execute("DELETE FROM t").ok());

  const auto events = ReadAll(StreamOptions(start, 20));
  // The binlog does not name the types: BINARY(16), BINARY(4), BINARY(16).
  std::shared_ptr<const binlog::TableMap> map;
  for (const auto& event : events) {
    if (event.table_map && event.table_map->schema == params.database) map = event.table_map;
  }
  ASSERT_NE(map, nullptr);
  ASSERT_EQ(map->columns.size(), 4u);
  for (size_t c = 1; c < 4; ++c) {
    EXPECT_EQ(map->columns[c].type, binlog::column_type::kString) << c;
    EXPECT_EQ(map->columns[c].max_length, c == 2 ? 4u : 16u) << c;
  }

  const auto changes = ChangesOf(events, params.database, "t");
  ASSERT_EQ(changes.size(), n + 1 + n + n) << "inserts, one update, key updates, deletes";
  const FixedBinaryType types[] = {FixedBinaryType::kUuid, FixedBinaryType::kInet4,
                                   FixedBinaryType::kInet6};
  auto expect_image = [&](const std::optional<binlog::RowImage>& image,
                          const std::vector<Value>& server, const std::string& where) {
    ASSERT_TRUE(image.has_value()) << where;
    ASSERT_EQ(image->values.size(), 4u) << where;
    EXPECT_EQ(image->values[0], server[0]) << where;
    for (size_t c = 1; c < 4; ++c) {
      ExpectSameText(types[c - 1], server[c], image->values[c],
                     where + " column " + std::to_string(c));
    }
  };
  // Rows of a multi-row statement may be logged in any order: match them by id.
  auto row_of = [](const std::optional<binlog::RowImage>& image, int64_t base) -> size_t {
    if (!image || !image->values[0]) return SIZE_MAX;
    return static_cast<size_t>(std::stoll(*image->values[0]) - base);
  };
  size_t k = 0;
  for (size_t i = 0; i < n; ++i, ++k) {
    ASSERT_EQ(changes[k].kind, binlog::RowsKind::kWrite);
    const size_t row = row_of(changes[k].change.after, 1);
    ASSERT_LT(row, n);
    expect_image(changes[k].change.after, inserted[row], "insert id " + std::to_string(row + 1));
  }
  ASSERT_EQ(changes[k].kind, binlog::RowsKind::kUpdate);
  expect_image(changes[k].change.before, inserted[0], "update before");
  expect_image(changes[k].change.after, updated[0], "update after");
  ++k;
  for (size_t i = 0; i < n; ++i, ++k) {
    ASSERT_EQ(changes[k].kind, binlog::RowsKind::kUpdate);
    const size_t row = row_of(changes[k].change.before, 1);
    ASSERT_LT(row, n);
    expect_image(changes[k].change.before, updated[row],
                 "key update before " + std::to_string(row));
    expect_image(changes[k].change.after, moved[row], "key update after " + std::to_string(row));
  }
  for (size_t i = 0; i < n; ++i, ++k) {
    ASSERT_EQ(changes[k].kind, binlog::RowsKind::kDelete);
    const size_t row = row_of(changes[k].change.before, 1001);
    ASSERT_LT(row, n);
    expect_image(changes[k].change.before, moved[row], "delete " + std::to_string(row));
  }
}

// MariaDB source -> the parameter's target, through MySqlChangeStream and the Applier.
class CdcMySqlFixedBinary : public ::testing::TestWithParam<Engine> {
 protected:
  bool pg() const { return GetParam() == Engine::kPostgres; }

  void Open(const std::string& name) {
    src_params_ = FreshMySqlDatabase("sy_cdc_fbt_" + name);
    dst_params_ = pg() ? FreshPostgresDatabase("sy_cdc_fbt_" + name)
                       : FreshMySqlDatabase("sy_cdc_fbt_" + name + "_dst");
    auto s = endpoints::Connect(src_params_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    src_ = std::move(s).value();
    auto d = endpoints::Connect(dst_params_);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    dst_ = std::move(d).value();
    dst_schema_ = pg() ? "public" : dst_params_.database;
    control_.control_schema = pg() ? "" : dst_params_.database;
  }

  void Src(const std::string& sql) {
    Status st = src_->Execute(sql);
    ASSERT_TRUE(st.ok()) << st.ToString() << "\n" << sql;
  }
  Rows Query(endpoints::SqlSession& s, const std::string& sql) {
    auto r = s.Query(sql);
    EXPECT_TRUE(r.ok()) << r.status().ToString() << "\n" << sql;
    return r.ok() ? *r : Rows{};
  }

  // Plans every source table as table_plan.cpp does (catalog::PlanColumn per column) and
  // creates the targets.
  void PlanTables() {
    auto reader = endpoints::OpenCatalogReader(src_params_);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    auto tables = (*reader)->ReadTables(
        [&](const std::string& s, const std::string&) { return s == src_params_.database; });
    ASSERT_TRUE(tables.ok()) << tables.status().ToString();
    for (const catalog::Table& table : *tables) {
      TablePlan p;
      p.source = table;
      p.target.engine = GetParam();
      p.target.schema = dst_schema_;
      p.target.name = table.name;
      if (table.primary_key) p.target.primary_key = table.primary_key->columns;
      for (const catalog::Column& c : table.columns) {
        const bool in_key = std::find(p.target.primary_key.begin(), p.target.primary_key.end(),
                                      c.name) != p.target.primary_key.end();
        auto col = catalog::PlanColumn(c, {Engine::kMySql, GetParam(), in_key}, std::nullopt);
        ASSERT_TRUE(col.ok()) << col.status().ToString();
        p.target.columns.push_back(*col);
      }
      for (const std::string& sql : catalog::CreateTableSql(p.target, true)) {
        Status st = dst_->Execute(sql);
        ASSERT_TRUE(st.ok()) << st.ToString() << "\n" << sql;
      }
      plans_.push_back(std::move(p));
    }
  }

  const TablePlan& Plan(const std::string& table) const {
    for (const TablePlan& p : plans_) {
      if (p.source.name == table) return p;
    }
    ADD_FAILURE() << "no plan for " << table;
    return plans_.front();
  }

  // The table's rows as the full load reads them: the plan's select_expr per column, sorted.
  Rows FullLoadRows(const std::string& table) {
    const TablePlan& p = Plan(table);
    std::string sql = "SELECT ";
    for (size_t c = 0; c < p.target.columns.size(); ++c) {
      sql += (c > 0 ? ", " : "") + p.target.columns[c].select_expr;
    }
    sql += " FROM " + catalog::QuoteQualified(Engine::kMySql, p.source.schema, p.source.name);
    Rows rows = Query(*src_, sql);
    std::sort(rows.begin(), rows.end());
    return rows;
  }

  // The target's rows as text, sorted; on PostgreSQL, uuid and inet in their own text form.
  Rows TargetRows(const std::string& table) {
    const TablePlan& p = Plan(table);
    std::string sql = "SELECT ";
    for (size_t c = 0; c < p.target.columns.size(); ++c) {
      const std::string q = catalog::QuoteIdentifier(GetParam(), p.target.columns[c].target_name);
      sql += (c > 0 ? ", " : "") + (pg() ? q + "::text" : q);
    }
    sql += " FROM " + catalog::QuoteQualified(GetParam(), p.target.schema, p.target.name);
    Rows rows = Query(*dst_, sql);
    std::sort(rows.begin(), rows.end());
    return rows;
  }

  // Source rows (full-load text) as the target prints the same values: MariaDB keeps the text;
  // PostgreSQL reads it into the target column's type and prints that.
  Rows AsTargetPrints(const std::string& table, Rows source) {
    if (!pg()) return source;
    const TablePlan& p = Plan(table);
    for (auto& row : source) {
      for (size_t c = 0; c < row.size(); ++c) {
        if (!row[c]) continue;
        const Rows cast =
            Query(*dst_, "SELECT CAST(" + catalog::QuoteLiteral(Engine::kPostgres, *row[c]) +
                             " AS " + p.target.columns[c].target_type + ")::text");
        row[c] = cast.empty() ? Value("<cast failed>") : cast[0][0];
      }
    }
    std::sort(source.begin(), source.end());
    return source;
  }

  std::unique_ptr<MySqlChangeStream> Stream(const BinlogPos& from, uint32_t n) {
    MySqlChangeStreamOptions o;
    o.non_blocking = true;
    auto s =
        MySqlChangeStream::Start(Servers().mysql, 5340 + n, from.file, from.position, plans_, o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  std::vector<SourceTransaction> ReadTransactions(MySqlChangeStream& stream) {
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
  std::string dst_schema_;
  config::ControlTablesSettings control_;
  std::vector<TablePlan> plans_;
};

Value Text(const ChangeValue& v) {
  return v.kind == ChangeValue::kValue ? Value(v.bytes) : std::nullopt;
}

TEST_P(CdcMySqlFixedBinary, ChangesCarryTheFullLoadTextAndApplyToTheTarget) {
  Open(pg() ? "pg" : "my");
  Src("CREATE TABLE k (u UUID PRIMARY KEY, i4 INET4, i6 INET6, note VARCHAR(20))");
  Src("CREATE TABLE nk (id INT, u UUID, i4 INET4, i6 INET6)");
  PlanTables();
  ASSERT_EQ(plans_.size(), 2u);
  const BinlogPos start = CurrentBinlogPosition(*src_);

  Src("INSERT INTO k VALUES"
      " (UUID(), '1.2.3.4', '::ffff:1.2.3.4', 'v1'),"
      " ('6ccd780c-baba-4026-9564-5b8c656024db', '0.0.0.0', '::', 'v4'),"
      " ('00000000-0000-0000-0000-000000000000', '255.255.255.255', '2001:db8::1', 'nil'),"
      " ('ffffffff-ffff-ffff-ffff-ffffffffffff', '10.0.0.0', 'fe80::202:b3ff:fe1e:8329', 'max'),"
      " ('01890a5d-ac96-774b-bcce-b302099a8057', NULL, '::1.2.3.4', 'v7'),"
      " ('12345678-9abc-3def-8123-000000000000', '192.168.0.10', NULL, 'v3')");
  Src("INSERT INTO nk SELECT ROW_NUMBER() OVER (ORDER BY note), u, i4, i6 FROM k");
  Src("INSERT INTO nk VALUES (7, NULL, NULL, NULL)");
  const Rows k_inserted = FullLoadRows("k");
  const Rows nk_inserted = FullLoadRows("nk");
  ASSERT_EQ(k_inserted.size(), 6u);
  // Updates find rows by a UUID key (one changes the key) or, keyless, by every column.
  Src("UPDATE k SET u = '6ccd780c-baba-4026-9564-5b8c656024dc', i4 = '8.8.8.8',"
      " i6 = '::ffff:10.1.2.3' WHERE note = 'v1'");
  Src("UPDATE k SET i6 = '1:0:3:4:5:6:7:8', i4 = NULL WHERE u = "
      "'01890a5d-ac96-774b-bcce-b302099a8057'");
  Src("DELETE FROM k WHERE note = 'nil'");
  Src("UPDATE nk SET i6 = '::1', u = UUID() WHERE i6 = '::ffff:1.2.3.4'");
  Src("UPDATE nk SET i4 = '0.0.0.1' WHERE i4 = '0.0.0.0'");
  Src("DELETE FROM nk WHERE u = 'ffffffff-ffff-ffff-ffff-ffffffffffff' OR id = 7");

  auto stream = Stream(start, 1);
  ASSERT_NE(stream, nullptr);
  const std::vector<SourceTransaction> txns = ReadTransactions(*stream);
  ASSERT_EQ(txns.size(), 9u);

  // Inserted rows carry exactly what the full load reads for them.
  auto images = [&](const SourceTransaction& t, bool after) {
    Rows out;
    for (const RowChange& c : t.changes) {
      Rows::value_type row;
      for (const ChangeValue& v : after ? c.after : c.before) row.push_back(Text(v));
      out.push_back(std::move(row));
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(images(txns[0], true), k_inserted);
  Rows nk_first = images(txns[1], true);
  Rows nk_second = images(txns[2], true);
  nk_first.insert(nk_first.end(), nk_second.begin(), nk_second.end());
  std::sort(nk_first.begin(), nk_first.end());
  EXPECT_EQ(nk_first, nk_inserted);
  // The first update's old row is the v1 row as the full load read it.
  ASSERT_EQ(txns[3].changes.size(), 1u);
  const Rows before = images(txns[3], false);
  EXPECT_NE(std::find(k_inserted.begin(), k_inserted.end(), before[0]), k_inserted.end())
      << before[0][0].value_or("NULL");

  Applier applier(dst_.get(), "fbt", control_, &plans_);
  ASSERT_TRUE(applier.Prepare().ok());
  for (const SourceTransaction& t : txns) {
    Status st = applier.Apply(t);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  for (const std::string table : {"k", "nk"}) {
    const Rows source = FullLoadRows(table);
    EXPECT_EQ(TargetRows(table), AsTargetPrints(table, source)) << table;
  }
  EXPECT_EQ(TargetRows("k").size(), 5u);
  EXPECT_EQ(TargetRows("nk").size(), 5u);
}

INSTANTIATE_TEST_SUITE_P(Targets, CdcMySqlFixedBinary,
                         ::testing::Values(Engine::kPostgres, Engine::kMySql),
                         [](const ::testing::TestParamInfo<Engine>& info) {
                           return info.param == Engine::kPostgres ? "Postgres" : "MariaDb";
                         });

}  // namespace
}  // namespace switchyard::testing
