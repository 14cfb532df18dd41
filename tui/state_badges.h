// Words and glyphs that carry state on screen, so nothing is told by colour alone (the console
// issue's convention: ERR, LAG, a check mark). Each badge says which palette role colours it;
// the text alone must be enough. Pure, thread-safe.
#pragma once

#include <string>

#include "engine/state/records.h"
#include "tui/theme.h"

namespace switchyard::tui {

struct Badge {
  std::string text;
  Role role = Role::kNormal;
};

// "✓ Table completed", "▸ Full load", "· Before load", "✗ ERR Table error", ... With `ascii`,
// "+", ">", ".", "x" replace the glyphs.
Badge TableStateBadge(state::TableState state, bool ascii);

// "● RUNNING", "■ STOPPED", "✗ FAILED", ... (ASCII: "*", "#", "x", ...).
Badge TaskStatusBadge(state::TaskStatus status, bool ascii);

// Latency above kLagSeconds is "LAG" (warn), otherwise "ok" (ok); with the value: "LAG 42.0 s".
inline constexpr double kLagSeconds = 10.0;
Badge LatencyBadge(double seconds, bool ascii);

// What the task is doing, for the header: "full load", "CDC", "starting", "stopped", ...
std::string TaskPhase(const state::TaskRecord& task);

}  // namespace switchyard::tui
