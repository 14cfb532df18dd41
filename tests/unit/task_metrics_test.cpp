// TaskMetrics: what the read-ahead reader received counts for CDCLatencySource and
// CDCIncomingChanges at once; CDCLatencyTarget starts from the transaction the apply took.
#include "engine/pipeline/task_metrics.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "engine/control/engine_snapshot.h"

namespace switchyard::pipeline {
namespace {

namespace metric = control::metric;
using std::chrono::seconds;
using std::chrono::system_clock;

class TaskMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "sy_metrics_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    auto store = state::StateStore::Open(dir_ + "/task");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  void TearDown() override {
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  double Latest(const char* name) {
    auto rows = store_->ListMetrics(name, 1);
    EXPECT_TRUE(rows.ok() && rows->size() == 1) << name;
    return rows.ok() && !rows->empty() ? rows->front().value : -1;
  }

  std::string dir_;
  std::unique_ptr<state::StateStore> store_;
};

TEST_F(TaskMetricsTest, ReceivedTransactionsCountBeforeTheApplyTakesThem) {
  const auto now = system_clock::now();
  {
    TaskMetrics m(*store_, dir_);
    m.Start();
    m.OnReceived(now - seconds(10), 5, 100);
    m.OnReceived(now - seconds(4), 3, 60);
    m.Stop();  // publishes the final values
  }
  // The newest received commit is 4 s old; nothing was taken, so no target latency yet.
  EXPECT_GE(Latest(metric::kCdcLatencySource), 4.0);
  EXPECT_LT(Latest(metric::kCdcLatencySource), 9.0);
  EXPECT_EQ(Latest(metric::kCdcIncomingChanges), 8.0);
  EXPECT_EQ(Latest(metric::kCdcLatencyTarget), 0.0);

  {
    TaskMetrics m(*store_, dir_);
    m.Start();
    m.OnReceived(now - seconds(10), 5, 100);
    m.OnReceived(now - seconds(4), 3, 60);
    m.OnTaken(now - seconds(10));
    m.OnTaken(now - seconds(4));  // the oldest taken and not applied counts
    m.Stop();
  }
  EXPECT_GE(Latest(metric::kCdcLatencyTarget), 10.0);
  EXPECT_EQ(Latest(metric::kCdcIncomingChanges), 8.0);

  {
    TaskMetrics m(*store_, dir_);
    m.Start();
    m.OnReceived(now - seconds(10), 5, 100);
    m.OnTaken(now - seconds(10));
    m.OnApplied(now - seconds(10), 5, 100);
    m.OnCaughtUp();
    m.Stop();
  }
  EXPECT_EQ(Latest(metric::kCdcLatencySource), 0.0) << "caught up";
  EXPECT_EQ(Latest(metric::kCdcIncomingChanges), 0.0);
}

}  // namespace
}  // namespace switchyard::pipeline
