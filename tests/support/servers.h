// Access to the throwaway servers that scripts/test.sh starts for the integration tests.
//
// scripts/servers.sh writes DIR/env; scripts/test.sh exports SY_SERVERS_ENV=DIR/env. Without it
// the integration test binary stops at once with a message saying how to run it: these tests
// never skip themselves into a green result.
#pragma once

#include <chrono>
#include <string>

#include "engine/catalog/schema.h"
#include "engine/endpoints/endpoint.h"

namespace switchyard::testing {

struct ServerInfo {
  std::string dir;                       // the servers' temporary directory
  endpoints::ConnectionParams postgres;  // database "postgres"
  endpoints::ConnectionParams mysql;     // no default database
  std::string pg_password;  // for building task files in tests (passed through PasswordEnv)
  std::string my_password;
};

// Loaded once from $SY_SERVERS_ENV; aborts the process with a clear message when missing.
const ServerInfo& Servers();

// A fresh, empty database on the server for one test: PostgreSQL database / MySQL database
// named `name` (dropped first if it exists). Returns params that connect to it.
endpoints::ConnectionParams FreshPostgresDatabase(const std::string& name);
endpoints::ConnectionParams FreshMySqlDatabase(const std::string& name);

// Restarts one of the suite's servers in place (scripts/servers.sh restart: same port, data and
// accounts) and returns once it accepts connections again; it stays down for `down` between
// the clean shutdown and the start, so connection attempts meanwhile are refused. Every session
// to it ends. A fatal test failure (with the script's output) when it does not come back within
// two minutes: call it inside ASSERT_NO_FATAL_FAILURE. Replication slots survive it.
void RestartServer(catalog::Engine engine, std::chrono::seconds down = std::chrono::seconds(0));

// Runs SQL (several statements separated by ";\n" are allowed) and aborts the test on error.
void ExecOrDie(const endpoints::ConnectionParams& params, const std::string& sql);

}  // namespace switchyard::testing
