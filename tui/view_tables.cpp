// The Tables view: one row per table (DMS TableStatistics names as column headers), sorted by
// any column, filtered with `/`; Enter opens the detail pane with every statistic and the
// source -> target mapping. Columns that do not fit the width are left out from the right
// (LastError first), the table name takes what is left.
#include <algorithm>

#include "tui/format.h"
#include "tui/list_model.h"
#include "tui/view_common.h"
#include "tui/views.h"

namespace switchyard::tui {
namespace {

constexpr int kMarkerCells = 2;
constexpr int kMinNameCells = 20;
constexpr int kDetailPaneCells = 64;
constexpr int kWideEnoughForSidePane = 150;

struct ColumnSpec {
  TableColumn column;
  int cells;  // 0: flexible (takes the rest, at least 20)
  bool right_align;
};

constexpr ColumnSpec kOptionalColumns[] = {
    {TableColumn::kState, 17, false},      {TableColumn::kFullLoadRows, 12, true},
    {TableColumn::kInserts, 8, true},      {TableColumn::kUpdates, 8, true},
    {TableColumn::kDeletes, 8, true},      {TableColumn::kDdls, 5, true},
    {TableColumn::kValidation, 16, false}, {TableColumn::kLastError, 0, false},
};

struct Layout {
  int name_cells = kMinNameCells;
  std::vector<std::pair<ColumnSpec, int>> columns;  // spec, cells
};

Layout LayOut(int width) {
  Layout layout;
  int used = kMarkerCells + kMinNameCells;
  for (const ColumnSpec& spec : kOptionalColumns) {
    const int cells = spec.cells == 0 ? 20 : spec.cells;
    if (used + 1 + cells > width) break;
    used += 1 + cells;
    layout.columns.push_back({spec, cells});
  }
  int spare = width - used;
  // The table name grows first (up to 40 cells), then a trailing flexible column.
  const int grow = std::min(spare, 40 - kMinNameCells);
  layout.name_cells += grow;
  spare -= grow;
  if (!layout.columns.empty() && layout.columns.back().first.cells == 0) {
    layout.columns.back().second += spare;
  }
  return layout;
}

std::string Cell(const state::TableRecord& table, TableColumn column, bool ascii, Role* role) {
  *role = Role::kNormal;
  switch (column) {
    case TableColumn::kName:
      return QualifiedName(table);
    case TableColumn::kState: {
      const Badge badge = TableStateBadge(table.table_state, ascii);
      *role = badge.role;
      return badge.text;
    }
    case TableColumn::kFullLoadRows:
      return FormatCount(table.full_load_rows);
    case TableColumn::kInserts:
      return FormatCount(table.inserts);
    case TableColumn::kUpdates:
      return FormatCount(table.updates);
    case TableColumn::kDeletes:
      return FormatCount(table.deletes);
    case TableColumn::kDdls:
      return FormatCount(table.ddls);
    case TableColumn::kValidation:
      return table.validation_state;
    case TableColumn::kLastError:
      if (!table.last_error.empty()) *role = Role::kError;
      return table.last_error.empty() ? "" : "ERR " + table.last_error;
  }
  return {};
}

std::string HeaderText(TableColumn column, const TablesViewState& state, bool ascii) {
  std::string text = TableColumnName(column);
  if (column == state.sort) text += state.reverse ? (ascii ? " v" : " ▼") : (ascii ? " ^" : " ▲");
  return text;
}

void DrawList(const ViewContext& ctx, Rect area, const std::vector<const state::TableRecord*>& rows,
              const control::EngineSnapshot& snapshot, const TablesViewState& state) {
  const bool ascii = ctx.ascii();
  std::string title =
      "Tables: " + std::to_string(rows.size()) + " of " + std::to_string(snapshot.tables.size());
  if (!state.list.filter.empty()) title += "  filter \"" + state.list.filter + "\"";
  title += "  sorted by " + std::string(TableColumnName(state.sort)) +
           (state.reverse ? " (descending)" : "");
  DrawText(ctx.win, area.y, area.x, title, ctx.Attr(Role::kTitle), area.width);

  const Layout layout = LayOut(area.width);
  int x = area.x + kMarkerCells;
  DrawText(ctx.win, area.y + 1, x,
           Fit(HeaderText(TableColumn::kName, state, ascii), layout.name_cells),
           ctx.Attr(Role::kTitle), area.right() - x);
  x += layout.name_cells;
  for (const auto& [spec, cells] : layout.columns) {
    x += 1;
    DrawText(ctx.win, area.y + 1, x,
             Fit(HeaderText(spec.column, state, ascii), cells, spec.right_align),
             ctx.Attr(Role::kTitle), area.right() - x);
    x += cells;
  }
  const int visible = area.height - 2;
  if (rows.empty()) {
    DrawCentered(ctx, {area.y + 2, area.x, visible, area.width},
                 snapshot.tables.empty() ? "no tables yet" : "no table matches the filter",
                 Role::kInactive);
    return;
  }
  const int selected = ClampSelection(state.list.selected, static_cast<int>(rows.size()));
  const int top = FirstVisibleRow(selected, static_cast<int>(rows.size()), visible);
  for (int line = 0; line < visible && top + line < static_cast<int>(rows.size()); ++line) {
    const state::TableRecord& table = *rows[static_cast<size_t>(top + line)];
    const int y = area.y + 2 + line;
    const bool is_selected = top + line == selected;
    if (is_selected) {
      DrawText(ctx.win, y, area.x, std::string(static_cast<size_t>(area.width), ' '),
               ctx.Attr(Role::kSelected));
      DrawText(ctx.win, y, area.x, ctx.Pick("›", ">"), ctx.Attr(Role::kSelected));
    }
    auto attr = [&](Role role) { return ctx.Attr(is_selected ? Role::kSelected : role); };
    int cx = area.x + kMarkerCells;
    Role role;
    // A cut name ends in an ellipsis, so it is never mistaken for another table.
    std::string name = Cell(table, TableColumn::kName, ascii, &role);
    if (CellWidth(name) > layout.name_cells) {
      name = std::string(ClipToCells(name, layout.name_cells - 1)) + ctx.Pick("…", "~");
    }
    DrawText(ctx.win, y, cx, Fit(name, layout.name_cells), attr(role));
    cx += layout.name_cells;
    for (const auto& [spec, cells] : layout.columns) {
      cx += 1;
      const std::string text = Cell(table, spec.column, ascii, &role);
      DrawText(ctx.win, y, cx, Fit(text, cells, spec.right_align), attr(role));
      cx += cells;
    }
  }
}

// The plan column by column: "source type → target type", a "!" and the note below where the
// mapping is lossy or surprising. As many as fit; the rest are counted.
void DrawColumnMapping(const ViewContext& ctx, int x, int w, int bottom, int* y,
                       const state::TableRecord& table) {
  if (*y >= bottom) return;
  if (table.columns.empty()) {
    DrawLabelValue(ctx, (*y)++, x, w, "Columns", 17, "not planned yet", Role::kInactive);
    return;
  }
  DrawLabelValue(ctx, (*y)++, x, w, "Columns", 17, std::to_string(table.columns.size()),
                 Role::kNormal);
  const std::string arrow = ctx.Pick(" → ", " -> ");
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const auto& c = table.columns[i];
    // This column's rows, and one for the "more" line if columns follow.
    const int needed = (c.note.empty() ? 1 : 2) + (i + 1 < table.columns.size() ? 1 : 0);
    if (bottom - *y < needed) {
      if (*y < bottom) {
        DrawText(ctx.win, (*y)++, x + 2,
                 std::string(ctx.Pick("… ", "... ")) + std::to_string(table.columns.size() - i) +
                     " more (a taller terminal shows them)",
                 ctx.Attr(Role::kInactive), w - 2);
      }
      return;
    }
    const std::string source = c.source_name.empty() ? std::string("(added by a rule)")
                                                     : c.source_name + " " + c.source_type;
    const std::string text =
        (c.note.empty() ? "  " : "! ") + source + arrow + c.target_name + " " + c.target_type;
    DrawText(ctx.win, (*y)++, x, text, ctx.Attr(c.note.empty() ? Role::kNormal : Role::kWarn), w);
    if (!c.note.empty()) DrawText(ctx.win, (*y)++, x + 4, c.note, ctx.Attr(Role::kInactive), w - 4);
  }
}

void DrawDetail(const ViewContext& ctx, Rect box, const state::TableRecord& table) {
  DrawTitledBox(ctx, box, "Table " + QualifiedName(table));
  const Rect in = Inside(box);
  const int x = in.x + 1;
  const int w = in.width - 2;
  int y = in.y;
  auto line = [&](std::string_view label, const std::string& value, Role role = Role::kNormal) {
    if (y < in.bottom()) DrawLabelValue(ctx, y++, x, w, label, 17, value, role);
  };
  const std::string target =
      table.target_schema.empty() ? "-" : table.target_schema + "." + table.target_table;
  line("Mapping", QualifiedName(table) + ctx.Pick(" → ", " -> ") + target);
  const Badge badge = TableStateBadge(table.table_state, ctx.ascii());
  line("TableState", badge.text, badge.role);
  line("FullLoadRows", FormatCount(table.full_load_rows) + "  (errors " +
                           FormatCount(table.full_load_error_rows) + ")");
  line("Estimated rows", table.estimated_rows < 0 ? "unknown" : FormatCount(table.estimated_rows));
  line("Segments", std::to_string(table.segments_completed) + " of " +
                       std::to_string(table.segments_total) + " loaded");
  line("Load start / end", TimeOfDay(table.full_load_start_time) + " / " +
                               TimeOfDay(table.full_load_end_time) +
                               (table.full_load_reloaded ? "  (reloaded)" : ""));
  line("Inserts",
       FormatCount(table.inserts) + "  (applied " + FormatCount(table.applied_inserts) + ")");
  line("Updates",
       FormatCount(table.updates) + "  (applied " + FormatCount(table.applied_updates) + ")");
  line("Deletes",
       FormatCount(table.deletes) + "  (applied " + FormatCount(table.applied_deletes) + ")");
  line("Ddls", FormatCount(table.ddls) + "  (applied " + FormatCount(table.applied_ddls) + ")");
  line("ValidationState", table.validation_state);
  line("LastUpdateTime", TimeOfDay(table.last_update_time));
  if (table.last_error.empty()) {
    line("LastError", "none");
  } else {
    line("LastError", "ERR", Role::kError);
    for (const std::string& text : WrapText(table.last_error, w - 2)) {
      if (y >= in.bottom()) break;
      DrawText(ctx.win, y++, x + 2, text, ctx.Attr(Role::kError), w - 2);
    }
  }
  DrawColumnMapping(ctx, x, w, in.bottom(), &y, table);
}

}  // namespace

void DrawTablesView(const ViewContext& ctx, Rect area, const control::EngineSnapshot& snapshot,
                    const TablesViewState& state) {
  const auto rows = VisibleTables(snapshot, state);
  const state::TableRecord* selected =
      rows.empty() ? nullptr
                   : rows[static_cast<size_t>(
                         ClampSelection(state.list.selected, static_cast<int>(rows.size())))];
  if (!state.list.detail || selected == nullptr) {
    DrawList(ctx, area, rows, snapshot, state);
    return;
  }
  if (area.width >= kWideEnoughForSidePane) {
    const int list_width = area.width - kDetailPaneCells - 1;
    DrawList(ctx, {area.y, area.x, area.height, list_width}, rows, snapshot, state);
    DrawDetail(ctx, {area.y, area.x + list_width + 1, area.height, kDetailPaneCells}, *selected);
  } else {
    DrawDetail(ctx, area, *selected);
  }
}

}  // namespace switchyard::tui
