// The Overview's Storage lines (tui/storage_lines.h): which source-log figures show, how they
// read, "unknown" for what the engine does not know, and alarming lines moved up so that a
// small terminal keeps them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/control/source_log_metrics.h"
#include "tui/format.h"
#include "tui/storage_lines.h"
#include "tui_fixture_snapshot.h"

namespace switchyard::tui {
namespace {

namespace metric = control::metric;
constexpr double kMiB = 1024.0 * 1024;
constexpr double kGiB = 1024 * kMiB;

control::EngineSnapshot Cdc(const std::string& source) {
  control::EngineSnapshot snapshot;
  snapshot.ok = true;
  snapshot.taken_at = testing::FixtureNow();
  snapshot.source = source;
  snapshot.task.migration_type = "full-load-and-cdc";
  snapshot.metrics = {{metric::kRetainedSourceLogBytes, 700 * kMiB},
                      {metric::kStateDirFreeBytes, 50 * kGiB},
                      {metric::kEngineRssBytes, 300 * kMiB}};
  return snapshot;
}

// "label=value" per line, in order.
std::vector<std::string> Text(const std::vector<StorageLine>& lines) {
  std::vector<std::string> out;
  for (const auto& line : lines) out.push_back(line.label + "=" + line.value);
  return out;
}

TEST(TuiStorageLines, UnknownSourceLogFiguresReadUnknownAndMySqlHasNoSlotLines) {
  EXPECT_EQ(Text(StorageLines(Cdc("mysql://repl@127.0.0.1:3306/shop"))),
            (std::vector<std::string>{"WAL/binlog=700.0 MiB", "growth=unknown", "disk full=unknown",
                                      "source free=unknown", "state dir=50.0 GiB free",
                                      "engine RSS=300.0 MiB"}));
}

TEST(TuiStorageLines, PostgresSourceAddsTheSlotsFigures) {
  auto snapshot = Cdc("postgresql://app@127.0.0.1:5432/shop");
  snapshot.metrics[metric::kSourceLogGrowthBytesPerSecond] = 12 * 1024;
  snapshot.metrics[metric::kSourceDiskFreeBytes] = 42 * kGiB;
  snapshot.metrics[metric::kSourceDiskFreeFrom] = control::kDiskFreeMeasured;
  snapshot.metrics[metric::kSourceDiskFullProjectedSeconds] = 3 * 86400 + 5 * 3600 + 59;
  snapshot.metrics[metric::kSlotWalStatus] = 0;  // reserved
  snapshot.metrics[metric::kSlotSafeWalSizeBytes] = 1 * kGiB;
  snapshot.metrics[metric::kSlotInvalidationProjectedSeconds] = 2 * 3600 + 20 * 60 + 30;
  const auto lines = StorageLines(snapshot);
  EXPECT_EQ(Text(lines),
            (std::vector<std::string>{
                "WAL/binlog=700.0 MiB", "growth=+12.0 KiB/s", "disk full=in 3d05h",
                "slot invalid=in 2h20m", "source free=42.0 GiB measured", "wal_status=reserved",
                "safe_wal_size=1.0 GiB", "state dir=50.0 GiB free", "engine RSS=300.0 MiB"}));
  EXPECT_EQ(lines[4].short_value, "42.0 GiB");  // a narrow box drops "measured"
  for (const auto& line : lines) EXPECT_FALSE(line.alarming) << line.label;
}

TEST(TuiStorageLines, StatedFreeSpaceAndNotGrowingSaySo) {
  auto snapshot = Cdc("mysql://repl@127.0.0.1:3306/shop");
  snapshot.metrics[metric::kSourceLogGrowthBytesPerSecond] = 0;
  snapshot.metrics[metric::kSourceDiskFreeBytes] = 2 * kGiB;
  snapshot.metrics[metric::kSourceDiskFreeFrom] = control::kDiskFreeStated;
  const auto text = Text(StorageLines(snapshot));
  EXPECT_EQ(text[1], "growth=not growing");
  EXPECT_EQ(text[3], "source free=2.0 GiB stated");
}

TEST(TuiStorageLines, AlarmingFiguresComeRightAfterTheRetainedLogWithAWord) {
  auto snapshot = Cdc("postgresql://app@127.0.0.1:5432/shop");
  snapshot.metrics[metric::kSourceDiskFullProjectedSeconds] = 45 * 60;
  snapshot.metrics[metric::kSlotWalStatus] = 2;  // unreserved
  snapshot.metrics[metric::kStateDirFreeBytes] = 600 * kMiB;
  const auto lines = StorageLines(snapshot);
  EXPECT_EQ(Text(lines),
            (std::vector<std::string>{
                "WAL/binlog=700.0 MiB", "disk full=! in 45m", "wal_status=! unreserved",
                "state dir=LOW 600.0 MiB free", "growth=unknown", "slot invalid=unknown",
                "source free=unknown", "safe_wal_size=unknown", "engine RSS=300.0 MiB"}));
  EXPECT_EQ(lines[1].role, Role::kWarn);
  EXPECT_TRUE(lines[2].alarming);
  EXPECT_FALSE(lines[4].alarming);
}

TEST(TuiStorageLines, ALostSlotIsAnErrorAndHasNoProjection) {
  auto snapshot = Cdc("postgresql://app@127.0.0.1:5432/shop");
  snapshot.metrics[metric::kSlotWalStatus] = 3;  // lost
  snapshot.metrics[metric::kSlotInvalidationProjectedSeconds] = 60;
  const auto lines = StorageLines(snapshot, {}, /*ascii=*/true);
  EXPECT_EQ(lines[1].label + "=" + lines[1].value, "slot invalid=already (lost)");
  EXPECT_EQ(lines[2].label + "=" + lines[2].value, "wal_status=x lost");
  EXPECT_EQ(lines[2].role, Role::kError);
}

TEST(TuiStorageLines, AFullLoadTaskShowsNoSourceLogFigures) {
  auto snapshot = Cdc("mysql://repl@127.0.0.1:3306/shop");
  snapshot.task.migration_type = "full-load";
  snapshot.metrics.erase(metric::kRetainedSourceLogBytes);
  EXPECT_EQ(Text(StorageLines(snapshot)),
            (std::vector<std::string>{"WAL/binlog=-", "state dir=50.0 GiB free",
                                      "engine RSS=300.0 MiB"}));
}

TEST(TuiFormat, CoarseDurationsKeepTheTwoLargestUnits) {
  EXPECT_EQ(FormatDurationCoarse(45), "45s");
  EXPECT_EQ(FormatDurationCoarse(750), "12m");
  EXPECT_EQ(FormatDurationCoarse(12000), "3h20m");
  EXPECT_EQ(FormatDurationCoarse(187200), "2d04h");
  EXPECT_EQ(FormatDurationCoarse(-1), "-");
}

}  // namespace
}  // namespace switchyard::tui
