// MySqlSnapshotReader against a real server: exact bytes, batching, snapshot isolation, the
// binlog position, cancellation and errors.
#include <gtest/gtest.h>

#include <stop_token>

#include "engine/endpoints/endpoint.h"
#include "engine/endpoints/mysql/mysql_snapshot_reader.h"
#include "tests/integration/mysql_test_util.h"
#include "tests/support/servers.h"

namespace switchyard::testing {
namespace {

using endpoints::ConnectionParams;
using endpoints::ReadSpec;
using endpoints::mysql::MySqlSnapshotReader;

constexpr size_t kBigSize = 10 * 1024 * 1024 + 3;

// The 10 MB value built by SQL below: 0x00 0xFF '\\' '\n' '\r' '\t' repeated, cut to kBigSize.
std::string BigValue() {
  const std::string unit("\x00\xff\\\n\r\t", 6);
  std::string out;
  out.reserve(kBigSize + unit.size());
  while (out.size() < kBigSize) out += unit;
  out.resize(kBigSize);
  return out;
}

class MySqlSnapshot : public ::testing::Test {
 protected:
  void SetUp() override {
    params_ = FreshMySqlDatabase("sy_mysql_ep_snapshot");
    ExecOrDie(params_,
              "CREATE TABLE `t` (`id` int PRIMARY KEY, `s` varchar(20), `b` longblob, "
              "`ts` timestamp(6) NULL, `l` varchar(10) CHARACTER SET latin1);\n"
              "INSERT INTO `t` VALUES "
              "(1, NULL, NULL, NULL, NULL), "
              "(2, '', '', '2024-03-01 12:34:56.123456', ''), "
              "(3, 'emoji 😀 ü', UNHEX('0001000AFF'), '1970-01-01 00:00:01', 'café'), "
              "(4, 'big', LEFT(REPEAT(UNHEX('00FF5C0A0D09'), 1747628), " +
                  std::to_string(kBigSize) + "), NULL, NULL)");
  }

  std::unique_ptr<MySqlSnapshotReader> OpenReader() {
    auto reader = MySqlSnapshotReader::Open(params_);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    return reader.ok() ? std::move(reader).value() : nullptr;
  }

  ReadSpec Spec() const {
    ReadSpec spec;
    spec.schema = "sy_mysql_ep_snapshot";
    spec.table = "t";
    spec.select_exprs = {"`id`", "`s`", "`b`", "`ts`", "`l`"};
    return spec;
  }

