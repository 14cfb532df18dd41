#include "tui/size_guard.h"

#include <algorithm>

namespace switchyard::tui {
namespace {

std::string Plural(int count, const char* singular, const char* plural) {
  return std::to_string(count) + " " + (count == 1 ? singular : plural);
}

// The shortfall in words: "20 columns short", "4 lines short", "20 columns and 4 lines short".
std::string Shortfall(TerminalSize have, TerminalSize need) {
  std::string out;
  if (have.cols < need.cols) out = Plural(need.cols - have.cols, "column", "columns");
  if (have.lines < need.lines) {
    if (!out.empty()) out += " and ";
    out += Plural(need.lines - have.lines, "line", "lines");
  }
  return out + " short";
}

std::string CentreInWidth(const std::string& text, int width) {
  if (width <= 0) return "";
  std::string cut = text.substr(0, static_cast<size_t>(width));
  int left = (width - static_cast<int>(cut.size())) / 2;
  std::string line(static_cast<size_t>(left), ' ');
  line += cut;
  line.resize(static_cast<size_t>(width), ' ');
  return line;
}

}  // namespace

std::optional<std::vector<std::string>> CheckTerminalSize(TerminalSize have, TerminalSize need) {
  if (have.cols >= need.cols && have.lines >= need.lines) return std::nullopt;
  const std::vector<std::string> message = {
      "Terminal too small",
      "need at least " + std::to_string(need.cols) + "x" + std::to_string(need.lines) + ", have " +
          std::to_string(have.cols) + "x" + std::to_string(have.lines),
      Shortfall(have, need),
      "Resize the terminal, or press q to quit.",
  };
  const int lines = std::max(have.lines, 0);
  const int message_lines = static_cast<int>(message.size());
  const int top = std::max((lines - message_lines) / 2, 0);
  std::vector<std::string> screen;
  screen.reserve(static_cast<size_t>(lines));
  for (int row = 0; row < lines; ++row) {
    const int index = row - top;
    const bool in_message = index >= 0 && index < message_lines;
    screen.push_back(
        CentreInWidth(in_message ? message[static_cast<size_t>(index)] : "", have.cols));
  }
  return screen;
}

}  // namespace switchyard::tui
