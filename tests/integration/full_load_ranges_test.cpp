// Tables loaded in key ranges: DMS parallel-load `ranges` rules (boundaries on one column, on
// composite columns, and on nullable columns, whose NULL rows DMS skips and we must not) and
// the automatic split of big tables. Each range is a segment in the state store; the segments
// of a table partition its rows, and every value arrives, in both cross-engine directions.
#include <gtest/gtest.h>

#include "tests/integration/full_load_test_util.h"

namespace switchyard::testing {
namespace {

using catalog::Engine;

struct Direction {
  Engine source;
  Engine target;
  std::string name;
};

void PrintTo(const Direction& d, std::ostream* os) { *os << d.name; }

// Portable between PostgreSQL and MariaDB. `ranged`: 60 rows, grp NULL for every 7th.
// `composite`: key (a, b), 40 rows. `pairs`: nullable x, y with NULLs in either or both.
// `autosplit`: 200 rows with an integer key, for the automatic split.
const char kSourceSql[] =
    "CREATE TABLE ranged (id INT PRIMARY KEY, grp INT, v VARCHAR(20));\n"
    "INSERT INTO ranged (id, grp, v) WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM "
    "s WHERE i < 60) SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE i % 30 END, CONCAT('r', i) FROM "
    "s;\n"
    "CREATE TABLE composite (a INT NOT NULL, b VARCHAR(5) NOT NULL, v INT, PRIMARY KEY (a, b));\n"
    "INSERT INTO composite (a, b, v) WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM "
    "s WHERE i < 40) SELECT i % 6, CONCAT(CASE i % 4 WHEN 0 THEN 'a' WHEN 1 THEN 'k' WHEN 2 THEN "
    "'q' ELSE 'z' END, i), i * 3 FROM s;\n"
    "CREATE TABLE pairs (x INT, y INT, v VARCHAR(10));\n"
    "INSERT INTO pairs (x, y, v) VALUES (1, 1, 'a'), (5, 5, 'b'), (5, 6, 'c'), (9, 2, 'd'), "
    "(NULL, 1, 'e'), (3, NULL, 'f'), (NULL, NULL, 'g'), (7, 7, 'h');\n"
    "CREATE TABLE autosplit (id INT PRIMARY KEY, v VARCHAR(20));\n"
    "INSERT INTO autosplit (id, v) WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s "
    "WHERE i < 200) SELECT i, CONCAT('auto', i) FROM s";

class FullLoadRanges : public ::testing::TestWithParam<Direction> {};

nlohmann::json RangesRule(int id, const std::string& schema, const std::string& table,
                          const std::vector<std::string>& columns,
                          const std::vector<std::vector<std::string>>& boundaries) {
  return {
      {"rule-type", "table-settings"},
      {"rule-id", std::to_string(id)},
      {"rule-name", "ranges-" + table},
      {"object-locator", {{"schema-name", schema}, {"table-name", table}}},
      {"parallel-load", {{"type", "ranges"}, {"columns", columns}, {"boundaries", boundaries}}}};
}

TEST_P(FullLoadRanges, EveryRangeIncludingNullKeysIsLoadedAndRecordedAsASegment) {
  const Direction d = GetParam();
  // The schema names differ per direction: on the MySQL server a target database takes the
  // source schema's name.
  const std::string schema = "sy_fl_ranges_" + d.name;
  endpoints::ConnectionParams source, target;
  if (d.source == Engine::kMySql) {
    source = FreshMySqlDatabase(schema);
    ExecOrDie(source, kSourceSql);
    auto s = endpoints::Connect(source);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->Query("ANALYZE TABLE autosplit").ok());
    target = FreshPostgresDatabase("sy_fl_ranges_dst");
  } else {
    source = FreshPostgresDatabase("sy_fl_ranges_src");
    ExecOrDie(source, "CREATE SCHEMA " + schema + ";\nSET search_path = " + schema + ";\n" +
                          kSourceSql + ";\nANALYZE");
    target = Servers().mysql;
    ExecOrDie(target, "DROP DATABASE IF EXISTS " + schema);
  }
  ASSERT_FALSE(HasFatalFailure());