  ConnectionParams params_;
};

TEST_F(MySqlSnapshot, ReadsExactBytesNullsAndUtcTimestamps) {
  auto reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  ASSERT_TRUE(reader->BeginSnapshot("").ok());
  CollectingSink sink;
  ReadSpec spec = Spec();
  spec.batch_rows = 3;
  Status st = reader->Read(spec, sink, std::stop_token());
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE(reader->EndSnapshot().ok());

  ASSERT_EQ(sink.rows.size(), 4u);
  EXPECT_EQ(sink.batches, 2);  // 3 rows, then 1
  const Rows& r = sink.rows;
  EXPECT_EQ(r[0],
            (std::vector<Value>{"1", std::nullopt, std::nullopt, std::nullopt, std::nullopt}));
  EXPECT_EQ(r[1], (std::vector<Value>{"2", "", "", "2024-03-01 12:34:56.123456", ""}));
  EXPECT_EQ(r[2], (std::vector<Value>{"3", "emoji 😀 ü", std::string("\x00\x01\x00\n\xff", 5),
                                      "1970-01-01 00:00:01.000000", "café"}));
  EXPECT_EQ(r[3][0], "4");
  ASSERT_TRUE(r[3][2].has_value());
  EXPECT_EQ(r[3][2]->size(), kBigSize);
  EXPECT_TRUE(*r[3][2] == BigValue());
}

TEST_F(MySqlSnapshot, BatchBytesLimitSplitsBatches) {
  auto reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  ASSERT_TRUE(reader->BeginSnapshot("").ok());
  CollectingSink sink;
  ReadSpec spec = Spec();
  spec.select_exprs = {"`id`", "`b`"};
  spec.where = "`id` >= 3";
  spec.batch_bytes = 1;  // every row fills a batch
  ASSERT_TRUE(reader->Read(spec, sink, std::stop_token()).ok());
  EXPECT_EQ(sink.batches, 2);
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[0][0], "3");
  EXPECT_EQ(sink.rows[1][0], "4");
}

TEST_F(MySqlSnapshot, SnapshotHidesLaterWritesAndReportsTheBinlogPosition) {
  auto reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  ASSERT_TRUE(reader->BeginSnapshot("").ok());
  ASSERT_TRUE(reader->snapshot_position().has_value());
  EXPECT_FALSE(reader->snapshot_position()->file.empty());
  EXPECT_GT(reader->snapshot_position()->position, 0u);

  ExecOrDie(params_,
            "INSERT INTO `t` (`id`, `s`) VALUES (5, 'later');\n"
            "UPDATE `t` SET `s` = 'changed' WHERE `id` = 3");
  CollectingSink sink;
  ReadSpec spec = Spec();
  spec.select_exprs = {"`id`", "`s`"};
  ASSERT_TRUE(reader->Read(spec, sink, std::stop_token()).ok());
  ASSERT_EQ(sink.rows.size(), 4u);
  EXPECT_EQ(sink.rows[2][1], "emoji 😀 ü");
  ASSERT_TRUE(reader->EndSnapshot().ok());

  // A new snapshot sees the writes, and its position is at or after the first one.
  ASSERT_TRUE(reader->BeginSnapshot("").ok());
  auto second = reader->snapshot_position();
  ASSERT_TRUE(second.has_value());
  CollectingSink after;
  ASSERT_TRUE(reader->Read(spec, after, std::stop_token()).ok());
  ASSERT_EQ(after.rows.size(), 5u);
  EXPECT_EQ(after.rows[2][1], "changed");
  EXPECT_TRUE(second->file > reader->snapshot_position()->file ||
              second->position >= reader->snapshot_position()->position);
}

TEST_F(MySqlSnapshot, StopBetweenBatchesCancelsAndClosesTheConnection) {
  auto reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  ASSERT_TRUE(reader->BeginSnapshot("").ok());
  ExecOrDie(params_,
            "CREATE TABLE `many` (`id` int PRIMARY KEY);\n"
            "INSERT INTO `many` SELECT seq FROM seq_1_to_50000");
  // The table was created after the snapshot: InnoDB still lets us read it (empty or not is
  // not what this test is about), so start a fresh snapshot.
  ASSERT_TRUE(reader->EndSnapshot().ok());
  ASSERT_TRUE(reader->BeginSnapshot("").ok());

  std::stop_source stop;
  class StoppingSink : public CollectingSink {
   public:
    explicit StoppingSink(std::stop_source* s) : stop_(s) {}
    Status Consume(const endpoints::RowBatch& batch) override {
      stop_->request_stop();
      return CollectingSink::Consume(batch);
    }
    std::stop_source* stop_;
  } sink(&stop);
  ReadSpec spec;
  spec.schema = "sy_mysql_ep_snapshot";
  spec.table = "many";
  spec.select_exprs = {"`id`"};
  spec.batch_rows = 100;
  Status st = reader->Read(spec, sink, stop.get_token());
  EXPECT_EQ(st.code(), StatusCode::kCancelled) << st.ToString();
  EXPECT_EQ(sink.batches, 1);
  EXPECT_EQ(sink.rows.size(), 100u);
  // The connection was given up to drop the rest of the result quickly.
  Status after = reader->EndSnapshot();
  EXPECT_EQ(after.code(), StatusCode::kConnectionError) << after.ToString();
}

TEST_F(MySqlSnapshot, SinkErrorStopsTheReadAndIsReturned) {
  auto reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  ASSERT_TRUE(reader->BeginSnapshot("").ok());
  CollectingSink sink;
  sink.fail_after_batches = 1;
  ReadSpec spec = Spec();
  spec.batch_rows = 1;
  Status st = reader->Read(spec, sink, std::stop_token());
  EXPECT_EQ(st.code(), StatusCode::kIoError) << st.ToString();
  EXPECT_EQ(sink.batches, 1);
}

TEST_F(MySqlSnapshot, BadExpressionIsADatabaseError) {
  auto reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  ASSERT_TRUE(reader->BeginSnapshot("").ok());
  CollectingSink sink;
  ReadSpec spec = Spec();
  spec.select_exprs = {"`no_such_column`"};
  Status st = reader->Read(spec, sink, std::stop_token());
  EXPECT_EQ(st.code(), StatusCode::kDatabaseError) << st.ToString();
  EXPECT_NE(st.message().find("no_such_column"), std::string::npos);
  // The connection is still usable after a statement error.
  spec = Spec();
  spec.select_exprs = {"`id`"};
  EXPECT_TRUE(reader->Read(spec, sink, std::stop_token()).ok());
  EXPECT_EQ(sink.rows.size(), 4u);
}

TEST_F(MySqlSnapshot, ErrorMidStreamIsReportedNotTakenForTheEnd) {
  auto reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  ASSERT_TRUE(reader->BeginSnapshot("").ok());
  // Kill the reader's connection from another session while it is between batches.
  auto ids = OpenOrDie(params_);
  ASSERT_NE(ids, nullptr);
  auto conn_id = reader->connection().Query("SELECT CONNECTION_ID()");
  ASSERT_TRUE(conn_id.ok());
  class KillingSink : public CollectingSink {
   public:
    Status Consume(const endpoints::RowBatch& batch) override {
      if (batches == 0) {
        Status st = killer->Execute("KILL CONNECTION " + *id);
        EXPECT_TRUE(st.ok()) << st.ToString();
      }
      return CollectingSink::Consume(batch);
    }
    endpoints::mysql::MySqlConnection* killer = nullptr;
    const std::string* id = nullptr;
  } sink;
  sink.killer = ids.get();
  sink.id = &*(*conn_id)[0][0];
  ReadSpec spec = Spec();
  spec.select_exprs = {"`id`", "`b`"};
  spec.batch_rows = 1;
  Status st = reader->Read(spec, sink, std::stop_token());
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kConnectionError) << st.ToString();
  EXPECT_LT(sink.rows.size(), 4u);
}

}  // namespace
}  // namespace switchyard::testing
