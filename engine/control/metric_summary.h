// The task's metrics as `switchyard status --json` shows them: each metric's newest value and
// time, and for the two CDC latencies their p50/p95/p99 over the last minutes of history.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/state/state_store.h"

namespace switchyard::control {

// {"CDCLatencyTarget": {"Value": 0.4, "Time": "...", "P50": .., "P95": .., "P99": ..,
//  "WindowSeconds": 300}, "CDCIncomingChanges": {"Value": 12, "Time": "..."}, ...}: only the
// metrics the engine has published. Percentiles use the samples of the last `window_seconds`.
// The source-log entries are explained as source_log_metrics.h says (null when unknown now).
Result<nlohmann::json> MetricSummary(state::StateStore& store, int window_seconds = 300);

// The q-quantile (0..1) of `values` by nearest rank; 0 when empty.
double Quantile(std::vector<double> values, double q);

}  // namespace switchyard::control
