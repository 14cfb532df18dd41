#include "tui_golden.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace switchyard::tui::testing {
namespace {

std::string GoldenPath(const std::string& name) {
  return std::string(SWITCHYARD_SOURCE_DIR) + "/tests/console/golden/" + name + ".txt";
}

bool UpdateRequested() {
  const char* value = std::getenv("SWITCHYARD_UPDATE_GOLDEN");
  return value != nullptr && std::string(value) == "1";
}

}  // namespace

::testing::AssertionResult MatchesGolden(const std::string& name,
                                         const std::vector<std::string>& actual) {
  const std::string path = GoldenPath(name);
  if (UpdateRequested()) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    for (const std::string& line : actual) out << line << '\n';
    if (!out) return ::testing::AssertionFailure() << "cannot write " << path;
    return ::testing::AssertionSuccess() << "rewrote " << path;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return ::testing::AssertionFailure() << "missing golden file " << path
                                         << " (run with SWITCHYARD_UPDATE_GOLDEN=1 to create it)";
  }
  std::vector<std::string> expected;
  for (std::string line; std::getline(in, line);) expected.push_back(line);
  const size_t common = std::min(expected.size(), actual.size());
  for (size_t index = 0; index < common; ++index) {
    if (expected[index] != actual[index]) {
      return ::testing::AssertionFailure()
             << path << ": line " << index + 1 << " differs\n  expected: |" << expected[index]
             << "|\n  actual:   |" << actual[index]
             << "|\n(SWITCHYARD_UPDATE_GOLDEN=1 rewrites the file)";
    }
  }
  if (expected.size() != actual.size()) {
    return ::testing::AssertionFailure() << path << ": " << expected.size() << " lines expected, "
                                         << actual.size() << " rendered";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace switchyard::tui::testing
