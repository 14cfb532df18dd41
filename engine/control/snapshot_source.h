// SnapshotSource: builds EngineSnapshots (engine_snapshot.h) from the task's state store and
// logs on its own thread, and publishes the newest one for the console to take.
//
// The console thread calls Latest() (an atomic shared_ptr load: never blocks on I/O, SQLite or
// an engine lock) and generation() to see whether anything new arrived. The builder thread
// opens the state store read-only (retrying every tick until the engine has created it), reads
// task, tables, the latest value and recent history of the metrics, apply exceptions, and the
// logs: the in-process Logger's ring, or the tail of the log file when the engine runs in
// another process (--attach). It also measures the state directory's free space itself, so the
// overview shows it even before the engine publishes StateDirFreeBytes.
//
// A read that fails (the file vanished, a schema mismatch) publishes a snapshot with ok = false
// and `error` set, carrying the previous snapshot's data so the screen does not go blank.
//
// Thread-safety: Latest(), generation() and RequestRefresh() may be called from any thread;
// Start()/Stop() from the owner's thread. BuildNow() must not run concurrently with the thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "engine/control/engine_snapshot.h"
#include "engine/control/log_file_tail.h"
#include "engine/logging/logger.h"
#include "engine/state/state_store.h"

namespace switchyard::control {

struct SnapshotSourceOptions {
  std::string state_dir;
  // Redacted endpoint descriptions shown on the overview (ConnectionParams::Describe()).
  std::string source_description;
  std::string target_description;
  // In-process engine: its logger (the ring is read). Null: tail `log_file` instead.
  std::shared_ptr<logging::Logger> logger;
  std::string log_file;  // default <state_dir>/logs/switchyard.log
  // Is an engine running the task right now? Called on the builder thread; null means false.
  std::function<bool()> engine_running;
  std::chrono::milliseconds interval{400};
  std::chrono::seconds history{300};  // how far back metric history goes
  size_t max_logs = 1000;
  int max_apply_exceptions = 200;
};

class SnapshotSource {
 public:
  explicit SnapshotSource(SnapshotSourceOptions options);
  ~SnapshotSource();  // Stop()
  SnapshotSource(const SnapshotSource&) = delete;
  SnapshotSource& operator=(const SnapshotSource&) = delete;

  // Builds one snapshot at once (so the first frame has data) and starts the thread.
  void Start();
  // Stops and joins the thread; Latest() keeps returning the last snapshot.
  void Stop();

  // The newest snapshot; never null after construction (an empty "not read yet" one first).
  std::shared_ptr<const EngineSnapshot> Latest() const { return latest_.load(); }
  // Increases by one with every publish.
  uint64_t generation() const { return generation_.load(); }
  // Wakes the thread to build a snapshot now (after a command, so its effect shows sooner).
  void RequestRefresh();

  // Builds and publishes one snapshot on the caller's thread.
  void BuildNow();

 private:
  std::shared_ptr<const EngineSnapshot> Build();
  Status ReadStore(EngineSnapshot& snapshot);
  void ReadLogs(EngineSnapshot& snapshot);

  const SnapshotSourceOptions options_;
  std::unique_ptr<state::StateStore> store_;  // builder thread only
  LogFileTail log_tail_;                      // builder thread only
  std::atomic<std::shared_ptr<const EngineSnapshot>> latest_;
  std::atomic<uint64_t> generation_{0};
  std::mutex wake_mu_;
  std::condition_variable_any wake_cv_;
  bool wake_ = false;  // guarded by wake_mu_
  std::jthread thread_;
};

}  // namespace switchyard::control
