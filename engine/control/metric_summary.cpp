#include "engine/control/metric_summary.h"

#include <algorithm>
#include <cmath>

#include "engine/control/engine_snapshot.h"
#include "engine/control/source_log_metrics.h"
#include "engine/logging/iso_time.h"

namespace switchyard::control {
namespace {

constexpr const char* kPublished[] = {
    metric::kCdcLatencySource,
    metric::kCdcLatencyTarget,
    metric::kCdcIncomingChanges,
    metric::kCdcChangesMemorySource,
    metric::kCdcChangesMemoryTarget,
    metric::kCdcChangesDiskSource,
    metric::kCdcChangesDiskTarget,
    metric::kCdcThroughputRowsSource,
    metric::kCdcThroughputRowsTarget,
    metric::kCdcThroughputBandwidthSource,
    metric::kCdcThroughputBandwidthTarget,
    metric::kFullLoadThroughputRowsTarget,
    metric::kRetainedSourceLogBytes,
    metric::kStateDirFreeBytes,
    metric::kEngineCpuPercent,
    metric::kEngineRssBytes,
    metric::kSourceLogGrowthBytesPerSecond,
    metric::kSourceDiskFreeBytes,
    metric::kSourceDiskFreeFrom,
    metric::kSourceDiskFullProjectedSeconds,
    metric::kSlotWalStatus,
    metric::kSlotSafeWalSizeBytes,
    metric::kSlotInvalidationProjectedSeconds,
};

}  // namespace

double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

Result<nlohmann::json> MetricSummary(state::StateStore& store, int window_seconds) {
  nlohmann::json out = nlohmann::json::object();
  for (const char* name : kPublished) {
    SY_ASSIGN_OR_RETURN(auto newest, store.ListMetrics(name, 1));
    if (newest.empty()) continue;
    nlohmann::json m = {{"Value", newest[0].value}, {"Time", newest[0].time}};
    const std::string_view n(name);
    if (n == metric::kCdcLatencySource || n == metric::kCdcLatencyTarget) {
      const std::string since = logging::FormatIsoUtc(std::chrono::system_clock::now() -
                                                      std::chrono::seconds(window_seconds));
      SY_ASSIGN_OR_RETURN(auto history, store.ListMetricsSince(name, since, 100000));
      std::vector<double> values;
      for (const auto& r : history) values.push_back(r.value);
      m["P50"] = Quantile(values, 0.50);
      m["P95"] = Quantile(values, 0.95);
      m["P99"] = Quantile(values, 0.99);
      m["WindowSeconds"] = window_seconds;
    }
    out[name] = std::move(m);
  }
  ExplainSourceLogMetrics(out);
  SY_ASSIGN_OR_RETURN(int64_t unresolved, store.CountUnresolvedApplyExceptions());
  out[metric::kApplyExceptions] = {{"Value", unresolved}};
  return out;
}

}  // namespace switchyard::control
