#include "engine/pipeline/cdc/source_log_tracker.h"

#include "engine/control/engine_snapshot.h"
#include "engine/control/source_log_metrics.h"

namespace switchyard::pipeline::cdc {

namespace metric = control::metric;

SourceLogTracker::Metrics SourceLogTracker::Sample(RetainedLogHistory::Clock::time_point now) {
  return FromAnswer(probe_ ? probe_() : SourceLogSample{}, now);
}

SourceLogTracker::Metrics SourceLogTracker::FromAnswer(const SourceLogSample& answer,
                                                       RetainedLogHistory::Clock::time_point now) {
  Metrics out;
  // Without a retained figure now, an older slope would describe a past the source may have
  // left (a slot recreated, a server restarted): no growth, so no projections either.
  std::optional<double> growth;
  if (answer.retained_bytes) {
    history_.Add(now, *answer.retained_bytes);
    growth = history_.Growth();
    out.emplace_back(metric::kRetainedSourceLogBytes, *answer.retained_bytes);
  }
  if (growth) out.emplace_back(metric::kSourceLogGrowthBytesPerSecond, *growth);
  if (auto code = control::WalStatusCode(answer.wal_status)) {
    out.emplace_back(metric::kSlotWalStatus, *code);
  }
  if (answer.safe_wal_size) out.emplace_back(metric::kSlotSafeWalSizeBytes, *answer.safe_wal_size);
  if (answer.disk_free_bytes) {
    out.emplace_back(metric::kSourceDiskFreeBytes, *answer.disk_free_bytes);
    out.emplace_back(metric::kSourceDiskFreeFrom,
                     answer.disk_free_from == SourceLogSample::DiskFreeFrom::kStated
                         ? control::kDiskFreeStated
                         : control::kDiskFreeMeasured);
  }
  if (auto t = SecondsUntilExhausted(answer.disk_free_bytes, growth)) {
    out.emplace_back(metric::kSourceDiskFullProjectedSeconds, *t);
  }
  if (auto t = SecondsUntilExhausted(answer.safe_wal_size, growth)) {
    out.emplace_back(metric::kSlotInvalidationProjectedSeconds, *t);
  }
  return out;
}

}  // namespace switchyard::pipeline::cdc
