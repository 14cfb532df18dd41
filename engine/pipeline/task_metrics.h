// TaskMetrics: the engine's live counters and the thread that publishes them as DMS metrics
// (engine/control/engine_snapshot.h names) into the state store once a second, where
// `switchyard status` and the console read them.
//
// The reader and the apply loop only bump atomics (OnReceived/OnTaken/OnCaughtUp/OnApplied):
// publishing never waits behind apply, and a target that hangs in one statement still shows
// CDCLatencyTarget growing. Definitions (DESIGN.md):
//   CDCLatencySource: now - commit time of the newest change received from the source (by the
//     read-ahead reader, not when the apply takes it); 0 once the stream reports it has read
//     everything (heartbeat / keepalive with nothing pending).
//   CDCLatencyTarget: now - commit time of the oldest change taken for apply but not yet
//     committed on the target (those waiting behind it are newer); with nothing pending, the
//     largest commit-to-apply delay of the last second.
//   CDCIncomingChanges: changes received and not yet applied (the read-ahead queue included).
// FullLoadThroughputRowsTarget comes from the tables' FullLoadRows in the store. Besides, it
// samples the state directory's free space, the process's CPU and RSS, and (via a probe of
// the source, every 10 s) the source log retained behind the checkpoint with its growth and
// projections (cdc/source_log_tracker.h).
//
// Threads: OnReceived from any thread, the other On* from the apply thread; Start/Stop from
// the owner. History older than an hour
// is pruned.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "engine/pipeline/cdc/source_log_tracker.h"
#include "engine/pipeline/cdc/spill_space.h"
#include "engine/state/state_store.h"

namespace switchyard::pipeline {

class TaskMetrics {
 public:
  TaskMetrics(state::StateStore& store, std::string state_dir);
  ~TaskMetrics();

  // Source log retained for the task and what bounds it; called on the publisher thread about
  // every 10 s, so it may query the source. Call before Start.
  void SetSourceLogProbe(cdc::SourceLogProbe probe);
  void Start();
  void Stop();
  // Where the CDCChangesMemory*/CDCChangesDisk* counts come from while CDC runs (null: none).
  void SetSpillSpace(const cdc::SpillSpace* space);

  // A source transaction was received from the source (any thread: the read-ahead reader).
  void OnReceived(std::chrono::system_clock::time_point commit_time, int64_t rows, int64_t bytes);
  // The apply loop took a received transaction to apply it.
  void OnTaken(std::chrono::system_clock::time_point commit_time);
  // The stream has nothing more right now (apply thread: nothing received is waiting).
  void OnCaughtUp();
  // The transaction read last is committed on the target (or was skipped).
  void OnApplied(std::chrono::system_clock::time_point commit_time, int64_t rows, int64_t bytes);

 private:
  void Publish();

  state::StateStore& store_;
  const std::string state_dir_;
  std::unique_ptr<cdc::SourceLogTracker> source_log_;
  std::mutex spill_mu_;
  const cdc::SpillSpace* spill_ = nullptr;  // guarded by spill_mu_
  std::jthread thread_;

  static int64_t Micros(std::chrono::system_clock::time_point t);
  std::atomic<int64_t> read_rows_{0}, read_bytes_{0}, applied_rows_{0}, applied_bytes_{0};
  std::atomic<int64_t> pending_commit_us_{0};      // oldest taken-not-applied commit; 0 none
  std::atomic<int64_t> newest_read_commit_us_{0};  // received since the last publish; 0 none
  std::atomic<int64_t> max_apply_delay_us_{0};     // since the last publish
  std::atomic<bool> caught_up_{false};
  std::atomic<bool> cdc_started_{false};

  // Publisher-thread state.
  int64_t last_read_rows_ = 0, last_read_bytes_ = 0, last_applied_rows_ = 0,
          last_applied_bytes_ = 0, last_full_load_rows_ = -1;
  double last_source_latency_ = 0;
  std::chrono::steady_clock::time_point last_publish_;
  cdc::SourceLogTracker::Metrics source_log_metrics_;  // of the last probe, republished
  int ticks_ = 0;
  double last_cpu_seconds_ = -1;
};

}  // namespace switchyard::pipeline
