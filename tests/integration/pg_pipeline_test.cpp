// SqlSession::ExecutePipeline on PostgreSQL (libpq pipeline mode, prepared statements): counts
// per statement, NULL parameters, the first failure stops the pipeline at its index and leaves
// the session usable, prepared statements are reused by later pipelines (also after a rollback:
// a protocol-level prepare is not transactional), a pipeline bigger than the socket buffers both
// ways completes, and a lost connection is a kConnectionError.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/endpoints/endpoint.h"
#include "tests/support/servers.h"

namespace switchyard::testing {
namespace {

using endpoints::PipelinedStatement;

PipelinedStatement P(std::string sql, std::vector<std::optional<std::string>> params,
                     bool prepare = true) {
  PipelinedStatement s;
  s.sql = std::move(sql);
  s.params = std::move(params);
  s.prepare = prepare;
  return s;
}

class PgPipeline : public ::testing::Test {
 protected:
  void SetUp() override {
    params_ = FreshPostgresDatabase("sy_pg_pipeline");
    auto s = endpoints::Connect(params_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    session_ = std::move(s).value();
    ASSERT_TRUE(session_->supports_pipeline());
    Exec("CREATE TABLE t (id int PRIMARY KEY, v varchar(5), n numeric(6,2))");
  }

  void Exec(const std::string& sql) {
    Status st = session_->Execute(sql);
    ASSERT_TRUE(st.ok()) << st.ToString() << "\n" << sql;
  }

  std::string Values() {
    auto rows = session_->Query("SELECT id, v, n FROM t ORDER BY id");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::string out;
    for (const auto& r : rows.ok() ? *rows : std::vector<endpoints::SqlRow>{})
      out += *r[0] + "=" + r[1].value_or("NULL") + "/" + r[2].value_or("NULL") + " ";
    return out;
  }

  int64_t PreparedCount() {
    auto rows = session_->Query("SELECT count(*) FROM pg_prepared_statements");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? std::stoll(*(*rows)[0][0]) : -1;
  }

  endpoints::ConnectionParams params_;
  std::unique_ptr<endpoints::SqlSession> session_;
};

const char kInsert[] = "INSERT INTO t (id, v, n) VALUES ($1, $2, $3)";
const char kUpdate[] = "UPDATE t SET v = $1 WHERE id = $2";

TEST_F(PgPipeline, CountsEveryStatementWithNullParameters) {
  std::vector<int64_t> counts;
  Status st = session_->ExecutePipeline(
      {
          P(kInsert, {"1", "a", "1.005"}),  // numeric(6,2) rounds, as for a literal
          P(kInsert, {"2", std::nullopt, std::nullopt}),
          P(kInsert, {"3", "c", "-0"}),
          P(kUpdate, {"b", "2"}),
          P(kUpdate, {"z", "9"}),  // no such row
          P("UPDATE t SET n = n + 1 WHERE id >= $1", {"2"}, /*prepare=*/false),
          P("DELETE FROM t WHERE id = 3", {}, /*prepare=*/false),
          P("SELECT 1 FROM t WHERE id = $1", {"1"}),
          P("SELECT 1 FROM t WHERE v IS NULL", {}),
      },
      &counts);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(counts, (std::vector<int64_t>{1, 1, 1, 1, 0, 2, 1, 1, 0}));
  EXPECT_EQ(Values(), "1=a/1.01 2=b/NULL ");
  // Four texts were prepared (kInsert, kUpdate and two SELECTs); the unprepared ones were not.
  EXPECT_EQ(PreparedCount(), 4);
}

TEST_F(PgPipeline, FirstFailureStopsThePipelineAtItsIndex) {
  Exec("INSERT INTO t VALUES (1, 'a', 1)");
  Exec("BEGIN");
  std::vector<int64_t> counts;
  Status st = session_->ExecutePipeline(
      {
          P(kInsert, {"2", "b", "2"}),
          P(kUpdate, {"bb", "2"}),
          P(kInsert, {"1", "dup", "3"}),  // duplicate key
          P(kInsert, {"4", "never", "4"}),
          P("DELETE FROM t", {}, false),
      },
      &counts);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(counts, (std::vector<int64_t>{1, 1})) << "the failing statement's index is 2";
  EXPECT_NE(st.message().find("23505"), std::string::npos) << st.message();
  EXPECT_EQ(st.code(), StatusCode::kDatabaseError) << st.ToString();
  Exec("ROLLBACK");
  EXPECT_EQ(Values(), "1=a/1.00 ");

  // A value the column refuses (too long for varchar(5): the same error as for a literal,
  // not a silent cut) fails at index 0; the session stays usable.
  counts.clear();
  st = session_->ExecutePipeline({P(kInsert, {"5", "toolong", "1"}), P(kInsert, {"6", "ok", "1"})},
                                 &counts);
  EXPECT_EQ(st.code(), StatusCode::kDataError) << st.ToString();
  EXPECT_NE(st.message().find("22001"), std::string::npos) << st.message();
  EXPECT_TRUE(counts.empty());
  EXPECT_EQ(Values(), "1=a/1.00 ");

  // A statement that cannot even be prepared (no such table) fails at its index too.
  counts.clear();
  st = session_->ExecutePipeline(
      {P(kInsert, {"7", "x", "1"}), P("INSERT INTO missing VALUES ($1)", {"1"})}, &counts);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("42P01"), std::string::npos) << st.message();
  EXPECT_EQ(counts.size(), 1u);
  // Outside a transaction block the pipeline was one implicit transaction: row 7 is gone too.
  EXPECT_EQ(Values(), "1=a/1.00 ");

