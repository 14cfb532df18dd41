#include "tui/theme_curses.h"

#include "tui/curses_include.h"

namespace switchyard::tui {
namespace {

constexpr int kColors256 = 256;

CursesAttr ToCursesAttrs(uint8_t bits) {
  CursesAttr out = A_NORMAL;
  if (bits & kAttrBold) out |= A_BOLD;
  if (bits & kAttrReverse) out |= A_REVERSE;
  if (bits & kAttrUnderline) out |= A_UNDERLINE;
  if (bits & kAttrDim) out |= A_DIM;
  return out;
}

}  // namespace

ColorDepth ChooseColorDepth(bool has_colors, int colors, bool no_color) {
  if (no_color || !has_colors || colors < 8) return ColorDepth::kMono;
  return colors >= kColors256 ? ColorDepth::k256 : ColorDepth::k8;
}

ColorDepth DetectColorDepth(bool no_color_flag) {
  const bool no_color = no_color_flag || NoColorRequested();
  if (no_color || !has_colors()) return ColorDepth::kMono;
  start_color();
  return ChooseColorDepth(true, COLORS, false);
}

Palette InstallTheme(const Theme& theme, ColorDepth depth) {
  Palette palette;
  palette.depth = depth;
  if (depth != ColorDepth::kMono) {
    start_color();
    use_default_colors();
  }
  for (int index = 0; index < kRoleCount; ++index) {
    const RoleStyle& style = theme.roles[static_cast<size_t>(index)];
    const ResolvedStyle resolved = Resolve(style, depth);
    CursesAttr attrs = ToCursesAttrs(resolved.attrs);
    short pair = 0;
    if (resolved.use_color) {
      pair = static_cast<short>(index + 1);
      if (init_pair(pair, static_cast<short>(resolved.fg), static_cast<short>(resolved.bg)) == OK) {
        attrs |= static_cast<CursesAttr>(COLOR_PAIR(pair));
      } else {
        pair = 0;
        attrs = ToCursesAttrs(style.mono);
      }
    }
    palette.attrs[static_cast<size_t>(index)] = attrs;
    palette.pairs[static_cast<size_t>(index)] = pair;
  }
  return palette;
}

}  // namespace switchyard::tui
