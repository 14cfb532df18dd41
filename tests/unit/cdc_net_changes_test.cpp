// NetChanges: every sequence of changes of one key nets to the one change that leaves the target
// as the sequence would, and the sequences that cannot be netted exactly are refused.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/pipeline/cdc/net_changes.h"

namespace switchyard::pipeline::cdc {
namespace {

ChangeValue V(std::string s) { return ChangeValue::Value(std::move(s)); }
ChangeValue U() { return ChangeValue::Unchanged(); }

using Op = NetRow::Op;

class NetChangesTest : public ::testing::Test {
 protected:
  NetChangesTest() {
    // Table 0: id (key), a, b. Table 1: keyless x, y.
    TablePlan keyed;
    keyed.source.schema = "s";
    keyed.source.name = "keyed";
    for (const char* c : {"id", "a", "b"}) {
      catalog::ColumnPlan col;
      col.source_name = col.target_name = c;
      keyed.target.columns.push_back(col);
    }
    keyed.target.primary_key = {"id"};
    TablePlan keyless = keyed;
    keyless.source.name = "keyless";
    keyless.target.columns.pop_back();
    keyless.target.primary_key.clear();
    plans_ = {keyed, keyless};
  }

  static RowChange Ins(std::vector<ChangeValue> after) {
    return {ChangeOp::kInsert, 0, {}, std::move(after)};
  }
  static RowChange Upd(std::vector<ChangeValue> before, std::vector<ChangeValue> after) {
    return {ChangeOp::kUpdate, 0, std::move(before), std::move(after)};
  }
  static RowChange Del(std::vector<ChangeValue> before) {
    return {ChangeOp::kDelete, 0, std::move(before), {}};
  }

  // "op:id,a,b" per net row of table 0, in order; U for unchanged values.
  std::string Net(const std::vector<RowChange>& changes) {
    NetChanges net(&plans_);
    for (const auto& c : changes) {
      Status st = net.Add(c);
      if (!st.ok()) return "refused: " + st.message();
    }
    std::string out;
    for (const NetTable& t : net.Take()) {
      if (t.table != 0) continue;
      if (t.truncate_first) out += "truncate ";
      for (const NetRow& r : t.rows) {
        static const char* kOps[] = {"insert", "update", "delete", "replace"};
        out += kOps[static_cast<int>(r.op)];
        out += ":";
        const auto& image = r.op == Op::kDelete ? r.key_image : r.row;
        for (size_t i = 0; i < image.size(); ++i) {
          if (i > 0) out += ",";
          out += image[i].kind == ChangeValue::kUnchanged ? "U" : image[i].bytes;
        }
        out += " ";
      }
    }
    return out;
  }

