// The arithmetic behind the source-log projections: growth as a slope over samples, seconds
// until a headroom is used up, and every case where the honest answer is "unknown".
#include <gtest/gtest.h>

#include "engine/control/engine_snapshot.h"
#include "engine/control/source_log_metrics.h"
#include "engine/pipeline/cdc/log_growth.h"
#include "engine/pipeline/cdc/source_disk.h"
#include "engine/pipeline/cdc/source_log_tracker.h"

namespace switchyard::pipeline::cdc {
namespace {

namespace metric = control::metric;
using std::chrono::seconds;

TEST(GrowthBytesPerSecond, IsTheSlopeOfSteadyGrowth) {
  auto g = GrowthBytesPerSecond({{0, 1000}, {10, 6000}, {20, 11000}, {30, 16000}}, 5);
  ASSERT_TRUE(g);
  EXPECT_DOUBLE_EQ(*g, 500);
}

TEST(GrowthBytesPerSecond, OneOddSampleDoesNotSwingItLikeTwoEndpointsWould) {
  // Steady 100 B/s with one spike in the middle; the endpoints alone also say 100.
  auto g = GrowthBytesPerSecond({{0, 0}, {10, 1000}, {20, 50000}, {30, 3000}, {40, 4000}}, 5);
  ASSERT_TRUE(g);
  EXPECT_NEAR(*g, 100, 1e-9);
}

TEST(GrowthBytesPerSecond, IsNegativeWhileTheTaskCatchesUpAndZeroWhenFlat) {
  EXPECT_DOUBLE_EQ(*GrowthBytesPerSecond({{0, 9000}, {10, 4000}, {20, 0}}, 5), -450);
  EXPECT_DOUBLE_EQ(*GrowthBytesPerSecond({{0, 7}, {10, 7}, {20, 7}}, 5), 0);
}

TEST(GrowthBytesPerSecond, IsUnknownWithoutTwoSamplesFarEnoughApart) {
  EXPECT_FALSE(GrowthBytesPerSecond({}, 5));
  EXPECT_FALSE(GrowthBytesPerSecond({{0, 100}}, 5));
  EXPECT_FALSE(GrowthBytesPerSecond({{0, 100}, {2, 900}}, 5));
  EXPECT_FALSE(GrowthBytesPerSecond({{3, 100}, {3, 900}}, 0));  // same instant: no slope at all
}

TEST(GrowthBytesPerSecond, StaysExactForTerabytesAtLargeClockValues) {
  const double t0 = 1e9, b0 = 5e12;
  auto g = GrowthBytesPerSecond({{t0, b0}, {t0 + 10, b0 + 10}, {t0 + 20, b0 + 20}}, 5);
  ASSERT_TRUE(g);
  EXPECT_NEAR(*g, 1, 1e-6);
}

TEST(SecondsUntilExhausted, DividesHeadroomByGrowth) {
  EXPECT_DOUBLE_EQ(*SecondsUntilExhausted(1e9, 1e6), 1000);
}

TEST(SecondsUntilExhausted, IsUnknownWhenNotGrowingOrAnInputIsUnknown) {
  EXPECT_FALSE(SecondsUntilExhausted(1e9, 0.0));
  EXPECT_FALSE(SecondsUntilExhausted(1e9, -5.0));
  EXPECT_FALSE(SecondsUntilExhausted(std::nullopt, 1e6));
  EXPECT_FALSE(SecondsUntilExhausted(1e9, std::nullopt));
}

TEST(SecondsUntilExhausted, IsZeroWhenTheHeadroomIsAlreadyGoneAndTheLogStillGrows) {
  // safe_wal_size goes negative once a slot is past max_slot_wal_keep_size.
  EXPECT_DOUBLE_EQ(*SecondsUntilExhausted(-4096.0, 10.0), 0);
}

TEST(RetainedLogHistory, ForgetsSamplesOlderThanItsWindow) {
  RetainedLogHistory h(seconds(60));
  const auto t0 = RetainedLogHistory::Clock::time_point{} + seconds(1000);
  h.Add(t0, 0);
  h.Add(t0 + seconds(10), 1'000'000);  // a burst, then flat for longer than the window
  EXPECT_DOUBLE_EQ(*h.Growth(), 100'000);
  for (int s = 20; s <= 100; s += 10) h.Add(t0 + seconds(s), 1'000'000);
  EXPECT_EQ(h.size(), 7u);  // 40 s .. 100 s
  EXPECT_DOUBLE_EQ(*h.Growth(), 0);
}

std::map<std::string, double> AsMap(const SourceLogTracker::Metrics& m) {
  return {m.begin(), m.end()};
}

TEST(SourceLogTracker, ProjectsOnlyOnceGrowthIsKnown) {
  SourceLogTracker tracker(nullptr);
  const auto t0 = RetainedLogHistory::Clock::time_point{} + seconds(50);
  SourceLogSample a;
  a.retained_bytes = 1e6;
  a.wal_status = "reserved";
  a.safe_wal_size = 5e8;
  a.disk_free_bytes = 2e9;
  a.disk_free_from = SourceLogSample::DiskFreeFrom::kMeasured;
  auto first = AsMap(tracker.FromAnswer(a, t0));
  EXPECT_EQ(first[metric::kRetainedSourceLogBytes], 1e6);
  EXPECT_EQ(first[metric::kSlotWalStatus], 0);
  EXPECT_EQ(first[metric::kSourceDiskFreeFrom], control::kDiskFreeMeasured);
  EXPECT_FALSE(first.contains(metric::kSourceLogGrowthBytesPerSecond));
  EXPECT_FALSE(first.contains(metric::kSourceDiskFullProjectedSeconds));
  EXPECT_FALSE(first.contains(metric::kSlotInvalidationProjectedSeconds));

  a.retained_bytes = 1e6 + 1e7;  // 1 MB/s over 10 s
  auto second = AsMap(tracker.FromAnswer(a, t0 + seconds(10)));
  EXPECT_DOUBLE_EQ(second[metric::kSourceLogGrowthBytesPerSecond], 1e6);
  EXPECT_DOUBLE_EQ(second[metric::kSourceDiskFullProjectedSeconds], 2000);
  EXPECT_DOUBLE_EQ(second[metric::kSlotInvalidationProjectedSeconds], 500);
}

TEST(SourceLogTracker, LeavesOutWhatTheSourceDidNotSay) {
  SourceLogTracker tracker(nullptr);
  const auto t0 = RetainedLogHistory::Clock::time_point{} + seconds(50);
  // A binlog source on another machine: retained and growing, nothing else known.
  SourceLogSample b;
  b.retained_bytes = 0;
  (void)tracker.FromAnswer(b, t0);
  b.retained_bytes = 5000;
  auto m = AsMap(tracker.FromAnswer(b, t0 + seconds(10)));
  EXPECT_DOUBLE_EQ(m[metric::kSourceLogGrowthBytesPerSecond], 500);
  for (const char* absent :
       {metric::kSlotWalStatus, metric::kSlotSafeWalSizeBytes, metric::kSourceDiskFreeBytes,
        metric::kSourceDiskFullProjectedSeconds, metric::kSlotInvalidationProjectedSeconds}) {
    EXPECT_FALSE(m.contains(absent)) << absent;
  }
  // The source stops answering: no retained figure, so no growth from the older samples.
  auto lost = tracker.FromAnswer(SourceLogSample{}, t0 + seconds(20));
  EXPECT_TRUE(lost.empty());
}

TEST(SourceLogTracker, MarksAStatedFreeSpaceAsStated) {
  SourceLogTracker tracker(nullptr);
  SourceLogSample s;
  s.disk_free_bytes = 1e12;
  s.disk_free_from = SourceLogSample::DiskFreeFrom::kStated;
  auto m = AsMap(tracker.FromAnswer(s, RetainedLogHistory::Clock::now()));
  EXPECT_EQ(m[metric::kSourceDiskFreeFrom], control::kDiskFreeStated);
}

TEST(IsLocalHost, KnowsLoopbackAndSocketsAndNothingElse) {
  for (const char* local : {"", "/run/postgresql", "@pg", "localhost", "LocalHost", "127.0.0.1",
                            "127.1.2.3", "::1", "[::1]", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(IsLocalHost(local)) << local;
  }
  for (const char* remote : {"db.example.com", "10.0.0.5", "128.0.0.1", "::2", "localhost.evil",
                             "[2001:db8::1]", "0.0.0.0"}) {
    EXPECT_FALSE(IsLocalHost(remote)) << remote;
  }
}

TEST(FreeBytesOfFirst, MeasuresTheFirstPathThatExists) {
  std::string measured;
  auto free = FreeBytesOfFirst({"/no/such/dir/anywhere", "/tmp"}, &measured);
  ASSERT_TRUE(free);
  EXPECT_GT(*free, 0);
  EXPECT_EQ(measured, "/tmp");
  EXPECT_FALSE(FreeBytesOfFirst({"/no/such/dir/anywhere", ""}));
}

}  // namespace
}  // namespace switchyard::pipeline::cdc
