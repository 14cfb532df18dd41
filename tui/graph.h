// Time-series graphs as text: a series of samples (CDC latency in seconds, oldest first) becomes
// rows of cells that any view can print. Three glyph sets, best first:
//   kBraille: 2 samples per cell, 4 levels per row, via the 5x5 braille table shared by btop
//             (Symbols::graph_symbols) and htop (GraphMeterMode_dotsUtf8), index left*5+right;
//   kBlock:   1 sample per cell, 8 levels per row, the eighth blocks ▁▂▃▄▅▆▇█ (k9s sparkline);
//   kAscii:   1 sample per cell, 2 levels per row, '.' and ':' (htop's ASCII fallback).
// Each graph carries y-axis labels and a caption with the current value, the max and the unit, so
// its meaning never depends on glyphs or colour.
//
// Pure functions, no curses, thread-safe. Widths are counted in terminal cells; every glyph used
// is one cell wide.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace switchyard::tui {

enum class GraphGlyphs { kBraille, kBlock, kAscii };

// How many samples one plot cell holds with these glyphs (2 for braille, else 1).
int SamplesPerCell(GraphGlyphs glyphs);
// How many vertical levels one plot row holds (4 braille, 8 block, 2 ASCII).
int LevelsPerRow(GraphGlyphs glyphs);

// The plot area alone: `rows` strings (top row first), each exactly `cols` cells. The newest
// sample is at the right edge; when there are fewer samples than the area holds, the left is
// empty; when there are more, the oldest are not drawn. A sample's height in levels is
// round(value / scale_max * rows * LevelsPerRow), at least 1 for any value > 0 (so a small
// non-zero latency is never drawn as zero) and at most the full height. Negative values and NaN
// are drawn as 0. `scale_max` <= 0 is treated as 1. `cols` or `rows` < 1 gives no rows.
std::vector<std::string> PlotCells(std::span<const double> samples, int cols, int rows,
                                   double scale_max, GraphGlyphs glyphs);

// The top of the y axis for a series whose largest value is `max_value`: the smallest of
// 1, 2, 5 x 10^n that is >= max_value, and never below `floor` (htop scales by the visible max
// with a floor of 1.0, so an idle 0 s series does not zoom into noise).
double NiceScaleMax(double max_value, double floor);

// A value with one decimal below 100 and none from 100 up: 2.4 -> "2.4", 12 -> "12.0",
// 125.3 -> "125". NaN -> "-".
std::string FormatGraphValue(double value);

struct GraphOptions {
  int width = 40;  // total cells per row, labels and axis included
  int height = 4;  // rows of plot
  GraphGlyphs glyphs = GraphGlyphs::kBraille;
  std::string unit = "s";
  // Fixed top of the y axis; when unset, NiceScaleMax(max of the drawn samples, scale_floor).
  std::optional<double> scale_max;
  double scale_floor = 1.0;
};

struct Graph {
  // `height` rows, each exactly `width` cells: a right-aligned y label (the scale's top on the
  // first row, 0 on the last row, blank between), an axis glyph ("┤" on labelled rows and "│"
  // otherwise; "+" and "|" with kAscii), then the plot cells. When `width` leaves fewer than 1
  // plot cell after the labels, the labels are dropped and the whole width is plot.
  std::vector<std::string> rows;
  // "now 2.4 s  max 12.0 s" over the drawn samples (the newest and the largest), or
  // "no samples" when there are none.
  std::string caption;
  double scale_max = 0;  // the top of the y axis used
};

Graph RenderGraph(std::span<const double> samples, const GraphOptions& options);

}  // namespace switchyard::tui
