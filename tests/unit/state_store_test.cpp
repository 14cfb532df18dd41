#include "engine/state/state_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "engine/state/dms_json.h"
#include "engine/state/schema_migrations.h"
#include "engine/state/sqlite_db.h"
#include "engine/state/states.h"

namespace switchyard::state {
namespace {

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sy_state_XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) ? pattern : "";
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class StateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(tmp_.path().empty()); }
  std::string Dir() const { return tmp_.path() + "/task"; }

  std::unique_ptr<StateStore> OpenOrDie() {
    auto store = StateStore::Open(Dir());
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  static TableRecord Table(const std::string& schema, const std::string& table,
                           int64_t estimated_rows = -1) {
    TableRecord r;
    r.schema_name = schema;
    r.table_name = table;
    r.target_schema = schema + "_target";
    r.target_table = table;
    r.estimated_rows = estimated_rows;
    return r;
  }

  TempDir tmp_;
};

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

TEST_F(StateStoreTest, OpenCreatesPrivateDirectoryAndDatabaseAtLatestSchema) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->schema_version(), LatestStateSchemaVersion());
  EXPECT_EQ(ModeOf(Dir()), 0700u);
  EXPECT_EQ(ModeOf(Dir() + "/state.db"), 0600u);
  EXPECT_FALSE(store->read_only());
}

TEST_F(StateStoreTest, ReopenKeepsTaskAndTables) {
  {
    auto store = OpenOrDie();
    ASSERT_TRUE(store->InitTask("orders", "full-load-and-cdc").ok());
    ASSERT_TRUE(store->UpsertTable(Table("public", "orders", 100)).ok());
    ASSERT_TRUE(store->AddFullLoadRows("public", "orders", 42).ok());
  }
  auto store = OpenOrDie();
  auto task = store->GetTask();
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  EXPECT_EQ(task->identifier, "orders");
  EXPECT_EQ(task->migration_type, "full-load-and-cdc");
  EXPECT_EQ(task->status, TaskStatus::kReady);
  auto table = store->GetTable("public", "orders");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->full_load_rows, 42);
  EXPECT_EQ(table->target_schema, "public_target");
  EXPECT_EQ(table->validation_state, "Not enabled");
  EXPECT_EQ(table->table_state, TableState::kBeforeLoad);
}

TEST_F(StateStoreTest, InitTaskRefusesAStateDirectoryOfAnotherTask) {
  auto store = OpenOrDie();
  ASSERT_TRUE(store->InitTask("orders", "full-load").ok());
  EXPECT_TRUE(store->InitTask("orders", "full-load-and-cdc").ok());
  Status other = store->InitTask("invoices", "full-load");
  EXPECT_EQ(other.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(other.message().find("orders"), std::string::npos) << other.message();
}

TEST(SchemaMigrations, AppliesOnlyMissingMigrationsInOrder) {
  TempDir tmp;
  auto db = SqliteDb::Open(tmp.path() + "/m.db", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  ASSERT_TRUE(db.ok());
  const Migration v1[] = {{1, "CREATE TABLE a (x INTEGER);"}};
  const Migration v2[] = {{1, "CREATE TABLE a (x INTEGER);"},
                          {2, "CREATE TABLE b (y TEXT); INSERT INTO a VALUES (7);"}};
  auto version = MigrateSchema(db->get(), v1);
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, 1);
  // An older database opened by a newer binary gets only the new migration.
  version = MigrateSchema(db->get(), v2);
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, 2);
  EXPECT_TRUE((*db)->Exec("SELECT y FROM b").ok());
  // Running again is a no-op (migration 2's INSERT is not repeated).
  version = MigrateSchema(db->get(), v2);
  ASSERT_TRUE(version.ok());
  auto count = (*db)->Prepare("SELECT COUNT(*) FROM a");
  ASSERT_TRUE(count.ok());
  ASSERT_TRUE((*count)->Step().ok());
  EXPECT_EQ((*count)->ColumnInt(0), 1);
  (*count)->Reset();
  // The newer database is refused by the older migration list.
  version = MigrateSchema(db->get(), v1);
  EXPECT_EQ(version.status().code(), StatusCode::kUnsupported);
}

