#include "tests/support/servers.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>

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
    std::string stmt = sql.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? sql.size() : end + 2;
    if (stmt.find_first_not_of(" \n\t") == std::string::npos) continue;
    Status st = (*session)->Execute(stmt);
    ASSERT_TRUE(st.ok()) << st.ToString() << "\nin: " << stmt;
  }
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
