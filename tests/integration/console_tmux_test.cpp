// The console as an operator meets it: the real `switchyard console` binary in a real terminal
// (a tmux pane), on a task against the throwaway servers. The tests read the screen with
// capture-pane and wait for text to appear (with generous timeouts) — never a fixed sleep as the
// assertion. They check that the overview shows real numbers, the tables view lists the tables
// with their states, reload asks for a typed confirmation, quitting while the task runs asks
// first, resizing to 80x24 and 200x60 keeps the layout, and NO_COLOR=1 produces no colour
// escape sequences.
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <regex>
#include <sstream>

#include "tests/integration/full_load_test_util.h"

namespace switchyard::testing {
namespace {

// A private tmux server (its own socket, no user configuration) with one session "c".
class TmuxPane {
 public:
  // The exit status goes to a file: tmux 3.3a does not always report #{pane_dead_status}.
  TmuxPane(const std::string& command, int cols, int lines)
      : socket_("sy-console-" + std::to_string(getpid()) + "-" + std::to_string(counter_++)),
        status_file_("/tmp/" + socket_ + ".status") {
    std::remove(status_file_.c_str());
    // After the program: the terminal's modes (was it restored?), then the exit status.
    const std::string wrapped = command + "; s=$?; stty -a > " + status_file_ +
                                ".stty; echo $s > " + status_file_ + "; sleep 600";
    Tmux("-f /dev/null new-session -d -s c -x " + std::to_string(cols) + " -y " +
         std::to_string(lines) + " " + Quote("sh -c " + Quote(wrapped)));
    socket_path_ = Tmux("display-message -p '#{socket_path}'");
    while (!socket_path_.empty() && socket_path_.back() == '\n') socket_path_.pop_back();
  }
  ~TmuxPane() {
    Tmux("kill-server");
    if (!socket_path_.empty()) std::remove(socket_path_.c_str());  // tmux leaves it behind
    std::remove(status_file_.c_str());
    std::remove((status_file_ + ".stty").c_str());
  }
  TmuxPane(const TmuxPane&) = delete;
  TmuxPane& operator=(const TmuxPane&) = delete;

  // tmux key names: "q", "Enter", "Escape", "C-c"; literal text with Type.
  void Keys(const std::string& keys) { Tmux("send-keys -t c " + keys); }
  void Type(const std::string& text) { Tmux("send-keys -t c -l " + Quote(text)); }
  void Resize(int cols, int lines) {
    Tmux("resize-window -t c -x " + std::to_string(cols) + " -y " + std::to_string(lines));
  }
  // The screen as text, or with escape sequences for colours and attributes.
  std::string Capture(bool escapes = false) {
    return Tmux(std::string("capture-pane -p ") + (escapes ? "-e " : "") + "-t c");
  }
  bool WaitFor(const std::string& text, std::chrono::seconds timeout = std::chrono::seconds(90)) {
    return WaitUntil([&] { return Capture().find(text) != std::string::npos; }, timeout);
  }
  // The program's exit status once it has exited (128 + signal when killed by one), else -1.
  int ExitStatus() {
    std::ifstream in(status_file_);
    int status = -1;
    if (in >> status) return status;
    return -1;
  }
  // `stty -a` in the pane after the program ended: "icanon" and "echo" when it restored them.
  std::string TerminalModesAfterExit() { return ReadWholeFile(status_file_ + ".stty"); }
  bool WaitForExit(std::chrono::seconds timeout = std::chrono::seconds(60)) {
    return WaitUntil([&] { return ExitStatus() >= 0; }, timeout);
  }

 private:
  static std::string Quote(const std::string& text) {
    std::string out = "'";
    for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  }
  std::string Tmux(const std::string& args) {
    const std::string cmd = "tmux -L " + socket_ + " " + args + " 2>/dev/null";
    std::string out;
    FILE* pipe = popen(cmd.c_str(), "r");
    if (pipe == nullptr) return out;
    std::array<char, 4096> buffer{};
    size_t got = 0;
    while ((got = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), got);
    pclose(pipe);
    return out;
  }