TEST(SchemaMigrations, FailedMigrationLeavesThePreviousVersionIntact) {
  TempDir tmp;
  auto db = SqliteDb::Open(tmp.path() + "/m.db", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  ASSERT_TRUE(db.ok());
  const Migration broken[] = {{1, "CREATE TABLE a (x INTEGER);"},
                              {2, "CREATE TABLE b (y TEXT); THIS IS NOT SQL;"}};
  auto version = MigrateSchema(db->get(), broken);
  EXPECT_FALSE(version.ok());
  auto read = ReadSchemaVersion(db->get());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, 1);
  EXPECT_FALSE((*db)->Exec("SELECT y FROM b").ok()) << "half of migration 2 was kept";
}

TEST_F(StateStoreTest, DatabaseFromANewerSwitchyardIsRefusedWithAClearMessage) {
  { ASSERT_NE(OpenOrDie(), nullptr); }
  {
    auto db = SqliteDb::Open(Dir() + "/state.db", SQLITE_OPEN_READWRITE);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(
        (*db)->Exec("INSERT INTO schema_version VALUES (99, '2099-01-01T00:00:00.000Z')").ok());
  }
  auto store = StateStore::Open(Dir());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(store.status().message().find("newer switchyard"), std::string::npos)
      << store.status().message();
  EXPECT_NE(store.status().message().find("99"), std::string::npos);
  auto reader = StateStore::OpenReadOnly(Dir());
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kUnsupported);
}

TEST_F(StateStoreTest, ReadOnlyOpenWithoutStateSaysTheTaskHasNotStarted) {
  auto reader = StateStore::OpenReadOnly(Dir());
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kNotFound);
  EXPECT_NE(reader.status().message().find("not been started"), std::string::npos)
      << reader.status().message();
  EXPECT_FALSE(std::filesystem::exists(Dir())) << "a read-only open must not create anything";
}

TEST_F(StateStoreTest, ReadOnlySeesCommittedWritesWhileTheWriterKeepsItsConnection) {
  auto writer = OpenOrDie();
  ASSERT_TRUE(writer->InitTask("orders", "full-load").ok());
  ASSERT_TRUE(writer->SetTaskStatus(TaskStatus::kRunning).ok());
  ASSERT_TRUE(writer->UpsertTable(Table("public", "orders")).ok());
  ASSERT_TRUE(writer->AddFullLoadRows("public", "orders", 10).ok());
  EXPECT_TRUE(std::filesystem::exists(Dir() + "/state.db-wal")) << "not in WAL mode";

  auto reader = StateStore::OpenReadOnly(Dir());
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_TRUE((*reader)->read_only());
  auto task = (*reader)->GetTask();
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  EXPECT_EQ(task->status, TaskStatus::kRunning);
  EXPECT_EQ((*reader)->GetTable("public", "orders")->full_load_rows, 10);

  // The writer goes on; the reader's next query sees the new commit.
  ASSERT_TRUE(writer->AddFullLoadRows("public", "orders", 5).ok());
  EXPECT_EQ((*reader)->GetTable("public", "orders")->full_load_rows, 15);

  Status write = (*reader)->AddFullLoadRows("public", "orders", 1);
  EXPECT_EQ(write.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(writer->GetTable("public", "orders")->full_load_rows, 15);
}

TEST_F(StateStoreTest, ReadOnlyOpenWorksAfterTheWriterClosed) {
  {
    auto writer = OpenOrDie();
    ASSERT_TRUE(writer->InitTask("orders", "full-load").ok());
  }
  auto reader = StateStore::OpenReadOnly(Dir());
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->GetTask()->identifier, "orders");
}

