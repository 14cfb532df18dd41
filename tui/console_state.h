// The console's view state: which view is showing, each list's selection, sort, filter and
// detail pane, the log filters, and the messages (toasts). Plain values owned by ConsoleApp on
// the UI thread; views read them (const) to draw, key handling changes them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/logging/iso_time.h"
#include "engine/logging/log_component.h"
#include "tui/key_registry.h"

namespace switchyard::tui {

// A selectable list: the selected row (clamped to the rows there are when drawn).
struct ListState {
  int selected = 0;
  bool detail = false;  // Enter opened the detail pane
  std::string filter;   // `/` text; a leading '!' inverts
};

// Columns of the Tables view, in order; sorting cycles through them.
enum class TableColumn {
  kName,
  kState,
  kFullLoadRows,
  kInserts,
  kUpdates,
  kDeletes,
  kDdls,
  kValidation,
  kLastError,
};
inline constexpr int kTableColumnCount = 9;

struct TablesViewState {
  ListState list;
  TableColumn sort = TableColumn::kName;
  bool reverse = false;
};

struct LogsViewState {
  int selected = 0;    // index into the filtered lines, when not following
  bool follow = true;  // show the newest lines; moving up turns it off
  logging::Severity min_severity = logging::Severity::kDetailedDebug;  // shows everything
  std::optional<logging::Component> component;                         // nullopt: all
  std::string search;                                                  // `/` text
};

enum class ToastLevel { kInfo, kWarning, kError };
const char* ToastLevelName(ToastLevel level);  // "INFO", "WARN", "ERROR"

struct Toast {
  logging::TimePoint time;
  ToastLevel level = ToastLevel::kInfo;
  std::string text;
};

struct ConsoleState {
  View view = View::kOverview;
  TablesViewState tables;
  ListState exceptions;
  LogsViewState logs;
  ListState messages;
  int help_scroll = 0;
  std::string help_filter;    // `/` in help: only the keys whose line matches
  std::vector<Toast> toasts;  // oldest first; the last is the one flashed while fresh
  bool paused = false;        // Space: keep showing the snapshot we have
};

}  // namespace switchyard::tui