  static inline int counter_ = 0;
  const std::string socket_;
  const std::string status_file_;
  std::string socket_path_;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Any SGR parameter that sets a foreground or background colour (30-38, 40-48, 90-97,
// 100-107). 39 and 49 ("default colour") are not colours: tmux writes them around every run.
bool HasColourEscape(const std::string& screen) {
  static const std::regex sgr("\x1b\\[([0-9;]*)m");
  for (auto it = std::sregex_iterator(screen.begin(), screen.end(), sgr);
       it != std::sregex_iterator(); ++it) {
    std::istringstream params((*it)[1].str());
    for (std::string p; std::getline(params, p, ';');) {
      if (p.empty()) continue;
      const int n = std::stoi(p);
      if ((n >= 30 && n <= 48 && n != 39) || (n >= 90 && n <= 107)) return true;
    }
  }
  return false;
}

class ConsoleTmux : public ::testing::Test {
 protected:
  // A MariaDB schema with two tables and real rows, a fresh PostgreSQL target, and the task
  // file; command_ becomes the command line that starts the console on it.
  void Prepare(const std::string& name, const std::string& migration_type,
               const std::string& env = "") {
    const std::string schema = "sy_console_" + name;
    source_ = FreshMySqlDatabase(schema);
    ExecOrDie(source_,
              "CREATE TABLE items (id INT PRIMARY KEY, v VARCHAR(40));\n"
              "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(40))");
    std::string values;
    for (int i = 1; i <= 1500; ++i) {
      values += (i > 1 ? "," : "") + std::string("(") + std::to_string(i) + ",'v" +
                std::to_string(i) + "')";
    }
    ExecOrDie(source_, "INSERT INTO items VALUES " + values);
    ExecOrDie(source_, "INSERT INTO customers VALUES (1,'ada'),(2,'grace'),(3,'edsger')");
    target_ = FreshPostgresDatabase(schema + "_dst");
    nlohmann::json task = FullLoadTask("console-" + name, source_, target_,
                                       nlohmann::json::array({IncludeSchemaRule(schema)}));
    work_ = MakeTempDir("sy-console-" + name);
    if (migration_type == "cdc") {
      // The target needs the rows first: a full load with the headless engine.
      ASSERT_EQ(RunSwitchyard(task, work_ + "/fl").exit_code, 0);
      task["MigrationType"] = "cdc";
    }
    std::ofstream(work_ + "/task.json") << task.dump(2);
    command_ = "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color " + env + " " +
               SWITCHYARD_BINARY + " console " + work_ + "/task.json --state-dir " + work_ +
               "/state";
  }

  endpoints::ConnectionParams source_;
  endpoints::ConnectionParams target_;
  std::string work_;
  std::string command_;
};

TEST_F(ConsoleTmux, FullLoadShowsRealNumbersTablesWithStatesAndSurvivesResize) {
  Prepare("fl", "full-load");
  TmuxPane pane(command_, 80, 24);
  ASSERT_TRUE(pane.WaitFor("Task console-fl")) << pane.Capture();
  // The overview: the full load finishes and says so, with its duration.
  ASSERT_TRUE(pane.WaitFor("finished")) << pane.Capture();
  EXPECT_NE(pane.Capture().find("STOPPED"), std::string::npos) << pane.Capture();
  EXPECT_NE(pane.Capture().find("✓ completed 2"), std::string::npos) << pane.Capture();
  // The tables view: both tables, their DMS state, the rows loaded.
  pane.Keys("2");
  ASSERT_TRUE(pane.WaitFor("FullLoadRows")) << pane.Capture();
  ASSERT_TRUE(pane.WaitFor("1,500")) << pane.Capture();
  const std::string tables = pane.Capture();
  EXPECT_NE(tables.find("sy_console_fl.items "), std::string::npos) << tables;
  EXPECT_NE(tables.find("sy_console_fl.custo…"), std::string::npos) << tables;  // cut at 80
  EXPECT_NE(tables.find("✓ Table completed"), std::string::npos) << tables;
  // Resize: the layout follows the terminal, the footer stays on the last line.
  for (const auto& [cols, lines] : {std::pair{200, 60}, std::pair{80, 24}}) {
    pane.Resize(cols, lines);
    ASSERT_TRUE(
        WaitUntil([&] { return Lines(pane.Capture()).size() == static_cast<size_t>(lines); },
                  std::chrono::seconds(30)));
    ASSERT_TRUE(WaitUntil(
        [&] {
          const auto screen = Lines(pane.Capture());
          return screen.back().rfind("? help", 0) == 0 &&
                 screen[0].find("switchyard") != std::string::npos &&
                 screen[1].find("[2 Tables]") != std::string::npos;
        },
        std::chrono::seconds(30)))
        << pane.Capture();
    // The wide layout has room for the whole name and more columns.
    if (cols == 200) {
      EXPECT_TRUE(pane.WaitFor("sy_console_fl.customers ")) << pane.Capture();
      EXPECT_TRUE(pane.WaitFor("ValidationState")) << pane.Capture();
    }
  }
  // Too small: the size guard says what is needed.
  pane.Resize(60, 20);
  EXPECT_TRUE(pane.WaitFor("need at least 80x24, have 60x20")) << pane.Capture();
  pane.Resize(80, 24);
  ASSERT_TRUE(pane.WaitFor("FullLoadRows")) << pane.Capture();
  // The task is over: q on the first view quits at once, with the task's exit code.
  pane.Keys("1");
  pane.Keys("q");
  ASSERT_TRUE(pane.WaitForExit()) << pane.Capture();
  EXPECT_EQ(pane.ExitStatus(), 0) << pane.Capture();
}

TEST_F(ConsoleTmux, ReloadAndQuitAskForConfirmationWhileACdcTaskRuns) {
  Prepare("cdc", "cdc");
  TmuxPane pane(command_, 200, 60);
  ASSERT_TRUE(pane.WaitFor("RUNNING")) << pane.Capture();
  EXPECT_TRUE(pane.WaitFor("CDCLatencySource")) << pane.Capture();
  pane.Keys("2");
  ASSERT_TRUE(pane.WaitFor("sy_console_cdc.items")) << pane.Capture();
  pane.Keys("G");  // items sorts last
  pane.Keys("R");
  ASSERT_TRUE(pane.WaitFor("Reload table sy_console_cdc.items?")) << pane.Capture();
  EXPECT_TRUE(pane.WaitFor("Type items and press Enter to confirm")) << pane.Capture();
  EXPECT_NE(pane.Capture().find("TRUNCATED"), std::string::npos);
  pane.Keys("Enter");  // Enter alone cancels
  ASSERT_TRUE(pane.WaitFor("INFO: cancelled")) << pane.Capture();
  // The command line with completion opens the same dialog.
  pane.Keys(":");
  pane.Type("reload sy_console_cdc.ite");
  pane.Keys("Tab");
  pane.Keys("Enter");
  ASSERT_TRUE(pane.WaitFor("Reload table sy_console_cdc.items?")) << pane.Capture();
  pane.Type("items");
  pane.Keys("Enter");
  ASSERT_TRUE(pane.WaitFor("reload of sy_console_cdc.items requested")) << pane.Capture();
  // ... and the engine does reload it: the log says so and the table is complete again.
  pane.Keys("4");
  ASSERT_TRUE(pane.WaitFor("sy_console_cdc.items reloaded at", std::chrono::seconds(90)))
      << pane.Capture();
  pane.Keys("2");
  ASSERT_TRUE(pane.WaitFor("FullLoadRows")) << pane.Capture();
  EXPECT_EQ(pane.Capture().find("Table is being reloaded"), std::string::npos) << pane.Capture();
  EXPECT_NE(pane.Capture().find("✓ Table completed"), std::string::npos) << pane.Capture();
  // The detail says the table was reloaded (FullLoadReloaded, set by the reload's
  // StateStore::ResetTable).
  pane.Keys("G");
  pane.Keys("Enter");
  ASSERT_TRUE(pane.WaitFor("Load start / end")) << pane.Capture();
  EXPECT_TRUE(pane.WaitFor("(reloaded)")) << pane.Capture();
  pane.Keys("Escape");
  // Quitting while the task runs asks; s stops it gracefully and the console exits.
  pane.Keys("1");
  pane.Keys("q");
  ASSERT_TRUE(pane.WaitFor("Quit while task console-cdc runs?")) << pane.Capture();
  pane.Keys("s");
  ASSERT_TRUE(pane.WaitForExit(std::chrono::seconds(90))) << pane.Capture();
  EXPECT_EQ(pane.ExitStatus(), 0) << pane.Capture();
}

// --attach: the engine runs in `switchyard run`; the console reads its state store and log file
// and sends commands through <state-dir>/control.sock; an apply exception shows with its
// statement; quitting can leave the engine running.
TEST_F(ConsoleTmux, AttachWatchesAnotherProcessAndCanLeaveItRunning) {
  Prepare("attach", "cdc");
  nlohmann::json task = nlohmann::json::parse(ReadWholeFile(work_ + "/task.json"));
  std::filesystem::create_directories(work_ + "/engine");
  BackgroundRun engine(task, work_ + "/engine");
  ASSERT_TRUE(WaitUntil([&] {
    return engine.Output().find("change capture running") != std::string::npos;
  })) << engine.Output();
  struct stat st {};
  ASSERT_EQ(stat((engine.state_dir() + "/control.sock").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string command = "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color " +
                              std::string(SWITCHYARD_BINARY) + " console --attach " + work_ +
                              "/engine/task.json --state-dir " + engine.state_dir();
  TmuxPane pane(command, 200, 60);
  ASSERT_TRUE(pane.WaitFor("ATTACHED")) << pane.Capture();
  ASSERT_TRUE(pane.WaitFor("RUNNING")) << pane.Capture();
  // The engine's log file reaches the Logs view.
  pane.Keys("4");
  ASSERT_TRUE(pane.WaitFor("change capture running")) << pane.Capture();
  // A command travels through the control socket and the engine accepts it.
  pane.Keys("2");
  ASSERT_TRUE(pane.WaitFor("sy_console_attach.items")) << pane.Capture();
  pane.Keys("G");
  pane.Keys("S");
  ASSERT_TRUE(pane.WaitFor("Suspend table sy_console_attach.items?")) << pane.Capture();
  pane.Keys("y");
  ASSERT_TRUE(pane.WaitFor("suspend of sy_console_attach.items requested")) << pane.Capture();
  // A planted apply exception (written into the task's store beside the running engine, as the
  // engine's applier would) appears, newest first, and its detail shows the statement.
  {
    auto store = state::StateStore::Open(engine.state_dir());
    ASSERT_TRUE(store.ok()) << store.status().message();
    state::ApplyExceptionRecord planted;
    planted.schema_name = "sy_console_attach";
    planted.table_name = "items";
    planted.operation = "UPDATE";
    planted.statement = "UPDATE \"sy_console_attach\".\"items\" SET \"v\" = 'planted' WHERE id = 7";
    planted.error = "planted: value rejected by the target";
    planted.action = "LOG_ERROR";
    ASSERT_TRUE((*store)->RecordApplyException(planted).ok());
  }
  pane.Keys("3");
  ASSERT_TRUE(pane.WaitFor("planted: value rejected by the target")) << pane.Capture();
  EXPECT_NE(pane.Capture().find("3 Exceptions (1)"), std::string::npos) << pane.Capture();
  pane.Keys("Enter");
  ASSERT_TRUE(pane.WaitFor("SET \"v\" = 'planted' WHERE id = 7")) << pane.Capture();
  EXPECT_NE(pane.Capture().find("Server message"), std::string::npos) << pane.Capture();
  pane.Keys("Escape");
  // The Overview's alarms name the open apply exception and, once the engine has taken the
  // suspend command, the suspended table (in "Table error"); validation says it is not there.
  pane.Keys("1");
  ASSERT_TRUE(pane.WaitFor("✗ ERR 1 apply exception open")) << pane.Capture();
  EXPECT_TRUE(pane.WaitFor("validation: not available yet")) << pane.Capture();
  EXPECT_TRUE(pane.WaitFor("✗ ERR sy_console_attach.items Table error")) << pane.Capture();
  // Quit offers to leave the engine running.
  pane.Keys("1");
  pane.Keys("q");
  ASSERT_TRUE(pane.WaitFor("l: leave it running")) << pane.Capture();
  pane.Keys("l");
  ASSERT_TRUE(pane.WaitForExit()) << pane.Capture();
  EXPECT_EQ(pane.ExitStatus(), 0);
  EXPECT_EQ(engine.Wait(std::chrono::milliseconds(500)), -1) << "the engine must still run";
  engine.Signal(SIGTERM);
  EXPECT_EQ(engine.Wait(), 0) << engine.Output();
}

bool Restored(const std::string& stty) {
  return stty.find(" icanon") != std::string::npos && stty.find(" echo ") != std::string::npos &&
         stty.find("-icanon") == std::string::npos;
}

// The terminal is the operator's again however the console ends: a crash (SIGABRT: restored,
// then the signal's default action) and SIGTERM (a guarded quit). Attached to a task with no
// engine, so nothing asks.
TEST_F(ConsoleTmux, TerminalIsRestoredAfterACrashAndAfterSigterm) {
  const std::string work = MakeTempDir("sy-console-restore");
  std::ofstream(work + "/task.json") << R"({"ReplicationTaskIdentifier": "restore-me"})";
  const std::string state_dir = work + "/state";
  const std::string command = "env LANG=C.UTF-8 TERM=screen-256color " +
                              std::string(SWITCHYARD_BINARY) + " console --attach " + work +
                              "/task.json --state-dir " + state_dir;
  auto console_pid = [&] {
    std::string out;
    FILE* pipe = popen(("pgrep -f -- '--state-dir " + state_dir + "$'").c_str(), "r");
    char buffer[64] = {0};
    if (pipe != nullptr && fgets(buffer, sizeof buffer, pipe) != nullptr) out = buffer;
    if (pipe != nullptr) pclose(pipe);
    return out.empty() ? -1 : std::stoi(out);
  };
  for (const int sig : {SIGABRT, SIGTERM}) {
    TmuxPane pane(command, 80, 24);
    ASSERT_TRUE(pane.WaitFor("restore-me")) << pane.Capture();
    int pid = -1;
    ASSERT_TRUE(WaitUntil([&] { return (pid = console_pid()) > 0; }));
    kill(pid, sig);
    ASSERT_TRUE(pane.WaitForExit()) << pane.Capture();
    EXPECT_EQ(pane.ExitStatus(), sig == SIGABRT ? 128 + SIGABRT : 0);
    EXPECT_TRUE(Restored(pane.TerminalModesAfterExit())) << pane.TerminalModesAfterExit();
  }
}

// An engine that fails (here: nothing listens on the source port) shows FAILED and why; after
// leaving, the error is printed on the restored terminal and the exit code says it failed.
TEST_F(ConsoleTmux, AFatalEngineErrorIsShownAndPrintedAfterTheTerminalIsRestored) {
  const std::string work = MakeTempDir("sy-console-fail");
  auto source = Servers().mysql;
  source.port = 1;  // nothing listens there
  const auto target = FreshPostgresDatabase("sy_console_fail_dst");
  std::ofstream(work + "/task.json")
      << FullLoadTask("console-fail", source, target,
                      nlohmann::json::array({IncludeSchemaRule("sy_console_fail")}))
             .dump(2);
  TmuxPane pane("env LANG=C.UTF-8 TERM=screen-256color " + std::string(SWITCHYARD_BINARY) +
                    " console " + work + "/task.json --state-dir " + work + "/state",
                80, 24);
  ASSERT_TRUE(pane.WaitFor("FAILED")) << pane.Capture();
  EXPECT_TRUE(pane.WaitFor("ERR ")) << pane.Capture();
  pane.Keys("q");  // the engine has stopped: q leaves at once
  ASSERT_TRUE(pane.WaitForExit()) << pane.Capture();
  EXPECT_EQ(pane.ExitStatus(), 1);
  EXPECT_TRUE(Restored(pane.TerminalModesAfterExit()));
  EXPECT_TRUE(pane.WaitFor("switchyard: ")) << pane.Capture();
}

TEST_F(ConsoleTmux, NoColorProducesNoColourEscapes) {
  Prepare("nocolor", "full-load", "NO_COLOR=1");
  TmuxPane pane(command_, 80, 24);
  ASSERT_TRUE(pane.WaitFor("finished")) << pane.Capture();
  for (const char* view : {"1", "2", "4", "?"}) {
    pane.Keys(view);
    ASSERT_TRUE(WaitUntil([&] { return !pane.Capture().empty(); }));
    const std::string screen = pane.Capture(/*escapes=*/true);
    EXPECT_FALSE(HasColourEscape(screen)) << "view " << view << ":\n" << screen;
    // Attributes still carry the highlight (reverse video or bold).
    EXPECT_NE(screen.find("\x1b["), std::string::npos) << view;
  }
  pane.Keys("Escape");
  pane.Keys("1");
  pane.Keys("q");
  EXPECT_TRUE(pane.WaitForExit()) << pane.Capture();
}

}  // namespace
}  // namespace switchyard::testing
