// The state store's CDC records: apply exceptions round-trip and resolve (and never keep a
// secret), per-table snapshot positions, and the metric history the console graphs read.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "engine/logging/iso_time.h"
#include "engine/state/state_store.h"

namespace switchyard::state {
namespace {

class StateStoreCdcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "sy_state_cdc_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    auto store = StateStore::Open(Dir());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    ASSERT_TRUE(store_->InitTask("orders", "cdc").ok());
  }
  void TearDown() override {
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  std::string Dir() const { return root_ + "/task"; }

  static ApplyExceptionRecord Exception(const std::string& table, const std::string& action) {
    ApplyExceptionRecord r;
    r.schema_name = "public";
    r.table_name = table;
    r.operation = "UPDATE";
    r.statement = "UPDATE \"app\".\"" + table + "\" SET \"v\" = 'x' WHERE \"id\" = '9'";
    r.values_json = R"({"id":"9","v":"x"})";
    r.error = "row not found";
    r.source_position = "0/16B3748";
    r.action = action;
    return r;
  }

  // Waits until the store's clock (millisecond ISO text) has moved past `t`.
  static void PassMillisecond(const std::string& t) {
    while (logging::NowIsoUtc() <= t) {
    }
  }

  std::string root_;
  std::unique_ptr<StateStore> store_;
};

TEST_F(StateStoreCdcTest, ApplyExceptionRoundTripsEveryField) {
  auto id = store_->RecordApplyException(Exception("orders", "LOG_ERROR"));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto r = store_->GetApplyException(*id);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->id, *id);
  EXPECT_FALSE(r->time.empty());
  EXPECT_TRUE(logging::ParseIsoUtc(r->time).has_value()) << r->time;
  EXPECT_EQ(r->schema_name, "public");
  EXPECT_EQ(r->table_name, "orders");
  EXPECT_EQ(r->operation, "UPDATE");
  EXPECT_EQ(r->statement, Exception("orders", "").statement);
  EXPECT_EQ(nlohmann::json::parse(r->values_json), (nlohmann::json{{"id", "9"}, {"v", "x"}}));
  EXPECT_EQ(r->error, "row not found");
  EXPECT_EQ(r->source_position, "0/16B3748");
  EXPECT_EQ(r->action, "LOG_ERROR");
  EXPECT_EQ(r->resolved_at, "");
}

TEST_F(StateStoreCdcTest, ApplyExceptionsListNewestFirstAndResolveOneByOne) {
  auto first = store_->RecordApplyException(Exception("a", "LOG_ERROR"));
  auto second = store_->RecordApplyException(Exception("b", "SUSPEND_TABLE"));
  auto third = store_->RecordApplyException(Exception("c", "STOP_TASK"));
  ASSERT_TRUE(first.ok() && second.ok() && third.ok());
  auto list = store_->ListApplyExceptions(2);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].table_name, "c");
  EXPECT_EQ((*list)[1].table_name, "b");
  EXPECT_EQ(*store_->CountUnresolvedApplyExceptions(), 3);

  // An operator retried the first: resolved, with the action saying how.
  ASSERT_TRUE(store_->ResolveApplyException(*first, "RETRIED").ok());
  auto r = store_->GetApplyException(*first);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->action, "RETRIED");
  EXPECT_FALSE(r->resolved_at.empty());
  // Resolving without an action keeps the one the engine chose.
  Status resolved = store_->ResolveApplyException(*second);
  ASSERT_TRUE(resolved.ok()) << resolved.ToString();
  EXPECT_EQ(store_->GetApplyException(*second)->action, "SUSPEND_TABLE");
  EXPECT_FALSE(store_->GetApplyException(*second)->resolved_at.empty());
  EXPECT_EQ(*store_->CountUnresolvedApplyExceptions(), 1);
  EXPECT_EQ(store_->GetApplyException(*third)->resolved_at, "");
}

TEST_F(StateStoreCdcTest, UnknownApplyExceptionIsNotFound) {
  EXPECT_EQ(store_->GetApplyException(4242).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ResolveApplyException(4242, "RETRIED").code(), StatusCode::kNotFound);
  EXPECT_EQ(*store_->CountUnresolvedApplyExceptions(), 0);
}