TEST_F(StateStoreTest, ConcurrentWritersFromSeveralThreadsAddUpExactly) {
  auto store = OpenOrDie();
  ASSERT_TRUE(store->InitTask("orders", "full-load").ok());
  ASSERT_TRUE(store->UpsertTable(Table("public", "a")).ok());
  ASSERT_TRUE(store->UpsertTable(Table("public", "b")).ok());
  std::vector<std::string> ranges;
  for (int i = 0; i < 8; ++i) ranges.push_back("id >= " + std::to_string(i * 100));
  ASSERT_TRUE(store->ReplaceSegments("public", "a", ranges).ok());

  constexpr int kThreads = 8;
  constexpr int kBatches = 150;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string table = t % 2 == 0 ? "a" : "b";
      for (int i = 0; i < kBatches; ++i) {
        if (!store->AddFullLoadRows("public", table, 3).ok()) ++failures;
        if (i % 10 == 0 && !store->AddFullLoadErrorRows("public", table, 1).ok()) ++failures;
        if (i % 25 == 0 && !store->RecordMetric("FullLoadThroughputRowsTarget", i).ok()) {
          ++failures;
        }
      }
      if (!store->SetSegmentState("public", "a", t, SegmentState::kCompleted, kBatches * 3).ok()) {
        ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  const int64_t per_table_rows = int64_t{kThreads / 2} * kBatches * 3;
  const int64_t per_table_errors = int64_t{kThreads / 2} * (kBatches / 10);
  EXPECT_EQ(store->GetTable("public", "a")->full_load_rows, per_table_rows);
  EXPECT_EQ(store->GetTable("public", "b")->full_load_rows, per_table_rows);
  EXPECT_EQ(store->GetTable("public", "a")->full_load_error_rows, per_table_errors);
  EXPECT_EQ(store->GetTable("public", "a")->segments_completed, 8);
  EXPECT_EQ(store->ListMetrics("FullLoadThroughputRowsTarget", 1000)->size(),
            static_cast<size_t>(kThreads * 6));
}

TEST_F(StateStoreTest, CompletedSegmentsSurviveReopenSoAResumedLoadSkipsThem) {
  const std::vector<std::string> ranges = {"\"id\" < 100", "\"id\" >= 100 AND \"id\" < 200",
                                           "\"id\" >= 200"};
  {
    auto store = OpenOrDie();
    ASSERT_TRUE(store->UpsertTable(Table("public", "orders")).ok());
    ASSERT_TRUE(store->ReplaceSegments("public", "orders", ranges).ok());
    ASSERT_TRUE(store->SetSegmentState("public", "orders", 0, SegmentState::kCompleted, 100).ok());
    ASSERT_TRUE(store->SetSegmentState("public", "orders", 1, SegmentState::kLoading, 40).ok());
    // The process dies here: segment 1 was half loaded.
  }
  auto store = OpenOrDie();
  ASSERT_TRUE(store->ReplaceSegments("public", "orders", ranges).ok());
  auto segments = store->ListSegments("public", "orders");
  ASSERT_TRUE(segments.ok()) << segments.status().ToString();
  ASSERT_EQ(segments->size(), 3u);
  EXPECT_EQ((*segments)[0].state, SegmentState::kCompleted);
  EXPECT_EQ((*segments)[0].rows, 100);
  EXPECT_EQ((*segments)[1].state, SegmentState::kPending);
  EXPECT_EQ((*segments)[1].rows, 0);
  EXPECT_EQ((*segments)[1].where_sql, ranges[1]);
  EXPECT_EQ((*segments)[2].state, SegmentState::kPending);
  auto table = store->GetTable("public", "orders");
  EXPECT_EQ(table->segments_total, 3);
  EXPECT_EQ(table->segments_completed, 1);

  // Different key ranges (the table was re-split): nothing can be trusted, all pending.
  ASSERT_TRUE(store->ReplaceSegments("public", "orders", {"\"id\" < 150", "\"id\" >= 150"}).ok());
  segments = store->ListSegments("public", "orders");
  ASSERT_EQ(segments->size(), 2u);
  EXPECT_EQ((*segments)[0].state, SegmentState::kPending);
  EXPECT_EQ(store->GetTable("public", "orders")->segments_completed, 0);
  EXPECT_EQ(store->SetSegmentState("public", "orders", 5, SegmentState::kCompleted, 1).code(),
            StatusCode::kNotFound);
}

TEST_F(StateStoreTest, ResetTableZeroesCountersAndForgetsSegments) {
  auto store = OpenOrDie();
  ASSERT_TRUE(store->UpsertTable(Table("public", "orders")).ok());
  ASSERT_TRUE(store->ReplaceSegments("public", "orders", {"true"}).ok());
  ASSERT_TRUE(store->AddFullLoadRows("public", "orders", 9).ok());
  ASSERT_TRUE(store->SetTableState("public", "orders", TableState::kTableError, "boom").ok());
  ASSERT_TRUE(store->ResetTable("public", "orders", /*reload=*/true).ok());
  auto table = store->GetTable("public", "orders");
  EXPECT_EQ(table->table_state, TableState::kTableBeingReloaded);
  EXPECT_TRUE(table->full_load_reloaded);
  EXPECT_EQ(table->full_load_rows, 0);
  EXPECT_EQ(table->last_error, "");
  EXPECT_EQ(table->segments_total, 0);
  EXPECT_TRUE(store->ListSegments("public", "orders")->empty());
  EXPECT_EQ(store->ResetTable("public", "nope", false).code(), StatusCode::kNotFound);
}

TEST_F(StateStoreTest, WritesToAnUnknownTableAreNotFound) {
  auto store = OpenOrDie();
  EXPECT_EQ(store->AddFullLoadRows("public", "ghost", 1).code(), StatusCode::kNotFound);
  EXPECT_EQ(store->SetTableState("public", "ghost", TableState::kFullLoad).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store->GetTable("public", "ghost").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->GetTask().status().code(), StatusCode::kNotFound);
}

TEST_F(StateStoreTest, ChangeCountsOfSeveralTablesAddUpInOneWrite) {
  auto store = OpenOrDie();
  ASSERT_TRUE(store->UpsertTable(Table("public", "a")).ok());
  ASSERT_TRUE(store->UpsertTable(Table("public", "b")).ok());
  ChangeCounts one;
  one.inserts = 3;
  one.applied_inserts = 3;
  one.deletes = 1;
  ChangeCounts two;
  two.updates = 5;
  two.applied_updates = 4;
  two.ddls = 1;
  ASSERT_TRUE(store->AddChangeCounts({{"public", "a", one}, {"public", "b", two}}).ok());
  // An unknown table is reported, and the known ones are still counted.
  EXPECT_EQ(store->AddChangeCounts({{"public", "ghost", one}, {"public", "a", one}}).code(),
            StatusCode::kNotFound);
  auto a = store->GetTable("public", "a");
  auto b = store->GetTable("public", "b");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->inserts, 6);
  EXPECT_EQ(a->applied_inserts, 6);
  EXPECT_EQ(a->deletes, 2);
  EXPECT_EQ(a->updates, 0);
  EXPECT_EQ(b->updates, 5);
  EXPECT_EQ(b->applied_updates, 4);
  EXPECT_EQ(b->ddls, 1);
  EXPECT_EQ(b->inserts, 0);
}

