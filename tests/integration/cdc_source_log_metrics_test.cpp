// The source-log metrics of a running CDC task, from `switchyard status` as an operator reads
// them: with the source on this machine and its WAL/binlog growing behind a stalled apply (the
// target table locked), the retained log, its growth, the source's free disk space (measured
// with statvfs on the server's own directory) and the projected seconds until the disk is full
// appear with values that fit each other and the machine; on PostgreSQL with
// max_slot_wal_keep_size set, also wal_status, safe_wal_size and the projected seconds until
// the slot would be invalidated. No password shows up anywhere along the way.
#include <gtest/gtest.h>
#include <sys/statvfs.h>

#include <optional>

#include "engine/pipeline/cdc/pg_slot.h"
#include "tests/integration/full_load_test_util.h"
#include "tests/support/pg_slots.h"

namespace switchyard::testing {
namespace {

using catalog::Engine;

struct Case {
  Engine source;
  std::string name;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class CdcSourceLogMetrics : public ::testing::TestWithParam<Case> {};

// A server-wide setting for this test only: reset however the test ends.
class PgSystemSetting {
 public:
  PgSystemSetting(endpoints::ConnectionParams params, const std::string& name,
                  const std::string& value)
      : params_(std::move(params)), name_(name) {
    ExecOrDie(params_,
              "ALTER SYSTEM SET " + name_ + " = '" + value + "';\nSELECT pg_reload_conf()");
  }
  ~PgSystemSetting() {
    ExecOrDie(params_, "ALTER SYSTEM RESET " + name_ + ";\nSELECT pg_reload_conf()");
  }

