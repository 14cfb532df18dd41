// Golden tests of the headless rendering harness: a small demo frame (a bordered box with a
// title, a braille graph with its caption, and the footer from the key registry) rendered at
// 80x24 and 200x60, with colour and with NO_COLOR, read back as text and as an attribute map.
// This frame is a harness check, not a console view.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmath>
#include <string>
#include <vector>

#include "tui/draw.h"
#include "tui/headless_screen.h"
#include "tui/key_registry.h"
#include "tui/size_guard.h"
#include "tui/theme.h"
#include "tui/theme_curses.h"
#include "tui_golden.h"

namespace switchyard::tui {
namespace {

using testing::MatchesGolden;

// A fixed series: a latency bump that rises to 12 s and falls to 2.4 s.
std::vector<double> DemoSamples() {
  std::vector<double> samples;
  for (int index = 0; index < 120; ++index) {
    const double x = (index - 80) / 12.0;
    samples.push_back(std::round((0.2 + 11.8 * std::exp(-x * x)) * 10) / 10);
  }
  samples.back() = 2.4;
  return samples;
}

void DrawDemoFrame(CursesWindow* win, int cols, int lines, const Palette& palette) {
  const int box_height = lines - 1;
  DrawBox(win, 0, 0, box_height, cols, "CDCLatencyTarget", palette, Glyphs::kUnicode);
  GraphOptions options;
  options.width = cols - 4;
  options.height = std::max(1, std::min(8, box_height - 5));
  const Graph graph = RenderGraph(DemoSamples(), options);
  DrawGraph(win, 2, 2, graph, palette);
  DrawText(win, box_height - 2, 2, "apply: ", palette[Role::kNormal]);
  DrawText(win, box_height - 2, 9, "OK", palette[Role::kOk]);
  DrawFooter(win, lines - 1, DefaultKeyRegistry().FooterHints(View::kOverview, cols), palette);
}

struct Variant {
  int cols;
  int lines;
  bool color;
};

std::string VariantName(const Variant& variant) {
  return "demo_frame_" + std::to_string(variant.cols) + "x" + std::to_string(variant.lines) +
         (variant.color ? "_color" : "_mono");
}

class TuiHeadlessGolden : public ::testing::TestWithParam<Variant> {};

TEST_P(TuiHeadlessGolden, DemoFrameMatchesGoldenTextAndAttributes) {
  const Variant variant = GetParam();
  auto screen = HeadlessScreen::Open({variant.cols, variant.lines, "xterm-256color"});
  ASSERT_TRUE(screen.ok()) << screen.status().message();
  const ColorDepth depth = DetectColorDepth(/*no_color_flag=*/!variant.color);
  ASSERT_EQ(depth, variant.color ? ColorDepth::k256 : ColorDepth::kMono);
  const Palette palette = InstallTheme(BuiltinTheme(), depth);
  (*screen)->Render(
      [&](CursesWindow* win) { DrawDemoFrame(win, variant.cols, variant.lines, palette); });
  const std::vector<std::string> text = (*screen)->Text();
  ASSERT_EQ(text.size(), static_cast<size_t>(variant.lines));
  EXPECT_TRUE(MatchesGolden(VariantName(variant) + "_text", text));
  EXPECT_TRUE(MatchesGolden(VariantName(variant) + "_attrs", (*screen)->Attributes().Lines()));
}

INSTANTIATE_TEST_SUITE_P(Sizes, TuiHeadlessGolden,
                         ::testing::Values(Variant{80, 24, true}, Variant{80, 24, false},
                                           Variant{200, 60, true}, Variant{200, 60, false}),
                         [](const auto& info) {
                           return std::to_string(info.param.cols) + "x" +
                                  std::to_string(info.param.lines) +
                                  (info.param.color ? "Color" : "Mono");
                         });

TEST(TuiHeadlessScreen, TextIsTheSameWithAndWithoutColour) {
  std::vector<std::string> texts[2];
  for (const bool color : {true, false}) {
    auto screen = HeadlessScreen::Open({80, 24, "xterm-256color"});
    ASSERT_TRUE(screen.ok());
    const Palette palette =
        InstallTheme(BuiltinTheme(), DetectColorDepth(/*no_color_flag=*/!color));
    (*screen)->Render([&](CursesWindow* win) { DrawDemoFrame(win, 80, 24, palette); });
    texts[color ? 0 : 1] = (*screen)->Text();
  }
  EXPECT_EQ(texts[0], texts[1]);
}

TEST(TuiHeadlessScreen, ResizeChangesTheVirtualScreen) {
  auto screen = HeadlessScreen::Open({80, 24});
  ASSERT_TRUE(screen.ok());
  ASSERT_TRUE((*screen)->Resize(120, 40).ok());
  EXPECT_EQ((*screen)->cols(), 120);
  (*screen)->Render([](CursesWindow* win) {
    DrawText(win, 39, 119, "x", 0);
    DrawText(win, 0, 0, "right edge is clipped", 0, 5);
  });
  const auto text = (*screen)->Text();
  ASSERT_EQ(text.size(), 40u);
  EXPECT_EQ(text[0], "right");
  EXPECT_EQ(text[39], std::string(119, ' ') + "x");
}

TEST(TuiHeadlessScreen, TooSmallScreenRendersTheGuardText) {
  auto screen = HeadlessScreen::Open({60, 20});
  ASSERT_TRUE(screen.ok());
  const auto guard = CheckTerminalSize({(*screen)->cols(), (*screen)->lines()});
  ASSERT_TRUE(guard.has_value());
  (*screen)->Render([&](CursesWindow* win) {
    for (size_t row = 0; row < guard->size(); ++row) {
      DrawText(win, static_cast<int>(row), 0, (*guard)[row], 0);
    }
  });
  const auto text = (*screen)->Text();
  EXPECT_EQ(text[9], "              need at least 80x24, have 60x20");
}

TEST(TuiHeadlessScreen, UnknownTerminalIsAnError) {
  auto screen = HeadlessScreen::Open({80, 24, "no-such-terminal-xyz"});
  ASSERT_FALSE(screen.ok());
  EXPECT_EQ(screen.status().message(),
            "headless screen: no terminfo entry for TERM=no-such-terminal-xyz");
}

// Rendering must not write a byte to the test's real stdout: redirect fd 1 to a pipe while a
// frame is drawn and check that nothing arrived.
TEST(TuiHeadlessScreen, WritesNothingToStdout) {
  fflush(stdout);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const int saved = dup(1);
  ASSERT_GE(saved, 0);
  dup2(fds[1], 1);
  {
    auto screen = HeadlessScreen::Open({80, 24});
    if (screen.ok()) {
      const Palette palette = InstallTheme(BuiltinTheme(), DetectColorDepth());
      (*screen)->Render([&](CursesWindow* win) { DrawDemoFrame(win, 80, 24, palette); });
    }
  }
  fflush(stdout);
  dup2(saved, 1);
  close(saved);
  close(fds[1]);
  char buffer[256];
  const ssize_t got = read(fds[0], buffer, sizeof buffer);
  close(fds[0]);
  EXPECT_EQ(got, 0) << "bytes written to stdout during headless rendering";
}

}  // namespace
}  // namespace switchyard::tui