TEST_F(StateStoreTest, HostileNamesAndValuesAreStoredVerbatimThroughBoundParameters) {
  auto store = OpenOrDie();
  const std::string schema = "we'ird\"; DROP TABLE table_stats; --";
  ASSERT_TRUE(store->UpsertTable(Table(schema, "bücher😀")).ok());
  ASSERT_TRUE(store->AddFullLoadRows(schema, "bücher😀", 2).ok());
  auto tables = store->ListTables();
  ASSERT_TRUE(tables.ok());
  ASSERT_EQ(tables->size(), 1u);
  EXPECT_EQ((*tables)[0].schema_name, schema);
  EXPECT_EQ((*tables)[0].table_name, "bücher😀");
  EXPECT_EQ((*tables)[0].full_load_rows, 2);
}

TEST_F(StateStoreTest, SecretsAreDroppedFromDataErrorsBeforeTheyReachTheDisk) {
  auto store = OpenOrDie();
  nlohmann::json row = {{"id", 7},
                        {"name", "alice"},
                        {"password", "hunter2-row"},
                        {"nested", {{"API_KEY", "k-hunter2"}, {"ok", 2}}},
                        {"list", {{{"Access_Token", "t-hunter2"}, {"keep", true}}}},
                        {"db_passwd", "p-hunter2"},
                        {"client_secret", "s-hunter2"}};
  ASSERT_TRUE(
      store->RecordDataError("public", "users", "insert failed: password=hunter2-msg", row).ok());
  ASSERT_TRUE(store->RecordDataError("public", "users", "no row", nullptr).ok());
  auto errors = store->ListDataErrors(10);
  ASSERT_TRUE(errors.ok()) << errors.status().ToString();
  ASSERT_EQ(errors->size(), 2u);
  EXPECT_EQ((*errors)[0].message, "no row");
  EXPECT_EQ((*errors)[0].row_json, "");
  const DataErrorRecord& error = (*errors)[1];
  EXPECT_EQ(error.schema_name, "public");
  EXPECT_EQ(error.table_name, "users");
  EXPECT_EQ(error.message.find("hunter2"), std::string::npos) << error.message;
  auto stored = nlohmann::json::parse(error.row_json);
  EXPECT_EQ(
      stored,
      (nlohmann::json{
          {"id", 7}, {"name", "alice"}, {"nested", {{"ok", 2}}}, {"list", {{{"keep", true}}}}}));
  EXPECT_EQ(error.row_json.find("hunter2"), std::string::npos) << error.row_json;
  EXPECT_EQ(error.row_json.find("assword"), std::string::npos) << error.row_json;
  store.reset();
  // Nothing secret anywhere in the database files either.
  for (const char* suffix : {"", "-wal"}) {
    const std::string bytes = ReadFileBytes(Dir() + "/state.db" + suffix);
    EXPECT_EQ(bytes.find("hunter2"), std::string::npos) << "state.db" << suffix;
  }
}

