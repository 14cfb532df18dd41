// The key table the console ships with. Conventions (see docs and the console issue): `?` help,
// `/` filter, `:` command line, Esc backs out, `q` quits, vim keys beside the arrows, numbers and
// Tab switch views, every F-key has a letter twin, and nothing destructive sits on a key that is
// harmless in vim or less. Destructive actions use capital letters so that one stray lower-case
// key press cannot even open their confirm dialog.
#include "tui/key_registry.h"

namespace switchyard::tui {
namespace {

using NK = NamedKey;

KeyAction Action(std::string id, std::vector<Key> keys, std::string hint, std::string description,
                 ViewMask views, int footer_priority) {
  KeyAction action;
  action.id = std::move(id);
  action.keys = std::move(keys);
  action.hint = std::move(hint);
  action.description = std::move(description);
  action.views = views;
  action.footer_priority = footer_priority;
  return action;
}

KeyAction Changing(KeyAction action) {
  action.changes_state = true;
  return action;
}

KeyAction Dangerous(KeyAction action) {
  action.changes_state = true;
  action.dangerous = true;
  return action;
}

constexpr ViewMask kListViews = ViewBit(View::kTables) | ViewBit(View::kExceptions) |
                                ViewBit(View::kLogs) | ViewBit(View::kRunbooks) |
                                ViewBit(View::kMessages) | ViewBit(View::kHelp);

std::vector<KeyAction> DefaultActions() {
  const ViewMask all = kAllViews;
  const ViewMask tables = ViewBit(View::kTables);
  const ViewMask exceptions = ViewBit(View::kExceptions);
  const ViewMask logs = ViewBit(View::kLogs);
  const ViewMask runbooks = ViewBit(View::kRunbooks);
  const ViewMask overview = ViewBit(View::kOverview);
  const ViewMask with_detail = ViewBit(View::kTables) | ViewBit(View::kExceptions);
  // The views with a list to filter (the Overview and the Runbooks placeholder have none).
  const ViewMask filterable = ViewBit(View::kTables) | ViewBit(View::kExceptions) |
                              ViewBit(View::kLogs) | ViewBit(View::kMessages) |
                              ViewBit(View::kHelp);
  return {
      // Everywhere. Footer priorities 0-9 are the global keys an operator needs first.
      Action("help", {Key::Char('?'), Key::F(1)}, "help", "Show every key and what it does", all,
             0),
      Action("quit", {Key::Char('q'), Key::F(10), Key::Ctrl('c')}, "quit",
             "Close this view; on the first view leave the console (asks while a task runs)", all,
             1),
      Action("back", {Key::Named(NK::kEscape)}, "back", "Back out of the current view or mode", all,
             50),
      Action("filter", {Key::Char('/')}, "filter",
             "Filter the list (in Help: search the keys); a leading ! inverts", filterable, 3),
      Action("command", {Key::Char(':')}, "command",
             "Command line: :tables, :reload TABLE, :theme NAME, :q", all, 4),
      Action("next_view", {Key::Named(NK::kTab)}, "next view", "Go to the next view", all, 60),
      Action("previous_view", {Key::Named(NK::kBackTab)}, "prev view", "Go to the previous view",
             all, -1),
      Action("view_overview", {Key::Char('1')}, "overview", "Go to the Overview", all, -1),
      Action("view_tables", {Key::Char('2')}, "tables", "Go to Tables", all, -1),
      Action("view_exceptions", {Key::Char('3')}, "exceptions", "Go to Apply exceptions", all, -1),
      Action("view_logs", {Key::Char('4')}, "logs", "Go to Logs", all, -1),
      Action("view_runbooks", {Key::Char('5')}, "runbooks", "Go to Runbooks", all, -1),
      Action("view_messages", {Key::Char('6')}, "messages",
             "Go to Messages (every toast, with time)", all, -1),
      Action("pause", {Key::Char(' ')}, "pause", "Pause or resume live refresh of the screen", all,
             40),
      Action("redraw", {Key::Ctrl('l')}, "redraw", "Redraw the whole screen", all, -1),
      Action("theme_next", {Key::Char('T')}, "theme", "Switch to the next colour theme", all, -1),

      // Moving in lists.
      Action("up", {Key::Named(NK::kUp), Key::Char('k')}, "up", "Move up one row", kListViews, -1),
      Action("down", {Key::Named(NK::kDown), Key::Char('j')}, "down", "Move down one row",
             kListViews, -1),
      Action("page_up", {Key::Named(NK::kPageUp), Key::Ctrl('b')}, "page up", "Move up one page",
             kListViews, -1),
      Action("page_down", {Key::Named(NK::kPageDown), Key::Ctrl('f')}, "page down",
             "Move down one page", kListViews, -1),
      Action("half_page_up", {Key::Ctrl('u')}, "half up", "Move up half a page", kListViews, -1),
      Action("half_page_down", {Key::Ctrl('d')}, "half down", "Move down half a page", kListViews,
             -1),
      Action("top", {Key::Named(NK::kHome), Key::Char('g')}, "top", "Go to the first row",
             kListViews, -1),
      Action("bottom", {Key::Named(NK::kEnd), Key::Char('G')}, "bottom", "Go to the last row",
             kListViews, -1),
      // Only Tables and Exceptions have a detail pane (the footer shows only keys that work).
      Action("details", {Key::Named(NK::kEnter), Key::Named(NK::kRight), Key::Char('l')}, "details",
             "Open the selected row's details", with_detail, 10),
      Action("scroll_left", {Key::Named(NK::kLeft), Key::Char('h')}, "left",
             "Close the detail pane", with_detail, -1),

      // Overview.
      Dangerous(Action("stop_task", {Key::Char('X')}, "stop task",
                       "Stop the task gracefully (asks for the task name)", overview, 20)),

      // Tables.
      Action("sort_next", {Key::Char('>')}, "sort", "Sort by the next column", tables, 22),
      Action("sort_previous", {Key::Char('<')}, "sort back", "Sort by the previous column", tables,
             -1),
      Action("sort_reverse", {Key::Char('I')}, "invert", "Invert the sort order", tables, -1),
      Dangerous(Action("reload_table", {Key::Char('R')}, "reload",
                       "Reload the selected table from the source (truncates it on the target)",
                       tables, 20)),
      Dangerous(Action("suspend_table", {Key::Char('S')}, "suspend",
                       "Suspend replication of the selected table", tables, 21)),
      Dangerous(Action("resume_table", {Key::Char('U')}, "resume",
                       "Resume replication of the selected table", tables, 23)),

      // Apply exceptions.
      Dangerous(Action("retry_exception", {Key::Char('Y')}, "retry",
                       "Retry the selected apply exception on the target now", exceptions, 20)),
      Dangerous(Action("resolve_exception", {Key::Char('M')}, "mark resolved",
                       "Mark the selected apply exception resolved", exceptions, 21)),
      Action("export_exceptions", {Key::Char('e')}, "export",
             "Export the apply exceptions to a file", exceptions, 22),

      // Logs.
      Action("follow", {Key::Char('f'), Key::F(5)}, "follow", "Follow the tail of the log on/off",
             logs, 20),
      Action("search_next", {Key::Char('n')}, "next", "Next search match", logs, 21),
      Action("search_previous", {Key::Char('N')}, "previous", "Previous search match", logs, -1),
      Action("severity_filter", {Key::Char('v')}, "severity",
             "Cycle the lowest severity shown: debug, info, warning, error", logs, 22),
      Action("component_filter", {Key::Char('c')}, "component",
             "Show one component's lines only, or all", logs, 23),

      // Runbooks: the confirm key of each step's dialog is never the key that opened it.
      Action("next_step", {Key::Char('n')}, "next step", "Select the next runbook step", runbooks,
             21),
      Dangerous(Action("execute_step", {Key::Char('x')}, "execute",
                       "Execute the selected step (shows exactly what will run, then asks)",
                       runbooks, 20)),
      Dangerous(Action("rollback_step", {Key::Char('B')}, "rollback",
                       "Roll back the last executed step", runbooks, 22)),
      Changing(Action("skip_step", {Key::Char('s')}, "skip",
                      "Skip the selected step, giving a reason", runbooks, 23)),
      Dangerous(
          Action("abort_runbook", {Key::Char('A')}, "abort", "Abort the runbook", runbooks, 24)),
  };
}

}  // namespace

const KeyRegistry& DefaultKeyRegistry() {
  static const KeyRegistry* const kRegistry = new KeyRegistry(DefaultActions());
  return *kRegistry;
}

}  // namespace switchyard::tui
