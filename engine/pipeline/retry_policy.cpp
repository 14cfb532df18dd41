#include "engine/pipeline/retry_policy.h"

#include <algorithm>

namespace switchyard::pipeline {

std::optional<std::chrono::seconds> RetryPolicy::DelayBefore(int attempt) const {
  if (attempt < 1) return std::chrono::seconds(0);
  if (settings_.recoverable_error_count >= 0 && attempt > settings_.recoverable_error_count) {
    return std::nullopt;
  }
  const int64_t first = std::max<int64_t>(0, settings_.recoverable_error_interval);
  if (!settings_.recoverable_error_throttling) return std::chrono::seconds(first);
  const int64_t max = std::max<int64_t>(first, settings_.recoverable_error_throttling_max);
  int64_t delay = first;
  for (int i = 1; i < attempt; ++i) {
    delay = delay == 0 ? 0 : delay * 2;
    if (delay > max) {
      if (settings_.recoverable_error_stop_retry_after_throttling_max) return std::nullopt;
      delay = max;
      break;
    }
  }
  return std::chrono::seconds(delay);
}

}  // namespace switchyard::pipeline
