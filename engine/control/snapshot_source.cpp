#include "engine/control/snapshot_source.h"

#include <pthread.h>
#include <sys/statvfs.h>

#include "engine/control/source_log_metrics.h"
#include "engine/logging/iso_time.h"

namespace switchyard::control {

SnapshotSource::SnapshotSource(SnapshotSourceOptions options)
    : options_(std::move(options)),
      log_tail_(options_.log_file.empty() ? options_.state_dir + "/logs/switchyard.log"
                                          : options_.log_file,
                options_.max_logs) {
  auto empty = std::make_shared<EngineSnapshot>();
  empty->taken_at = std::chrono::system_clock::now();
  empty->error = "reading the state store...";
  latest_.store(std::move(empty));
}

SnapshotSource::~SnapshotSource() { Stop(); }

void SnapshotSource::Start() {
  if (thread_.joinable()) return;
  BuildNow();
  thread_ = std::jthread([this](std::stop_token stop) {
    // Named, so per-thread CPU (top -H, bench/console-idle.sh) tells it from the engine's.
    pthread_setname_np(pthread_self(), "sy-snapshot");
    while (!stop.stop_requested()) {
      {
        std::unique_lock lock(wake_mu_);
        wake_cv_.wait_for(lock, stop, options_.interval, [this] { return wake_; });
        wake_ = false;
      }
      if (stop.stop_requested()) break;
      BuildNow();
    }
  });
}

void SnapshotSource::Stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

void SnapshotSource::RequestRefresh() {
  {
    std::lock_guard lock(wake_mu_);
    wake_ = true;
  }
  wake_cv_.notify_all();
}

void SnapshotSource::BuildNow() {
  latest_.store(Build());
  generation_.fetch_add(1);
}

std::shared_ptr<const EngineSnapshot> SnapshotSource::Build() {
  auto snapshot = std::make_shared<EngineSnapshot>();
  snapshot->taken_at = std::chrono::system_clock::now();
  snapshot->source = options_.source_description;
  snapshot->target = options_.target_description;
  snapshot->engine_running = options_.engine_running ? options_.engine_running() : false;
  const Status read = ReadStore(*snapshot);
  if (read.ok()) {
    snapshot->ok = true;
  } else {
    // Keep what we last knew on screen, and say why it is not fresh.
    const auto previous = latest_.load();
    snapshot->task = previous->task;
    snapshot->tables = previous->tables;
    snapshot->metrics = previous->metrics;
    snapshot->history = previous->history;
    snapshot->apply_exceptions = previous->apply_exceptions;
    snapshot->apply_exceptions_unresolved = previous->apply_exceptions_unresolved;
    snapshot->ok = false;
    snapshot->error = read.message();
    // A store that failed once may be a replaced file: reopen on the next tick.
    store_.reset();
  }
  // Free space is measured here, so it shows before (or without) the engine publishing it.
  if (snapshot->metrics.count(metric::kStateDirFreeBytes) == 0) {
    struct statvfs fs {};
    if (statvfs(options_.state_dir.c_str(), &fs) == 0) {
      snapshot->metrics[metric::kStateDirFreeBytes] =
          static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize);
    }
  }
  ReadLogs(*snapshot);
  return snapshot;
}

Status SnapshotSource::ReadStore(EngineSnapshot& snapshot) {
  if (!store_) {
    auto opened = state::StateStore::OpenReadOnly(options_.state_dir);
    if (!opened.ok()) return opened.status();
    store_ = std::move(*opened);
  }
  SY_ASSIGN_OR_RETURN(snapshot.task, store_->GetTask());
  SY_ASSIGN_OR_RETURN(snapshot.tables, store_->ListTables());
  SY_ASSIGN_OR_RETURN(auto latest_publish, store_->ListMetrics(metric::kEngineRssBytes, 1));
  const std::string publish_time = latest_publish.empty() ? "" : latest_publish.front().time;
  for (const char* name : metric::kAll) {
    SY_ASSIGN_OR_RETURN(auto latest, store_->ListMetrics(name, 1));
    // A source-log figure the engine no longer knows is left out, not shown stale.
    if (!latest.empty() && IsCurrentSample(name, latest.front().time, publish_time)) {
      snapshot.metrics[name] = latest.front().value;
    }
  }
  const std::string since = logging::FormatIsoUtc(snapshot.taken_at - options_.history);
  for (const char* name : metric::kGraphed) {
    SY_ASSIGN_OR_RETURN(auto samples, store_->ListMetricsSince(name, since, 4000));
    auto& series = snapshot.history[name];
    series.reserve(samples.size());
    for (const auto& sample : samples) {
      const auto time = logging::ParseIsoUtc(sample.time);
      if (time) series.push_back({*time, sample.value});
    }
  }
  SY_ASSIGN_OR_RETURN(snapshot.apply_exceptions,
                      store_->ListApplyExceptions(options_.max_apply_exceptions));
  SY_ASSIGN_OR_RETURN(snapshot.apply_exceptions_unresolved,
                      store_->CountUnresolvedApplyExceptions());
  return Status::Ok();
}

void SnapshotSource::ReadLogs(EngineSnapshot& snapshot) {
  if (options_.logger) {
    snapshot.logs = options_.logger->Recent(options_.max_logs);
    return;
  }
  log_tail_.Poll();
  snapshot.logs.assign(log_tail_.entries().begin(), log_tail_.entries().end());
}

}  // namespace switchyard::control