  nlohmann::json rules = nlohmann::json::array(
      {IncludeSchemaRule(schema), RangesRule(2, schema, "ranged", {"grp"}, {{"10"}, {"20"}}),
       RangesRule(3, schema, "composite", {"a", "b"}, {{"2", "m"}, {"4", "c"}}),
       RangesRule(4, schema, "pairs", {"x", "y"}, {{"5", "5"}})});
  const auto task = FullLoadTask(d.name == "my_to_pg" ? "fl-ranges-my-pg" : "fl-ranges-pg-my",
                                 source, target, rules,
                                 {{"FullLoadSettings",
                                   {{"TargetTablePrepMode", "DROP_AND_CREATE"},
                                    {"MaxFullLoadSubTasks", 4},
                                    {"CommitRate", 3}}}},
                                 {{"AutoSplitRowThreshold", 100}, {"AutoSplitSegments", 4}});
  RunResult run = RunSwitchyard(task, MakeTempDir("sy-fl-ranges-" + d.name));
  ASSERT_EQ(run.exit_code, 0) << run.output;

  EXPECT_EQ(CompareSimple(source, schema, target, schema, "ranged", {"id", "grp", "v"}, {"id"}),
            "");
  EXPECT_EQ(CompareSimple(source, schema, target, schema, "composite", {"a", "b", "v"}, {"a", "b"}),
            "");
  EXPECT_EQ(CompareSimple(source, schema, target, schema, "pairs", {"x", "y", "v"}, {"v"}), "");
  EXPECT_EQ(CompareSimple(source, schema, target, schema, "autosplit", {"id", "v"}, {"id"}), "");

  // Segments: N boundaries give N + 1 ranges, plus one for NULLs in a nullable range column;
  // the segments' rows add up to the table's rows and the NULL segment has the NULL rows.
  auto store = state::StateStore::OpenReadOnly(run.state_dir);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  struct Expected {
    const char* table;
    size_t segments;
    int64_t rows;
    int64_t last_segment_rows;  // -1: not checked
  };
  for (const Expected& e : {Expected{"ranged", 4, 60, 8}, Expected{"composite", 3, 40, -1},
                            Expected{"pairs", 3, 8, 3}, Expected{"autosplit", 4, 200, -1}}) {
    auto segments = (*store)->ListSegments(schema, e.table);
    ASSERT_TRUE(segments.ok()) << segments.status().ToString();
    ASSERT_EQ(segments->size(), e.segments) << e.table;
    int64_t rows = 0;
    for (const auto& seg : *segments) {
      EXPECT_EQ(seg.state, state::SegmentState::kCompleted) << e.table << " " << seg.where_sql;
      rows += seg.rows;
    }
    EXPECT_EQ(rows, e.rows) << e.table;
    if (e.last_segment_rows >= 0) {
      EXPECT_EQ(segments->back().rows, e.last_segment_rows) << segments->back().where_sql;
      EXPECT_NE(segments->back().where_sql.find("IS NULL"), std::string::npos);
    }
    auto table = (*store)->GetTable(schema, e.table);
    ASSERT_TRUE(table.ok());
    EXPECT_EQ(table->full_load_rows, e.rows) << e.table;
    EXPECT_EQ(table->segments_total, static_cast<int64_t>(e.segments)) << e.table;
  }
}

INSTANTIATE_TEST_SUITE_P(
    CrossEngine, FullLoadRanges,
    ::testing::Values(Direction{Engine::kMySql, Engine::kPostgres, "my_to_pg"},
                      Direction{Engine::kPostgres, Engine::kMySql, "pg_to_my"}),
    [](const ::testing::TestParamInfo<Direction>& info) { return info.param.name; });

}  // namespace
}  // namespace switchyard::testing
