// The Overview's alarms, from snapshots built here: which facts raise which alarm (and which
// do not), the words that carry them without colour, and their order.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tui/alarms.h"
#include "tui_fixture_snapshot.h"

namespace switchyard::tui {
namespace {

namespace metric = control::metric;
using testing::FixtureNow;

// A running task with nothing wrong: no alarm.
control::EngineSnapshot Quiet() {
  control::EngineSnapshot snapshot;
  snapshot.ok = true;
  snapshot.taken_at = FixtureNow();
  snapshot.task.identifier = "t";
  snapshot.task.status = state::TaskStatus::kRunning;
  state::TableRecord table;
  table.schema_name = "shop";
  table.table_name = "orders";
  table.table_state = state::TableState::kTableCompleted;
  snapshot.tables = {table};
  snapshot.metrics = {{metric::kCdcLatencySource, 0.4},
                      {metric::kCdcLatencyTarget, 1.0},
                      {metric::kStateDirFreeBytes, 50.0 * 1024 * 1024 * 1024},
                      {metric::kRetainedSourceLogBytes, 700.0 * 1024 * 1024}};
  return snapshot;
}

std::vector<std::string> Lines(const std::vector<Alarm>& alarms) {
  std::vector<std::string> lines;
  for (const Alarm& alarm : alarms) lines.push_back(alarm.word + " " + alarm.text);
  return lines;
}

// Retained log samples, one a minute, ending now.
void RetainedHistory(control::EngineSnapshot& snapshot, const std::vector<double>& mib) {
  auto& series = snapshot.history[metric::kRetainedSourceLogBytes];
  for (size_t index = 0; index < mib.size(); ++index) {
    series.push_back(
        {FixtureNow() - std::chrono::minutes(mib.size() - 1 - index), mib[index] * 1024 * 1024});
  }
  snapshot.metrics[metric::kRetainedSourceLogBytes] = mib.back() * 1024 * 1024;
}

TEST(TuiAlarms, AHealthyTaskHasNone) { EXPECT_TRUE(CollectAlarms(Quiet()).empty()); }

TEST(TuiAlarms, MissingMetricsRaiseNothing) {
  control::EngineSnapshot snapshot = Quiet();
  snapshot.metrics.clear();
  EXPECT_TRUE(CollectAlarms(snapshot).empty());
}

TEST(TuiAlarms, EachErroredTableIsAnErrorWithItsNameAndLastError) {
  control::EngineSnapshot snapshot = Quiet();
  snapshot.tables[0].table_state = state::TableState::kTableError;
  snapshot.tables[0].last_error = "duplicate key";
  state::TableRecord other;
  other.schema_name = "inventory";
  other.table_name = "stock";
  other.table_state = state::TableState::kTableError;
  snapshot.tables.push_back(other);
  const auto alarms = CollectAlarms(snapshot);
  ASSERT_EQ(alarms.size(), 2u);
  EXPECT_EQ(alarms[0].level, AlarmLevel::kError);
  EXPECT_EQ(Lines(alarms), (std::vector<std::string>{
                               "ERR shop.orders Table error: duplicate key",
                               "ERR inventory.stock Table error",
                           }));
}

TEST(TuiAlarms, OpenApplyExceptionsAreCountedAndResolvedOnesAreNot) {
  control::EngineSnapshot snapshot = Quiet();
  state::ApplyExceptionRecord resolved;
  resolved.resolved_at = "2026-11-21T11:00:00.000Z";
  snapshot.apply_exceptions = {resolved};
  EXPECT_TRUE(CollectAlarms(snapshot).empty());
  snapshot.apply_exceptions_unresolved = 1;
  EXPECT_EQ(Lines(CollectAlarms(snapshot)),
            (std::vector<std::string>{"ERR 1 apply exception open"}));
  snapshot.apply_exceptions_unresolved = 1200;
  EXPECT_EQ(Lines(CollectAlarms(snapshot)),
            (std::vector<std::string>{"ERR 1,200 apply exceptions open"}));
}

TEST(TuiAlarms, LatencyOverTheLagLimitIsLagAndAtTheLimitIsNot) {
  control::EngineSnapshot snapshot = Quiet();
  snapshot.metrics[metric::kCdcLatencyTarget] = kLagSeconds;
  EXPECT_TRUE(CollectAlarms(snapshot).empty());
  snapshot.metrics[metric::kCdcLatencyTarget] = 12.5;
  snapshot.metrics[metric::kCdcLatencySource] = 30;
  const auto alarms = CollectAlarms(snapshot);
  EXPECT_EQ(Lines(alarms), (std::vector<std::string>{
                               "LAG CDCLatencySource 30.0 s (over 10.0 s)",
                               "LAG CDCLatencyTarget 12.5 s (over 10.0 s)",
                           }));
  EXPECT_EQ(alarms[0].level, AlarmLevel::kWarning);
}

TEST(TuiAlarms, LowFreeSpaceOfTheStateDirectory) {
  control::EngineSnapshot snapshot = Quiet();
  snapshot.metrics[metric::kStateDirFreeBytes] = 800.0 * 1024 * 1024;
  EXPECT_EQ(Lines(CollectAlarms(snapshot)),
            (std::vector<std::string>{"LOW state dir free space 800.0 MiB (under 1.0 GiB)"}));
  AlarmThresholds thresholds;
  thresholds.low_free_bytes = 512.0 * 1024 * 1024;
  EXPECT_TRUE(CollectAlarms(snapshot, thresholds).empty());
}

TEST(TuiAlarms, RetainedLogThatKeepsGrowingIsGrowAndASawtoothIsNot) {
  control::EngineSnapshot snapshot = Quiet();
  // Grows and falls back as the checkpoint advances: the source releases what it kept.
  RetainedHistory(snapshot, {700, 900, 1100, 720, 800});
  EXPECT_TRUE(CollectAlarms(snapshot).empty());
  snapshot.history.clear();
  RetainedHistory(snapshot, {700, 800, 900, 1000, 1100});
  EXPECT_EQ(
      Lines(CollectAlarms(snapshot)),
      (std::vector<std::string>{"GROW WAL/binlog retained +400.0 MiB in 4m00s (now 1.1 GiB)"}));
}

TEST(TuiAlarms, RetainedLogWithoutHistoryRaisesNothing) {
  control::EngineSnapshot snapshot = Quiet();
  snapshot.metrics[metric::kRetainedSourceLogBytes] = 100.0 * 1024 * 1024 * 1024;
  EXPECT_TRUE(CollectAlarms(snapshot).empty());
}

TEST(TuiAlarms, AFailedTaskAndAStaleStoreAreReported) {
  control::EngineSnapshot snapshot = Quiet();
  snapshot.task.status = state::TaskStatus::kFailed;
  snapshot.task.last_failure_message = "target refused connection";
  snapshot.ok = false;
  snapshot.error = "database is locked";
  EXPECT_EQ(Lines(CollectAlarms(snapshot)),
            (std::vector<std::string>{
                "ERR task failed: target refused connection",
                "STALE state store not readable: database is locked",
            }));
}

TEST(TuiAlarms, ErrorsComeBeforeWarnings) {
  control::EngineSnapshot snapshot = Quiet();
  snapshot.metrics[metric::kCdcLatencyTarget] = 60;
  snapshot.metrics[metric::kStateDirFreeBytes] = 1024;
  snapshot.apply_exceptions_unresolved = 2;
  snapshot.tables[0].table_state = state::TableState::kTableError;
  const auto alarms = CollectAlarms(snapshot);
  std::vector<std::string> words;
  for (const Alarm& alarm : alarms) words.push_back(alarm.word);
  EXPECT_EQ(words, (std::vector<std::string>{"ERR", "ERR", "LAG", "LOW"}));
}

// The source's log: wal_status and the two projections (source_log_metrics.h).
TEST(TuiAlarms, SourceDiskFullAndSlotInvalidationWithinTheHourAreWarnings) {
  control::EngineSnapshot snapshot = Quiet();
  snapshot.metrics[metric::kSourceDiskFullProjectedSeconds] = 45 * 60;
  snapshot.metrics[metric::kSourceDiskFreeBytes] = 1.5 * 1024 * 1024 * 1024;
  snapshot.metrics[metric::kSlotInvalidationProjectedSeconds] = 5 * 60 + 41;
  snapshot.metrics[metric::kSlotSafeWalSizeBytes] = 200.0 * 1024 * 1024;
  const auto alarms = CollectAlarms(snapshot);
  EXPECT_EQ(Lines(alarms),
            (std::vector<std::string>{
                "SLOT slot invalidated in 5m at this growth (safe_wal_size 200.0 MiB)",
                "FULL source disk full in 45m at this WAL/binlog growth (1.5 GiB free)",
            }));
  for (const Alarm& alarm : alarms) EXPECT_EQ(alarm.level, AlarmLevel::kWarning);
}

TEST(TuiAlarms, ProjectionsBeyondTheHourOrUnknownRaiseNothing) {
  control::EngineSnapshot snapshot = Quiet();
  snapshot.metrics[metric::kSourceDiskFullProjectedSeconds] = 3600;
  snapshot.metrics[metric::kSlotInvalidationProjectedSeconds] = 86400;
  snapshot.metrics[metric::kSlotWalStatus] = 1;  // extended: beyond max_wal_size, still safe
  EXPECT_TRUE(CollectAlarms(snapshot).empty());
  AlarmThresholds thresholds;
  thresholds.projection_seconds = 2 * 3600;
  EXPECT_EQ(Lines(CollectAlarms(snapshot, thresholds)),
            (std::vector<std::string>{"FULL source disk full in 1h00m at this WAL/binlog growth"}));
}

TEST(TuiAlarms, WalStatusUnreservedWarnsAndLostIsAnErrorWithoutAProjection) {
  control::EngineSnapshot snapshot = Quiet();
  snapshot.metrics[metric::kSlotWalStatus] = 2;  // unreserved
  auto alarms = CollectAlarms(snapshot);
  ASSERT_EQ(alarms.size(), 1u);
  EXPECT_EQ(alarms[0].level, AlarmLevel::kWarning);
  EXPECT_EQ(alarms[0].word, "SLOT");
  EXPECT_NE(alarms[0].text.find("wal_status unreserved"), std::string::npos);

  snapshot.metrics[metric::kSlotWalStatus] = 3;  // lost
  snapshot.metrics[metric::kSlotInvalidationProjectedSeconds] = 60;
  snapshot.metrics[metric::kCdcLatencyTarget] = 60;
  alarms = CollectAlarms(snapshot);
  ASSERT_EQ(alarms.size(), 2u);
  EXPECT_EQ(alarms[0].level, AlarmLevel::kError);  // before the LAG warning
  EXPECT_EQ(alarms[0].word, "SLOT");
  EXPECT_NE(alarms[0].text.find("wal_status lost"), std::string::npos);
  EXPECT_EQ(alarms[1].word, "LAG");
}

}  // namespace
}  // namespace switchyard::tui
