#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tui/graph.h"

namespace switchyard::tui {
namespace {

// The braille table checked against the dot bits it must contain: left column dots 7,3,2,1
// (0x40, 0x04, 0x02, 0x01) from the bottom, right column dots 8,6,5,4 (0x80, 0x20, 0x10, 0x08).
std::string ExpectedBraille(int left, int right) {
  constexpr int kLeft[] = {0, 0x40, 0x44, 0x46, 0x47};
  constexpr int kRight[] = {0, 0x80, 0xA0, 0xB0, 0xB8};
  if (left == 0 && right == 0) return " ";
  const int code = 0x2800 + kLeft[left] + kRight[right];
  std::string out;
  out += static_cast<char>(0xE0 | (code >> 12));
  out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
  out += static_cast<char>(0x80 | (code & 0x3F));
  return out;
}

TEST(TuiGraph, BrailleCellsFollowTheFiveByFiveTable) {
  for (int left = 0; left <= 4; ++left) {
    for (int right = 0; right <= 4; ++right) {
      const std::vector<double> samples = {left / 4.0, right / 4.0};
      const auto rows = PlotCells(samples, 1, 1, 1.0, GraphGlyphs::kBraille);
      ASSERT_EQ(rows.size(), 1u);
      EXPECT_EQ(rows[0], ExpectedBraille(left, right)) << left << "," << right;
    }
  }
}

TEST(TuiGraph, BrailleRampRightAligned) {
  const std::vector<double> samples = {0, 1, 2, 3, 4, 4, 4, 3};
  EXPECT_EQ(PlotCells(samples, 5, 1, 4.0, GraphGlyphs::kBraille),
            std::vector<std::string>{" ⢀⣴⣿⣷"});
}

TEST(TuiGraph, BrailleTwoRowsSplitTheRange) {
  const std::vector<double> samples = {1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_EQ(PlotCells(samples, 4, 2, 8.0, GraphGlyphs::kBraille),
            (std::vector<std::string>{"  ⣠⣾", "⣠⣾⣿⣿"}));
}

TEST(TuiGraph, SmallNonZeroValueIsNeverDrawnAsZero) {
  const std::vector<double> samples = {0.001, 0};
  EXPECT_EQ(PlotCells(samples, 1, 1, 100.0, GraphGlyphs::kBraille), std::vector<std::string>{"⡀"});
}

TEST(TuiGraph, NegativeAndNanAreZeroAndOverflowIsClamped) {
  const std::vector<double> samples = {-3, NAN, 50, 1};
  EXPECT_EQ(PlotCells(samples, 2, 1, 1.0, GraphGlyphs::kBraille), std::vector<std::string>{" ⣿"});
}

TEST(TuiGraph, BlockFallbackOneSamplePerCellEightLevels) {
  const std::vector<double> samples = {0, 1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_EQ(PlotCells(samples, 9, 1, 8.0, GraphGlyphs::kBlock),
            std::vector<std::string>{" ▁▂▃▄▅▆▇█"});
  EXPECT_EQ(PlotCells(samples, 9, 2, 8.0, GraphGlyphs::kBlock),
            (std::vector<std::string>{"     ▂▄▆█", " ▂▄▆█████"}));
}

TEST(TuiGraph, AsciiFallbackDotAndColon) {
  const std::vector<double> samples = {0, 1, 2, 3, 4};
  EXPECT_EQ(PlotCells(samples, 6, 2, 4.0, GraphGlyphs::kAscii),
            (std::vector<std::string>{"    .:", "  .:::"}));
}

TEST(TuiGraph, NiceScale) {
  EXPECT_EQ(NiceScaleMax(0, 1.0), 1.0);
  EXPECT_EQ(NiceScaleMax(0.3, 1.0), 1.0);
  EXPECT_EQ(NiceScaleMax(1.5, 1.0), 2.0);
  EXPECT_EQ(NiceScaleMax(2.0, 1.0), 2.0);
  EXPECT_EQ(NiceScaleMax(2.4, 1.0), 5.0);
  EXPECT_EQ(NiceScaleMax(12.0, 1.0), 20.0);
  EXPECT_EQ(NiceScaleMax(60.0, 1.0), 100.0);
  EXPECT_EQ(NiceScaleMax(0.03, 0.0), 0.05);
}

TEST(TuiGraph, ValueFormat) {
  EXPECT_EQ(FormatGraphValue(2.4), "2.4");
  EXPECT_EQ(FormatGraphValue(12), "12.0");
  EXPECT_EQ(FormatGraphValue(125.3), "125");
  EXPECT_EQ(FormatGraphValue(0), "0.0");
  EXPECT_EQ(FormatGraphValue(NAN), "-");
}

TEST(TuiGraph, RenderWithAxisLabelsAndCaption) {
  const std::vector<double> samples = {0.5, 1, 2, 4, 8, 12, 6, 2.4};
  GraphOptions options;
  options.width = 16;
  options.height = 3;
  const Graph graph = RenderGraph(samples, options);
  EXPECT_EQ(graph.scale_max, 20.0);
  EXPECT_EQ(graph.caption, "now 2.4 s  max 12.0 s");
  EXPECT_EQ(graph.rows, (std::vector<std::string>{
                            "20.0 s┤         ",
                            "      │       ⣰ ",
                            "   0 s┤     ⣀⣠⣿⣇",
                        }));
}

TEST(TuiGraph, RenderAsciiAndFixedScale) {
  const std::vector<double> samples = {0, 1, 2, 3};
  GraphOptions options;
  options.width = 10;
  options.height = 2;
  options.glyphs = GraphGlyphs::kAscii;
  options.scale_max = 4.0;
  const Graph graph = RenderGraph(samples, options);
  EXPECT_EQ(graph.rows, (std::vector<std::string>{"4.0 s+   .", "  0 s+ .::"}));
  EXPECT_EQ(graph.caption, "now 3.0 s  max 3.0 s");
}

TEST(TuiGraph, OnlyTheSamplesThatFitAreScaledAndCaptioned) {
  // 100 s is scrolled out: two plot cells hold four samples.
  const std::vector<double> samples = {100, 1, 1, 1, 2};
  GraphOptions options;
  options.width = 8;
  options.height = 1;
  const Graph graph = RenderGraph(samples, options);
  EXPECT_EQ(graph.caption, "now 2.0 s  max 2.0 s");
  EXPECT_EQ(graph.scale_max, 2.0);
  EXPECT_EQ(graph.rows, std::vector<std::string>{"2.0 s┤⣤⣼"});
}

TEST(TuiGraph, EmptySeriesAndNarrowWidth) {
  GraphOptions options;
  options.width = 12;
  options.height = 1;
  const Graph empty = RenderGraph({}, options);
  EXPECT_EQ(empty.caption, "no samples");
  EXPECT_EQ(empty.rows, std::vector<std::string>{"1.0 s┤      "});
  options.width = 3;  // no room for labels: plot only
  const std::vector<double> samples = {1, 1};
  EXPECT_EQ(RenderGraph(samples, options).rows, std::vector<std::string>{"  ⣿"});
}

}  // namespace
}  // namespace switchyard::tui
