#include "engine/control/source_log_text.h"

#include <cmath>
#include <cstdio>

#include "engine/control/engine_snapshot.h"

namespace switchyard::control {
namespace {

// The metric's current value, or nullptr (absent, or null because it is unknown now).
const nlohmann::json* Current(const nlohmann::json& summary, const char* name) {
  if (!summary.contains(name)) return nullptr;
  const auto& m = summary[name];
  if (!m.contains("Value") || !m["Value"].is_number()) return nullptr;
  return &m["Value"];
}

std::string Why(const nlohmann::json& summary, const char* name) {
  if (summary.contains(name) && summary[name].contains("Why")) {
    return "unknown (" + summary[name]["Why"].get<std::string>() + ")";
  }
  return "unknown";
}

}  // namespace

std::string HumanBytes(double bytes) {
  static const char* kUnits[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  const bool negative = bytes < 0;
  double v = std::fabs(bytes);
  size_t unit = 0;
  while (v >= 1024 && unit + 1 < std::size(kUnits)) {
    v /= 1024;
    ++unit;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, unit == 0 ? "%s%.0f %s" : "%s%.1f %s", negative ? "-" : "", v,
                kUnits[unit]);
  return buf;
}

std::string HumanDuration(double seconds) {
  const auto s = static_cast<long long>(std::max(0.0, std::floor(seconds)));
  char buf[64];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%lld s", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%lld min", s / 60);
  } else if (s < 86400) {
    std::snprintf(buf, sizeof buf, "%lld h %lld min", s / 3600, s % 3600 / 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld d %lld h", s / 86400, s % 86400 / 3600);
  }
  return buf;
}

std::string DescribeSourceLog(const nlohmann::json& summary) {
  if (!summary.contains(metric::kRetainedSourceLogBytes)) return "";
  std::string out = "Source log: ";
  if (const auto* retained = Current(summary, metric::kRetainedSourceLogBytes)) {
    out += HumanBytes(retained->get<double>()) + " retained behind the checkpoint";
  } else {
    out += "retained size unknown right now";
  }
  if (const auto* growth = Current(summary, metric::kSourceLogGrowthBytesPerSecond)) {
    out += ", " + HumanBytes(growth->get<double>()) + "/s over the last minutes";
  }
  out += "\n  Source disk: ";
  if (const auto* free = Current(summary, metric::kSourceDiskFreeBytes)) {
    out += HumanBytes(free->get<double>()) + " free";
    if (summary[metric::kSourceDiskFreeBytes].contains("From")) {
      out += " (" + summary[metric::kSourceDiskFreeBytes]["From"].get<std::string>() + ")";
    }
  } else {
    out += "free space unknown";
  }
  out += "; full in ";
  if (const auto* t = Current(summary, metric::kSourceDiskFullProjectedSeconds)) {
    out += HumanDuration(t->get<double>()) + " at this growth";
  } else {
    out += Why(summary, metric::kSourceDiskFullProjectedSeconds);
  }
  out += "\n";
  if (Current(summary, metric::kSlotWalStatus) != nullptr) {
    out += "  Slot: wal_status " + summary[metric::kSlotWalStatus].value("Text", std::string("?"));
    if (const auto* safe = Current(summary, metric::kSlotSafeWalSizeBytes)) {
      out += ", safe_wal_size " + HumanBytes(safe->get<double>());
    }
    out += "; invalidated in ";
    if (const auto* t = Current(summary, metric::kSlotInvalidationProjectedSeconds)) {
      out += HumanDuration(t->get<double>()) + " at this growth";
    } else {
      out += Why(summary, metric::kSlotInvalidationProjectedSeconds);
    }
    out += "\n";
  }
  return out;
}

}  // namespace switchyard::control
