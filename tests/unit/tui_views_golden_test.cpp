// Golden tests of every console view: the fixed snapshot (tui_fixture_snapshot.h) rendered by
// the real ConsoleApp into a headless screen at 80x24 and 200x60, read back as text (the same
// with and without colour, checked below) and as attribute maps with colour and with NO_COLOR.
// A layout change shows up here as a diff of tests/console/golden/view_*.txt; review it and
// rewrite with SWITCHYARD_UPDATE_GOLDEN=1.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tui/console_app.h"
#include "tui/headless_screen.h"
#include "tui/theme_curses.h"
#include "tui_fixture_snapshot.h"
#include "tui_golden.h"

namespace switchyard::tui {
namespace {

using testing::FixtureNow;
using testing::FixtureSnapshot;
using testing::MatchesGolden;

struct Scene {
  const char* name;
  std::vector<Key> keys;  // pressed after the snapshot arrives
  // Changes to the fixed snapshot for this scene; null: the fixture as it is.
  void (*adjust)(control::EngineSnapshot&) = nullptr;
};

// Nothing wrong: no table in error, no open apply exception, latency low.
void Quiet(control::EngineSnapshot& snapshot) {
  for (auto& table : snapshot.tables) {
    if (table.table_state == state::TableState::kTableError) {
      table.table_state = state::TableState::kFullLoad;
      table.last_error.clear();
    }
  }
  snapshot.apply_exceptions_unresolved = 0;
  snapshot.apply_exceptions.erase(snapshot.apply_exceptions.begin());
  snapshot.metrics[control::metric::kCdcLatencyTarget] = 0.8;
  // Source-log figures the engine does not know (yet): absent, so the box says "unknown".
  snapshot.metrics.erase(control::metric::kSourceLogGrowthBytesPerSecond);
  snapshot.metrics.erase(control::metric::kSourceDiskFullProjectedSeconds);
  snapshot.metrics.erase(control::metric::kSourceDiskFreeBytes);
  snapshot.metrics.erase(control::metric::kSourceDiskFreeFrom);
}

// Every alarm the snapshot can raise, more than the boxes hold.
void Alarming(control::EngineSnapshot& snapshot) {
  namespace metric = control::metric;
  snapshot.tables[3].table_state = state::TableState::kTableError;
  snapshot.tables[3].last_error = "relation \"order_items\" does not exist";
  snapshot.metrics[metric::kCdcLatencySource] = 14.2;
  snapshot.metrics[metric::kStateDirFreeBytes] = 600.0 * 1024 * 1024;
  auto& retained = snapshot.history[metric::kRetainedSourceLogBytes];
  for (int minute = 4; minute >= 0; --minute) {
    retained.push_back({snapshot.taken_at - std::chrono::minutes(minute),
                        (700.0 + 100.0 * (4 - minute)) * 1024 * 1024});
  }
  snapshot.metrics[metric::kRetainedSourceLogBytes] = retained.back().value;
  // A PostgreSQL source whose slot is about to go and whose disk (stated) fills within the
  // hour.
  snapshot.source = "postgresql://repl@127.0.0.1:5432/shop";
  snapshot.metrics[metric::kSourceLogGrowthBytesPerSecond] = 600.0 * 1024;
  snapshot.metrics[metric::kSourceDiskFreeBytes] = 1.5 * 1024 * 1024 * 1024;
  snapshot.metrics[metric::kSourceDiskFreeFrom] = 2;
  snapshot.metrics[metric::kSourceDiskFullProjectedSeconds] = 1.5 * 1024 * 1024 * 1024 / 614400;
  snapshot.metrics[metric::kSlotWalStatus] = 2;
  snapshot.metrics[metric::kSlotSafeWalSizeBytes] = 200.0 * 1024 * 1024;
  snapshot.metrics[metric::kSlotInvalidationProjectedSeconds] = 200.0 * 1024 * 1024 / 614400;
}

std::vector<Scene> Scenes() {
  const Key enter = Key::Named(NamedKey::kEnter);
  return {
      {"overview", {}},
      {"overview_quiet", {}, Quiet},
      {"overview_alarming", {}, Alarming},
      {"tables", {Key::Char('2')}},
      {"tables_detail", {Key::Char('2'), Key::Char('j'), Key::Char('j'), enter}},
      {"exceptions", {Key::Char('3')}},
      {"exceptions_detail", {Key::Char('3'), enter}},
      {"logs", {Key::Char('4')}},
      {"runbooks", {Key::Char('5')}},
      {"messages", {Key::Char('6')}},
      {"help", {Key::Char('?')}},
      {"help_search",
       {Key::Char('?'), Key::Char('/'), Key::Char('t'), Key::Char('a'), Key::Char('b'),
        Key::Char('l'), Key::Char('e'), enter}},
      {"reload_dialog", {Key::Char('2'), Key::Char('G'), Key::Char('R')}},
      {"quit_dialog", {Key::Char('q')}},
  };
}

// Commands go nowhere: the golden scenes only open dialogs.
class NullSink : public CommandSink {
 public:
  Status Submit(const control::Command&) override { return Status::Ok(); }
};

struct Variant {
  Scene scene;
  int cols;
  int lines;
  bool color;
};

// Renders a scene the way the console does: snapshot in, keys, one frame.
std::unique_ptr<HeadlessScreen> RenderScene(const Scene& scene, int cols, int lines, bool color,
                                            Glyphs glyphs = Glyphs::kUnicode) {
  auto screen = HeadlessScreen::Open({cols, lines, "xterm-256color"});
  EXPECT_TRUE(screen.ok()) << screen.status().message();
  if (!screen.ok()) return nullptr;
  ConsoleOptions options;
  options.depth = DetectColorDepth(/*no_color_flag=*/!color);
  options.glyphs = glyphs;
  options.graph_glyphs = glyphs == Glyphs::kAscii ? GraphGlyphs::kAscii : GraphGlyphs::kBraille;
  NullSink sink;
  ConsoleApp app(options, &sink);
  app.InstallPalette();
  app.SetScreenSize(cols, lines);
  app.SetEngineRunning(true);
  if (scene.adjust != nullptr) {
    auto snapshot = std::make_shared<control::EngineSnapshot>(*FixtureSnapshot());
    scene.adjust(*snapshot);
    app.OnSnapshot(snapshot);
  } else {
    app.OnSnapshot(FixtureSnapshot());
  }
  // Two messages so the Messages view has rows; older than the toast time, so none flashes.
  app.Notify(ToastLevel::kInfo, "theme dark", FixtureNow() - std::chrono::seconds(600));
  app.Notify(ToastLevel::kError, "reload of shop.orders failed: engine busy",
             FixtureNow() - std::chrono::seconds(300));
  for (const Key& key : scene.keys) app.OnKey(key, FixtureNow() - std::chrono::seconds(60));
  (*screen)->Render([&](CursesWindow* win) { app.Render(win, FixtureNow()); });
  return std::move(*screen);
}

std::string Size(int cols, int lines) { return std::to_string(cols) + "x" + std::to_string(lines); }

class TuiViewsGolden : public ::testing::TestWithParam<Variant> {};

TEST_P(TuiViewsGolden, MatchesGoldenTextAndAttributes) {
  const Variant& v = GetParam();
  auto screen = RenderScene(v.scene, v.cols, v.lines, v.color);
  ASSERT_NE(screen, nullptr);
  const std::string base = std::string("view_") + v.scene.name + "_" + Size(v.cols, v.lines);
  // The text is the same in colour and without (TextDoesNotDependOnColour); one file per size.
  if (v.color) {
    EXPECT_TRUE(MatchesGolden(base + "_text", screen->Text()));
  }
  EXPECT_TRUE(MatchesGolden(base + (v.color ? "_color" : "_mono") + "_attrs",
                            screen->Attributes().Lines()));
}

std::vector<Variant> AllVariants() {
  std::vector<Variant> out;
  for (const Scene& scene : Scenes()) {
    for (const auto& [cols, lines] : {std::pair{80, 24}, std::pair{200, 60}}) {
      for (const bool color : {true, false}) out.push_back({scene, cols, lines, color});
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Views, TuiViewsGolden, ::testing::ValuesIn(AllVariants()),
                         [](const auto& info) {
                           return std::string(info.param.scene.name) + "_" +
                                  Size(info.param.cols, info.param.lines) +
                                  (info.param.color ? "_color" : "_mono");
                         });

TEST(TuiViews, TextDoesNotDependOnColour) {
  for (const Scene& scene : Scenes()) {
    auto with = RenderScene(scene, 80, 24, true);
    auto without = RenderScene(scene, 80, 24, false);
    ASSERT_NE(with, nullptr);
    ASSERT_NE(without, nullptr);
    EXPECT_EQ(with->Text(), without->Text()) << scene.name;
  }
}

TEST(TuiViews, MonochromeUsesNoColourPairs) {
  for (const Scene& scene : Scenes()) {
    auto screen = RenderScene(scene, 80, 24, false);
    ASSERT_NE(screen, nullptr);
    for (const std::string& line : screen->Attributes().legend) {
      EXPECT_EQ(line.find("pair"), std::string::npos) << scene.name << ": " << line;
    }
  }
}

TEST(TuiViews, AsciiFallbackUsesOnlyAscii) {
  for (const Scene& scene : Scenes()) {
    auto screen = RenderScene(scene, 80, 24, true, Glyphs::kAscii);
    ASSERT_NE(screen, nullptr);
    for (const std::string& line : screen->Text()) {
      for (const char c : line) {
        EXPECT_EQ(static_cast<unsigned char>(c) & 0x80, 0) << scene.name << ": " << line;
      }
    }
  }
  auto overview = RenderScene(Scenes()[0], 80, 24, true, Glyphs::kAscii);
  ASSERT_NE(overview, nullptr);
  EXPECT_TRUE(MatchesGolden("view_overview_80x24_ascii_text", overview->Text()));
}

// Below 120 columns the alarms sit under Storage with one line at 80x24; a taller terminal
// gives them and Storage more lines before the graphs grow.
TEST(TuiViews, NarrowButTallOverviewGivesTheAlarmsAndStorageMoreLines) {
  const Scene alarming = Scenes()[2];
  ASSERT_STREQ(alarming.name, "overview_alarming");
  auto screen = RenderScene(alarming, 100, 30, true);
  ASSERT_NE(screen, nullptr);
  EXPECT_TRUE(MatchesGolden("view_overview_alarming_100x30_text", screen->Text()));
}

TEST(TuiViews, BelowTheMinimumSizeShowsTheSizeGuard) {
  auto screen = RenderScene(Scenes()[0], 70, 20, true);
  ASSERT_NE(screen, nullptr);
  const auto text = screen->Text();
  bool found = false;
  for (const auto& line : text)
    found |= line.find("need at least 80x24, have 70x20") != std::string::npos;
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace switchyard::tui
