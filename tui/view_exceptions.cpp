// The Apply exceptions view: changes the target rejected, newest first, with table, time,
// operation, what ErrorBehavior did, and the server's error. Enter shows one exception whole:
// the statement the target rejected, the server's message and the change's values.
#include <algorithm>

#include "tui/format.h"
#include "tui/list_model.h"
#include "tui/view_common.h"
#include "tui/views.h"

namespace switchyard::tui {
namespace {

std::string StatusText(const state::ApplyExceptionRecord& record, bool ascii) {
  if (record.resolved_at.empty()) return "OPEN";
  return std::string(ascii ? "+ " : "✓ ") + "resolved";
}

void DrawList(const ViewContext& ctx, Rect area,
              const std::vector<const state::ApplyExceptionRecord*>& rows,
              const control::EngineSnapshot& snapshot, const ListState& state) {
  std::string title = "Apply exceptions: " + std::to_string(rows.size()) + " of " +
                      std::to_string(snapshot.apply_exceptions.size()) + ", " +
                      std::to_string(snapshot.apply_exceptions_unresolved) + " open";
  if (!state.filter.empty()) title += "  filter \"" + state.filter + "\"";
  DrawText(ctx.win, area.y, area.x, title, ctx.Attr(Role::kTitle), area.width);
  // Id, Time, Table, Op, Status, Action, Error (the rest).
  const int table_cells = std::clamp(area.width / 5, 14, 32);
  const std::string header = "  " + Fit("Id", 6, true) + " " + Fit("Time", 8) + " " +
                             Fit("Table", table_cells) + " " + Fit("Op", 8) + " " +
                             Fit("Status", 10) + " " + Fit("Action", 13) + " Error";
  DrawText(ctx.win, area.y + 1, area.x, header, ctx.Attr(Role::kTitle), area.width);
  const int visible = area.height - 2;
  if (rows.empty()) {
    DrawCentered(
        ctx, {area.y + 2, area.x, visible, area.width},
        snapshot.apply_exceptions.empty() ? "no apply exceptions" : "none match the filter",
        Role::kInactive);
    return;
  }
  const int count = static_cast<int>(rows.size());
  const int selected = ClampSelection(state.selected, count);
  const int top = FirstVisibleRow(selected, count, visible);
  for (int line = 0; line < visible && top + line < count; ++line) {
    const auto& record = *rows[static_cast<size_t>(top + line)];
    const bool is_selected = top + line == selected;
    const int y = area.y + 2 + line;
    const std::string text =
        std::string(is_selected ? ctx.Pick("› ", "> ") : "  ") +
        Fit(std::to_string(record.id), 6, true) + " " + Fit(TimeOfDay(record.time), 8) + " " +
        Fit(record.schema_name + "." + record.table_name, table_cells) + " " +
        Fit(record.operation, 8) + " " + Fit(StatusText(record, ctx.ascii()), 10) + " " +
        Fit(record.action, 13) + " ";
    const Role status_role = record.resolved_at.empty() ? Role::kError : Role::kOk;
    if (is_selected) {
      DrawText(ctx.win, y, area.x, Fit(text + record.error, area.width), ctx.Attr(Role::kSelected));
      continue;
    }
    DrawText(ctx.win, y, area.x, text, ctx.Attr(Role::kNormal), area.width);
    // The status word again in its colour: the word itself says it, the colour only helps.
    const int status_x = area.x + 2 + 6 + 1 + 8 + 1 + table_cells + 1 + 8 + 1;
    DrawText(ctx.win, y, status_x, StatusText(record, ctx.ascii()), ctx.Attr(status_role),
             std::max(0, area.right() - status_x));
    const int error_x = area.x + CellWidth(text);
    DrawText(ctx.win, y, error_x, record.error, ctx.Attr(Role::kNormal),
             std::max(0, area.right() - error_x));
  }
}

void DrawDetail(const ViewContext& ctx, Rect box, const state::ApplyExceptionRecord& record) {
  DrawTitledBox(ctx, box, "Apply exception " + std::to_string(record.id));
  const Rect in = Inside(box);
  const int x = in.x + 1;
  const int w = in.width - 2;
  int y = in.y;
  auto line = [&](std::string_view label, const std::string& value, Role role = Role::kNormal) {
    if (y < in.bottom()) DrawLabelValue(ctx, y++, x, w, label, 16, value, role);
  };
  auto block = [&](std::string_view label, const std::string& text, Role role) {
    if (y >= in.bottom()) return;
    DrawText(ctx.win, y++, x, label, ctx.Attr(Role::kTitle), w);
    for (const std::string& wrapped : WrapText(text.empty() ? "-" : text, w - 2)) {
      if (y >= in.bottom()) return;
      DrawText(ctx.win, y++, x + 2, wrapped, ctx.Attr(role), w - 2);
    }
  };
  line("Table", record.schema_name + "." + record.table_name);
  line("Time", record.time);
  line("Operation", record.operation);
  line("Source position", record.source_position.empty() ? "-" : record.source_position);
  line("Action", record.action.empty() ? "-" : record.action);
  line("Status",
       record.resolved_at.empty() ? "OPEN"
                                  : StatusText(record, ctx.ascii()) + " at " + record.resolved_at,
       record.resolved_at.empty() ? Role::kError : Role::kOk);
  block("Statement", record.statement, Role::kNormal);
  block("Server message", "ERR " + record.error, Role::kError);
  block("Values", record.values_json, Role::kNormal);
}

}  // namespace

void DrawExceptionsView(const ViewContext& ctx, Rect area, const control::EngineSnapshot& snapshot,
                        const ListState& state) {
  const auto rows = VisibleExceptions(snapshot, state);
  if (!state.detail || rows.empty()) {
    DrawList(ctx, area, rows, snapshot, state);
    return;
  }
  const auto& selected =
      *rows[static_cast<size_t>(ClampSelection(state.selected, static_cast<int>(rows.size())))];
  if (area.width >= 150) {
    const int detail = area.width / 2;
    DrawList(ctx, {area.y, area.x, area.height, area.width - detail - 1}, rows, snapshot, state);
    DrawDetail(ctx, {area.y, area.right() - detail, area.height, detail}, selected);
  } else {
    DrawDetail(ctx, area, selected);
  }
}

}  // namespace switchyard::tui
