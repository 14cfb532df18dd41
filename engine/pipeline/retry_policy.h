// RetryPolicy: how long to wait before the next attempt after a recoverable error (a lost
// connection), from DMS's ErrorBehavior settings. Pure: the caller sleeps.
//
// RecoverableErrorInterval is the first wait; with RecoverableErrorThrottling each further wait
// doubles up to RecoverableErrorThrottlingMax. RecoverableErrorCount bounds the attempts
// (0: none, -1: no fixed count); with RecoverableErrorStopRetryAfterThrottlingMax the retries
// also end once a wait would exceed the maximum, so -1 does not mean forever.
#pragma once

#include <chrono>
#include <optional>

#include "engine/config/settings.h"

namespace switchyard::pipeline {

class RetryPolicy {
 public:
  explicit RetryPolicy(const config::ErrorBehavior& settings) : settings_(settings) {}

  // The wait before retry number `attempt` (1 = the first retry), or nullopt: give up.
  std::optional<std::chrono::seconds> DelayBefore(int attempt) const;

 private:
  config::ErrorBehavior settings_;
};

}  // namespace switchyard::pipeline
