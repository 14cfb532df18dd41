// What the full load does to target tables that already exist (TargetTablePrepMode), when the
// primary key is created (CreatePkAfterFullLoad) and what happens to secondary indexes and
// foreign keys when SwitchyardSettings defers them.
#include <gtest/gtest.h>

#include "tests/integration/full_load_test_util.h"

namespace switchyard::testing {
namespace {

const char kSourceDb[] = "sy_fl_prep_src";
const std::string kItems = std::string("\"") + kSourceDb + "\".items";
const std::string kOrders = std::string("\"") + kSourceDb + "\".orders";

class FullLoadPrepMode : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    source_ = new endpoints::ConnectionParams(FreshMySqlDatabase(kSourceDb));
    ExecOrDie(*source_,
              "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20), qty INT, "
              "KEY idx_items_name (name));\n"
              "INSERT INTO items VALUES (1, 'bolt', 10), (2, 'nut', NULL), (3, 'gear', 0), "
              "(4, NULL, 4), (5, 'spring', 5);\n"
              "CREATE TABLE orders (id INT PRIMARY KEY, item_id INT, CONSTRAINT fk_orders_item "
              "FOREIGN KEY (item_id) REFERENCES items (id));\n"
              "INSERT INTO orders VALUES (1, 1), (2, 3), (3, NULL)");
  }
  static void TearDownTestSuite() { delete source_; }

  // A fresh PostgreSQL target database with the schema the tables land in.
  static endpoints::ConnectionParams Target(const std::string& name) {
    auto target = FreshPostgresDatabase(name);
    ExecOrDie(target, std::string("CREATE SCHEMA \"") + kSourceDb + "\"");
    return target;
  }

  RunResult Run(const std::string& id, const endpoints::ConnectionParams& target,
                nlohmann::json full_load_settings, const nlohmann::json& switchyard = nullptr,
                const std::string& work = "") const {
    full_load_settings["CommitRate"] = 2;
    auto task =
        FullLoadTask(id, *source_, target, nlohmann::json::array({IncludeSchemaRule(kSourceDb)}),
                     {{"FullLoadSettings", full_load_settings}}, switchyard);
    return RunSwitchyard(task, work.empty() ? MakeTempDir("sy-" + id) : work);
  }

  std::string CompareItems(const endpoints::ConnectionParams& target) const {
    return CompareSimple(*source_, kSourceDb, target, kSourceDb, "items", {"id", "name", "qty"},
                         {"id"});
  }

  static endpoints::ConnectionParams* source_;
};

endpoints::ConnectionParams* FullLoadPrepMode::source_ = nullptr;

std::string Columns(const endpoints::ConnectionParams& target, const std::string& table) {
  return QueryValue(target,
                    "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM "
                    "information_schema.columns WHERE table_schema = 'sy_fl_prep_src' AND "
                    "table_name = '" +
                        table + "'");
}

std::string Constraints(const endpoints::ConnectionParams& target, const std::string& table) {
  return QueryValue(
      target,
      "SELECT coalesce(string_agg(constraint_type, ',' ORDER BY constraint_type), '') "
      "FROM information_schema.table_constraints WHERE table_schema = "
      "'sy_fl_prep_src' AND table_name = '" +
          table + "' AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')");
}

std::string SecondaryIndexes(const endpoints::ConnectionParams& target) {
  return QueryValue(target,
                    "SELECT coalesce(string_agg(indexname, ',' ORDER BY indexname), '') FROM "
                    "pg_indexes WHERE schemaname = 'sy_fl_prep_src' AND indexname NOT LIKE "
                    "'%pkey'");
}

TEST_F(FullLoadPrepMode, DropAndCreateReplacesADifferentExistingTable) {
  const auto target = Target("sy_fl_prep_drop_dst");
  ExecOrDie(target, "CREATE TABLE " + kItems + " (other text, id bigint);\nINSERT INTO " + kItems +
                        " VALUES ('old', 99)");
  RunResult run = Run("fl-prep-drop", target, {{"TargetTablePrepMode", "DROP_AND_CREATE"}});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(Columns(target, "items"), "id,name,qty");
  EXPECT_EQ(CompareItems(target), "");
}

TEST_F(FullLoadPrepMode, TruncateBeforeLoadKeepsTheTableDefinitionAndReplacesTheRows) {
  const auto target = Target("sy_fl_prep_trunc_dst");
  ExecOrDie(target, "CREATE TABLE " + kItems +
                        " (id int PRIMARY KEY, name varchar(20), qty int, note text DEFAULT "
                        "'kept');\nINSERT INTO " +
                        kItems + " (id, name, qty) VALUES (100, 'old', 1), (101, 'older', 2)");
  RunResult run = Run("fl-prep-trunc", target, {{"TargetTablePrepMode", "TRUNCATE_BEFORE_LOAD"}});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(Columns(target, "items"), "id,name,qty,note");
  EXPECT_EQ(QueryValue(target, "SELECT count(*) FROM " + kItems + " WHERE note = 'kept'"), "5")
      << "the column's default applies to the loaded rows";
  EXPECT_EQ(CompareItems(target), "");  // rows 100 and 101 are gone
}

