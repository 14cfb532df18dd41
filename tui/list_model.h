// What the list views show, as pure functions of the snapshot and the view state: the tables
// sorted and filtered, the apply exceptions filtered, the log lines filtered. Kept apart from
// drawing so key handling (which row is selected, what Enter opens) and tests use the very same
// rows the screen shows. Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/control/engine_snapshot.h"
#include "tui/console_state.h"

namespace switchyard::tui {

// "public.orders".
std::string QualifiedName(const state::TableRecord& table);

// Case-insensitive substring match of `filter` in `text`; a leading '!' inverts; "" matches.
bool MatchesFilter(std::string_view text, std::string_view filter);

// The column's header text ("Table", "State", "FullLoadRows", "Inserts", ...), DMS names.
const char* TableColumnName(TableColumn column);

// Tables whose name, target name, state or last error match the filter, sorted by the state's
// column (ties by name), reversed when asked.
std::vector<const state::TableRecord*> VisibleTables(const control::EngineSnapshot& snapshot,
                                                     const TablesViewState& state);

// Apply exceptions (newest first) whose table, operation or error match the filter.
std::vector<const state::ApplyExceptionRecord*> VisibleExceptions(
    const control::EngineSnapshot& snapshot, const ListState& state);

// Log entries (oldest first) at or above the minimum severity, of the chosen component.
std::vector<const logging::LogEntry*> VisibleLogs(const control::EngineSnapshot& snapshot,
                                                  const LogsViewState& state);

// Toasts, newest first, whose level name ("INFO", "WARN", "ERROR") or text match the filter.
std::vector<const Toast*> VisibleToasts(const std::vector<Toast>& toasts, const ListState& state);

// The help listing (KeyRegistry::HelpListing) cut down to the key lines that match `filter`
// (MatchesFilter), each under its group's title; groups without a match are left out, and a
// blank line separates the groups. The whole listing when the filter is empty.
std::vector<std::string> FilterHelpListing(const std::vector<std::string>& listing,
                                           std::string_view filter);

// The help screen's lines at `width` cells: FilterHelpListing, with descriptions too long for
// the width wrapped under the description column (so "[dangerous: asks to confirm]" is never
// cut off). Key handling scrolls over the same lines the view draws.
std::vector<std::string> HelpLines(const KeyRegistry& registry, std::string_view filter, int width);

// A log line as the Logs view prints it: "12:34:56.789 I TARGET_LOAD loaded 10 rows table=x".
std::string LogLineText(const logging::LogEntry& entry);

// Clamps a selection into [0, count - 1] (0 when count is 0).
int ClampSelection(int selected, int count);

// The first row to show so that `selected` is visible in `visible` rows: the list scrolls only
// when the selection would leave the window.
int FirstVisibleRow(int selected, int count, int visible);

}  // namespace switchyard::tui