 private:
  endpoints::ConnectionParams params_;
  std::string name_;
};

double FreeBytesOf(const std::string& path) {
  struct statvfs fs {};
  if (statvfs(path.c_str(), &fs) != 0) return -1;
  return static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize);
}

double Value(const nlohmann::json& metrics, const char* name) {
  if (!metrics.contains(name) || !metrics[name]["Value"].is_number()) return -1;
  return metrics[name]["Value"].get<double>();
}

TEST_P(CdcSourceLogMetrics, ProjectDiskFullFromTheGrowthBehindAStalledApply) {
  const Case c = GetParam();
  const std::string id = "cdc-disk-" + c.name;
  const std::string schema = "sy_cdc_disk_" + c.name;
  endpoints::ConnectionParams source;
  std::string source_schema;
  std::string log_dir;  // where the server keeps its log: what the engine must measure
  std::optional<SlotGuard> slot;
  std::optional<PgSystemSetting> keep_size;
  if (c.source == Engine::kPostgres) {
    source = FreshDatabaseWithoutSlots(schema + "_src");
    source_schema = "public";
    log_dir = Servers().dir + "/pg/pg_wal";
    slot.emplace(source, pipeline::cdc::ReplicationObjectName(id));
    // Far above what the test writes: the slot stays safe, yet safe_wal_size is reported.
    keep_size.emplace(source, "max_slot_wal_keep_size", "64GB");
  } else {
    source = FreshMySqlDatabase(schema);
    source_schema = schema;
    log_dir = Servers().dir + "/my";
  }
  ExecOrDie(source, "CREATE TABLE items (id INT PRIMARY KEY, pad VARCHAR(1000))");
  const auto target = FreshPostgresDatabase(schema + "_dst");
  nlohmann::json task =
      FullLoadTask(id, source, target, nlohmann::json::array({IncludeSchemaRule(source_schema)}));
  task["MigrationType"] = "full-load-and-cdc";
  const std::string work = MakeTempDir("sy-" + id);
  BackgroundRun run(task, work);
  ASSERT_TRUE(
      WaitUntil([&] { return run.Output().find("change capture running") != std::string::npos; },
                std::chrono::seconds(90)))
      << run.Output();

  // One change applied first, so the checkpoint that binlog retention counts from exists.
  ExecOrDie(source, "INSERT INTO items VALUES (0, 'first')");
  ASSERT_TRUE(WaitUntil([&] {
    return QueryValue(target, "SELECT count(*) FROM " + source_schema + ".items") == "1";
  })) << run.Output();

  // Stall the apply: the target table stays locked, so the checkpoint (and the slot) stand
  // still while the source keeps writing.
  auto blocker = endpoints::Connect(target);
  ASSERT_TRUE(blocker.ok()) << blocker.status().ToString();
  ASSERT_TRUE((*blocker)->Execute("BEGIN").ok());
  ASSERT_TRUE(
      (*blocker)->Execute("LOCK TABLE " + source_schema + ".items IN ACCESS EXCLUSIVE MODE").ok());

  const std::string status_args =
      "status '" + work + "/task.json' --state-dir '" + run.state_dir() + "'";
  int next_id = 1;
  nlohmann::json metrics;
  std::string status_json;
  const bool projected = WaitUntil(
      [&] {
        std::string batch;
        for (int i = 0; i < 50; ++i, ++next_id) {
          batch += (batch.empty() ? "" : ", ") + ("(" + std::to_string(next_id) + ", '" +
                                                  std::string(900, 'a' + next_id % 26) + "')");
        }
        ExecOrDie(source, "INSERT INTO items VALUES " + batch);
        RunResult status = RunSwitchyardCommand(status_args + " --json");
        status_json = status.output;
        auto doc = nlohmann::json::parse(status.output, nullptr, false);
        if (doc.is_discarded() || !doc.contains("Metrics")) return false;
        metrics = doc["Metrics"];
        return Value(metrics, "SourceDiskFullProjectedSeconds") >= 0 &&
               Value(metrics, "SourceLogGrowthBytesPerSecond") > 0 &&
               (c.source != Engine::kPostgres ||
                Value(metrics, "SlotInvalidationProjectedSeconds") >= 0);
      },
      std::chrono::seconds(120));
  ASSERT_TRUE(projected) << status_json << "\n" << run.Output();

  // At least the rows written since the stall (~1 KB each) are retained; nowhere near 64 GB.
  const double retained = Value(metrics, "RetainedSourceLogBytes");
  EXPECT_GT(retained, 50 * 900);
  EXPECT_LT(retained, 8e9);
  const double growth = Value(metrics, "SourceLogGrowthBytesPerSecond");
  EXPECT_GT(growth, 0);
  EXPECT_LT(growth, 1e9);
  // The engine measured the server's own directory: the same file system this test sees.
  EXPECT_EQ(metrics["SourceDiskFreeBytes"]["From"], "statvfs") << metrics.dump(2);
  const double free = Value(metrics, "SourceDiskFreeBytes");
  const double free_here = FreeBytesOf(log_dir);
  ASSERT_GT(free_here, 0) << log_dir;
  EXPECT_NEAR(free, free_here, std::max(1e9, 0.1 * free_here)) << metrics.dump(2);
  // The projection is free space over growth, from the same publish.
  EXPECT_NEAR(Value(metrics, "SourceDiskFullProjectedSeconds"), free / growth,
              1e-6 * free / growth);
  if (c.source == Engine::kPostgres) {
    const std::string wal_status = metrics["SlotWalStatus"].value("Text", "");
    EXPECT_TRUE(wal_status == "reserved" || wal_status == "extended") << metrics.dump(2);
    const double safe = Value(metrics, "SlotSafeWalSizeBytes");
    // What max_slot_wal_keep_size allows minus what is retained, up to a few WAL segments.
    EXPECT_NEAR(safe, 64.0 * 1024 * 1024 * 1024 - retained, 64.0 * 1024 * 1024);
    EXPECT_NEAR(Value(metrics, "SlotInvalidationProjectedSeconds"), safe / growth,
                1e-6 * safe / growth);
  } else {
    EXPECT_FALSE(metrics.contains("SlotWalStatus")) << metrics.dump(2);
    EXPECT_FALSE(metrics.contains("SlotInvalidationProjectedSeconds")) << metrics.dump(2);
  }
  RunResult human = RunSwitchyardCommand(status_args);
  EXPECT_NE(human.output.find("Source log: "), std::string::npos) << human.output;
  EXPECT_NE(human.output.find("(statvfs); full in "), std::string::npos) << human.output;

  ASSERT_TRUE((*blocker)->Execute("ROLLBACK").ok());
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << run.Output();

  const std::string password =
      c.source == Engine::kPostgres ? Servers().pg_password : Servers().my_password;
  ASSERT_FALSE(password.empty());
  for (const auto& [what, text] :
       {std::pair<std::string, std::string>{"status --json", status_json},
        {"status", human.output},
        {"run output", run.Output()},
        {"log file", ReadWholeFile(run.state_dir() + "/logs/switchyard.log")}}) {
    EXPECT_EQ(text.find(password), std::string::npos) << "the password appears in " << what;
  }
  EXPECT_NE(ReadWholeFile(run.state_dir() + "/logs/switchyard.log")
                .find("source disk free space: measured at "),
            std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Sources, CdcSourceLogMetrics,
                         ::testing::Values(Case{Engine::kPostgres, "pg"},
                                           Case{Engine::kMySql, "my"}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace switchyard::testing
