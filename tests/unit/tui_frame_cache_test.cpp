// FrameCache (tui/frame_cache.h): the console loop sends a frame only when its cells differ
// from the last one sent. Drawn into a headless screen, as the console draws.
#include <gtest/gtest.h>

#include "tui/curses_include.h"
#include "tui/frame_cache.h"
#include "tui/headless_screen.h"

namespace switchyard::tui {
namespace {

class TuiFrameCache : public ::testing::Test {
 protected:
  void SetUp() override {
    auto screen = HeadlessScreen::Open({80, 24, "xterm-256color"});
    ASSERT_TRUE(screen.ok()) << screen.status().message();
    screen_ = std::move(*screen);
    screen_->Select();
  }
  // What the loop does with a frame: erase, draw, then compare.
  void Draw(const char* text, attr_t attrs = A_NORMAL) {
    werase(stdscr);
    mvwaddstr(stdscr, 3, 5, text);
    mvwchgat(stdscr, 3, 5, 4, attrs, 0, nullptr);
  }
  std::unique_ptr<HeadlessScreen> screen_;
};

TEST_F(TuiFrameCache, NothingRememberedNeverMatches) {
  FrameCache cache;
  Draw("idle");
  EXPECT_FALSE(cache.Matches(stdscr));
}

TEST_F(TuiFrameCache, TheSameCellsMatchAndAnyChangedCellDoesNot) {
  FrameCache cache;
  Draw("idle 12s");
  cache.Remember(stdscr);
  Draw("idle 12s");
  EXPECT_TRUE(cache.Matches(stdscr));
  Draw("idle 13s");  // the uptime ticked
  EXPECT_FALSE(cache.Matches(stdscr));
  Draw("idle 12s", A_BOLD);  // same text, other attributes
  EXPECT_FALSE(cache.Matches(stdscr));
}

TEST_F(TuiFrameCache, ForgetAndAResizeDrawTheNextFrame) {
  FrameCache cache;
  Draw("idle");
  cache.Remember(stdscr);
  cache.Forget();
  EXPECT_FALSE(cache.Matches(stdscr));
  cache.Remember(stdscr);
  ASSERT_TRUE(screen_->Resize(100, 30).ok());
  Draw("idle");
  EXPECT_FALSE(cache.Matches(stdscr));
}

TEST_F(TuiFrameCache, ReadingLeavesTheCursorWhereTheFrameLeftIt) {
  FrameCache cache;
  Draw("idle");
  wmove(stdscr, 7, 9);
  cache.Remember(stdscr);
  EXPECT_TRUE(cache.Matches(stdscr));
  EXPECT_EQ(getcury(stdscr), 7);
  EXPECT_EQ(getcurx(stdscr), 9);
}

}  // namespace
}  // namespace switchyard::tui