TEST_F(StateStoreTest, TaskStatusChangesSetDatesAndAppendHistory) {
  auto store = OpenOrDie();
  ASSERT_TRUE(store->InitTask("orders", "full-load").ok());
  ASSERT_TRUE(store->MarkFreshStart().ok());
  ASSERT_TRUE(store->SetTaskStatus(TaskStatus::kStarting).ok());
  ASSERT_TRUE(store->SetTaskStatus(TaskStatus::kRunning).ok());
  ASSERT_TRUE(store->SetFullLoadStart().ok());
  ASSERT_TRUE(store->SetFullLoadFinish().ok());
  ASSERT_TRUE(store
                  ->SetTaskStatus(TaskStatus::kStopped, StopReason::kFullLoadOnlyFinished,
                                  "full load finished")
                  .ok());
  auto task = store->GetTask();
  ASSERT_TRUE(task.ok());
  EXPECT_EQ(task->status, TaskStatus::kStopped);
  EXPECT_EQ(task->stop_reason, StopReason::kFullLoadOnlyFinished);
  EXPECT_FALSE(task->fresh_start_date.empty());
  EXPECT_FALSE(task->start_date.empty());
  EXPECT_FALSE(task->stop_date.empty());
  EXPECT_FALSE(task->full_load_start_date.empty());
  EXPECT_FALSE(task->full_load_finish_date.empty());
  EXPECT_TRUE(task->last_failure_message.empty());
  EXPECT_TRUE(logging::ParseIsoUtc(task->start_date).has_value()) << task->start_date;

  auto history = store->ListTaskHistory(10);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].status, TaskStatus::kStopped);
  EXPECT_EQ((*history)[0].event, "status FULL_LOAD_ONLY_FINISHED");
  EXPECT_EQ((*history)[0].message, "full load finished");
  EXPECT_EQ((*history)[2].status, TaskStatus::kStarting);

  // A restart clears StopDate; a failure keeps its (redacted) message.
  ASSERT_TRUE(store->SetTaskStatus(TaskStatus::kStarting).ok());
  EXPECT_TRUE(store->GetTask()->stop_date.empty());
  ASSERT_TRUE(store
                  ->SetTaskStatus(TaskStatus::kFailed, StopReason::kFatalError,
                                  "cannot connect to postgresql://app:s3cret@db/app")
                  .ok());
  task = store->GetTask();
  EXPECT_EQ(task->last_failure_message, "cannot connect to postgresql://app:***@db/app");
  EXPECT_FALSE(task->stop_date.empty());
  ASSERT_TRUE(store->AppendTaskEvent("RELOAD_TABLES", "public.orders").ok());
  EXPECT_EQ(store->ListTaskHistory(1)->at(0).event, "RELOAD_TABLES");
  EXPECT_EQ(store->ListTaskHistory(1)->at(0).status, TaskStatus::kFailed);
}

