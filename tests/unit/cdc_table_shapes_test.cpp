// Table shapes (pipeline/cdc/table_shapes.h): a plan's columns survive the trip through the
// state store, and a resume takes the shape recorded before its checkpoint, dropping those at or
// after it (the replay records them again).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "engine/pipeline/cdc/table_shapes.h"

namespace switchyard::pipeline::cdc {
namespace {

catalog::Column SourceColumn(const std::string& name, const std::string& type) {
  catalog::Column c;
  c.name = name;
  c.type.name = type;
  c.type.full = type + "(12,2)";
  c.type.precision = 12;
  c.type.scale = 2;
  c.default_expr = "'0.00'";
  c.nullable = false;
  return c;
}

catalog::ColumnPlan TargetColumn(const std::string& name, const std::string& type) {
  catalog::ColumnPlan c;
  c.source_name = name;
  c.target_name = name + "_t";
  c.select_expr = "`" + name + "`";
  c.target_type = type;
  c.default_expr = "0";
  c.transform = catalog::ValueTransform::kMySqlZeroDateToNull;
  c.notes = {"lossy"};
  return c;
}

TablePlan Plan(const std::vector<std::string>& columns) {
  TablePlan p;
  p.source.schema = "app";
  p.source.name = "accounts";
  for (const auto& c : columns) {
    p.source.columns.push_back(SourceColumn(c, "decimal"));
    p.target.columns.push_back(TargetColumn(c, "numeric(12,2)"));
  }
  return p;
}

std::vector<std::string> Names(const TablePlan& p) {
  std::vector<std::string> out;
  for (const auto& c : p.source.columns) out.push_back(c.name);
  for (const auto& c : p.target.columns) out.push_back(c.target_name);
  return out;
}

class CdcTableShapes : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "sy_shapes_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    auto store = state::StateStore::Open(root_ + "/task");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    ASSERT_TRUE(store_->InitTask("t", "cdc").ok());
  }
  void TearDown() override {
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  // The plan's columns after a restore at `position`, starting from `catalog_now`.
  std::vector<std::string> RestoredAt(const std::string& position,
                                      const std::vector<std::string>& catalog_now) {
    TablePlan p = Plan(catalog_now);
    bool changed = false;
    Status st = RestoreShapeAt(*store_, position, &p, &changed);
    EXPECT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(changed, Names(p) != Names(Plan(catalog_now)));
    return Names(p);
  }

  std::string root_;
  std::unique_ptr<state::StateStore> store_;
};

TEST_F(CdcTableShapes, EveryColumnFieldSurvivesTheJson) {
  const TablePlan plan = Plan({"id", "balance"});
  TablePlan back = Plan({"other"});
  ASSERT_TRUE(ApplyShapeJson(ShapeJson(plan), &back).ok());
  EXPECT_EQ(ShapeJson(back), ShapeJson(plan));
  EXPECT_EQ(back.source.columns[1].default_expr, "'0.00'");
  EXPECT_EQ(back.target.columns[1].transform, catalog::ValueTransform::kMySqlZeroDateToNull);
  EXPECT_EQ(back.source.columns[1].type.precision, 12);
  EXPECT_FALSE(back.source.columns[1].type.length.has_value());
}

TEST_F(CdcTableShapes, AnUnreadableRecordIsAClearError) {
  TablePlan p = Plan({"id"});
  Status st = ApplyShapeJson("{\"source\": 1}", &p);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("app.accounts"), std::string::npos) << st.message();
}

TEST_F(CdcTableShapes, TheFirstSessionRecordsTheBaseAndKeepsThePlan) {
  EXPECT_EQ(RestoredAt("0/100", {"id", "note"}), Names(Plan({"id", "note"})));
  auto rows = store_->ListTableShapes("app", "accounts");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().after_position, "");
}

TEST_F(CdcTableShapes, AResumeTakesTheShapeBeforeItsCheckpoint) {
  ASSERT_TRUE(RecordShape(*store_, "", Plan({"id", "note"})).ok());                // base
  ASSERT_TRUE(RecordShape(*store_, "0/200", Plan({"id", "note", "extra"})).ok());  // ADD
  ASSERT_TRUE(RecordShape(*store_, "0/300", Plan({"id", "extra"})).ok());          // DROP
  // Past both changes: the last shape, although the catalog has moved on again.
  EXPECT_EQ(RestoredAt("0/301", {"id", "extra", "later"}), Names(Plan({"id", "extra"})));
  // Checkpoint at the DROP's position: the stream meets the DROP again, so the shape before it.
  EXPECT_EQ(RestoredAt("0/300", {"id", "extra"}), Names(Plan({"id", "note", "extra"})));
  // ... and the DROP's row is gone: it is recorded again when it is followed again.
  auto rows = store_->ListTableShapes("app", "accounts");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 2u);
  // Before both: the base.
  EXPECT_EQ(RestoredAt("0/150", {"id", "extra"}), Names(Plan({"id", "note"})));
}

TEST_F(CdcTableShapes, TwoChangesAtOnePositionCountInTheOrderRecorded) {
  ASSERT_TRUE(RecordShape(*store_, "", Plan({"id"})).ok());
  ASSERT_TRUE(RecordShape(*store_, "mysql-bin.000002:400", Plan({"id", "a"})).ok());
  ASSERT_TRUE(RecordShape(*store_, "mysql-bin.000002:400", Plan({"id", "a", "b"})).ok());
  ASSERT_TRUE(RecordShape(*store_, "mysql-bin.000001:900", Plan({"id", "x"})).ok());
  EXPECT_EQ(RestoredAt("mysql-bin.000003:4", {"id"}), Names(Plan({"id", "a", "b"})));
}

TEST_F(CdcTableShapes, AFreshStartAndAReloadForgetTheShapes) {
  state::TableRecord t;
  t.schema_name = "app";
  t.table_name = "accounts";
  ASSERT_TRUE(store_->UpsertTable(t).ok());
  ASSERT_TRUE(RecordShape(*store_, "0/200", Plan({"id", "x"})).ok());
  ASSERT_TRUE(store_->ResetTable("app", "accounts", true).ok());
  EXPECT_TRUE(store_->ListTableShapes("app", "accounts")->empty());
  ASSERT_TRUE(RecordShape(*store_, "0/200", Plan({"id", "x"})).ok());
  ASSERT_TRUE(store_->MarkFreshStart().ok());
  EXPECT_TRUE(store_->ListTableShapes("app", "accounts")->empty());
}

}  // namespace
}  // namespace switchyard::pipeline::cdc
