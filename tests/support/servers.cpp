#include "tests/support/servers.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

namespace switchyard::testing {
namespace {

std::map<std::string, std::string> ReadEnvFile(const std::string& path) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string value = line.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
      value = value.substr(1, value.size() - 2);
    }
    out[line.substr(0, eq)] = value;
  }
  return out;
}

ServerInfo Load() {
  const char* env_path = std::getenv("SY_SERVERS_ENV");
  if (env_path == nullptr) {
    std::cerr << "integration tests need the throwaway servers: run scripts/test.sh, or start them "
                 "with scripts/servers.sh start DIR and export SY_SERVERS_ENV=DIR/env\n";
    std::exit(3);
  }
  auto env = ReadEnvFile(env_path);
  if (env.count("SY_PG_PORT") == 0 || env.count("SY_MY_PORT") == 0) {
    std::cerr << "SY_SERVERS_ENV=" << env_path << " does not describe running servers\n";
    std::exit(3);
  }
  ServerInfo info;
  info.dir = env["SY_SERVERS_DIR"];
  info.pg_password = env["SY_PG_PASSWORD"];
  info.my_password = env["SY_MY_PASSWORD"];
  info.postgres.engine = catalog::Engine::kPostgres;
  info.postgres.host = env["SY_PG_HOST"];
  info.postgres.port = std::stoi(env["SY_PG_PORT"]);
  info.postgres.user = env["SY_PG_USER"];
  info.postgres.password = Secret(info.pg_password);
  info.postgres.database = "postgres";
  info.mysql.engine = catalog::Engine::kMySql;
  info.mysql.host = env["SY_MY_HOST"];
  info.mysql.port = std::stoi(env["SY_MY_PORT"]);
  info.mysql.user = env["SY_MY_USER"];
  info.mysql.password = Secret(info.my_password);
  return info;
}

}  // namespace

const ServerInfo& Servers() {
  static const ServerInfo info = Load();
  return info;
}

void ExecOrDie(const endpoints::ConnectionParams& params, const std::string& sql) {
  auto session = endpoints::Connect(params);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  // MySQL runs one statement per call; split on ";\n" which test SQL uses between statements.
  size_t start = 0;
  while (start < sql.size()) {
    size_t end = sql.find(";\n", start);
    std::string stmt =
        sql.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? sql.size() : end + 2;
    if (stmt.find_first_not_of(" \n\t") == std::string::npos) continue;
    Status st = (*session)->Execute(stmt);
    ASSERT_TRUE(st.ok()) << st.ToString() << "\nin: " << stmt;
  }
}

void RestartServer(catalog::Engine engine, std::chrono::seconds down) {
  const std::string script = SWITCHYARD_SOURCE_DIR "/scripts/servers.sh";
  const std::string server = engine == catalog::Engine::kPostgres ? "postgres" : "mariadb";
  const std::string dir = Servers().dir;
  const std::string seconds = std::to_string(down.count());
  ASSERT_FALSE(dir.empty()) << "SY_SERVERS_ENV names no SY_SERVERS_DIR: cannot restart " << server;
  char log_path[] = "/tmp/sy-restart-log-XXXXXX";
  const int log_fd = mkstemp(log_path);
  ASSERT_GE(log_fd, 0) << "mkstemp: " << std::strerror(errno);
  const pid_t pid = fork();
  if (pid == 0) {
    // The restarted server outlives this process: it gets a session of its own (no signal to
    // the test's process group reaches it), no descriptor of ours (a socket it inherited would
    // keep a test's connection open after the test closed it) and no blocked signal.
    setsid();
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    const int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, 0);
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    if (close_range(3, ~0U, 0) != 0) {
      for (int fd = 3; fd < 4096; ++fd) close(fd);  // a kernel older than 5.9
    }
    if (chdir("/") != 0) _exit(126);
    execl("/bin/bash", "bash", script.c_str(), "restart", dir.c_str(), server.c_str(),
          seconds.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(log_fd);
  ASSERT_GT(pid, 0) << "fork: " << std::strerror(errno);
  // The script's own waits give up first (PostgreSQL: 2 minutes to stop, 5 to start); this is
  // only a backstop, inside the test watchdog's 10 minutes.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(8) + down;
  int status = 0;
  pid_t done = 0;
  while ((done = waitpid(pid, &status, WNOHANG)) == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (done == 0) {
    kill(-pid, SIGKILL);
    (void)waitpid(pid, &status, 0);
  }
  std::ifstream in(log_path);
  std::stringstream log;
  log << in.rdbuf();
  unlink(log_path);
  ASSERT_NE(done, 0) << "scripts/servers.sh restart " << server << " did not finish in time:\n"
                     << log.str();
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "scripts/servers.sh restart " << server << " failed (status " << status << "):\n"
      << log.str();
}

endpoints::ConnectionParams FreshPostgresDatabase(const std::string& name) {
  auto admin = Servers().postgres;
  ExecOrDie(admin, "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
  ExecOrDie(admin, "CREATE DATABASE \"" + name + "\"");
  auto params = admin;
  params.database = name;
  return params;
}

endpoints::ConnectionParams FreshMySqlDatabase(const std::string& name) {
  auto admin = Servers().mysql;
  ExecOrDie(admin, "DROP DATABASE IF EXISTS `" + name + "`");
  ExecOrDie(admin, "CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
  auto params = admin;
  params.database = name;
  return params;
}

}  // namespace switchyard::testing
