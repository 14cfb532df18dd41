// A watchdog for the integration tests: a test that runs longer than its limit (a hung engine,
// a statement waiting on a lock) must fail the run with its name and what was going on, not
// keep CI waiting until its own time limit kills everything without a word.
#pragma once

#include <gtest/gtest.h>

#include <chrono>

namespace switchyard::testing {

// Installs a gtest listener and a thread that, when one test runs longer than `limit`, prints
// the test's name, the process tree under this process and the servers' sessions, kills this
// process's descendants and exits with status 3.
void InstallTestWatchdog(std::chrono::seconds limit);

}  // namespace switchyard::testing
