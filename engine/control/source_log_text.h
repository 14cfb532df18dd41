// The source-log part of a MetricSummary as lines for `switchyard status` (people, not
// scripts): retained log and growth, the source's free disk space and when it would be full,
// and for PostgreSQL the slot's wal_status and when it would be invalidated.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace switchyard::control {

// "12.5 MB", "3.0 GB": 1024-based, one decimal.
std::string HumanBytes(double bytes);
// "45 s", "12 min", "3 h 20 min", "2 d 4 h": the two largest units, rounded down.
std::string HumanDuration(double seconds);

// Empty when the summary has no RetainedSourceLogBytes (a full-load task, or nothing probed
// yet); else lines ending in '\n'. Expects ExplainSourceLogMetrics to have run on `summary`.
std::string DescribeSourceLog(const nlohmann::json& summary);

}  // namespace switchyard::control
