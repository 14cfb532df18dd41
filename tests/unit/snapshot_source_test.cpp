// SnapshotSource builds what the console shows from a state store opened read-only beside the
// writer, and LogFileTail reads the engine's JSON log file incrementally.
#include "engine/control/snapshot_source.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "engine/logging/logger.h"

namespace switchyard::control {
namespace {

std::string TempDir() {
  char pattern[] = "/tmp/sy-snap-XXXXXX";
  return mkdtemp(pattern);
}

TEST(SnapshotSource, ReportsAMissingStoreThenReadsItOnceItExists) {
  const std::string dir = TempDir();
  SnapshotSourceOptions options;
  options.state_dir = dir;
  options.engine_running = [] { return true; };
  SnapshotSource source(options);
  source.BuildNow();
  EXPECT_FALSE(source.Latest()->ok);
  EXPECT_FALSE(source.Latest()->error.empty());

  auto store = state::StateStore::Open(dir);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->InitTask("t1", "cdc").ok());
  state::TableRecord table;
  table.schema_name = "public";
  table.table_name = "orders";
  ASSERT_TRUE((*store)->UpsertTable(table).ok());
  ASSERT_TRUE(
      (*store)
          ->RecordMetrics({{metric::kCdcLatencySource, 1.5}, {metric::kCdcLatencyTarget, 2.5}})
          .ok());
  const uint64_t before = source.generation();
  source.BuildNow();
  EXPECT_EQ(source.generation(), before + 1);
  auto snapshot = source.Latest();
  ASSERT_TRUE(snapshot->ok) << snapshot->error;
  EXPECT_TRUE(snapshot->engine_running);
  EXPECT_EQ(snapshot->task.identifier, "t1");
  ASSERT_EQ(snapshot->tables.size(), 1u);
  EXPECT_EQ(snapshot->metrics.at(metric::kCdcLatencyTarget), 2.5);
  ASSERT_EQ(snapshot->history.at(metric::kCdcLatencySource).size(), 1u);
  EXPECT_GT(snapshot->metrics.at(metric::kStateDirFreeBytes), 0);
  std::filesystem::remove_all(dir);
}

TEST(SnapshotSource, ThreadPublishesAFewTimesASecond) {
  const std::string dir = TempDir();
  SnapshotSourceOptions options;
  options.state_dir = dir;
  options.interval = std::chrono::milliseconds(20);
  SnapshotSource source(options);
  source.Start();
  const uint64_t start = source.generation();
  for (int i = 0; i < 500 && source.generation() < start + 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(source.generation(), start + 3);
  source.Stop();
  std::filesystem::remove_all(dir);
}

TEST(LogFileTail, ReadsAppendedLinesAndSkipsGarbage) {
  const std::string dir = TempDir();
  const std::string path = dir + "/switchyard.log";
  logging::LogEntry entry;
  entry.time = *logging::ParseIsoUtc("2026-11-21T12:00:00.000Z");
  entry.severity = logging::Severity::kWarning;
  entry.component = logging::Component::kTargetApply;
  entry.message = "first";
  entry.fields = {{"table", "public.orders"}};
  {
    std::ofstream out(path);
    out << logging::Logger::FormatJsonLine(entry, "t1", false) << "not a log line\n";
  }
  LogFileTail tail(path);
  tail.Poll();
  ASSERT_EQ(tail.entries().size(), 1u);
  EXPECT_EQ(tail.entries()[0].message, "first");
  EXPECT_EQ(tail.entries()[0].severity, logging::Severity::kWarning);
  EXPECT_EQ(tail.entries()[0].component, logging::Component::kTargetApply);
  EXPECT_EQ(tail.entries()[0].fields["table"], "public.orders");
  entry.message = "second";
  {
    std::ofstream out(path, std::ios::app);
    const std::string line = logging::Logger::FormatJsonLine(entry, "t1", true);
    out << line.substr(0, 10);  // half a line: waits for the rest
    out.flush();
    tail.Poll();
    EXPECT_EQ(tail.entries().size(), 1u);
    out << line.substr(10);
  }
  tail.Poll();
  ASSERT_EQ(tail.entries().size(), 2u);
  EXPECT_EQ(tail.entries()[1].message, "second");
  EXPECT_EQ(tail.entries()[1].seq, 2u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace switchyard::control
