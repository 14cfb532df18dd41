// The Overview: what an operator checks first. Layout, top to bottom:
//   Task box      status, phase, uptime, type; source -> target; the full-load progress bar
//   CDC latency   CDCLatencySource and CDCLatencyTarget side by side, each a graph of the last
//                 minutes with its y axis in seconds, a time axis, and "now / max" beside it
//   bottom row    Changes | Tables (counts by state, apply exceptions) | Storage | Alarms
//                 (below 120 columns Storage sits over Alarms; both grow on taller screens,
//                 before the graphs do; at 120 columns and more the row grows once the graphs
//                 have their most rows, so Storage can show every source-log figure)
//   Recent events warnings and errors from the log, when the terminal has rows to spare
// Sizes follow the terminal: at 80x24 the graphs get 3 rows, on big screens up to 12.
#include <algorithm>
#include <cmath>

#include "tui/alarms.h"
#include "tui/format.h"
#include "tui/list_model.h"
#include "tui/storage_lines.h"
#include "tui/view_common.h"
#include "tui/views.h"

namespace switchyard::tui {
namespace {

using control::EngineSnapshot;
namespace metric = control::metric;

constexpr int kTaskBoxHeight = 5;
constexpr int kBottomRowHeight = 7;
constexpr int kMaxGraphRows = 12;
// The view's height at 80x24, and how many rows narrow terminals add to Storage and Alarms
// (alternately, alarms first) before the graphs grow.
constexpr int kNarrowMinHeight = 20;
constexpr int kMaxNarrowExtraRows = 6;
constexpr int kNarrowStorageHeight = 4;
// Wide terminals: rows added to the bottom row once the graphs are at their tallest, while
// Recent events keeps at least kMinEventsHeight.
constexpr int kMaxWideExtraRows = 4;
constexpr int kMinEventsHeight = 3;

std::optional<double> Metric(const EngineSnapshot& snapshot, const char* name) {
  auto it = snapshot.metrics.find(name);
  if (it == snapshot.metrics.end()) return std::nullopt;
  return it->second;
}

std::string MetricText(const EngineSnapshot& snapshot, const char* name,
                       std::string (*format)(double)) {
  const auto value = Metric(snapshot, name);
  return value ? format(*value) : "-";
}

std::string CountText(double value) {
  return FormatCount(static_cast<int64_t>(std::llround(value)));
}

std::string Uptime(const EngineSnapshot& snapshot) {
  const auto& task = snapshot.task;
  if (task.start_date.empty()) return "-";
  // A stopped task's uptime ends at its stop.
  if (!task.stop_date.empty() && task.stop_date >= task.start_date) {
    const auto stop = logging::ParseIsoUtc(task.stop_date);
    if (stop) return FormatDuration(SecondsSince(task.start_date, *stop));
  }
  return FormatDuration(SecondsSince(task.start_date, snapshot.taken_at));
}

// "[#######-------] 45%": `cells` wide in total.
std::string ProgressBar(int percent, int cells, bool ascii) {
  const int inner = std::max(1, cells - 7);
  const int filled = std::clamp(percent, 0, 100) * inner / 100;
  std::string bar = "[";
  for (int index = 0; index < inner; ++index) {
    bar += index < filled ? (ascii ? "#" : "█") : (ascii ? "-" : "░");
  }
  bar += "] ";
  const std::string pct = std::to_string(std::clamp(percent, 0, 100)) + "%";
  return bar + std::string(4 - std::min<size_t>(4, pct.size()), ' ') + pct;
}

// Rows still to load over all tables with an estimate; nullopt without estimates.
std::optional<int64_t> RowsRemaining(const EngineSnapshot& snapshot) {
  int64_t remaining = 0;
  bool any = false;
  for (const auto& table : snapshot.tables) {
    if (table.table_state == state::TableState::kTableCompleted) continue;
    if (table.estimated_rows < 0) continue;
    any = true;
    remaining += std::max<int64_t>(0, table.estimated_rows - table.full_load_rows);
  }
  if (!any) return std::nullopt;
  return remaining;
}

void DrawFullLoadLine(const ViewContext& ctx, int y, int x, int width,
                      const EngineSnapshot& snapshot) {
  const auto& task = snapshot.task;
  if (task.migration_type == "cdc") {
    DrawLabelValue(ctx, y, x, width, "Full load", 11, "none (MigrationType cdc)", Role::kInactive);
    return;
  }
  if (!task.full_load_finish_date.empty()) {
    std::string text =
        std::string(ctx.Pick("✓ ", "ok ")) + "finished " + TimeOfDay(task.full_load_finish_date);
    const auto finish = logging::ParseIsoUtc(task.full_load_finish_date);
    const int64_t took = finish ? SecondsSince(task.full_load_start_date, *finish) : -1;
    if (took >= 0) text += " (took " + FormatDuration(took) + ")";
    DrawLabelValue(ctx, y, x, width, "Full load", 11, text, Role::kOk);
    return;
  }
  if (task.full_load_start_date.empty()) {
    DrawLabelValue(ctx, y, x, width, "Full load", 11, "not started", Role::kInactive);
    return;
  }
  const auto rate = Metric(snapshot, metric::kFullLoadThroughputRowsTarget);
  std::string tail = "  " + (rate ? FormatRate(*rate) : std::string("-")) + " rows/s";
  const auto remaining = RowsRemaining(snapshot);
  if (remaining && rate && *rate > 0.5) {
    tail += "  ETA " + FormatDuration(static_cast<int64_t>(std::ceil(*remaining / *rate)));
  } else {
    tail += "  ETA -";
  }
  DrawText(ctx.win, y, x, "Full load", ctx.Attr(Role::kNormal), width);
  const int bar_cells = std::clamp(width - 11 - CellWidth(tail), 12, 60);
  const std::string bar =
      task.full_load_progress_percent
          ? ProgressBar(*task.full_load_progress_percent, bar_cells, ctx.ascii())
          : Fit("(no row estimates)", bar_cells);
  DrawText(ctx.win, y, x + 11, bar + tail, ctx.Attr(Role::kNormal), width - 11);
}

void DrawTaskBox(const ViewContext& ctx, Rect box, const EngineSnapshot& snapshot) {
  DrawTitledBox(ctx, box, "Task " + snapshot.task.identifier);
  const Rect in = Inside(box);
  const Badge status = TaskStatusBadge(snapshot.task.status, ctx.ascii());
  int x = in.x + 1;
  const int end = in.right() - 1;
  DrawText(ctx.win, in.y, x, "Status ", ctx.Attr(Role::kNormal), end - x);
  x += 7;
  DrawText(ctx.win, in.y, x, status.text, ctx.Attr(status.role), end - x);
  x += CellWidth(status.text) + 2;
  const std::string rest =
      "Phase " + TaskPhase(snapshot.task) + "  Uptime " + Uptime(snapshot) + "  Type " +
      (snapshot.task.migration_type.empty() ? "-" : snapshot.task.migration_type);
  DrawText(ctx.win, in.y, x, rest, ctx.Attr(Role::kNormal), std::max(0, end - x));
  const std::string source = snapshot.source.empty() ? "-" : snapshot.source;
  const std::string target = snapshot.target.empty() ? "-" : snapshot.target;
  std::string endpoints = "Source " + source + ctx.Pick("  →  ", "  ->  ") + "Target " + target;
  // Narrow terminals: the arrow alone says which is which, the addresses matter more.
  if (CellWidth(endpoints) > in.width - 2) endpoints = source + ctx.Pick(" → ", " -> ") + target;
  // A failed task shows why instead of the endpoints: that is what the operator needs now.
  if (snapshot.task.status == state::TaskStatus::kFailed &&
      !snapshot.task.last_failure_message.empty()) {
    DrawText(ctx.win, in.y + 1, in.x + 1, "ERR " + snapshot.task.last_failure_message,
             ctx.Attr(Role::kError), in.width - 2);
  } else {
    DrawText(ctx.win, in.y + 1, in.x + 1, endpoints, ctx.Attr(Role::kNormal), in.width - 2);
  }
  DrawFullLoadLine(ctx, in.y + 2, in.x + 1, in.width - 2, snapshot);
}

std::vector<double> Values(const std::vector<control::MetricSample>& samples) {
  std::vector<double> values;
  values.reserve(samples.size());
  for (const auto& sample : samples) values.push_back(sample.value);
  return values;
}

// One latency graph in `area`: title with the badge, graph rows, the time axis, the caption.
void DrawLatencyGraph(const ViewContext& ctx, Rect area, const EngineSnapshot& snapshot,
                      const char* name) {
  const auto current = Metric(snapshot, name);
  DrawText(ctx.win, area.y, area.x, name, ctx.Attr(Role::kTitle), area.width);
  if (current) {
    const Badge badge = LatencyBadge(*current, ctx.ascii());
    const int bx = area.x + CellWidth(name) + 2;
    DrawText(ctx.win, area.y, bx, badge.text, ctx.Attr(badge.role), area.right() - bx);
  }
  const int rows = area.height - 3;
  if (rows < 1) return;
  std::vector<double> values;
  std::optional<logging::TimePoint> oldest;
  if (auto it = snapshot.history.find(name); it != snapshot.history.end()) {
    values = Values(it->second);
  }
  GraphOptions options;
  options.width = area.width;
  options.height = rows;
  options.glyphs = ctx.graph_glyphs;
  options.unit = "s";
  const Graph graph = RenderGraph(values, options);
  for (size_t row = 0; row < graph.rows.size(); ++row) {
    DrawText(ctx.win, area.y + 1 + static_cast<int>(row), area.x, graph.rows[row],
             ctx.Attr(Role::kGraph), area.width);
  }
  // The time axis under the plot: how far back its left edge goes, in seconds, and "now" at
  // the right. The plot starts after the y labels, whose width RenderGraph derives from the
  // scale over all samples (the same computation is repeated here).
  double all_max = 0;
  for (const double value : values) all_max = std::max(all_max, std::isfinite(value) ? value : 0);
  const int label_cells = static_cast<int>(
      (FormatGraphValue(NiceScaleMax(all_max, options.scale_floor)) + " s").size());
  int plot_cells = area.width - label_cells - 1;
  if (plot_cells < 1) plot_cells = area.width;
  const size_t capacity = static_cast<size_t>(plot_cells * SamplesPerCell(ctx.graph_glyphs));
  std::string axis;
  auto it = snapshot.history.find(name);
  if (it != snapshot.history.end() && !it->second.empty()) {
    const auto& samples = it->second;
    const size_t first = samples.size() > capacity ? samples.size() - capacity : 0;
    oldest = samples[first].time;
    const int64_t span =
        std::chrono::duration_cast<std::chrono::seconds>(snapshot.taken_at - *oldest).count();
    // Fewer samples than the plot holds are drawn at the right edge: the label goes where the
    // oldest one is.
    const size_t drawn = samples.size() - first;
    const int empty_cells =
        plot_cells - static_cast<int>((drawn + SamplesPerCell(ctx.graph_glyphs) - 1) /
                                      SamplesPerCell(ctx.graph_glyphs));
    const int left_x = area.width - plot_cells + std::max(0, empty_cells);
    axis = std::string(static_cast<size_t>(std::max(0, left_x)), ' ') + "-" +
           std::to_string(std::max<int64_t>(0, span)) + "s";
    const int gap = area.width - CellWidth(axis) - 3;
    if (gap > 0) axis += std::string(static_cast<size_t>(gap), ' ') + "now";
  }
  DrawText(ctx.win, area.y + 1 + rows, area.x, axis, ctx.Attr(Role::kInactive), area.width);
  DrawText(ctx.win, area.y + 2 + rows, area.x, graph.caption, ctx.Attr(Role::kNormal), area.width);
}

void DrawLatencyBox(const ViewContext& ctx, Rect box, const EngineSnapshot& snapshot) {
  DrawTitledBox(ctx, box, "CDC latency (seconds)");
  const Rect in = Inside(box);
  const int half = (in.width - 3) / 2;
  DrawLatencyGraph(ctx, {in.y, in.x + 1, in.height, half}, snapshot, metric::kCdcLatencySource);
  DrawLatencyGraph(ctx, {in.y, in.x + 2 + half, in.height, in.width - 3 - half}, snapshot,
                   metric::kCdcLatencyTarget);
}

void DrawChangesBox(const ViewContext& ctx, Rect box, const EngineSnapshot& snapshot) {
  DrawTitledBox(ctx, box, "Changes");
  const Rect in = Inside(box);
  const int x = in.x + 1;
  const int w = in.width - 2;
  auto sum = [&](const char* a, const char* b) -> std::string {
    const auto va = Metric(snapshot, a);
    const auto vb = Metric(snapshot, b);
    if (!va && !vb) return "-";
    return CountText(va.value_or(0) + vb.value_or(0));
  };
  DrawLabelValue(ctx, in.y, x, w, "incoming", 11,
                 MetricText(snapshot, metric::kCdcIncomingChanges, CountText));
  DrawLabelValue(ctx, in.y + 1, x, w, "apply", 11,
                 MetricText(snapshot, metric::kCdcThroughputRowsTarget, FormatRate) + " rows/s");
  DrawLabelValue(ctx, in.y + 2, x, w, "read", 11,
                 MetricText(snapshot, metric::kCdcThroughputRowsSource, FormatRate) + " rows/s");
  DrawLabelValue(ctx, in.y + 3, x, w, "in memory", 11,
                 sum(metric::kCdcChangesMemorySource, metric::kCdcChangesMemoryTarget));
  DrawLabelValue(ctx, in.y + 4, x, w, "on disk", 11,
                 sum(metric::kCdcChangesDiskSource, metric::kCdcChangesDiskTarget));
}

void DrawTablesBox(const ViewContext& ctx, Rect box, const EngineSnapshot& snapshot) {
  DrawTitledBox(ctx, box, "Tables");
  const Rect in = Inside(box);
  int completed = 0, loading = 0, queued = 0, errored = 0;
  for (const auto& table : snapshot.tables) {
    switch (table.table_state) {
      case state::TableState::kTableCompleted:
        ++completed;
        break;
      case state::TableState::kFullLoad:
      case state::TableState::kTableBeingReloaded:
        ++loading;
        break;
      case state::TableState::kBeforeLoad:
        ++queued;
        break;
      default:
        ++errored;
        break;
    }
  }
  const int x = in.x + 1;
  const int w = in.width - 2;
  DrawLabelValue(ctx, in.y, x, w, ctx.Pick("✓ completed", "+ completed"), 12,
                 std::to_string(completed), Role::kOk);
  DrawLabelValue(ctx, in.y + 1, x, w, ctx.Pick("▸ loading", "> loading"), 12,
                 std::to_string(loading));
  DrawLabelValue(ctx, in.y + 2, x, w, ctx.Pick("· queued", ". queued"), 12, std::to_string(queued));
  DrawLabelValue(ctx, in.y + 3, x, w, ctx.Pick("✗ error", "x error"), 12,
                 errored > 0 ? "ERR " + std::to_string(errored) : "0",
                 errored > 0 ? Role::kError : Role::kNormal);
  const int64_t open = snapshot.apply_exceptions_unresolved;
  DrawLabelValue(ctx, in.y + 4, x, w, "apply exc.", 12,
                 open > 0 ? "ERR " + std::to_string(open) + " open" : "0 open",
                 open > 0 ? Role::kError : Role::kNormal);
}

// What the source keeps for us and what we keep ourselves (storage_lines.h), as many lines as
// the box has rows, the most important first; the title says how many did not fit.
void DrawStorageBox(const ViewContext& ctx, Rect box, const EngineSnapshot& snapshot) {
  const std::vector<StorageLine> lines = StorageLines(snapshot, {}, ctx.ascii());
  const Rect in = Inside(box);
  const size_t shown = std::min(lines.size(), static_cast<size_t>(std::max(0, in.height)));
  const size_t hidden = lines.size() - shown;
  DrawTitledBox(
      ctx, box,
      hidden == 0 ? std::string("Storage") : "Storage (" + std::to_string(hidden) + " more)");
  // Labels in one column, as wide as the longest shown (at least the 12 the other boxes use).
  int label_cells = 12;
  for (size_t index = 0; index < shown; ++index) {
    label_cells = std::max(label_cells, CellWidth(lines[index].label) + 1);
  }
  const int w = in.width - 2;
  for (size_t index = 0; index < shown; ++index) {
    const StorageLine& line = lines[index];
    const bool fits = CellWidth(line.value) <= w - label_cells || line.short_value.empty();
    DrawLabelValue(ctx, in.y + static_cast<int>(index), in.x + 1, w, line.label, label_cells,
                   fits ? line.value : line.short_value, line.role);
  }
}

// One line per alarm, most severe first, each with a glyph and its word (ERR, LAG, ...), then
// what validation has to say. The title counts the alarms, so a box too small for all of them
// still tells how many there are; the last line then says how many are not shown.
void DrawAlarmsBox(const ViewContext& ctx, Rect box, const EngineSnapshot& snapshot) {
  const std::vector<Alarm> alarms = CollectAlarms(snapshot);
  // "3 alarms / validation" still fits the narrow layout's 28-cell box.
  const int count = static_cast<int>(alarms.size());
  DrawTitledBox(
      ctx, box,
      count == 0 ? std::string("Alarms / validation")
                 : std::to_string(count) + (count == 1 ? " alarm" : " alarms") + " / validation");
  const Rect in = Inside(box);
  const int x = in.x + 1;
  const int w = in.width - 2;
  // The engine has no row validation yet (ValidationSettings are reported, not run).
  const char* validation = "validation: not available yet";
  if (alarms.empty()) {
    const std::string none = std::string(ctx.Pick("✓ ", "ok ")) + "no alarms";
    if (in.height == 1) {
      DrawText(ctx.win, in.y, x, std::string(ctx.Pick("✓ ", "ok ")) + "none; validation n/a",
               ctx.Attr(Role::kOk), w);
      return;
    }
    DrawText(ctx.win, in.y, x, none, ctx.Attr(Role::kOk), w);
    DrawText(ctx.win, in.y + 1, x, validation, ctx.Attr(Role::kInactive), w);
    return;
  }
  // Alarms before validation: with too few rows, the last row says how many are hidden.
  int shown = std::min(count, in.height);
  if (shown < count && in.height > 1) shown = in.height - 1;
  for (int index = 0; index < shown; ++index) {
    const Alarm& alarm = alarms[static_cast<size_t>(index)];
    const bool error = alarm.level == AlarmLevel::kError;
    const std::string glyph = error ? ctx.Pick("✗ ", "x ") : "! ";
    DrawText(ctx.win, in.y + index, x, glyph + alarm.word + " " + alarm.text,
             ctx.Attr(error ? Role::kError : Role::kWarn), w);
  }
  if (shown < count && in.height > 1) {
    DrawText(ctx.win, in.y + shown, x, "+" + std::to_string(count - shown) + " more",
             ctx.Attr(Role::kWarn), w);
  } else if (shown < in.height) {
    DrawText(ctx.win, in.y + shown, x, validation, ctx.Attr(Role::kInactive), w);
  }
}

void DrawRecentEvents(const ViewContext& ctx, Rect box, const EngineSnapshot& snapshot) {
  DrawTitledBox(ctx, box, "Recent warnings and errors");
  const Rect in = Inside(box);
  std::vector<const logging::LogEntry*> lines;
  for (const auto& entry : snapshot.logs) {
    if (logging::SeverityRank(entry.severity) <=
        logging::SeverityRank(logging::Severity::kWarning)) {
      lines.push_back(&entry);
    }
  }
  if (lines.empty()) {
    DrawText(ctx.win, in.y, in.x + 1, "none", ctx.Attr(Role::kInactive), in.width - 2);
    return;
  }
  const size_t shown = std::min(lines.size(), static_cast<size_t>(std::max(0, in.height)));
  for (size_t index = 0; index < shown; ++index) {
    const auto* entry = lines[lines.size() - shown + index];
    const Role role = entry->severity == logging::Severity::kError ? Role::kError : Role::kWarn;
    DrawText(ctx.win, in.y + static_cast<int>(index), in.x + 1, LogLineText(*entry), ctx.Attr(role),
             in.width - 2);
  }
}

}  // namespace

void DrawOverview(const ViewContext& ctx, Rect area, const EngineSnapshot& snapshot) {
  if (!snapshot.ok && snapshot.task.identifier.empty()) {
    DrawCentered(ctx, area, snapshot.error.empty() ? "waiting for the engine" : snapshot.error,
                 Role::kWarn);
    return;
  }
  DrawTaskBox(ctx, {area.y, area.x, kTaskBoxHeight, area.width}, snapshot);
  const bool wide = area.width >= 120;
  // Narrow terminals stack Storage over Alarms in the last column, which leaves the alarms one
  // line and Storage two at 80x24; taller terminals give them more before the graphs grow.
  const int narrow_extra =
      wide ? 0 : std::clamp(area.height - kNarrowMinHeight, 0, kMaxNarrowExtraRows);
  const int storage_height = kNarrowStorageHeight + narrow_extra / 2;
  const int wide_extra = wide ? std::clamp(area.height - kTaskBoxHeight - kBottomRowHeight -
                                               (kMaxGraphRows + 5) - kMinEventsHeight,
                                           0, kMaxWideExtraRows)
                              : 0;
  const int bottom_height = kBottomRowHeight + narrow_extra + wide_extra;
  const int spare = area.height - kTaskBoxHeight - bottom_height;
  const int graph_rows = std::clamp(spare - 5, 1, kMaxGraphRows);
  const int latency_height = std::min(spare, graph_rows + 5);
  const int latency_y = area.y + kTaskBoxHeight;
  DrawLatencyBox(ctx, {latency_y, area.x, latency_height, area.width}, snapshot);
  const int bottom_y = latency_y + latency_height;
  if (wide) {
    const int quarter = area.width / 4;
    DrawChangesBox(ctx, {bottom_y, area.x, bottom_height, quarter}, snapshot);
    DrawTablesBox(ctx, {bottom_y, area.x + quarter, bottom_height, quarter}, snapshot);
    DrawStorageBox(ctx, {bottom_y, area.x + 2 * quarter, bottom_height, quarter}, snapshot);
    DrawAlarmsBox(ctx, {bottom_y, area.x + 3 * quarter, bottom_height, area.width - 3 * quarter},
                  snapshot);
  } else {
    const int third = area.width / 3;
    DrawChangesBox(ctx, {bottom_y, area.x, bottom_height, third}, snapshot);
    DrawTablesBox(ctx, {bottom_y, area.x + third, bottom_height, third}, snapshot);
    const int last = area.width - 2 * third;
    DrawStorageBox(ctx, {bottom_y, area.x + 2 * third, storage_height, last}, snapshot);
    DrawAlarmsBox(
        ctx, {bottom_y + storage_height, area.x + 2 * third, bottom_height - storage_height, last},
        snapshot);
  }
  const int events_y = bottom_y + bottom_height;
  if (area.bottom() - events_y >= 3) {
    DrawRecentEvents(ctx, {events_y, area.x, area.bottom() - events_y, area.width}, snapshot);
  }
}

}  // namespace switchyard::tui
