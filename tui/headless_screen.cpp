#include "tui/headless_screen.h"

#include <langinfo.h>

#include <clocale>
#include <cstring>
#include <cwchar>
#include <map>
#include <tuple>

#include "tui/curses_include.h"

namespace switchyard::tui {
namespace {

// ncursesw stores wide characters only when the locale's codeset is UTF-8 at newterm() time.
void EnsureUtf8Locale() {
  const char* current = std::setlocale(LC_CTYPE, "");
  if (current != nullptr && std::strcmp(nl_langinfo(CODESET), "UTF-8") == 0) return;
  std::setlocale(LC_CTYPE, "C.UTF-8");
}

void AppendWide(std::string& out, const wchar_t* text) {
  std::mbstate_t state{};
  char buffer[MB_LEN_MAX];
  for (const wchar_t* c = text; *c != L'\0'; ++c) {
    const size_t length = std::wcrtomb(buffer, *c, &state);
    if (length == static_cast<size_t>(-1)) {
      out += '?';
    } else {
      out.append(buffer, length);
    }
  }
}

// The attribute bits the map shows; A_CHARTEXT and A_COLOR are handled separately.
constexpr attr_t kShownAttrs = A_BOLD | A_REVERSE | A_UNDERLINE | A_DIM | A_STANDOUT | A_BLINK;

std::string DescribeAttrs(attr_t attrs, short pair) {
  std::string out;
  auto add = [&out](const char* word) {
    if (!out.empty()) out += ' ';
    out += word;
  };
  if (attrs & A_BOLD) add("bold");
  if (attrs & A_REVERSE) add("reverse");
  if (attrs & A_UNDERLINE) add("underline");
  if (attrs & A_DIM) add("dim");
  if (attrs & A_STANDOUT) add("standout");
  if (attrs & A_BLINK) add("blink");
  if (pair > 0) {
    short fg = 0, bg = 0;
    pair_content(pair, &fg, &bg);
    add(("pair " + std::to_string(pair) + " (fg " + std::to_string(fg) + ", bg " +
         std::to_string(bg) + ")")
            .c_str());
  }
  return out;
}

}  // namespace

std::vector<std::string> AttributeMap::Lines() const {
  std::vector<std::string> out = cells;
  out.emplace_back("--");
  out.insert(out.end(), legend.begin(), legend.end());
  return out;
}

Result<std::unique_ptr<HeadlessScreen>> HeadlessScreen::Open(const HeadlessOptions& options) {
  if (options.cols < 1 || options.lines < 1) {
    return Status::InvalidArgument("headless screen: size must be at least 1x1");
  }
  EnsureUtf8Locale();
  std::unique_ptr<HeadlessScreen> self(new HeadlessScreen());
  self->out_ = std::fopen("/dev/null", "w");
  self->in_ = std::fopen("/dev/null", "r");
  if (self->out_ == nullptr || self->in_ == nullptr) {
    return Status::IoError("headless screen: cannot open /dev/null: " +
                           std::string(std::strerror(errno)));
  }
  // The size comes from resizeterm below, never from the LINES/COLUMNS of whoever runs the tests.
  use_env(FALSE);
  self->screen_ = newterm(options.term.c_str(), self->out_, self->in_);
  if (self->screen_ == nullptr) {
    return Status::InvalidArgument("headless screen: no terminfo entry for TERM=" + options.term);
  }
  set_term(self->screen_);
  SY_RETURN_IF_ERROR(self->Resize(options.cols, options.lines));
  return self;
}

HeadlessScreen::~HeadlessScreen() {
  if (screen_ != nullptr) {
    set_term(screen_);
    endwin();
    delscreen(screen_);
  }
  if (out_ != nullptr) std::fclose(out_);
  if (in_ != nullptr) std::fclose(in_);
}

void HeadlessScreen::Select() const { set_term(screen_); }

Status HeadlessScreen::Resize(int cols, int lines) {
  if (cols < 1 || lines < 1) {
    return Status::InvalidArgument("headless screen: size must be at least 1x1");
  }
  Select();
  if (resizeterm(lines, cols) != OK) {
    return Status::Internal("headless screen: resizeterm(" + std::to_string(lines) + ", " +
                            std::to_string(cols) + ") failed");
  }
  cols_ = cols;
  lines_ = lines;
  return Status::Ok();
}

void HeadlessScreen::Render(const std::function<void(CursesWindow*)>& draw) {
  Select();
  werase(stdscr);
  draw(stdscr);
  wnoutrefresh(stdscr);
  doupdate();
}

std::vector<std::string> HeadlessScreen::Text() const {
  Select();
  std::vector<std::string> out;
  std::vector<cchar_t> row(static_cast<size_t>(cols_) + 1);
  for (int y = 0; y < lines_; ++y) {
    std::string line;
    const int got = mvwin_wchnstr(curscr, y, 0, row.data(), cols_);
    for (int x = 0; got != ERR && x < cols_; ++x) {
      wchar_t text[CCHARW_MAX + 1] = {};
      attr_t attrs = 0;
      short pair = 0;
      getcchar(&row[static_cast<size_t>(x)], text, &attrs, &pair, nullptr);
      if (text[0] == L'\0') text[0] = L' ';
      AppendWide(line, text);
      // A double-width character fills the next cell too; ncurses keeps a copy there.
      if (wcwidth(text[0]) == 2) ++x;
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out.push_back(std::move(line));
  }
  return out;
}

AttributeMap HeadlessScreen::Attributes() const {
  Select();
  AttributeMap map;
  std::map<std::pair<attr_t, short>, char> letters;
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::vector<cchar_t> row(static_cast<size_t>(cols_) + 1);
  for (int y = 0; y < lines_; ++y) {
    std::string line(static_cast<size_t>(cols_), '.');
    const int got = mvwin_wchnstr(curscr, y, 0, row.data(), cols_);
    for (int x = 0; got != ERR && x < cols_; ++x) {
      wchar_t text[CCHARW_MAX + 1] = {};
      attr_t attrs = 0;
      short pair = 0;
      getcchar(&row[static_cast<size_t>(x)], text, &attrs, &pair, nullptr);
      const std::pair<attr_t, short> key{attrs & kShownAttrs, pair};
      if (key.first == 0 && key.second == 0) continue;
      auto found = letters.find(key);
      if (found == letters.end()) {
        const size_t index = letters.size();
        const char letter = index < alphabet.size() ? alphabet[index] : '#';
        found = letters.emplace(key, letter).first;
        map.legend.push_back(std::string(1, letter) + ": " + DescribeAttrs(key.first, key.second));
      }
      line[static_cast<size_t>(x)] = found->second;
    }
    map.cells.push_back(std::move(line));
  }
  return map;
}

}  // namespace switchyard::tui
