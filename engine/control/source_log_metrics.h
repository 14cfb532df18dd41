// Reading the source-log metrics back (RetainedSourceLogBytes, the slot's wal_status and
// safe_wal_size, growth, source disk free space and the two projections) without showing a
// stale figure as if it were current.
//
// The engine publishes these only while it knows them (an unknown value is never written as a
// number), so the newest stored sample can be from before the engine lost track, e.g. a source
// that stopped answering. A reader therefore takes one only when it belongs to the latest
// publish: the batch that also carries EngineRssBytes, which every publish has. Metrics hold
// numbers, so wal_status and where the free space comes from are stored as codes; the names
// are here.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace switchyard::control {

// SlotWalStatus: PostgreSQL's wal_status in order of danger (reserved 0, extended 1,
// unreserved 2, lost 3); nullopt for anything else.
std::optional<double> WalStatusCode(std::string_view wal_status);
std::string_view WalStatusName(double code);  // "" when not a code

// SourceDiskFreeFrom: measured with statvfs on the source's directory, or stated by the
// operator (SwitchyardSettings.SourceDiskFreeBytes).
inline constexpr double kDiskFreeMeasured = 1;
inline constexpr double kDiskFreeStated = 2;
std::string_view DiskFreeFromName(double code);  // "statvfs", "SwitchyardSettings...", ""

// Published only while known (the rule above applies to them).
bool IsPublishedOnlyWhileKnown(std::string_view name);

// Is a sample of `name` taken at `time` current, given the time of the newest EngineRssBytes
// sample (`latest_publish`, empty when there is none)?
bool IsCurrentSample(std::string_view name, std::string_view time, std::string_view latest_publish);

// Rewrites the source-log entries of a MetricSummary (name -> {"Value", "Time"}) for people:
// a stale one gets "Value": null (its "Time" says when it was last known); SlotWalStatus gains
// "Text", SourceDiskFreeBytes "From"; the code metric SourceDiskFreeFrom is folded in. When
// the task probes the source log at all (RetainedSourceLogBytes was published), each unknown
// projection is present with "Value": null and "Why" (not growing, free space unknown,
// max_slot_wal_keep_size not set, ...), so an operator sees the reason, not a gap.
void ExplainSourceLogMetrics(nlohmann::json& summary);

}  // namespace switchyard::control
