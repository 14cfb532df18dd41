#include "tui/state_badges.h"

#include <cctype>

#include "tui/graph.h"

namespace switchyard::tui {

Badge TableStateBadge(state::TableState state, bool ascii) {
  const std::string name = state::TableStateName(state);
  switch (state) {
    case state::TableState::kTableCompleted:
      return {std::string(ascii ? "+ " : "✓ ") + name, Role::kOk};
    case state::TableState::kFullLoad:
    case state::TableState::kTableBeingReloaded:
      return {std::string(ascii ? "> " : "▸ ") + name, Role::kNormal};
    case state::TableState::kBeforeLoad:
      return {std::string(ascii ? ". " : "· ") + name, Role::kInactive};
    case state::TableState::kTableError:
      return {std::string(ascii ? "x ERR " : "✗ ERR ") + name, Role::kError};
    case state::TableState::kTableCancelled:
    case state::TableState::kTableDoesNotExist:
      return {std::string(ascii ? "- " : "– ") + name, Role::kWarn};
  }
  return {name, Role::kNormal};
}

Badge TaskStatusBadge(state::TaskStatus status, bool ascii) {
  std::string name = state::TaskStatusName(status);
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  switch (status) {
    case state::TaskStatus::kRunning:
      return {std::string(ascii ? "* " : "● ") + name, Role::kOk};
    case state::TaskStatus::kStarting:
    case state::TaskStatus::kStopping:
      return {std::string(ascii ? "~ " : "◐ ") + name, Role::kWarn};
    case state::TaskStatus::kFailed:
      return {std::string(ascii ? "x " : "✗ ") + name, Role::kError};
    case state::TaskStatus::kReady:
    case state::TaskStatus::kStopped:
      return {std::string(ascii ? "# " : "■ ") + name, Role::kInactive};
  }
  return {name, Role::kNormal};
}

Badge LatencyBadge(double seconds, bool ascii) {
  if (seconds > kLagSeconds) return {"LAG " + FormatGraphValue(seconds) + " s", Role::kWarn};
  return {std::string(ascii ? "ok " : "✓ ") + FormatGraphValue(seconds) + " s", Role::kOk};
}

std::string TaskPhase(const state::TaskRecord& task) {
  using state::TaskStatus;
  switch (task.status) {
    case TaskStatus::kReady:
      return "not started";
    case TaskStatus::kStarting:
      return "starting";
    case TaskStatus::kStopping:
      return "stopping";
    case TaskStatus::kStopped:
      return "stopped";
    case TaskStatus::kFailed:
      return "failed";
    case TaskStatus::kRunning:
      break;
  }
  const bool loading = task.tables_loading > 0 || task.tables_queued > 0;
  if (task.migration_type == "cdc") return "CDC";
  if (task.migration_type == "full-load") return "full load";
  return loading ? "full load + CDC" : "CDC";
}

}  // namespace switchyard::tui
