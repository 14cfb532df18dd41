// One source transaction far larger than MemoryLimitTotal replicates value for value, its
// changes wait in spill files meanwhile (removed once applied), and the engine's memory grows
// by no more than the limit plus a small constant. PostgreSQL and MariaDB sources.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "engine/pipeline/cdc/pg_slot.h"
#include "tests/integration/full_load_test_util.h"
#include "tests/support/pg_slots.h"

namespace switchyard::testing {
namespace {

using catalog::Engine;

// Resident memory of a process in MB from /proc/PID/status: the current "VmRSS" or the peak
// "VmHWM"; -1 when unreadable.
double MemoryMb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024;
  }
  return -1;
}

size_t FilesIn(const std::string& dir) {
  std::error_code ec;
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) n += e.is_regular_file();
  return n;
}

constexpr int kLimitMb = 16;
constexpr int kRows = 200000;  // ~100 MB of values: six times the limit

class CdcSpill : public ::testing::TestWithParam<Engine> {};

TEST_P(CdcSpill, ATransactionSixTimesTheMemoryLimitReplicatesWithinTheLimit) {
  const bool pg = GetParam() == Engine::kPostgres;
  const std::string id = pg ? "cdc-spill-pg" : "cdc-spill-my";
  const std::string db = pg ? "sy_cdc_spill_pg" : "sy_cdc_spill_my";
  endpoints::ConnectionParams source;
  std::string schema;
  std::optional<SlotGuard> slot;
  if (pg) {
    source = FreshDatabaseWithoutSlots(db + "_src");
    schema = "public";
    slot.emplace(source, pipeline::cdc::ReplicationObjectName(id));
  } else {
    source = FreshMySqlDatabase(db);
    schema = db;
  }
  ExecOrDie(source, "CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(600))");
  const auto target = FreshPostgresDatabase(db + "_dst");
  const auto rules = nlohmann::json::array({IncludeSchemaRule(schema)});
  const nlohmann::json settings = {{"ChangeProcessingTuning", {{"MemoryLimitTotal", kLimitMb}}}};
  nlohmann::json task = FullLoadTask(id, source, target, rules, settings);
  task["MigrationType"] = "full-load-and-cdc";
  const std::string work = MakeTempDir("sy-" + id);
  BackgroundRun run(task, work);
  ASSERT_TRUE(
      WaitUntil([&] { return run.Output().find("change capture running") != std::string::npos; },
                std::chrono::seconds(120)))
      << run.Output();
  const double rss_before = MemoryMb(run.pid(), "VmRSS");
  ASSERT_GT(rss_before, 0);

  // One transaction: inserts, then updates and deletes of rows it inserted, so the order of
  // changes read back from disk matters.
  const std::string n = std::to_string(kRows);
  ExecOrDie(source,
            pg ? "BEGIN;\n"
                 "INSERT INTO big SELECT g, repeat(md5(g::text), 16) FROM generate_series(1, " +
                     n +
                     ") g;\n"
                     "UPDATE big SET v = 'updated ' || id WHERE id <= 20000;\n"
                     "DELETE FROM big WHERE id > " +
                     std::to_string(kRows - 20000) + ";\nCOMMIT"
               : "SET SESSION max_recursive_iterations = 1000000;\n"
                 "BEGIN;\n"
                 "INSERT INTO big WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s "
                 "WHERE g < " +
                     n +
                     ") SELECT g, REPEAT(MD5(g), 16) FROM s;\n"
                     "UPDATE big SET v = CONCAT('updated ', id) WHERE id <= 20000;\n"
                     "DELETE FROM big WHERE id > " +
                     std::to_string(kRows - 20000) + ";\nCOMMIT");
  auto differences = [&] {
    return CompareSimple(source, schema, target, schema, "big", {"id", "v"}, {"id"});
  };
  // The target schema is named like the source one. Only compare once the count is right: 180,000
  // rows are slow to compare.
  ASSERT_TRUE(WaitUntil(
      [&] {
        return QueryValue(target, "SELECT count(*) FROM " + schema + ".big") ==
                   std::to_string(kRows - 20000) &&
               QueryValue(target, "SELECT v FROM " + schema + ".big WHERE id = 1") == "updated 1";
      },
      std::chrono::seconds(300)))
      << run.Output();
  EXPECT_EQ(differences(), "");
  const double peak = MemoryMb(run.pid(), "VmHWM");
  // The limit, the chunk being filled, the chunks read back for the apply and the statement
  // being built. Held in memory, these changes would take well over 100 MB.
  RecordProperty("rss_growth_mb", static_cast<int>(peak - rss_before));
  EXPECT_LT(peak - rss_before, kLimitMb + 40)
      << "RSS at CDC start " << rss_before << " MB, peak " << peak << " MB";
  EXPECT_NE(run.Output().find("spilled"), std::string::npos) << run.Output();
  EXPECT_TRUE(
      WaitUntil([&] { return FilesIn(run.state_dir() + "/spill") == 0; }, std::chrono::seconds(30)))
      << "spill files left after the apply: " << FilesIn(run.state_dir() + "/spill");
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << run.Output();
}

INSTANTIATE_TEST_SUITE_P(Sources, CdcSpill, ::testing::Values(Engine::kPostgres, Engine::kMySql),
                         [](const auto& info) {
                           return info.param == Engine::kPostgres ? "PostgreSQL" : "MariaDB";
                         });

}  // namespace
}  // namespace switchyard::testing
