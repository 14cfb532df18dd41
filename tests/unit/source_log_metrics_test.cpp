// How `status --json`, `status` and the console read the source-log metrics back: a figure
// the engine no longer knows shows as null (never stale), codes become words, and an unknown
// projection says why.
#include "engine/control/source_log_metrics.h"

#include <gtest/gtest.h>

#include "engine/control/engine_snapshot.h"
#include "engine/control/source_log_text.h"

namespace switchyard::control {
namespace {

const char kNow[] = "2026-03-01T10:00:10.000000Z";
const char kBefore[] = "2026-03-01T10:00:00.000000Z";

nlohmann::json Entry(double value, const char* time = kNow) {
  return {{"Value", value}, {"Time", time}};
}

TEST(WalStatusCode, RoundTripsPostgresNamesAndRejectsOthers) {
  for (const char* name : {"reserved", "extended", "unreserved", "lost"}) {
    auto code = WalStatusCode(name);
    ASSERT_TRUE(code) << name;
    EXPECT_EQ(WalStatusName(*code), name);
  }
  EXPECT_FALSE(WalStatusCode(""));
  EXPECT_FALSE(WalStatusCode("RESERVED"));
  EXPECT_EQ(WalStatusName(7), "");
}

TEST(IsCurrentSample, OnlySourceLogFiguresMustBelongToTheLatestPublish) {
  EXPECT_TRUE(IsCurrentSample(metric::kRetainedSourceLogBytes, kNow, kNow));
  EXPECT_FALSE(IsCurrentSample(metric::kRetainedSourceLogBytes, kBefore, kNow));
  EXPECT_FALSE(IsCurrentSample(metric::kSourceDiskFullProjectedSeconds, kBefore, kNow));
  EXPECT_TRUE(IsCurrentSample(metric::kCdcLatencyTarget, kBefore, kNow));
}

TEST(ExplainSourceLogMetrics, ShowsKnownFiguresWithTheirWordsAndSource) {
  nlohmann::json s = {{metric::kEngineRssBytes, Entry(1e8)},
                      {metric::kRetainedSourceLogBytes, Entry(3e9)},
                      {metric::kSourceLogGrowthBytesPerSecond, Entry(1e6)},
                      {metric::kSourceDiskFreeBytes, Entry(5e10)},
                      {metric::kSourceDiskFreeFrom, Entry(kDiskFreeMeasured)},
                      {metric::kSourceDiskFullProjectedSeconds, Entry(5e4)},
                      {metric::kSlotWalStatus, Entry(1)},
                      {metric::kSlotSafeWalSizeBytes, Entry(2e9)},
                      {metric::kSlotInvalidationProjectedSeconds, Entry(2e3)}};
  ExplainSourceLogMetrics(s);
  EXPECT_FALSE(s.contains(metric::kSourceDiskFreeFrom));
  EXPECT_EQ(s[metric::kSourceDiskFreeBytes]["From"], "statvfs");
  EXPECT_EQ(s[metric::kSlotWalStatus]["Text"], "extended");
  EXPECT_EQ(s[metric::kSourceDiskFullProjectedSeconds]["Value"], 5e4);
  EXPECT_FALSE(s[metric::kSourceDiskFullProjectedSeconds].contains("Why"));
  EXPECT_EQ(DescribeSourceLog(s),
            "Source log: 2.8 GB retained behind the checkpoint, 976.6 KB/s over the last minutes\n"
            "  Source disk: 46.6 GB free (statvfs); full in 13 h 53 min at this growth\n"
            "  Slot: wal_status extended, safe_wal_size 1.9 GB; invalidated in 33 min at this "
            "growth\n");
}

TEST(ExplainSourceLogMetrics, NullsWhatTheLatestPublishNoLongerKnows) {
  // The source stopped answering after 10:00:00: the older figures must not look current.
  nlohmann::json s = {{metric::kEngineRssBytes, Entry(1e8)},
                      {metric::kRetainedSourceLogBytes, Entry(3e9, kBefore)},
                      {metric::kSourceLogGrowthBytesPerSecond, Entry(1e6, kBefore)},
                      {metric::kSourceDiskFreeBytes, Entry(5e10, kBefore)},
                      {metric::kSourceDiskFreeFrom, Entry(kDiskFreeMeasured, kBefore)},
                      {metric::kSourceDiskFullProjectedSeconds, Entry(5e4, kBefore)}};
  ExplainSourceLogMetrics(s);
  for (const char* name : {metric::kRetainedSourceLogBytes, metric::kSourceLogGrowthBytesPerSecond,
                           metric::kSourceDiskFreeBytes, metric::kSourceDiskFullProjectedSeconds}) {
    EXPECT_TRUE(s[name]["Value"].is_null()) << name;
    EXPECT_EQ(s[name]["Time"], kBefore) << name;  // when it was last known
  }
  EXPECT_FALSE(s[metric::kSourceDiskFreeBytes].contains("From"));
  EXPECT_NE(s[metric::kSourceDiskFullProjectedSeconds]["Why"].get<std::string>().find(
                "retained log is not known"),
            std::string::npos);
}

TEST(ExplainSourceLogMetrics, SaysWhyEachProjectionIsUnknown) {
  // Growing, free space unknown, a PostgreSQL slot without max_slot_wal_keep_size.
  nlohmann::json s = {{metric::kEngineRssBytes, Entry(1e8)},
                      {metric::kRetainedSourceLogBytes, Entry(3e9)},
                      {metric::kSourceLogGrowthBytesPerSecond, Entry(1e6)},
                      {metric::kSlotWalStatus, Entry(0)}};
  ExplainSourceLogMetrics(s);
  EXPECT_TRUE(s[metric::kSourceDiskFreeBytes]["Value"].is_null());
  EXPECT_NE(s[metric::kSourceDiskFullProjectedSeconds]["Why"].get<std::string>().find(
                "SwitchyardSettings.SourceDiskFreeBytes"),
            std::string::npos);
  EXPECT_NE(s[metric::kSlotInvalidationProjectedSeconds]["Why"].get<std::string>().find(
                "max_slot_wal_keep_size is not set"),
            std::string::npos);

  // Not growing: free space and safe_wal_size are known, but nothing runs out.
  nlohmann::json flat = {{metric::kEngineRssBytes, Entry(1e8)},
                         {metric::kRetainedSourceLogBytes, Entry(3e9)},
                         {metric::kSourceLogGrowthBytesPerSecond, Entry(0)},
                         {metric::kSourceDiskFreeBytes, Entry(5e10)},
                         {metric::kSourceDiskFreeFrom, Entry(kDiskFreeStated)},
                         {metric::kSlotWalStatus, Entry(0)},
                         {metric::kSlotSafeWalSizeBytes, Entry(2e9)}};
  ExplainSourceLogMetrics(flat);
  EXPECT_EQ(flat[metric::kSourceDiskFreeBytes]["From"], "SwitchyardSettings.SourceDiskFreeBytes");
  EXPECT_EQ(flat[metric::kSourceDiskFullProjectedSeconds]["Why"],
            "the retained log is not growing");
  EXPECT_EQ(flat[metric::kSlotInvalidationProjectedSeconds]["Why"],
            "the retained log is not growing");

  // A binlog source: no slot entries at all.
  nlohmann::json binlog = {{metric::kEngineRssBytes, Entry(1e8)},
                           {metric::kRetainedSourceLogBytes, Entry(3e9)}};
  ExplainSourceLogMetrics(binlog);
  EXPECT_FALSE(binlog.contains(metric::kSlotInvalidationProjectedSeconds));
  EXPECT_TRUE(binlog[metric::kSourceLogGrowthBytesPerSecond]["Value"].is_null());
}

TEST(ExplainSourceLogMetrics, AddsNothingForATaskThatDoesNotProbeTheSource) {
  nlohmann::json s = {{metric::kEngineRssBytes, Entry(1e8)}};
  ExplainSourceLogMetrics(s);
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(DescribeSourceLog(s), "");
}

TEST(HumanDuration, ShowsTheTwoLargestUnits) {
  EXPECT_EQ(HumanDuration(0), "0 s");
  EXPECT_EQ(HumanDuration(59.9), "59 s");
  EXPECT_EQ(HumanDuration(125), "2 min");
  EXPECT_EQ(HumanDuration(3 * 3600 + 20 * 60 + 5), "3 h 20 min");
  EXPECT_EQ(HumanDuration(2 * 86400 + 4 * 3600 + 59), "2 d 4 h");
}

}  // namespace
}  // namespace switchyard::control