  counts.clear();
  st = session_->ExecutePipeline({P(kInsert, {"7", "x", "1"})}, &counts);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Values(), "1=a/1.00 7=x/1.00 ");
}

TEST_F(PgPipeline, LaterPipelinesReuseThePreparedStatements) {
  std::vector<int64_t> counts;
  ASSERT_TRUE(
      session_->ExecutePipeline({P(kInsert, {"1", "a", "1"}), P(kInsert, {"2", "b", "2"})}, &counts)
          .ok());
  EXPECT_EQ(PreparedCount(), 1);
  counts.clear();
  Status st = session_->ExecutePipeline(
      {P(kInsert, {"3", "c", "3"}), P(kUpdate, {"aa", "1"}), P(kUpdate, {"cc", "3"})}, &counts);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(counts, (std::vector<int64_t>{1, 1, 1}));
  EXPECT_EQ(PreparedCount(), 2);
  EXPECT_EQ(Values(), "1=aa/1.00 2=b/2.00 3=cc/3.00 ");
}

TEST_F(PgPipeline, StatementPreparedInARolledBackTransactionStillWorks) {
  Exec("BEGIN");
  std::vector<int64_t> counts;
  ASSERT_TRUE(session_->ExecutePipeline({P(kInsert, {"1", "a", "1"})}, &counts).ok());
  Exec("ROLLBACK");
  EXPECT_EQ(Values(), "");
  EXPECT_EQ(PreparedCount(), 1) << "a protocol-level prepare is not undone by a rollback";

  // Prepared and failed in the same pipeline, inside a transaction that is rolled back.
  Exec("BEGIN");
  counts.clear();
  EXPECT_FALSE(session_
                   ->ExecutePipeline({P(kUpdate, {"x", "1"}), P(kInsert, {"1", "a", "1"}),
                                      P(kInsert, {"1", "a", "1"})},
                                     &counts)
                   .ok());
  EXPECT_EQ(counts.size(), 2u);
  Exec("ROLLBACK");

  counts.clear();
  Status st =
      session_->ExecutePipeline({P(kInsert, {"2", "b", "2"}), P(kUpdate, {"bb", "2"})}, &counts);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(counts, (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(Values(), "2=bb/2.00 ");
  EXPECT_EQ(PreparedCount(), 2);
}

TEST_F(PgPipeline, PipelineLargerThanTheSocketBuffersBothWaysCompletes) {
  // 24 MB to the server and 24 MB of results back: with blocking writes, the server would stop
  // reading while its results wait for us, and we would wait for it to read.
  const std::string big(256 * 1024, 'x');
  std::vector<PipelinedStatement> statements;
  for (int i = 0; i < 96; ++i) statements.push_back(P("SELECT $1::text", {big}));
  std::vector<int64_t> counts;
  Status st = session_->ExecutePipeline(statements, &counts);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(counts, std::vector<int64_t>(96, 1));
  Exec("INSERT INTO t VALUES (1, 'a', 1)");  // back to ordinary calls
  EXPECT_EQ(Values(), "1=a/1.00 ");
}

TEST_F(PgPipeline, LostConnectionIsAConnectionError) {
  std::vector<int64_t> counts;
  ASSERT_TRUE(session_->ExecutePipeline({P(kInsert, {"1", "a", "1"})}, &counts).ok());
  auto pid = session_->Query("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok()) << pid.status().ToString();
  auto other = endpoints::Connect(params_);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  ASSERT_TRUE((*other)->Execute("SELECT pg_terminate_backend(" + *(*pid)[0][0] + ")").ok());
  // Wait until the backend is gone (pg_terminate_backend only signals it).
  for (int i = 0; i < 600; ++i) {
    auto left =
        (*other)->Query("SELECT count(*) FROM pg_stat_activity WHERE pid = " + *(*pid)[0][0]);
    ASSERT_TRUE(left.ok()) << left.status().ToString();
    if (*(*left)[0][0] == "0") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  counts.clear();
  Status st = session_->ExecutePipeline({P(kInsert, {"2", "b", "2"})}, &counts);
  EXPECT_EQ(st.code(), StatusCode::kConnectionError) << st.ToString();
  EXPECT_EQ(session_->Execute("SELECT 1").code(), StatusCode::kConnectionError);
}

TEST_F(PgPipeline, EmptyPipelineDoesNothing) {
  std::vector<int64_t> counts;
  EXPECT_TRUE(session_->ExecutePipeline({}, &counts).ok());
  EXPECT_TRUE(counts.empty());
}

TEST(MySqlPipeline, IsNotSupported) {
  auto s = endpoints::Connect(FreshMySqlDatabase("sy_my_pipeline"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_FALSE((*s)->supports_pipeline());
  std::vector<int64_t> counts;
  EXPECT_EQ((*s)->ExecutePipeline({P("SELECT 1", {})}, &counts).code(), StatusCode::kUnsupported);
}

}  // namespace
}  // namespace switchyard::testing
