#include <gtest/gtest.h>

#include "tui/size_guard.h"

namespace switchyard::tui {
namespace {

TEST(TuiSizeGuard, MinimumSizeAndLargerAreOk) {
  EXPECT_FALSE(CheckTerminalSize({80, 24}).has_value());
  EXPECT_FALSE(CheckTerminalSize({200, 60}).has_value());
}

TEST(TuiSizeGuard, TooSmallScreenSaysNeededAndActualSize) {
  const auto screen = CheckTerminalSize({60, 20});
  ASSERT_TRUE(screen.has_value());
  ASSERT_EQ(screen->size(), 20u);
  for (const std::string& line : *screen) EXPECT_EQ(line.size(), 60u);
  // Four message lines centred vertically: rows 8-11.
  EXPECT_EQ((*screen)[7], std::string(60, ' '));
  EXPECT_EQ((*screen)[8], "                     Terminal too small                     ");
  EXPECT_EQ((*screen)[9], "              need at least 80x24, have 60x20               ");
  EXPECT_EQ((*screen)[10], "                20 columns and 4 lines short                ");
  EXPECT_EQ((*screen)[11], "          Resize the terminal, or press q to quit.          ");
}

TEST(TuiSizeGuard, OnlyOneDimensionShort) {
  const auto narrow = CheckTerminalSize({79, 40});
  ASSERT_TRUE(narrow.has_value());
  EXPECT_NE((*narrow)[19].find("need at least 80x24, have 79x40"), std::string::npos);
  EXPECT_NE((*narrow)[20].find("1 column short"), std::string::npos);
  const auto short_one = CheckTerminalSize({120, 23});
  ASSERT_TRUE(short_one.has_value());
  EXPECT_NE((*short_one)[11].find("1 line short"), std::string::npos);
}

TEST(TuiSizeGuard, TinyTerminalCutsTheMessage) {
  const auto screen = CheckTerminalSize({10, 2});
  ASSERT_TRUE(screen.has_value());
  ASSERT_EQ(screen->size(), 2u);
  EXPECT_EQ((*screen)[0], "Terminal t");
  EXPECT_EQ((*screen)[1], "need at le");
  EXPECT_TRUE(CheckTerminalSize({0, 0})->empty());
}

TEST(TuiSizeGuard, CustomMinimum) {
  EXPECT_FALSE(CheckTerminalSize({100, 30}, {100, 30}).has_value());
  EXPECT_TRUE(CheckTerminalSize({99, 30}, {100, 30}).has_value());
}

}  // namespace
}  // namespace switchyard::tui
