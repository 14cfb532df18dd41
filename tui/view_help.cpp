// The `?` screen: every key of the registry the console runs with (the read-only one under
// --readonly, so it never lists a key that does nothing), generated, never hand-written. `/`
// searches it: only the matching keys stay, under their group titles, the match marked.
#include <algorithm>

#include "tui/list_model.h"
#include "tui/view_common.h"
#include "tui/views.h"

namespace switchyard::tui {
namespace {

int CountKeys(const std::vector<std::string>& lines) {
  return static_cast<int>(std::count_if(lines.begin(), lines.end(), [](const std::string& line) {
    return !line.empty() && line.front() == ' ';
  }));
}

// Byte offset of `needle` in `text`, ignoring ASCII case; npos when absent.
size_t FindIgnoringCase(std::string_view text, std::string_view needle) {
  auto lower = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); };
  const auto it = std::search(text.begin(), text.end(), needle.begin(), needle.end(),
                              [&](char a, char b) { return lower(a) == lower(b); });
  return it == text.end() ? std::string_view::npos : static_cast<size_t>(it - text.begin());
}

}  // namespace

void DrawHelpView(const ViewContext& ctx, Rect area, const KeyRegistry& registry, int scroll,
                  const std::string& filter) {
  const std::vector<std::string> all = registry.HelpListing();
  const std::vector<std::string> lines = HelpLines(registry, filter, area.width);
  const std::string title =
      filter.empty() ? std::string("Keys (Esc or q closes; j/k scroll; / searches)")
                     : "Keys matching \"" + filter +
                           "\": " + std::to_string(CountKeys(FilterHelpListing(all, filter))) +
                           " of " + std::to_string(CountKeys(all)) + " (Esc clears)";
  DrawText(ctx.win, area.y, area.x, title, ctx.Attr(Role::kTitle), area.width);
  const int visible = area.height - 1;
  if (lines.empty()) {
    DrawCentered(ctx, {area.y + 1, area.x, visible, area.width},
                 "no key matches \"" + filter + "\"", Role::kInactive);
    return;
  }
  // An inverted search ("!x") shows the lines without x: nothing to mark.
  const bool mark = !filter.empty() && filter.front() != '!';
  const int top = std::clamp(scroll, 0, std::max(0, static_cast<int>(lines.size()) - visible));
  for (int line = 0; line < visible && top + line < static_cast<int>(lines.size()); ++line) {
    const std::string& text = lines[static_cast<size_t>(top + line)];
    const bool heading = !text.empty() && text[0] != ' ';
    const int y = area.y + 1 + line;
    DrawText(ctx.win, y, area.x, text, ctx.Attr(heading ? Role::kTitle : Role::kNormal),
             area.width);
    if (!mark || heading) continue;
    const size_t at = FindIgnoringCase(text, filter);
    if (at == std::string::npos) continue;
    const int x = CellWidth(std::string_view(text).substr(0, at));
    if (x >= area.width) continue;
    DrawText(ctx.win, y, area.x + x, text.substr(at, filter.size()), ctx.Attr(Role::kSelected),
             area.width - x);
  }
}

}  // namespace switchyard::tui
