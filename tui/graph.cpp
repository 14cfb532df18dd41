#include "tui/graph.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace switchyard::tui {
namespace {

// Braille graph glyphs, index left_level * 5 + right_level, each level 0-4 dots from the bottom.
// Same table as btop's Symbols::graph_symbols "braille_up" and htop's GraphMeterMode_dotsUtf8.
constexpr std::array<const char*, 25> kBrailleUp = {
    " ", "⢀", "⢠", "⢰", "⢸",  //
    "⡀", "⣀", "⣠", "⣰", "⣸",  //
    "⡄", "⣄", "⣤", "⣴", "⣼",  //
    "⡆", "⣆", "⣦", "⣶", "⣾",  //
    "⡇", "⣇", "⣧", "⣷", "⣿",  //
};

// Eighth blocks, index = level 0-8.
constexpr std::array<const char*, 9> kBlocks = {" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};

// ASCII, index = level 0-2.
constexpr std::array<const char*, 3> kAsciiLevels = {" ", ".", ":"};

double Sanitize(double value) { return std::isfinite(value) && value > 0 ? value : 0.0; }

// Height of one sample in levels over the whole plot (0..total_levels).
int SampleLevel(double value, double scale_max, int total_levels) {
  const double clean = Sanitize(value);
  if (clean <= 0) return 0;
  const int level = static_cast<int>(std::lround(clean / scale_max * total_levels));
  return std::clamp(level, 1, total_levels);
}

// The part of `level` that falls in plot row `row` (0 = top) of `rows`, 0..levels_per_row.
int LevelInRow(int level, int row, int rows, int levels_per_row) {
  const int row_floor = (rows - 1 - row) * levels_per_row;
  return std::clamp(level - row_floor, 0, levels_per_row);
}

std::string PadLeft(const std::string& text, int width) {
  if (static_cast<int>(text.size()) >= width) return text;
  return std::string(static_cast<size_t>(width - static_cast<int>(text.size())), ' ') + text;
}

}  // namespace

int SamplesPerCell(GraphGlyphs glyphs) { return glyphs == GraphGlyphs::kBraille ? 2 : 1; }

int LevelsPerRow(GraphGlyphs glyphs) {
  switch (glyphs) {
    case GraphGlyphs::kBraille:
      return 4;
    case GraphGlyphs::kBlock:
      return 8;
    case GraphGlyphs::kAscii:
      return 2;
  }
  return 2;
}

std::vector<std::string> PlotCells(std::span<const double> samples, int cols, int rows,
                                   double scale_max, GraphGlyphs glyphs) {
  if (cols < 1 || rows < 1) return {};
  if (!(scale_max > 0)) scale_max = 1.0;
  const int per_cell = SamplesPerCell(glyphs);
  const int per_row = LevelsPerRow(glyphs);
  const int total_levels = rows * per_row;

  // Right-align: slot s (0..capacity-1) holds the sample that many places from the oldest drawn
  // one; slots before `first_slot` are empty.
  const int capacity = cols * per_cell;
  const int drawn = std::min(capacity, static_cast<int>(samples.size()));
  const int first_slot = capacity - drawn;
  const size_t first_sample = samples.size() - static_cast<size_t>(drawn);
  std::vector<int> levels(static_cast<size_t>(capacity), 0);
  for (int slot = first_slot; slot < capacity; ++slot) {
    const double value = samples[first_sample + static_cast<size_t>(slot - first_slot)];
    levels[static_cast<size_t>(slot)] = SampleLevel(value, scale_max, total_levels);
  }

  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(rows));
  for (int row = 0; row < rows; ++row) {
    std::string line;
    for (int col = 0; col < cols; ++col) {
      if (glyphs == GraphGlyphs::kBraille) {
        const int left = LevelInRow(levels[static_cast<size_t>(col * 2)], row, rows, per_row);
        const int right = LevelInRow(levels[static_cast<size_t>(col * 2 + 1)], row, rows, per_row);
        line += kBrailleUp[static_cast<size_t>(left * 5 + right)];
      } else {
        const int level = LevelInRow(levels[static_cast<size_t>(col)], row, rows, per_row);
        line += glyphs == GraphGlyphs::kBlock ? kBlocks[static_cast<size_t>(level)]
                                              : kAsciiLevels[static_cast<size_t>(level)];
      }
    }
    out.push_back(std::move(line));
  }
  return out;
}