TEST_F(StateStoreCdcTest, ApplyExceptionSecretsNeverReachTheDisk) {
  ApplyExceptionRecord r = Exception("users", "LOG_ERROR");
  r.statement = "UPDATE users SET note = 'n' WHERE password='hunter2-stmt'";
  r.values_json = R"({"id":"1","password":"hunter2-json","nested":{"api_token":"hunter2-n"}})";
  r.error = "failed: connect postgres://bob:hunter2-uri@db/app";
  auto id = store_->RecordApplyException(r);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto stored = store_->GetApplyException(*id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->statement.find("hunter2"), std::string::npos) << stored->statement;
  EXPECT_EQ(stored->error.find("hunter2"), std::string::npos) << stored->error;
  EXPECT_EQ(nlohmann::json::parse(stored->values_json),
            (nlohmann::json{{"id", "1"}, {"nested", nlohmann::json::object()}}));
  store_.reset();
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream in(Dir() + "/state.db" + suffix, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), {}};
    EXPECT_EQ(bytes.find("hunter2"), std::string::npos) << "state.db" << suffix;
  }
}

TEST_F(StateStoreCdcTest, ValuesThatAreNotJsonAreDroppedNotStoredRaw) {
  ApplyExceptionRecord r = Exception("t", "LOG_ERROR");
  r.values_json = "password=hunter2 {not json";
  auto id = store_->RecordApplyException(r);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(store_->GetApplyException(*id)->values_json, "");
}

TEST_F(StateStoreCdcTest, ReadOnlyStoreRefusesApplyExceptions) {
  auto reader = StateStore::OpenReadOnly(Dir());
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_FALSE((*reader)->RecordApplyException(Exception("t", "LOG_ERROR")).ok());
  EXPECT_FALSE((*reader)->RecordMetrics({{"cpu", 1}}).ok());
}

TEST_F(StateStoreCdcTest, SnapshotPositionIsSetReadAndCleared) {
  TableRecord t;
  t.schema_name = "public";
  t.table_name = "orders";
  ASSERT_TRUE(store_->UpsertTable(t).ok());
  EXPECT_EQ(*store_->GetSnapshotPosition("public", "orders"), "");
  ASSERT_TRUE(store_->SetSnapshotPosition("public", "orders", "binlog.000012:4711 0-1-42").ok());
  EXPECT_EQ(*store_->GetSnapshotPosition("public", "orders"), "binlog.000012:4711 0-1-42");
  ASSERT_TRUE(store_->SetSnapshotPosition("public", "orders", "").ok());
  EXPECT_EQ(*store_->GetSnapshotPosition("public", "orders"), "");
  EXPECT_EQ(store_->SetSnapshotPosition("public", "nope", "0/1").code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetSnapshotPosition("public", "nope").status().code(), StatusCode::kNotFound);
}

TEST_F(StateStoreCdcTest, SourceOidIsKeptAndAReloadClearsIt) {
  TableRecord t;
  t.schema_name = "public";
  t.table_name = "orders";
  ASSERT_TRUE(store_->UpsertTable(t).ok());
  EXPECT_EQ(*store_->GetSourceOid("public", "orders"), "");
  ASSERT_TRUE(store_->SetSourceOid("public", "orders", "16384").ok());
  ASSERT_TRUE(store_->SetSnapshotPosition("public", "orders", "0/1").ok());
  EXPECT_EQ(*store_->GetSourceOid("public", "orders"), "16384");
  EXPECT_EQ(*store_->GetSnapshotPosition("public", "orders"), "0/1");
  // A (re)load may read a table created anew under the name: the OID is learnt again.
  ASSERT_TRUE(store_->ResetTable("public", "orders", /*reload=*/true).ok());
  EXPECT_EQ(*store_->GetSourceOid("public", "orders"), "");
  EXPECT_EQ(store_->GetSourceOid("public", "nope").status().code(), StatusCode::kNotFound);
}

