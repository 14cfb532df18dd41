#include "tui_fixture_snapshot.h"

#include <cmath>

namespace switchyard::tui::testing {
namespace {

state::TableRecord Table(std::string schema, std::string name, state::TableState table_state,
                         int64_t rows, int64_t estimated) {
  state::TableRecord table;
  table.schema_name = schema;
  table.table_name = name;
  table.target_schema = schema == "shop" ? "public" : schema;
  table.target_table = name;
  table.table_state = table_state;
  table.full_load_rows = rows;
  table.estimated_rows = estimated;
  table.full_load_start_time = "2026-11-21T11:00:05.000Z";
  table.last_update_time = "2026-11-21T11:59:58.000Z";
  table.segments_total = 4;
  table.segments_completed = table_state == state::TableState::kTableCompleted ? 4 : 2;
  return table;
}

logging::LogEntry Log(uint64_t seq, int seconds_before, logging::Severity severity,
                      logging::Component component, std::string message) {
  logging::LogEntry entry;
  entry.seq = seq;
  entry.time = FixtureNow() - std::chrono::seconds(seconds_before);
  entry.severity = severity;
  entry.component = component;
  entry.message = std::move(message);
  return entry;
}

}  // namespace

logging::TimePoint FixtureNow() { return *logging::ParseIsoUtc("2026-11-21T12:00:00.000Z"); }

std::shared_ptr<const control::EngineSnapshot> FixtureSnapshot() {
  using state::TableState;
  namespace metric = control::metric;
  auto snapshot = std::make_shared<control::EngineSnapshot>();
  snapshot->taken_at = FixtureNow();
  snapshot->ok = true;
  snapshot->engine_running = true;
  snapshot->source = "mysql://repl@127.0.0.1:3306/shop";
  snapshot->target = "postgresql://app@127.0.0.1:5432/shop";
  auto& task = snapshot->task;
  task.identifier = "shop-migration";
  task.migration_type = "full-load-and-cdc";
  task.status = state::TaskStatus::kRunning;
  task.start_date = "2026-11-21T10:58:55.000Z";
  task.full_load_start_date = "2026-11-21T11:00:00.000Z";
  task.tables_loaded = 2;
  task.tables_loading = 1;
  task.tables_queued = 1;
  task.tables_errored = 1;
  task.full_load_progress_percent = 68;

  snapshot->tables = {
      Table("inventory", "stock", TableState::kTableError, 1200, 50000),
      Table("shop", "audit_log", TableState::kTableCompleted, 250000, 250000),
      Table("shop", "customers", TableState::kTableCompleted, 48213, 48000),
      Table("shop", "order_items", TableState::kBeforeLoad, 0, 900000),
      Table("shop", "orders", TableState::kFullLoad, 612400, 1000000),
  };
  snapshot->tables[0].last_error = "duplicate key value violates unique constraint \"stock_pkey\"";
  snapshot->tables[1].inserts = 1520;
  snapshot->tables[1].applied_inserts = 1520;
  snapshot->tables[2].inserts = 310;
  snapshot->tables[2].updates = 4211;
  snapshot->tables[2].deletes = 12;
  snapshot->tables[2].applied_inserts = 310;
  snapshot->tables[2].applied_updates = 4200;
  snapshot->tables[2].applied_deletes = 12;
  snapshot->tables[2].full_load_end_time = "2026-11-21T11:04:10.000Z";
  snapshot->tables[2].columns = {
      {"id", "int(11)", "id", "integer", ""},
      {"email", "varchar(320)", "email", "character varying(320)", ""},
      {"balance", "double unsigned", "balance", "double precision",
       "UNSIGNED is not carried: a CHECK (balance >= 0) keeps the range"},
      {"created_at", "datetime(6)", "created_at", "timestamp(6) without time zone", ""},
      {"", "", "migrated_by", "text", ""},
  };

  snapshot->metrics = {
      {metric::kCdcLatencySource, 0.4},
      {metric::kCdcLatencyTarget, 12.5},
      {metric::kCdcIncomingChanges, 1834},
      {metric::kCdcThroughputRowsSource, 820},
      {metric::kCdcThroughputRowsTarget, 790},
      {metric::kCdcChangesMemorySource, 1200},
      {metric::kCdcChangesMemoryTarget, 634},
      {metric::kCdcChangesDiskSource, 0},
      {metric::kCdcChangesDiskTarget, 0},
      {metric::kFullLoadThroughputRowsTarget, 15230},
      {metric::kRetainedSourceLogBytes, 734003200},
      // The source's log grows 12 KiB/s; its disk (42 GiB, measured) lasts 42 days at that.
      {metric::kSourceLogGrowthBytesPerSecond, 12288},
      {metric::kSourceDiskFreeBytes, 42.0 * 1024 * 1024 * 1024},
      {metric::kSourceDiskFreeFrom, 1},
      {metric::kSourceDiskFullProjectedSeconds, 42.0 * 1024 * 1024 * 1024 / 12288},
      {metric::kStateDirFreeBytes, 52613349376.0},
      {metric::kEngineRssBytes, 412090368},
  };
  // Two minutes, one sample a second: source latency small, target latency with a bump.
  for (int index = 0; index < 120; ++index) {
    const auto time = FixtureNow() - std::chrono::seconds(119 - index);
    const double x = (index - 80) / 12.0;
    snapshot->history[metric::kCdcLatencySource].push_back(
        {time, std::round((0.2 + 0.3 * (index % 7) / 6.0) * 10) / 10});
    snapshot->history[metric::kCdcLatencyTarget].push_back(
        {time, std::round((0.5 + 14.0 * std::exp(-x * x)) * 10) / 10});
  }
  snapshot->history[metric::kCdcLatencyTarget].back().value = 12.5;
  snapshot->history[metric::kCdcLatencySource].back().value = 0.4;

  state::ApplyExceptionRecord open;
  open.id = 17;
  open.time = "2026-11-21T11:58:41.120Z";
  open.schema_name = "inventory";
  open.table_name = "stock";
  open.operation = "INSERT";
  open.statement = "INSERT INTO \"inventory\".\"stock\" (\"sku\", \"qty\") VALUES ('A-100', 5)";
  open.values_json = "{\"sku\":\"A-100\",\"qty\":5}";
  open.error = "duplicate key value violates unique constraint \"stock_pkey\"";
  open.source_position = "mysql-bin.000003:48213";
  open.action = "SUSPEND_TABLE";
  state::ApplyExceptionRecord resolved;
  resolved.id = 9;
  resolved.time = "2026-11-21T11:40:02.000Z";
  resolved.schema_name = "shop";
  resolved.table_name = "customers";
  resolved.operation = "UPDATE";
  resolved.statement = "UPDATE \"public\".\"customers\" SET \"email\" = 'x' WHERE \"id\" = 4";
  resolved.error = "value too long for type character varying(3)";
  resolved.source_position = "mysql-bin.000003:1022";
  resolved.action = "LOG_ERROR";
  resolved.resolved_at = "2026-11-21T11:45:00.000Z";
  snapshot->apply_exceptions = {open, resolved};
  snapshot->apply_exceptions_unresolved = 1;

  using logging::Component;
  using logging::Severity;
  snapshot->logs = {
      Log(1, 3600, Severity::kInfo, Component::kTaskManager, "task started"),
      Log(2, 3595, Severity::kInfo, Component::kSourceUnload, "reading shop.orders in 4 segments"),
      Log(3, 1900, Severity::kWarning, Component::kTargetApply,
          "apply exception 9 on shop.customers: value too long"),
      Log(4, 79, Severity::kError, Component::kTargetApply,
          "apply exception 17 on inventory.stock: duplicate key; table suspended"),
      Log(5, 30, Severity::kDebug, Component::kSorter, "transaction batch of 120 changes"),
      Log(6, 2, Severity::kInfo, Component::kTargetLoad, "shop.orders: 612,400 rows loaded"),
  };
  return snapshot;
}

}  // namespace switchyard::tui::testing
