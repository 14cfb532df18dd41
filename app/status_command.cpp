// `switchyard status`: reads the task's state store (read-only, safe while the engine runs).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli_args.h"
#include "app/commands.h"
#include "engine/control/engine_snapshot.h"
#include "engine/control/metric_summary.h"
#include "engine/control/source_log_text.h"
#include "engine/pipeline/task_runner.h"
#include "engine/state/dms_json.h"
#include "engine/state/state_store.h"

namespace switchyard::app {

std::string ReadTaskIdentifier(const std::string& task_file, std::string* error) {
  std::ifstream in(task_file);
  if (!in) {
    *error = task_file + ": cannot be read";
    return "";
  }
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("ReplicationTaskIdentifier") ||
      !doc["ReplicationTaskIdentifier"].is_string()) {
    *error = task_file + ": no ReplicationTaskIdentifier string (is this a task file?)";
    return "";
  }
  return doc["ReplicationTaskIdentifier"].get<std::string>();
}

int StatusCommand(const std::vector<std::string>& args) {
  auto parsed = ParseArgs(args, {"--state-dir", "--errors"}, {"--json"});
  if (!parsed.ok()) {
    std::cerr << "switchyard status: " << parsed.status().message() << "\n";
    return 2;
  }
  if (parsed->help) {
    std::cout
        << "Usage: switchyard status TASK.json [--json] [--errors N] [--state-dir DIR]\n\n"
           "Prints the task status and per-table statistics from the state store.\n"
           "--json prints {\"ReplicationTask\": ..., \"TableStatistics\": [...]} with DMS "
           "field names.\n"
           "--errors N also lists the newest N rows the full load skipped (DataErrorPolicy\n"
           "LOG_ERROR and friends): table, time, reason and the row's values, and the\n"
           "newest N apply exceptions of CDC (statement, server message, policy action).\n"
           "The JSON also carries \"Metrics\": CDCLatencySource/Target (with p50/p95/p99\n"
           "over the last 5 minutes), throughput, retained source log with its growth,\n"
           "the source's free disk space, projected seconds until it is full and (PostgreSQL)\n"
           "until the slot is invalidated (null with \"Why\" when unknown), engine CPU/RSS.\n";
    return 0;
  }
  if (parsed->positional.size() != 1) {
    std::cerr << "switchyard status: expected one task file (see switchyard status --help)\n";
    return 2;
  }
  std::string error;
  std::string id = ReadTaskIdentifier(parsed->positional[0], &error);
  if (id.empty()) {
    std::cerr << "switchyard status: " << error << "\n";
    return 2;
  }
  const std::string dir = parsed->Get("--state-dir", pipeline::DefaultStateDir(id));
  auto store = state::StateStore::OpenReadOnly(dir);
  if (!store.ok()) {
    std::cerr << "switchyard status: " << store.status().message() << "\n";
    return 1;
  }
  auto task = (*store)->GetTask();
  auto tables = (*store)->ListTables();
  if (!task.ok() || !tables.ok()) {
    std::cerr << "switchyard status: " << (task.ok() ? tables.status() : task.status()).message()
              << "\n";
    return 1;
  }
  int error_rows = 0;
  if (parsed->Has("--errors")) {
    try {
      error_rows = std::stoi(parsed->Get("--errors"));
    } catch (...) {
      error_rows = -1;
    }
    if (error_rows < 1) {
      std::cerr << "switchyard status: --errors: expected a number of rows (1 or more)\n";
      return 2;
    }
  }
  std::vector<state::DataErrorRecord> rejected;
  std::vector<state::ApplyExceptionRecord> exceptions;
  if (error_rows > 0) {
    auto listed = (*store)->ListDataErrors(error_rows);
    if (!listed.ok()) {
      std::cerr << "switchyard status: " << listed.status().message() << "\n";
      return 1;
    }
    rejected = std::move(*listed);
    auto applied = (*store)->ListApplyExceptions(error_rows);
    if (!applied.ok()) {
      std::cerr << "switchyard status: " << applied.status().message() << "\n";
      return 1;
    }
    exceptions = std::move(*applied);
  }
  if (parsed->Has("--json")) {
    nlohmann::json out = state::ToDmsStatusJson(*task, *tables);
    if (error_rows > 0) {
      auto& list = out["DataErrors"] = nlohmann::json::array();
      for (const auto& e : rejected) {
        nlohmann::json row = nlohmann::json::parse(e.row_json, nullptr, false);
        list.push_back({{"SchemaName", e.schema_name},
                        {"TableName", e.table_name},
                        {"Time", e.time},
                        {"Message", e.message},
                        {"Row", row.is_discarded() ? nlohmann::json(e.row_json) : row}});
      }
    }
    // DMS's TableStatistics has no error text (DMS puts it in the task log); a suspended
    // table's reason is what an operator needs first, so add it under the name DMS uses for
    // the task's: LastFailureMessage, only on tables that have one.
    auto& stats = out["TableStatistics"];
    for (size_t i = 0; i < tables->size() && i < stats.size(); ++i) {
      if (!(*tables)[i].last_error.empty())
        stats[i]["LastFailureMessage"] = (*tables)[i].last_error;
    }
    if (auto metrics = control::MetricSummary(**store); metrics.ok()) out["Metrics"] = *metrics;
    if (error_rows > 0) {
      auto& list = out["ApplyExceptions"] = nlohmann::json::array();
      for (const auto& e : exceptions) {
        nlohmann::json values = nlohmann::json::parse(e.values_json, nullptr, false);
        list.push_back({{"Id", e.id},
                        {"SchemaName", e.schema_name},
                        {"TableName", e.table_name},
                        {"Time", e.time},
                        {"Operation", e.operation},
                        {"Statement", e.statement},
                        {"Values", values.is_discarded() ? nlohmann::json(nullptr) : values},
                        {"Error", e.error},
                        {"SourcePosition", e.source_position},
                        {"Action", e.action},
                        {"Resolved", !e.resolved_at.empty()}});
      }
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << "Task " << task->identifier << " (" << task->migration_type
            << "): " << state::TaskStatusName(task->status);
  if (task->stop_reason != state::StopReason::kNone)
    std::cout << ", " << state::StopReasonDmsString(task->stop_reason);
  std::cout << "\n";
  if (!task->last_failure_message.empty())
    std::cout << "Last failure: " << task->last_failure_message << "\n";
  std::cout << "Tables: " << task->tables_loaded << " loaded, " << task->tables_loading
            << " loading, " << task->tables_queued << " queued, " << task->tables_errored
            << " errored\n";
  if (auto metrics = control::MetricSummary(**store); metrics.ok()) {
    auto value = [&](const char* name) -> std::string {
      if (!metrics->contains(name)) return "-";
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.1f", (*metrics)[name]["Value"].get<double>());
      return buf;
    };
    if (metrics->contains(control::metric::kCdcLatencyTarget)) {
      std::cout << "CDC: latency source " << value(control::metric::kCdcLatencySource)
                << " s, target " << value(control::metric::kCdcLatencyTarget) << " s (p99 "
                << (*metrics)[control::metric::kCdcLatencyTarget]["P99"].get<double>()
                << " s); incoming " << value(control::metric::kCdcIncomingChanges) << "; applied "
                << value(control::metric::kCdcThroughputRowsTarget) << " rows/s\n";
    }
    std::cout << control::DescribeSourceLog(*metrics);
    std::cout << "Apply exceptions (unresolved): "
              << (*metrics)[control::metric::kApplyExceptions]["Value"].get<int64_t>() << "\n";
  }
  std::cout << "\n";
  std::printf("%-36s %-24s %14s %8s %9s %9s %9s  %s\n", "TABLE", "STATE", "FULL LOAD ROWS",
              "ERR ROWS", "INSERTS", "UPDATES", "DELETES", "LAST ERROR");
  for (const auto& t : *tables) {
    std::string name = t.schema_name + "." + t.table_name;
    std::printf("%-36s %-24s %14lld %8lld %9lld %9lld %9lld  %s\n", name.c_str(),
                state::TableStateName(t.table_state), static_cast<long long>(t.full_load_rows),
                static_cast<long long>(t.full_load_error_rows), static_cast<long long>(t.inserts),
                static_cast<long long>(t.updates), static_cast<long long>(t.deletes),
                t.last_error.substr(0, 120).c_str());
  }
  if (error_rows > 0) {
    std::cout << "\nRows skipped by the full load (newest first, " << rejected.size() << "):\n";
    for (const auto& e : rejected) {
      std::cout << "  " << e.time << "  " << e.schema_name << "." << e.table_name << ": "
                << e.message << "\n    " << e.row_json << "\n";
    }
    std::cout << "\nApply exceptions (newest first, " << exceptions.size() << "):\n";
    for (const auto& e : exceptions) {
      std::cout << "  #" << e.id << " " << e.time << "  " << e.schema_name << "." << e.table_name
                << " " << e.operation << " (" << e.action
                << (e.resolved_at.empty() ? "" : ", resolved") << "): " << e.error << "\n    "
                << e.statement << "\n";
    }
  }
  return 0;
}

}  // namespace switchyard::app
