#include "tests/support/test_watchdog.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "tests/support/servers.h"

namespace switchyard::testing {
namespace {

using Clock = std::chrono::steady_clock;

// The parent pid of `pid` from /proc/PID/stat, or -1.
pid_t ParentOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so skip to its end.
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  char state = 0;
  int ppid = -1;
  if (std::sscanf(stat.c_str() + close + 1, " %c %d", &state, &ppid) != 2) return -1;
  return ppid;
}

std::set<pid_t> Descendants(pid_t root) {
  std::set<pid_t> out{root};
  bool grew = true;
  while (grew) {
    grew = false;
    std::error_code ignored;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ignored)) {
      const std::string name = entry.path().filename();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      const pid_t pid = std::stoi(name);
      if (out.count(pid) == 0 && out.count(ParentOf(pid)) != 0) {
        out.insert(pid);
        grew = true;
      }
    }
  }
  out.erase(root);
  return out;
}

// What the servers are doing: sessions and what they wait on, which names the lock a hung test
// waits for. Every command is bounded by `timeout`: the servers may be what hangs.
void PrintServerActivity() {
  const ServerInfo& s = Servers();
  // Passwords through the environment, never on a command line (`ps` would show them).
  setenv("PGPASSWORD", s.pg_password.c_str(), 1);
  setenv("MYSQL_PWD", s.my_password.c_str(), 1);
  const std::string pg =
      "timeout 10 psql -X -h " + s.postgres.host + " -p " + std::to_string(s.postgres.port) +
      " -U " + s.postgres.user +
      " -d postgres -c \"SELECT pid, datname, application_name, state, wait_event_type, "
      "wait_event, now() - query_start AS running, left(query, 160) AS query FROM "
      "pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'\" 1>&2";
  const std::string my = "timeout 10 mariadb -h " + s.mysql.host + " -P " +
                         std::to_string(s.mysql.port) + " -u " + s.mysql.user +
                         " -e 'SHOW FULL PROCESSLIST' 1>&2";
  std::fprintf(stderr, "--- PostgreSQL sessions:\n");
  (void)std::system(pg.c_str());
  std::fprintf(stderr, "--- MariaDB sessions:\n");
  (void)std::system(my.c_str());
}

class Watchdog : public ::testing::EmptyTestEventListener {
 public:
  explicit Watchdog(std::chrono::seconds limit) : limit_(limit) {
    std::thread([this] { Watch(); }).detach();
  }

  void OnTestStart(const ::testing::TestInfo& info) override {
    std::lock_guard lock(mu_);
    test_ = std::string(info.test_suite_name()) + "." + info.name();
    started_ = Clock::now();
  }
  void OnTestEnd(const ::testing::TestInfo&) override {
    std::lock_guard lock(mu_);
    test_.clear();
  }

 private:
  void Watch() {
    for (;;) {
      std::this_thread::sleep_for(std::chrono::seconds(5));
      std::string hung;
      {
        std::lock_guard lock(mu_);
        if (!test_.empty() && Clock::now() - started_ > limit_) hung = test_;
      }
      if (!hung.empty()) Fire(hung);
    }
  }

  [[noreturn]] void Fire(const std::string& test) {
    std::fprintf(stderr,
                 "\n=== WATCHDOG: %s is still running after %lld s; stopping the test run.\n"
                 "--- processes under the test binary:\n",
                 test.c_str(), static_cast<long long>(limit_.count()));
    std::fflush(stderr);
    const std::string ps =
        "ps -o pid,ppid,etimes,stat,args --forest -g " + std::to_string(getpgrp()) + " 1>&2";
    (void)std::system(ps.c_str());
    PrintServerActivity();
    for (pid_t pid : Descendants(getpid())) kill(pid, SIGKILL);
    std::fflush(stderr);
    _exit(3);
  }

  const std::chrono::seconds limit_;
  std::mutex mu_;
  std::string test_;
  Clock::time_point started_;
};

}  // namespace

void InstallTestWatchdog(std::chrono::seconds limit) {
  ::testing::UnitTest::GetInstance()->listeners().Append(new Watchdog(limit));
}

}  // namespace switchyard::testing