  std::vector<TablePlan> plans_;
};

TEST_F(NetChangesTest, InsertThenUpdatesIsOneInsertOfTheFinalRow) {
  EXPECT_EQ(Net({Ins({V("1"), V("a0"), V("b0")}), Upd({}, {V("1"), V("a1"), U()}),
                 Upd({}, {V("1"), U(), V("b2")})}),
            "insert:1,a1,b2 ");
}

TEST_F(NetChangesTest, UpdatesMergeAndKeepUnwrittenColumnsUnchanged) {
  EXPECT_EQ(Net({Upd({}, {V("1"), V("a1"), U()}), Upd({}, {V("1"), V("a2"), U()})}),
            "update:1,a2,U ");
  EXPECT_EQ(Net({Upd({V("1"), U(), U()}, {U(), V("a1"), U()})}), "update:1,a1,U ")
      << "the key comes from the old image when the new one left it unchanged";
}

TEST_F(NetChangesTest, InsertThenDeleteVanishesAndCanComeBack) {
  EXPECT_EQ(Net({Ins({V("1"), V("a"), V("b")}), Del({V("1"), V("a"), V("b")})}), "");
  EXPECT_EQ(Net({Ins({V("1"), V("a"), V("b")}), Del({V("1"), V("a"), V("b")}),
                 Ins({V("1"), V("c"), V("d")})}),
            "insert:1,c,d ");
}

TEST_F(NetChangesTest, DeleteThenInsertIsAReplace) {
  EXPECT_EQ(Net({Del({V("1"), V("a"), V("b")}), Ins({V("1"), V("c"), V("d")}),
                 Upd({}, {V("1"), U(), V("e")})}),
            "replace:1,c,e ");
}

TEST_F(NetChangesTest, UpdateThenDeleteIsADelete) {
  EXPECT_EQ(Net({Upd({}, {V("1"), V("a"), U()}), Del({V("1"), V("a"), V("b")})}), "delete:1,a,b ");
}

TEST_F(NetChangesTest, KeyChangeMovesTheRow) {
  // The whole new row is known: delete of the old key, insert of the new.
  EXPECT_EQ(Net({Upd({V("1"), V("a"), V("b")}, {V("2"), V("a"), V("b")})}),
            "delete:1,a,b insert:2,a,b ");
  // Inserted in the run, then moved: only the insert of the new key remains.
  EXPECT_EQ(Net({Ins({V("1"), V("a"), V("b")}), Upd({V("1"), U(), U()}, {V("2"), U(), V("c")})}),
            "insert:2,a,c ");
  // Moved onto a key the run deleted.
  EXPECT_EQ(
      Net({Del({V("2"), V("x"), V("y")}), Upd({V("1"), V("a"), V("b")}, {V("2"), V("a"), V("b")})}),
      "replace:2,a,b delete:1,a,b ");
}

TEST_F(NetChangesTest, KeyChangeWithUnknownValuesIsRefused) {
  EXPECT_NE(Net({Upd({V("1"), U(), U()}, {V("2"), V("a"), U()})}).find("refused"),
            std::string::npos);
}

TEST_F(NetChangesTest, ImpossibleSequencesAreRefused) {
  EXPECT_NE(Net({Ins({V("1"), V("a"), V("b")}), Ins({V("1"), V("a"), V("b")})}).find("refused"),
            std::string::npos);
  EXPECT_NE(Net({Del({V("1"), V("a"), V("b")}), Upd({}, {V("1"), V("a"), V("b")})}).find("refused"),
            std::string::npos);
  EXPECT_NE(Net({Del({V("1"), V("a"), V("b")}), Del({V("1"), V("a"), V("b")})}).find("refused"),
            std::string::npos);
  EXPECT_NE(Net({Ins({V("1"), U(), V("b")})}).find("refused"), std::string::npos);
}

TEST_F(NetChangesTest, TruncateDropsWhatCameBefore) {
  EXPECT_EQ(Net({Ins({V("1"), V("a"), V("b")}),
                 Upd({}, {V("2"), V("a"), V("b")}),
                 {ChangeOp::kTruncate, 0, {}, {}},
                 Ins({V("3"), V("c"), V("d")})}),
            "truncate insert:3,c,d ");
}

TEST_F(NetChangesTest, KeylessTablesKeepEveryChangeInOrderAndKeysKeepFirstAppearance) {
  NetChanges net(&plans_);
  ASSERT_TRUE(net.Add({ChangeOp::kInsert, 1, {}, {V("x"), V("y")}}).ok());
  ASSERT_TRUE(net.Add(Ins({V("2"), V("a"), V("b")})).ok());
  ASSERT_TRUE(net.Add({ChangeOp::kInsert, 1, {}, {V("x"), V("y")}}).ok());
  ASSERT_TRUE(net.Add({ChangeOp::kDelete, 1, {V("x"), V("y")}, {}}).ok());
  ASSERT_TRUE(net.Add(Ins({V("1"), V("a"), V("b")})).ok());
  ASSERT_TRUE(net.Add(Upd({}, {V("2"), V("c"), U()})).ok());
  EXPECT_EQ(net.inserts(), 4);
  EXPECT_EQ(net.updates(), 1);
  EXPECT_EQ(net.deletes(), 1);
  auto tables = net.Take();
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0].table, 1u);
  ASSERT_EQ(tables[0].ordered.size(), 3u);
  EXPECT_EQ(tables[0].ordered[2].op, ChangeOp::kDelete);
  EXPECT_TRUE(tables[0].rows.empty());
  ASSERT_EQ(tables[1].rows.size(), 2u);
  EXPECT_EQ(tables[1].rows[0].row[0].bytes, "2");
  EXPECT_EQ(tables[1].rows[0].row[1].bytes, "c");
  EXPECT_EQ(tables[1].rows[1].row[0].bytes, "1");
}

}  // namespace
}  // namespace switchyard::pipeline::cdc