TEST_F(FullLoadPrepMode, DoNothingAppendsToTheExistingRows) {
  const auto target = Target("sy_fl_prep_nothing_dst");
  ExecOrDie(target, "CREATE TABLE " + kItems +
                        " (id int PRIMARY KEY, name varchar(20), qty int);\nINSERT INTO " + kItems +
                        " VALUES (100, 'old', 1), (101, 'older', 2)");
  RunResult run = Run("fl-prep-nothing", target, {{"TargetTablePrepMode", "DO_NOTHING"}});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(QueryValue(target, "SELECT string_agg(name, ',' ORDER BY id) FROM " + kItems +
                                   " WHERE id >= 100"),
            "old,older");
  ExecOrDie(target, "DELETE FROM " + kItems + " WHERE id >= 100");
  EXPECT_EQ(CompareItems(target), "");
}

TEST_F(FullLoadPrepMode, CreatePkAfterFullLoadLeavesThePrimaryKeysInPlace) {
  const auto target = Target("sy_fl_prep_pk_dst");
  RunResult run =
      Run("fl-prep-pk", target,
          {{"TargetTablePrepMode", "DROP_AND_CREATE"}, {"CreatePkAfterFullLoad", true}});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(Constraints(target, "items"), "PRIMARY KEY");
  EXPECT_EQ(Constraints(target, "orders"), "FOREIGN KEY,PRIMARY KEY");
  EXPECT_EQ(CompareItems(target), "");
  EXPECT_EQ(
      CompareSimple(*source_, kSourceDb, target, kSourceDb, "orders", {"id", "item_id"}, {"id"}),
      "");
}

// Runs every statement of a deferred-secondary-objects.sql file; "" when all succeed.
std::string RunSqlFile(const endpoints::ConnectionParams& target, const std::string& path) {
  const std::string sql = ReadWholeFile(path);
  if (sql.empty()) return path + " is empty or missing";
  auto s = endpoints::Connect(target);
  if (!s.ok()) return s.status().ToString();
  std::string errors;
  size_t start = 0;
  while (start < sql.size()) {
    size_t end = sql.find(";\n", start);
    std::string stmt =
        sql.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? sql.size() : end + 2;
    // Drop comment lines; what is left is a statement or nothing.
    std::string body;
    size_t line_start = 0;
    while (line_start < stmt.size()) {
      size_t nl = stmt.find('\n', line_start);
      std::string line = stmt.substr(line_start, nl == std::string::npos ? nl : nl - line_start);
      line_start = nl == std::string::npos ? stmt.size() : nl + 1;
      if (line.rfind("--", 0) != 0) body += line + "\n";
    }
    if (body.find_first_not_of(" \n\t") == std::string::npos) continue;
    Status st = (*s)->Execute(body);
    if (!st.ok()) errors += st.ToString() + " in: " + body;
  }
  return errors;
}

TEST_F(FullLoadPrepMode, DeferredSecondaryObjectsAreWrittenAsARunnableScriptInstead) {
  const auto target = Target("sy_fl_prep_defer_dst");
  const std::string work = MakeTempDir("sy-fl-prep-defer");
  const nlohmann::json deferred = {{"CreateSecondaryObjects", "deferred"}};
  // Twice: a second start must not leave a script that repeats itself.
  for (int i = 0; i < 2; ++i) {
    RunResult run =
        Run("fl-prep-defer", target, {{"TargetTablePrepMode", "DROP_AND_CREATE"}}, deferred, work);
    ASSERT_EQ(run.exit_code, 0) << run.output;
  }
  EXPECT_EQ(SecondaryIndexes(target), "");
  EXPECT_EQ(Constraints(target, "orders"), "PRIMARY KEY") << "the foreign key was not deferred";
  EXPECT_EQ(CompareItems(target), "");

  EXPECT_EQ(RunSqlFile(target, work + "/state/deferred-secondary-objects.sql"), "");
  // PostgreSQL index names are per schema: the catalog prefixes them with the table name; the
  // index MySQL made for the foreign key comes along.
  EXPECT_EQ(SecondaryIndexes(target), "items_idx_items_name,orders_fk_orders_item");
  EXPECT_EQ(Constraints(target, "orders"), "FOREIGN KEY,PRIMARY KEY");
}

}  // namespace
}  // namespace switchyard::testing
