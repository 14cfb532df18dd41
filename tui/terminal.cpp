#include "tui/terminal.h"

#include <langinfo.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "tui/curses_include.h"

namespace switchyard::tui {
namespace {

std::atomic<bool> g_active{false};
volatile std::sig_atomic_t g_quit_signals = 0;  // received so far; never reset
volatile std::sig_atomic_t g_last_quit_signal = 0;
std::sig_atomic_t g_quit_signals_taken = 0;     // by TakeQuitSignal (loop thread only)
SCREEN* g_screen = nullptr;

constexpr int kCrashSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
constexpr int kQuitSignals[] = {SIGINT, SIGTERM, SIGHUP};

void RestoreTerminal() {
  // endwin() is not async-signal-safe, but a crashing process has nothing better to lose;
  // this is what btop and htop do.
  if (g_active.exchange(false)) endwin();
}

void CrashHandler(int sig) {
  RestoreTerminal();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void QuitHandler(int sig) {
  if (g_quit_signals > 0) {  // asked twice: leave now
    RestoreTerminal();
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  g_last_quit_signal = sig;
  g_quit_signals = g_quit_signals + 1;
}

void Install(int sig, void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a signal interrupts the key wait so the loop sees it
  sigaction(sig, &action, nullptr);
}

}  // namespace

Result<std::unique_ptr<Terminal>> Terminal::Open(bool mouse) {
  if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
    return Status::InvalidArgument("the console needs a terminal (stdin and stdout)");
  }
  std::setlocale(LC_ALL, "");
  // Esc must react at once; a user's own ESCDELAY wins (slow links).
  const bool user_escdelay = std::getenv("ESCDELAY") != nullptr;
  const char* term = std::getenv("TERM");
  g_screen = newterm(term, stdout, stdin);
  if (g_screen == nullptr) {
    return Status::InvalidArgument(std::string("no terminfo entry for TERM=") +
                                   (term ? term : "(unset)"));
  }
  set_term(g_screen);
  g_active = true;
  static bool registered = false;
  if (!registered) {
    std::atexit(RestoreTerminal);
    registered = true;
  }
  for (int sig : kCrashSignals) Install(sig, CrashHandler);
  for (int sig : kQuitSignals) Install(sig, QuitHandler);
  raw();
  noecho();
  nonl();
  keypad(stdscr, TRUE);
  if (!user_escdelay) set_escdelay(25);
  curs_set(0);
  wtimeout(stdscr, 250);
  if (mouse) {
    mousemask(BUTTON1_PRESSED, nullptr);
    mouseinterval(0);  // report the press at once, no click detection delay
  }
  return std::unique_ptr<Terminal>(new Terminal());
}

Terminal::~Terminal() {
  RestoreTerminal();
  for (int sig : kQuitSignals) std::signal(sig, SIG_DFL);
  if (g_screen != nullptr) {
    delscreen(g_screen);
    g_screen = nullptr;
  }
}

CursesWindow* Terminal::window() const { return stdscr; }

int Terminal::TakeQuitSignal() {
  if (g_quit_signals == g_quit_signals_taken) return 0;
  g_quit_signals_taken = g_quit_signals;
  return g_last_quit_signal;
}

bool Terminal::Utf8() {
  const char* codeset = nl_langinfo(CODESET);
  return codeset != nullptr && std::strcmp(codeset, "UTF-8") == 0;
}

}  // namespace switchyard::tui
