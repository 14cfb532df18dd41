// The console's views. Each is a pure function of the engine snapshot, its view state and the
// rectangle it gets: it draws into ctx.win and does nothing else (no refresh, no I/O, no state
// change), so the headless golden tests render exactly what an operator sees.
//
// UI thread only (curses).
#pragma once

#include <vector>

#include "engine/control/engine_snapshot.h"
#include "tui/console_state.h"
#include "tui/key_registry.h"
#include "tui/view_context.h"

namespace switchyard::tui {

// Task identity and progress, CDC latency graphs, changes, storage, table counts, alarms.
void DrawOverview(const ViewContext& ctx, Rect area, const control::EngineSnapshot& snapshot);

// One row per table; the detail pane (Enter) beside it on wide screens, instead of it on
// narrow ones.
void DrawTablesView(const ViewContext& ctx, Rect area, const control::EngineSnapshot& snapshot,
                    const TablesViewState& state);

// Apply exceptions, newest first; the detail shows the statement and the server's message.
void DrawExceptionsView(const ViewContext& ctx, Rect area, const control::EngineSnapshot& snapshot,
                        const ListState& state);

// The log tail with the severity/component filters and the search term marked.
void DrawLogsView(const ViewContext& ctx, Rect area, const control::EngineSnapshot& snapshot,
                  const LogsViewState& state);

// Every toast with its time, newest first.
void DrawMessagesView(const ViewContext& ctx, Rect area, const std::vector<Toast>& toasts,
                      const ListState& state);

// The place runbooks will take (a later issue).
void DrawRunbooksView(const ViewContext& ctx, Rect area);

// Every key of the registry (the read-only one under --readonly), scrolled by `scroll` lines;
// with a `filter` (`/`), only the matching keys, the match marked in each line.
void DrawHelpView(const ViewContext& ctx, Rect area, const KeyRegistry& registry, int scroll,
                  const std::string& filter);

}  // namespace switchyard::tui
