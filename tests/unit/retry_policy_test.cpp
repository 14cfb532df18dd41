#include "engine/pipeline/retry_policy.h"

#include <gtest/gtest.h>

namespace switchyard::pipeline {
namespace {

using std::chrono::seconds;

TEST(RetryPolicy, DmsDefaultsDoubleFromFiveSecondsAndStopPastThirtyMinutes) {
  RetryPolicy p(config::ErrorBehavior{});
  EXPECT_EQ(p.DelayBefore(1), seconds(5));
  EXPECT_EQ(p.DelayBefore(2), seconds(10));
  EXPECT_EQ(p.DelayBefore(9), seconds(1280));
  EXPECT_EQ(p.DelayBefore(10), std::nullopt);  // 2560 s would pass RecoverableErrorThrottlingMax
}

TEST(RetryPolicy, CountBoundsTheAttemptsAndZeroMeansNoRetry) {
  config::ErrorBehavior s;
  s.recoverable_error_count = 2;
  EXPECT_TRUE(RetryPolicy(s).DelayBefore(2).has_value());
  EXPECT_EQ(RetryPolicy(s).DelayBefore(3), std::nullopt);
  s.recoverable_error_count = 0;
  EXPECT_EQ(RetryPolicy(s).DelayBefore(1), std::nullopt);
}

TEST(RetryPolicy, WithoutThrottlingTheIntervalStaysAndThrottlingMaxCapsWhenRetriesGoOn) {
  config::ErrorBehavior s;
  s.recoverable_error_throttling = false;
  s.recoverable_error_interval = 3;
  EXPECT_EQ(RetryPolicy(s).DelayBefore(7), seconds(3));
  s.recoverable_error_throttling = true;
  s.recoverable_error_throttling_max = 10;
  s.recoverable_error_stop_retry_after_throttling_max = false;
  EXPECT_EQ(RetryPolicy(s).DelayBefore(3), seconds(10));
  EXPECT_EQ(RetryPolicy(s).DelayBefore(8), seconds(10));
}

}  // namespace
}  // namespace switchyard::pipeline