double NiceScaleMax(double max_value, double floor) {
  const double target = std::max(Sanitize(max_value), floor > 0 ? floor : 0.0);
  if (target <= 0) return 1.0;
  double decade = std::pow(10.0, std::floor(std::log10(target)));
  for (;;) {
    for (const double step : {1.0, 2.0, 5.0}) {
      // The small tolerance keeps 2.0000000001 (a rounding artefact) at 2.
      if (step * decade >= target * (1 - 1e-9)) return step * decade;
    }
    decade *= 10;
  }
}

std::string FormatGraphValue(double value) {
  if (std::isnan(value)) return "-";
  char buffer[32];
  if (std::fabs(value) < 99.95) {
    std::snprintf(buffer, sizeof buffer, "%.1f", value);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
  }
  return buffer;
}

Graph RenderGraph(std::span<const double> samples, const GraphOptions& options) {
  Graph graph;
  if (options.width < 1 || options.height < 1) return graph;
  const bool ascii = options.glyphs == GraphGlyphs::kAscii;
  const std::string unit_suffix = options.unit.empty() ? "" : " " + options.unit;

  // Labels are "<value> <unit>" for the top and "0 <unit>" for the bottom row.
  // The label width is fixed by the top label, which is the widest; the scale must be known
  // first, and it depends on which samples fit, which depends on the label width. Compute the
  // plot width with the label of the scale over all samples, then rescale over the drawn ones:
  // a smaller scale never has a wider label, so the layout stays valid.
  auto plot_width_for = [&](double scale) {
    const std::string top = FormatGraphValue(scale) + unit_suffix;
    const int label_width = static_cast<int>(top.size());
    return std::pair<int, int>{label_width, options.width - label_width - 1};
  };
  auto max_of = [](std::span<const double> values) {
    double max_value = 0;
    for (const double value : values) max_value = std::max(max_value, Sanitize(value));
    return max_value;
  };

  double scale = options.scale_max.value_or(NiceScaleMax(max_of(samples), options.scale_floor));
  auto [label_width, plot_cols] = plot_width_for(scale);
  if (plot_cols < 1) {
    label_width = 0;
    plot_cols = options.width;
  }
  const size_t capacity = static_cast<size_t>(plot_cols * SamplesPerCell(options.glyphs));
  const std::span<const double> drawn =
      samples.size() > capacity ? samples.subspan(samples.size() - capacity) : samples;
  if (!options.scale_max) scale = NiceScaleMax(max_of(drawn), options.scale_floor);

  const std::vector<std::string> cells =
      PlotCells(drawn, plot_cols, options.height, scale, options.glyphs);
  for (int row = 0; row < options.height; ++row) {
    std::string line;
    if (label_width > 0) {
      std::string label;
      if (row == 0) {
        label = FormatGraphValue(scale) + unit_suffix;
      } else if (row == options.height - 1) {
        label = "0" + unit_suffix;
      }
      const bool labelled = !label.empty();
      line = PadLeft(label, label_width);
      line += labelled ? (ascii ? "+" : "┤") : (ascii ? "|" : "│");
    }
    line += cells[static_cast<size_t>(row)];
    graph.rows.push_back(std::move(line));
  }
  graph.scale_max = scale;

  if (drawn.empty()) {
    graph.caption = "no samples";
  } else {
    graph.caption = "now " + FormatGraphValue(Sanitize(drawn.back())) + unit_suffix + "  max " +
                    FormatGraphValue(max_of(drawn)) + unit_suffix;
  }
  return graph;
}

}  // namespace switchyard::tui
