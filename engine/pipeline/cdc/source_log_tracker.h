// Turns the source-log probe's answers into the metrics TaskMetrics publishes: the retained
// log, its growth over the last minutes, the slot's wal_status/safe_wal_size, the source's free
// disk space, and the two projections (disk full, slot invalidated) at the current growth.
// What is unknown is left out (never published as a number); source_log_metrics.h explains
// the gaps to readers.
//
// Threads: one owner thread (TaskMetrics' publisher). The probe may block on the source.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/pipeline/cdc/log_growth.h"
#include "engine/pipeline/cdc/retained_log.h"

namespace switchyard::pipeline::cdc {

class SourceLogTracker {
 public:
  using Metrics = std::vector<std::pair<std::string, double>>;

  explicit SourceLogTracker(SourceLogProbe probe) : probe_(std::move(probe)) {}

  // Probes once and returns the metrics known at `now`.
  Metrics Sample(RetainedLogHistory::Clock::time_point now);
  // The same from an answer already in hand (what Sample does after probing; for tests).
  Metrics FromAnswer(const SourceLogSample& answer, RetainedLogHistory::Clock::time_point now);

 private:
  SourceLogProbe probe_;
  RetainedLogHistory history_;
};

}  // namespace switchyard::pipeline::cdc
