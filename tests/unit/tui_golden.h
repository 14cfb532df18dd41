// Golden files for console tests: tests/console/golden/<name>.txt holds the expected lines.
// With SWITCHYARD_UPDATE_GOLDEN=1 in the environment, the helper rewrites the file with the
// actual lines instead of comparing (review the diff before committing it).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace switchyard::tui::testing {

// Success when the file's lines equal `actual`; otherwise a failure naming the file, the first
// differing line, and both versions of it. A missing file fails with the update hint.
::testing::AssertionResult MatchesGolden(const std::string& name,
                                         const std::vector<std::string>& actual);

}  // namespace switchyard::tui::testing
