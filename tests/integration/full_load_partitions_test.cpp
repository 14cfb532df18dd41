// DMS parallel-load `partitions-auto` and `partitions-list` on a partitioned MySQL table: one
// segment per partition (and one for the partitions a list leaves out, so no row is left
// behind), every value equal on PostgreSQL, and a crash in the middle resumes by reloading the
// whole table, because a partition's rows cannot be told apart on the unpartitioned target.
#include <gtest/gtest.h>

#include "tests/integration/full_load_test_util.h"

namespace switchyard::testing {
namespace {

const char kSourceDb[] = "sy_fl_parts_src";
const std::string kOrders = std::string(kSourceDb) + ".orders";

class FullLoadPartitions : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    source_ = new endpoints::ConnectionParams(FreshMySqlDatabase(kSourceDb));
    ExecOrDie(*source_,
              "CREATE TABLE orders (id INT NOT NULL, year INT NOT NULL, v VARCHAR(20), "
              "PRIMARY KEY (id, year)) PARTITION BY RANGE (year) (PARTITION p2022 VALUES LESS "
              "THAN (2023), PARTITION p2023 VALUES LESS THAN (2024), PARTITION pmax VALUES LESS "
              "THAN MAXVALUE);\n"
              "INSERT INTO orders (id, year, v) WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT "
              "i + 1 FROM s WHERE i < 90) SELECT i, 2021 + i % 4, IF(i % 9 = 0, NULL, "
              "CONCAT('ö', i)) FROM s");
  }
  static void TearDownTestSuite() { delete source_; }

  nlohmann::json Task(const std::string& id, const endpoints::ConnectionParams& target,
                      nlohmann::json parallel_load) const {
    nlohmann::json rules = nlohmann::json::array({IncludeSchemaRule(kSourceDb)});
    rules.push_back({{"rule-type", "table-settings"},
                     {"rule-id", "2"},
                     {"rule-name", "parts"},
                     {"object-locator", {{"schema-name", kSourceDb}, {"table-name", "orders"}}},
                     {"parallel-load", std::move(parallel_load)}});
    return FullLoadTask(id, *source_, target, rules,
                        {{"FullLoadSettings", {{"MaxFullLoadSubTasks", 2}, {"CommitRate", 10}}}},
                        nlohmann::json::object());
  }

  std::vector<state::SegmentRecord> Segments(const std::string& state_dir) const {
    auto store = state::StateStore::OpenReadOnly(state_dir);
    EXPECT_TRUE(store.ok());
    if (!store.ok()) return {};
    auto segments = (*store)->ListSegments(kSourceDb, "orders");
    EXPECT_TRUE(segments.ok());
    return segments.ok() ? *segments : std::vector<state::SegmentRecord>{};
  }

  void ExpectEqual(const endpoints::ConnectionParams& target) const {
    EXPECT_EQ(CompareSimple(*source_, kSourceDb, target, kSourceDb, "orders", {"id", "year", "v"},
                            {"id", "year"}),
              "");
  }

  static endpoints::ConnectionParams* source_;
};

endpoints::ConnectionParams* FullLoadPartitions::source_ = nullptr;

TEST_F(FullLoadPartitions, PartitionsAutoLoadsEachPartitionAsASegment) {
  const auto target = FreshPostgresDatabase("sy_fl_parts_auto_dst");
  const std::string work = MakeTempDir("sy-fl-parts-auto");
  RunResult run = RunSwitchyard(Task("fl-parts-auto", target, {{"type", "partitions-auto"}}), work);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  ExpectEqual(target);
  auto segments = Segments(run.state_dir);
  ASSERT_EQ(segments.size(), 3u);
  EXPECT_EQ(segments[0].where_sql, "PARTITION (p2022)");
  int64_t rows = 0;
  for (const auto& s : segments) rows += s.rows;
  EXPECT_EQ(rows, 90);
}

TEST_F(FullLoadPartitions, PartitionsListLoadsTheRestInOneMoreSegment) {
  const auto target = FreshPostgresDatabase("sy_fl_parts_list_dst");
  const std::string work = MakeTempDir("sy-fl-parts-list");
  RunResult run = RunSwitchyard(
      Task("fl-parts-list", target, {{"type", "partitions-list"}, {"partitions", {"pmax"}}}), work);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  ExpectEqual(target);
  auto segments = Segments(run.state_dir);
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0].where_sql, "PARTITION (pmax)");
  EXPECT_EQ(segments[1].where_sql, "PARTITION (p2022, p2023)");
}

TEST_F(FullLoadPartitions, ACrashInsideAPartitionResumesByReloadingTheTable) {
  const auto target = FreshPostgresDatabase("sy_fl_parts_resume_dst");
  const auto task = Task("fl-parts-resume", target, {{"type", "partitions-auto"}});
  const std::string work = MakeTempDir("sy-fl-parts-resume");
  {
    ScopedEnv crash("SWITCHYARD_FAILPOINT", "after-segment-commit:1");
    ASSERT_NE(RunSwitchyard(task, work).exit_code, 0);
  }
  RunResult resumed = RunSwitchyard(task, work, "--start-type resume-processing");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  ExpectEqual(target);
  EXPECT_EQ(ReadTables(work + "/state")[kOrders].full_load_rows, 90);
}

}  // namespace
}  // namespace switchyard::testing
