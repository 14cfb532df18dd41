#include "tui/storage_lines.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "engine/control/source_log_metrics.h"
#include "tui/format.h"

namespace switchyard::tui {
namespace {

namespace metric = control::metric;

std::optional<double> Metric(const control::EngineSnapshot& snapshot, const char* name) {
  auto it = snapshot.metrics.find(name);
  if (it == snapshot.metrics.end() || !std::isfinite(it->second)) return std::nullopt;
  return it->second;
}

constexpr const char* kUnknown = "unknown";

StorageLine Plain(std::string label, std::string value) {
  StorageLine line;
  line.label = std::move(label);
  line.value = std::move(value);
  return line;
}

// A line whose fact raises an alarm: its value carries the glyph or word.
StorageLine Alarming(std::string label, std::string value, Role role) {
  StorageLine line = Plain(std::move(label), std::move(value));
  line.role = role;
  line.alarming = true;
  return line;
}

// "in 3h20m" for a projection; "! in 45m" (warning) under the alarm threshold.
StorageLine Projection(const control::EngineSnapshot& snapshot, const char* label, const char* name,
                       double threshold) {
  const auto seconds = Metric(snapshot, name);
  if (!seconds) return Plain(label, kUnknown);
  const std::string in = "in " + FormatDurationCoarse(static_cast<int64_t>(*seconds));
  if (*seconds < threshold) return Alarming(label, "! " + in, Role::kWarn);
  return Plain(label, in);
}

}  // namespace

std::vector<StorageLine> StorageLines(const control::EngineSnapshot& snapshot,
                                      const AlarmThresholds& thresholds, bool ascii) {
  std::vector<StorageLine> lines;
  // A full-load task never reads the source's log, so it has no figures to show for it.
  const bool source_log = snapshot.task.migration_type != "full-load";
  const auto retained = Metric(snapshot, metric::kRetainedSourceLogBytes);
  lines.push_back(Plain("WAL/binlog", retained     ? FormatBytes(*retained)
                                      : source_log ? kUnknown
                                                   : "-"));
  if (source_log) {
    const auto growth = Metric(snapshot, metric::kSourceLogGrowthBytesPerSecond);
    lines.push_back(Plain("growth", !growth       ? kUnknown
                                    : *growth > 0 ? "+" + FormatBytes(*growth) + "/s"
                                                  : std::string("not growing")));
    lines.push_back(Projection(snapshot, "disk full", metric::kSourceDiskFullProjectedSeconds,
                               thresholds.projection_seconds));
    // PostgreSQL: the slot's figures. The source's description says which engine it is; a
    // published wal_status says so too (--attach before the description is known).
    const bool postgres = snapshot.source.rfind("postgres", 0) == 0 ||
                          snapshot.metrics.count(metric::kSlotWalStatus) > 0;
    const auto status = Metric(snapshot, metric::kSlotWalStatus);
    const bool lost = status && *status >= *control::WalStatusCode("lost");
    if (postgres) {
      // A lost slot cannot be invalidated again: its line says so instead of a projection.
      lines.push_back(lost ? Alarming("slot invalid", "already (lost)", Role::kError)
                           : Projection(snapshot, "slot invalid",
                                        metric::kSlotInvalidationProjectedSeconds,
                                        thresholds.projection_seconds));
    }
    const auto free = Metric(snapshot, metric::kSourceDiskFreeBytes);
    const auto from = Metric(snapshot, metric::kSourceDiskFreeFrom);
    StorageLine source_free = Plain("source free", kUnknown);
    if (free) {
      source_free.short_value = FormatBytes(*free);
      source_free.value = source_free.short_value;
      if (from && *from == control::kDiskFreeMeasured) source_free.value += " measured";
      if (from && *from == control::kDiskFreeStated) source_free.value += " stated";
    }
    lines.push_back(std::move(source_free));
    if (postgres) {
      StorageLine wal = Plain("wal_status", kUnknown);
      if (status) {
        const std::string name(control::WalStatusName(*status));
        wal.value = name.empty() ? kUnknown : name;
        if (name == "unreserved") {
          wal = Alarming("wal_status", "! unreserved", Role::kWarn);
        } else if (lost) {
          wal = Alarming("wal_status", std::string(ascii ? "x " : "✗ ") + name, Role::kError);
        }
      }
      lines.push_back(std::move(wal));
      const auto safe = Metric(snapshot, metric::kSlotSafeWalSizeBytes);
      lines.push_back(Plain("safe_wal_size", safe ? FormatBytes(*safe) : kUnknown));
    }
  }
  // The state directory's file system: the state store and the spill files live there.
  const auto state_free = Metric(snapshot, metric::kStateDirFreeBytes);
  StorageLine state = Plain("state dir", state_free ? FormatBytes(*state_free) + " free" : "-");
  if (state_free && *state_free < thresholds.low_free_bytes) {
    state = Alarming("state dir", "LOW " + state.value, Role::kWarn);
    state.short_value = "LOW " + FormatBytes(*state_free);
  }
  lines.push_back(std::move(state));
  const auto rss = Metric(snapshot, metric::kEngineRssBytes);
  lines.push_back(Plain("engine RSS", rss ? FormatBytes(*rss) : "-"));
  // Alarming lines right after the retained log, each group in its usual order.
  std::stable_partition(lines.begin() + 1, lines.end(),
                        [](const StorageLine& line) { return line.alarming; });
  return lines;
}

}  // namespace switchyard::tui