TEST_F(StateStoreTest, GetTaskCountsTablesByStateAndEstimatesProgress) {
  auto store = OpenOrDie();
  ASSERT_TRUE(store->InitTask("orders", "full-load").ok());
  ASSERT_TRUE(store->UpsertTable(Table("s", "done", 100)).ok());
  ASSERT_TRUE(store->UpsertTable(Table("s", "loading", 100)).ok());
  ASSERT_TRUE(store->UpsertTable(Table("s", "queued", 200)).ok());
  ASSERT_TRUE(store->UpsertTable(Table("s", "broken")).ok());
  ASSERT_TRUE(store->SetTableState("s", "done", TableState::kTableCompleted).ok());
  ASSERT_TRUE(store->SetTableState("s", "loading", TableState::kFullLoad).ok());
  ASSERT_TRUE(store->AddFullLoadRows("s", "done", 90).ok());  // estimate was high: counts 100
  ASSERT_TRUE(store->AddFullLoadRows("s", "loading", 100).ok());
  ASSERT_TRUE(store->SetTableState("s", "broken", TableState::kTableError, "x").ok());
  auto task = store->GetTask();
  ASSERT_TRUE(task.ok());
  EXPECT_EQ(task->tables_loaded, 1);
  EXPECT_EQ(task->tables_loading, 1);
  EXPECT_EQ(task->tables_queued, 1);
  EXPECT_EQ(task->tables_errored, 1);
  ASSERT_TRUE(task->full_load_progress_percent.has_value());
  EXPECT_EQ(*task->full_load_progress_percent, 50);  // (100 + 100) / 400
}

TEST(DmsJson, TaskUsesDmsFieldNames) {
  TaskRecord task;
  task.identifier = "orders";
  task.migration_type = "full-load";
  task.status = TaskStatus::kStopped;
  task.stop_reason = StopReason::kFullLoadOnlyFinished;
  task.last_failure_message = "";
  task.fresh_start_date = "2024-05-01T10:00:00.000Z";
  task.start_date = "2024-05-01T10:00:00.000Z";
  task.stop_date = "2024-05-01T10:00:01.500Z";
  task.full_load_start_date = "2024-05-01T10:00:00.100Z";
  task.full_load_finish_date = "2024-05-01T10:00:01.400Z";
  task.tables_loaded = 3;
  task.tables_errored = 1;
  task.full_load_progress_percent = 75;
  const auto json = ToDmsJson(task, *logging::ParseIsoUtc("2024-05-01T11:00:00.000Z"));
  EXPECT_EQ(json["Status"], "stopped");
  EXPECT_EQ(json["StopReason"], "Stop Reason FULL_LOAD_ONLY_FINISHED");
  EXPECT_FALSE(json.contains("LastFailureMessage"));
  EXPECT_EQ(json["ReplicationTaskIdentifier"], "orders");
  EXPECT_EQ(json["MigrationType"], "full-load");
  const auto& stats = json["ReplicationTaskStats"];
  EXPECT_EQ(stats["FullLoadProgressPercent"], 75);
  EXPECT_EQ(stats["ElapsedTimeMillis"], 1500);
  EXPECT_EQ(stats["TablesLoaded"], 3);
  EXPECT_EQ(stats["TablesLoading"], 0);
  EXPECT_EQ(stats["TablesQueued"], 0);
  EXPECT_EQ(stats["TablesErrored"], 1);
  EXPECT_EQ(stats["FreshStartDate"], "2024-05-01T10:00:00.000Z");
  EXPECT_EQ(stats["StartDate"], "2024-05-01T10:00:00.000Z");
  EXPECT_EQ(stats["StopDate"], "2024-05-01T10:00:01.500Z");
  EXPECT_EQ(stats["FullLoadStartDate"], "2024-05-01T10:00:00.100Z");
  EXPECT_EQ(stats["FullLoadFinishDate"], "2024-05-01T10:00:01.400Z");

  // Running: elapsed time runs to now; no stop reason, no percent without estimates.
  task.status = TaskStatus::kFailed;
  task.stop_reason = StopReason::kNone;
  task.stop_date.clear();
  task.last_failure_message = "boom";
  task.full_load_progress_percent.reset();
  const auto running = ToDmsJson(task, *logging::ParseIsoUtc("2024-05-01T10:00:10.000Z"));
  EXPECT_EQ(running["ReplicationTaskStats"]["ElapsedTimeMillis"], 10000);
  EXPECT_FALSE(running.contains("StopReason"));
  EXPECT_EQ(running["LastFailureMessage"], "boom");
  EXPECT_FALSE(running["ReplicationTaskStats"].contains("FullLoadProgressPercent"));
  EXPECT_FALSE(running["ReplicationTaskStats"].contains("StopDate"));
}

