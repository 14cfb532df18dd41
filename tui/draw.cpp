#include "tui/draw.h"

#include <string>

#include "tui/curses_include.h"

namespace switchyard::tui {
namespace {

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

struct BoxGlyphs {
  const char* horizontal;
  const char* vertical;
  const char* top_left;
  const char* top_right;
  const char* bottom_left;
  const char* bottom_right;
};

constexpr BoxGlyphs kUnicodeBox = {"─", "│", "┌", "┐", "└", "┘"};
constexpr BoxGlyphs kAsciiBox = {"-", "|", "+", "+", "+", "+"};

std::string Repeat(const char* glyph, int count) {
  std::string out;
  for (int index = 0; index < count; ++index) out += glyph;
  return out;
}

}  // namespace

int CellWidth(std::string_view utf8) {
  int cells = 0;
  for (const char c : utf8) {
    if (!IsContinuationByte(c)) ++cells;
  }
  return cells;
}

std::string_view ClipToCells(std::string_view utf8, int cells) {
  if (cells <= 0) return {};
  int seen = 0;
  for (size_t index = 0; index < utf8.size(); ++index) {
    if (IsContinuationByte(utf8[index])) continue;
    if (seen == cells) return utf8.substr(0, index);
    ++seen;
  }
  return utf8;
}

void DrawText(CursesWindow* win, int y, int x, std::string_view utf8, CursesAttr attr,
              int max_cells) {
  const int width = getmaxx(win);
  if (y < 0 || y >= getmaxy(win) || x < 0 || x >= width) return;
  const std::string clipped(ClipToCells(utf8, std::min(max_cells, width - x)));
  if (clipped.empty()) return;
  // wattrset takes the colour pair from `attr`'s COLOR_PAIR bits (pairs here are < 256).
  wattrset(win, static_cast<int>(attr));
  mvwaddnstr(win, y, x, clipped.c_str(), static_cast<int>(clipped.size()));
  wattrset(win, A_NORMAL);
}

void DrawBox(CursesWindow* win, int y, int x, int height, int width, std::string_view title,
             const Palette& palette, Glyphs glyphs) {
  if (height < 2 || width < 2) return;
  const BoxGlyphs& box = glyphs == Glyphs::kAscii ? kAsciiBox : kUnicodeBox;
  const CursesAttr border = palette[Role::kBorder];
  const std::string middle = Repeat(box.horizontal, width - 2);
  DrawText(win, y, x, std::string(box.top_left) + middle + box.top_right, border);
  for (int row = 1; row < height - 1; ++row) {
    DrawText(win, y + row, x, box.vertical, border);
    DrawText(win, y + row, x + width - 1, box.vertical, border);
  }
  DrawText(win, y + height - 1, x, std::string(box.bottom_left) + middle + box.bottom_right,
           border);
  if (!title.empty() && width > 6) {
    DrawText(win, y, x + 2, " " + std::string(title) + " ", palette[Role::kTitle], width - 4);
  }
}

void DrawFooter(CursesWindow* win, int y, const std::vector<FooterHint>& hints,
                const Palette& palette) {
  const int width = getmaxx(win);
  DrawText(win, y, 0, std::string(static_cast<size_t>(width), ' '), palette[Role::kFooter]);
  int x = 0;
  for (const FooterHint& hint : hints) {
    if (x > 0) x += 2;
    DrawText(win, y, x, hint.key, palette[Role::kKeyHint]);
    x += CellWidth(hint.key);
    DrawText(win, y, x, " " + hint.label, palette[Role::kFooter]);
    x += 1 + CellWidth(hint.label);
  }
}

void DrawGraph(CursesWindow* win, int y, int x, const Graph& graph, const Palette& palette) {
  for (size_t row = 0; row < graph.rows.size(); ++row) {
    DrawText(win, y + static_cast<int>(row), x, graph.rows[row], palette[Role::kGraph]);
  }
  DrawText(win, y + static_cast<int>(graph.rows.size()), x, graph.caption, palette[Role::kNormal]);
}

}  // namespace switchyard::tui
