// FullLoad: prepares the target tables and copies every planned table, in parallel, under one
// consistent source snapshot where the source allows it, recording progress in the state store
// so that a stopped or crashed load resumes without redoing completed tables or key ranges.
//
// Threads: Run() blocks the caller and runs up to MaxFullLoadSubTasks worker threads, each
// with its own source and target connection. The state store is the only shared object
// (thread-safe). A stop request ends the load after in-flight transactions roll back.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "engine/config/task_config.h"
#include "engine/pipeline/table_plan.h"
#include "engine/state/state_store.h"

namespace switchyard::pipeline {

struct FullLoadResult {
  int tables_completed = 0;
  int tables_errored = 0;
  int tables_cancelled = 0;
  Status fatal;  // set when the task must fail (STOP_TASK policies, lost target)
};

class FullLoad {
 public:
  // `state_dir` receives deferred-secondary-objects.sql when secondary objects are deferred.
  // How this run starts: fresh, resuming a stopped or crashed load, or reloading every table
  // (tables show "Table is being reloaded" and FullLoadReloaded).
  enum class Mode { kFresh, kResume, kReload };
  FullLoad(const config::TaskConfig& task, std::vector<TablePlan> plans, state::StateStore& store,
           std::string state_dir, Mode mode);

  // full-load-and-cdc: every worker reads under one snapshot whose source position is known,
  // so CDC can start exactly there. Each table loaded records that position in the state store
  // (SetSnapshotPosition); a table left half-loaded by an earlier run is reloaded whole, since
  // its finished ranges were read at another position. A worker that loses its snapshot fails
  // its table instead of reading from a fresh one.
  struct Handoff {
    // PostgreSQL: the snapshot exported by CREATE_REPLICATION_SLOT and the slot's consistent
    // point. MySQL/MariaDB: both empty; Run opens the workers' snapshots at one binlog position.
    std::string pg_snapshot_id;
    std::string pg_snapshot_xids;  // PostgreSQL: the snapshot's transactions (pg_slot.h)
    std::string position;
  };
  void SetHandoff(Handoff handoff) { handoff_ = std::move(handoff); }
  // After Run: the position every table of this run was loaded at ("" without a handoff).
  const std::string& handoff_position() const {
    static const std::string kNone;
    return handoff_ ? handoff_->position : kNone;
  }

  FullLoadResult Run(std::stop_token stop);

 private:
  struct Unit {
    size_t table;
    size_t segment;
  };
  struct TableProgress {
    size_t segments_left = 0;
    bool failed = false;
    bool started = false;
  };

  Status PrepareTargets(endpoints::SqlSession& target);
  Status PrepareTable(endpoints::SqlSession& target, size_t index, std::vector<Unit>* units);
  // One source reader and one target loader per worker thread.
  struct WorkerConnections {
    std::unique_ptr<endpoints::SnapshotReader> reader;
    std::unique_ptr<endpoints::BulkLoader> loader;
  };
  Result<WorkerConnections> OpenConnections(const std::string& snapshot_id);
  // MySQL handoff: `count` workers' snapshots, all at one binlog position (handoff_->position).
  Status OpenAlignedSnapshots(size_t count, std::stop_token stop);
  void Worker(std::stop_token stop, const std::string& snapshot_id);
  // Loads one segment; *committed counts the rows it made durable, also when it fails.
  Status LoadUnit(const Unit& unit, endpoints::SnapshotReader& reader,
                  endpoints::BulkLoader& loader, std::stop_token stop, int64_t* committed);
  // Removes the rows a failed attempt committed, before the segment is loaded again.
  Status CleanUpSegment(const Unit& unit, int64_t committed, endpoints::SqlSession& target);
  void FinishUnit(const Unit& unit, int64_t committed, endpoints::SqlSession& target);
  void UnitFailed(const Unit& unit, const Status& status, int64_t committed);
  Status FinishTable(size_t index, endpoints::SqlSession& target);
  void FailTable(size_t index, const Status& error);
  Status CreateForeignKeys(endpoints::SqlSession& target);
  Status WriteDeferredSecondaryObjects();
  Status HandleDataError(const TablePlan& plan, const Status& error, nlohmann::json row);

  const config::TaskConfig& task_;
  std::vector<TablePlan> plans_;
  state::StateStore& store_;
  const std::string state_dir_;
  const bool resume_;
  const bool reload_;
  std::optional<Handoff> handoff_;
  std::vector<WorkerConnections> preopened_;  // guarded by mu_; taken by workers first

  std::mutex mu_;
  std::vector<Unit> queue_;              // guarded by mu_; popped from the front
  size_t next_unit_ = 0;                 // guarded by mu_
  std::vector<TableProgress> progress_;  // guarded by mu_
  Status fatal_;                         // guarded by mu_
  std::stop_source stop_all_;            // STOP_TASK policies stop every worker
};

}  // namespace switchyard::pipeline