TEST(DmsJson, TableUsesDmsFieldNames) {
  TableRecord table;
  table.schema_name = "public";
  table.table_name = "orders";
  table.table_state = TableState::kTableCompleted;
  table.full_load_rows = 1000;
  table.full_load_error_rows = 2;
  table.full_load_start_time = "2024-05-01T10:00:00.000Z";
  table.full_load_end_time = "2024-05-01T10:00:05.000Z";
  table.inserts = 5;
  table.updates = 6;
  table.deletes = 7;
  table.ddls = 1;
  table.last_update_time = "2024-05-01T10:00:06.000Z";
  const auto json = ToDmsJson(table);
  for (const char* key :
       {"SchemaName", "TableName", "TableState", "FullLoadRows", "FullLoadErrorRows",
        "FullLoadStartTime", "FullLoadEndTime", "FullLoadReloaded", "Inserts", "Updates", "Deletes",
        "Ddls", "ValidationState", "LastUpdateTime"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
  EXPECT_EQ(json["TableState"], "Table completed");
  EXPECT_EQ(json["ValidationState"], "Not enabled");
  EXPECT_EQ(json["FullLoadReloaded"], false);
  EXPECT_EQ(json["FullLoadRows"], 1000);
  EXPECT_EQ(json["Deletes"], 7);

  TaskRecord task;
  const auto status = ToDmsStatusJson(task, {table, table});
  EXPECT_EQ(status["ReplicationTask"]["Status"], "ready");
  EXPECT_EQ(status["TableStatistics"].size(), 2u);
}

TEST(States, EveryNameRoundTripsWithTheDmsSpelling) {
  for (TaskStatus s : {TaskStatus::kReady, TaskStatus::kStarting, TaskStatus::kRunning,
                       TaskStatus::kStopping, TaskStatus::kStopped, TaskStatus::kFailed}) {
    EXPECT_EQ(*ParseTaskStatus(TaskStatusName(s)), s);
  }
  for (int i = 0; i <= static_cast<int>(TableState::kTableBeingReloaded); ++i) {
    const auto s = static_cast<TableState>(i);
    EXPECT_EQ(*ParseTableState(TableStateName(s)), s);
  }
  for (int i = 0; i <= static_cast<int>(StopReason::kRecycleTask); ++i) {
    const auto r = static_cast<StopReason>(i);
    EXPECT_EQ(*ParseStopReason(StopReasonName(r)), r);
    EXPECT_EQ(*ParseStopReason(StopReasonDmsString(r)), r);
  }
  EXPECT_STREQ(TaskStatusName(TaskStatus::kRunning), "running");
  EXPECT_STREQ(TableStateName(TableState::kTableBeingReloaded), "Table is being reloaded");
  EXPECT_STREQ(TableStateName(TableState::kTableDoesNotExist), "Table does not exist");
  EXPECT_STREQ(StopReasonName(StopReason::kRecoverableError), "RECOVERABLE_ERROR");
  EXPECT_EQ(StopReasonDmsString(StopReason::kNormal), "Stop Reason NORMAL");
  EXPECT_EQ(*ParseTableState("before load"), TableState::kBeforeLoad);
  auto bad = ParseTableState("Loading");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("Before load"), std::string::npos);
  EXPECT_FALSE(ParseStopReason("Stop Reason SOMETHING").ok());
}

}  // namespace
}  // namespace switchyard::state