TEST_F(StateStoreCdcTest, ColumnMappingRoundTripsAndSurvivesAnUpsert) {
  TableRecord t;
  t.schema_name = "shop";
  t.table_name = "customers";
  ASSERT_TRUE(store_->UpsertTable(t).ok());
  EXPECT_TRUE(store_->GetTable("shop", "customers")->columns.empty());
  const std::vector<ColumnMappingRecord> columns = {
      {"id", "int(11)", "id", "integer", ""},
      {"note \"x\"", "varchar(5)", "note", "character varying(5)", "a \"quoted\" note"},
      {"", "", "added", "text", ""},
  };
  ASSERT_TRUE(store_->SetColumnMapping("shop", "customers", columns).ok());
  t.full_load_rows = 7;
  ASSERT_TRUE(store_->UpsertTable(t).ok());  // statistics are written, the mapping stays
  auto read = store_->GetTable("shop", "customers");
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->columns.size(), 3u);
  for (size_t i = 0; i < columns.size(); ++i) {
    EXPECT_EQ(read->columns[i].source_name, columns[i].source_name);
    EXPECT_EQ(read->columns[i].source_type, columns[i].source_type);
    EXPECT_EQ(read->columns[i].target_name, columns[i].target_name);
    EXPECT_EQ(read->columns[i].target_type, columns[i].target_type);
    EXPECT_EQ(read->columns[i].note, columns[i].note);
  }
  EXPECT_EQ(store_->ListTables()->at(0).columns.size(), 3u);
  EXPECT_EQ(store_->SetColumnMapping("shop", "nope", columns).code(), StatusCode::kNotFound);
}

TEST_F(StateStoreCdcTest, MetricBatchesShareOneTimeAndListByName) {
  ASSERT_TRUE(store_->RecordMetrics({{"cpu", 12.5}, {"memory", 300}, {"cpu_other", 1}}).ok());
  auto cpu = store_->ListMetricsSince("cpu", "", 10);
  ASSERT_TRUE(cpu.ok()) << cpu.status().ToString();
  ASSERT_EQ(cpu->size(), 1u);
  EXPECT_EQ((*cpu)[0].name, "cpu");
  EXPECT_DOUBLE_EQ((*cpu)[0].value, 12.5);
  auto memory = store_->ListMetricsSince("memory", "", 10);
  ASSERT_TRUE(memory.ok());
  ASSERT_EQ(memory->size(), 1u);
  EXPECT_EQ((*memory)[0].time, (*cpu)[0].time);
  EXPECT_TRUE(store_->RecordMetrics({}).ok());
}

TEST_F(StateStoreCdcTest, MetricsSinceAreOldestFirstAndKeepTheNewestWithinTheLimit) {
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(store_->RecordMetrics({{"cpu", double(i)}}).ok());
  auto last3 = store_->ListMetricsSince("cpu", "", 3);
  ASSERT_TRUE(last3.ok());
  ASSERT_EQ(last3->size(), 3u);
  EXPECT_DOUBLE_EQ((*last3)[0].value, 3);
  EXPECT_DOUBLE_EQ((*last3)[1].value, 4);
  EXPECT_DOUBLE_EQ((*last3)[2].value, 5);
  EXPECT_TRUE(store_->ListMetricsSince("cpu", "9999-12-31T00:00:00.000Z", 10)->empty());
}

TEST_F(StateStoreCdcTest, MetricsSinceAndPruneCompareTimes) {
  ASSERT_TRUE(store_->RecordMetrics({{"lag", 1}}).ok());
  const std::string t1 = (*store_->ListMetricsSince("lag", "", 1))[0].time;
  PassMillisecond(t1);
  ASSERT_TRUE(store_->RecordMetrics({{"lag", 2}}).ok());
  const std::string t2 = (*store_->ListMetricsSince("lag", t1, 1))[0].time;
  EXPECT_GT(t2, t1);

  auto newer = store_->ListMetricsSince("lag", t1, 10);  // strictly after t1
  ASSERT_EQ(newer->size(), 1u);
  EXPECT_DOUBLE_EQ((*newer)[0].value, 2);

  ASSERT_TRUE(store_->PruneMetrics(t2).ok());  // keeps samples at t2 and later
  auto left = store_->ListMetricsSince("lag", "", 10);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_DOUBLE_EQ((*left)[0].value, 2);
  ASSERT_TRUE(store_->PruneMetrics("9999-12-31T00:00:00.000Z").ok());
  EXPECT_TRUE(store_->ListMetricsSince("lag", "", 10)->empty());
}

}  // namespace
}  // namespace switchyard::state
