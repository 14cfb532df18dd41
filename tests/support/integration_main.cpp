// main() for the integration tests: checks that the throwaway servers are there before any
// test runs, so a missing fixture is one clear message rather than a page of failures.
#include <gtest/gtest.h>

#include "tests/support/servers.h"
#include "tests/support/test_watchdog.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  (void)switchyard::testing::Servers();
  // The slowest test takes about a minute here; ten means something hangs.
  switchyard::testing::InstallTestWatchdog(std::chrono::minutes(10));
  return RUN_ALL_TESTS();
}
