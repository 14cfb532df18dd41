#include "engine/control/source_log_metrics.h"

#include <algorithm>
#include <array>

#include "engine/control/engine_snapshot.h"

namespace switchyard::control {
namespace {

constexpr std::array<std::string_view, 4> kWalStatuses = {"reserved", "extended", "unreserved",
                                                          "lost"};

constexpr const char* kWhileKnown[] = {
    metric::kRetainedSourceLogBytes,
    metric::kSourceLogGrowthBytesPerSecond,
    metric::kSourceDiskFreeBytes,
    metric::kSourceDiskFreeFrom,
    metric::kSourceDiskFullProjectedSeconds,
    metric::kSlotWalStatus,
    metric::kSlotSafeWalSizeBytes,
    metric::kSlotInvalidationProjectedSeconds,
};

bool HasCurrentValue(const nlohmann::json& summary, const char* name) {
  return summary.contains(name) && summary[name].contains("Value") &&
         summary[name]["Value"].is_number();
}

void Explain(nlohmann::json& summary, const char* name, std::string why) {
  if (HasCurrentValue(summary, name)) return;
  if (!summary.contains(name)) summary[name] = {{"Value", nullptr}};
  summary[name]["Why"] = std::move(why);
}

}  // namespace

std::optional<double> WalStatusCode(std::string_view wal_status) {
  const auto it = std::find(kWalStatuses.begin(), kWalStatuses.end(), wal_status);
  if (it == kWalStatuses.end()) return std::nullopt;
  return static_cast<double>(it - kWalStatuses.begin());
}

std::string_view WalStatusName(double code) {
  for (size_t i = 0; i < kWalStatuses.size(); ++i) {
    if (code == static_cast<double>(i)) return kWalStatuses[i];
  }
  return "";
}

std::string_view DiskFreeFromName(double code) {
  if (code == kDiskFreeMeasured) return "statvfs";
  if (code == kDiskFreeStated) return "SwitchyardSettings.SourceDiskFreeBytes";
  return "";
}

bool IsPublishedOnlyWhileKnown(std::string_view name) {
  return std::any_of(std::begin(kWhileKnown), std::end(kWhileKnown),
                     [&](const char* n) { return name == n; });
}

bool IsCurrentSample(std::string_view name, std::string_view time,
                     std::string_view latest_publish) {
  return !IsPublishedOnlyWhileKnown(name) || latest_publish.empty() || time == latest_publish;
}

void ExplainSourceLogMetrics(nlohmann::json& summary) {
  std::string latest;
  if (summary.contains(metric::kEngineRssBytes) &&
      summary[metric::kEngineRssBytes].contains("Time")) {
    latest = summary[metric::kEngineRssBytes]["Time"].get<std::string>();
  }
  const bool probed = summary.contains(metric::kRetainedSourceLogBytes);
  for (const char* name : kWhileKnown) {
    if (!summary.contains(name)) continue;
    auto& m = summary[name];
    if (!m.contains("Time") || !IsCurrentSample(name, m["Time"].get<std::string>(), latest)) {
      m["Value"] = nullptr;
    }
  }
  if (HasCurrentValue(summary, metric::kSlotWalStatus)) {
    auto& m = summary[metric::kSlotWalStatus];
    m["Text"] = std::string(WalStatusName(m["Value"].get<double>()));
  }
  std::string from;
  if (HasCurrentValue(summary, metric::kSourceDiskFreeFrom)) {
    from = DiskFreeFromName(summary[metric::kSourceDiskFreeFrom]["Value"].get<double>());
  }
  summary.erase(metric::kSourceDiskFreeFrom);
  if (HasCurrentValue(summary, metric::kSourceDiskFreeBytes) && !from.empty()) {
    summary[metric::kSourceDiskFreeBytes]["From"] = from;
  }
  if (!probed) return;

  std::string growth_why;
  if (!HasCurrentValue(summary, metric::kSourceLogGrowthBytesPerSecond)) {
    growth_why = HasCurrentValue(summary, metric::kRetainedSourceLogBytes)
                     ? "growth not known yet: it needs samples of the retained log at least 5 s "
                       "apart (one every 10 s)"
                     : "the retained log is not known right now";
    Explain(summary, metric::kSourceLogGrowthBytesPerSecond, growth_why);
  } else if (summary[metric::kSourceLogGrowthBytesPerSecond]["Value"].get<double>() <= 0) {
    growth_why = "the retained log is not growing";
  }
  if (!HasCurrentValue(summary, metric::kSourceDiskFreeBytes)) {
    const std::string why =
        "the source's free disk space is unknown: it is measured only for a source on this "
        "machine whose data directory the engine may read (see the log); "
        "SwitchyardSettings.SourceDiskFreeBytes can state it";
    Explain(summary, metric::kSourceDiskFreeBytes, why);
    Explain(summary, metric::kSourceDiskFullProjectedSeconds,
            growth_why.empty() ? why : growth_why);
  } else if (!growth_why.empty()) {
    Explain(summary, metric::kSourceDiskFullProjectedSeconds, growth_why);
  }
  // Only PostgreSQL slots have a wal_status; a binlog has no slot to lose.
  if (!HasCurrentValue(summary, metric::kSlotWalStatus)) return;
  if (!HasCurrentValue(summary, metric::kSlotSafeWalSizeBytes)) {
    const std::string why =
        WalStatusName(summary[metric::kSlotWalStatus]["Value"].get<double>()) == "lost"
            ? "the slot is already invalidated"
            : "max_slot_wal_keep_size is not set on the source: the slot is never invalidated, "
              "its WAL is kept until the disk is full";
    Explain(summary, metric::kSlotSafeWalSizeBytes, why);
    Explain(summary, metric::kSlotInvalidationProjectedSeconds, why);
  } else if (!growth_why.empty()) {
    Explain(summary, metric::kSlotInvalidationProjectedSeconds, growth_why);
  }
}

}  // namespace switchyard::control
