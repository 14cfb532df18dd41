// SqlSession::ExecuteBatch on both engines: per-statement counts (UPDATE counts matched rows on
// MySQL too), the first failing statement ends the batch at a known index, and the session
// stays usable.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/endpoints/endpoint.h"
#include "tests/support/servers.h"

namespace switchyard::testing {
namespace {

using catalog::Engine;

class SqlSessionBatch : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    const bool pg = GetParam() == Engine::kPostgres;
    auto params = pg ? FreshPostgresDatabase("sy_session_batch_pg")
                     : FreshMySqlDatabase("sy_session_batch_my");
    auto s = endpoints::Connect(params);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    session_ = std::move(s).value();
    ASSERT_TRUE(session_->Execute("CREATE TABLE t (id int PRIMARY KEY, v varchar(20))").ok());
  }

  std::string Values() {
    auto rows = session_->Query("SELECT id, v FROM t ORDER BY id");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::string out;
    for (const auto& r : rows.ok() ? *rows : std::vector<endpoints::SqlRow>{})
      out += r[0].value_or("NULL") + "=" + r[1].value_or("NULL") + " ";
    return out;
  }

  std::unique_ptr<endpoints::SqlSession> session_;
};

TEST_P(SqlSessionBatch, CountsEveryStatementInOneGo) {
  std::vector<int64_t> counts;
  Status st = session_->ExecuteBatch(
      {
          "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')",
          "UPDATE t SET v = 'a' WHERE id = 1",  // same value: still one matched row
          "UPDATE t SET v = 'z' WHERE id = 9",  // no such row
          "UPDATE t SET v = 'bb' WHERE id >= 2",
          "DELETE FROM t WHERE id = 3",
          "SELECT 1 FROM t WHERE id = 2",
          "SELECT 1 FROM t WHERE id = 3",
      },
      &counts);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(counts, (std::vector<int64_t>{3, 1, 0, 2, 1, 1, 0}));
  EXPECT_EQ(Values(), "1=a 2=bb ");
}

TEST_P(SqlSessionBatch, FirstFailureStopsTheBatchAtItsIndex) {
  const bool pg = GetParam() == Engine::kPostgres;
  ASSERT_TRUE(session_->Execute("INSERT INTO t VALUES (1, 'a')").ok());
  ASSERT_TRUE(session_->Execute(pg ? "BEGIN" : "START TRANSACTION").ok());
  std::vector<int64_t> counts;
  Status st = session_->ExecuteBatch(
      {
          "INSERT INTO t VALUES (2, 'b')",
          "INSERT INTO t VALUES (1, 'duplicate')",
          "INSERT INTO t VALUES (4, 'never runs')",
      },
      &counts);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(counts.size(), 1u) << "index of the failing statement";
  EXPECT_NE(st.message().find(pg ? "23505" : "1062"), std::string::npos) << st.message();
  ASSERT_TRUE(session_->Execute("ROLLBACK").ok());
  EXPECT_EQ(Values(), "1=a ");

  // The first statement failing leaves the session as usable as a later one does.
  counts.clear();
  st = session_->ExecuteBatch({"INSERT INTO t VALUES (1, 'x')", "DELETE FROM t"}, &counts);
  EXPECT_FALSE(st.ok());
  EXPECT_TRUE(counts.empty());
  EXPECT_EQ(Values(), "1=a ");
}

TEST_P(SqlSessionBatch, EmptyBatchDoesNothing) {
  std::vector<int64_t> counts;
  EXPECT_TRUE(session_->ExecuteBatch({}, &counts).ok());
  EXPECT_TRUE(counts.empty());
  EXPECT_EQ(Values(), "");
}

INSTANTIATE_TEST_SUITE_P(Engines, SqlSessionBatch,
                         ::testing::Values(Engine::kPostgres, Engine::kMySql),
                         [](const ::testing::TestParamInfo<Engine>& info) {
                           return info.param == Engine::kPostgres ? "PostgreSQL" : "MySQL";
                         });

}  // namespace
}  // namespace switchyard::testing
