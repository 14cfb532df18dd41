#include "engine/pipeline/task_metrics.h"

#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

#include "engine/control/engine_snapshot.h"
#include "engine/logging/iso_time.h"
#include "engine/logging/log.h"

namespace switchyard::pipeline {
namespace {

namespace metric = control::metric;
using Clock = std::chrono::system_clock;

// User + system CPU seconds of this process (/proc/self/stat fields 14 and 15).
double ProcessCpuSeconds() {
  std::ifstream in("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string f;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14) utime = std::stod(f);
    if (i == 15) stime = std::stod(f);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double ProcessRssBytes() {
  std::ifstream in("/proc/self/statm");
  long size = 0, resident = 0;
  in >> size >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

}  // namespace

int64_t TaskMetrics::Micros(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

TaskMetrics::TaskMetrics(state::StateStore& store, std::string state_dir)
    : store_(store), state_dir_(std::move(state_dir)) {}

TaskMetrics::~TaskMetrics() { Stop(); }

void TaskMetrics::SetSourceLogProbe(cdc::SourceLogProbe probe) {
  source_log_ = std::make_unique<cdc::SourceLogTracker>(std::move(probe));
}

void TaskMetrics::SetSpillSpace(const cdc::SpillSpace* space) {
  std::lock_guard lock(spill_mu_);
  spill_ = space;
}

void TaskMetrics::Start() {
  last_publish_ = std::chrono::steady_clock::now();
  thread_ = std::jthread([this](std::stop_token stop) {
    while (!stop.stop_requested()) {
      auto next = std::chrono::steady_clock::now() + std::chrono::seconds(1);
      while (!stop.stop_requested() && std::chrono::steady_clock::now() < next) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (!stop.stop_requested()) Publish();
    }
  });
}

void TaskMetrics::Stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
  Publish();  // the final values, so `status` after the run shows where it ended
}

void TaskMetrics::OnReceived(Clock::time_point commit_time, int64_t rows, int64_t bytes) {
  cdc_started_ = true;
  caught_up_ = false;
  const int64_t us = Micros(commit_time);
  int64_t newest = newest_read_commit_us_.load();
  while (us > newest && !newest_read_commit_us_.compare_exchange_weak(newest, us)) {
  }
  read_rows_ += rows;
  read_bytes_ += bytes;
}

void TaskMetrics::OnTaken(Clock::time_point commit_time) {
  cdc_started_ = true;
  caught_up_ = false;
  int64_t expected = 0;
  pending_commit_us_.compare_exchange_strong(expected, Micros(commit_time));
}

void TaskMetrics::OnCaughtUp() {
  cdc_started_ = true;
  caught_up_ = true;
}

void TaskMetrics::OnApplied(Clock::time_point commit_time, int64_t rows, int64_t bytes) {
  const int64_t delay = Micros(Clock::now()) - Micros(commit_time);
  int64_t max = max_apply_delay_us_.load();
  while (delay > max && !max_apply_delay_us_.compare_exchange_weak(max, delay)) {
  }
  pending_commit_us_ = 0;
  applied_rows_ += rows;
  applied_bytes_ += bytes;
}

void TaskMetrics::Publish() {
  const auto steady_now = std::chrono::steady_clock::now();
  const double dt =
      std::max(0.001, std::chrono::duration<double>(steady_now - last_publish_).count());
  last_publish_ = steady_now;
  const int64_t now_us = Micros(Clock::now());
  std::vector<std::pair<std::string, double>> samples;

  int64_t full_load_rows = 0;
  if (auto tables = store_.ListTables(); tables.ok()) {
    for (const auto& t : *tables) full_load_rows += t.full_load_rows;
  }
  if (last_full_load_rows_ < 0) last_full_load_rows_ = full_load_rows;
  samples.emplace_back(metric::kFullLoadThroughputRowsTarget,
                       static_cast<double>(full_load_rows - last_full_load_rows_) / dt);
  last_full_load_rows_ = full_load_rows;

  if (cdc_started_) {
    const int64_t newest = newest_read_commit_us_.exchange(0);
    double source_latency = last_source_latency_;
    if (caught_up_) {
      source_latency = 0;
    } else if (newest != 0) {
      source_latency = std::max<int64_t>(0, now_us - newest) / 1e6;
    }
    last_source_latency_ = source_latency;
    const int64_t pending = pending_commit_us_.load();
    const int64_t max_delay = max_apply_delay_us_.exchange(0);
    const double target_latency = pending != 0 ? std::max<int64_t>(0, now_us - pending) / 1e6
                                               : std::max<int64_t>(0, max_delay) / 1e6;
    const int64_t read_rows = read_rows_.load(), applied_rows = applied_rows_.load();
    const int64_t read_bytes = read_bytes_.load(), applied_bytes = applied_bytes_.load();
    const double in_memory = static_cast<double>(std::max<int64_t>(0, read_rows - applied_rows));
    samples.emplace_back(metric::kCdcLatencySource, source_latency);
    samples.emplace_back(metric::kCdcLatencyTarget, target_latency);
    samples.emplace_back(metric::kCdcIncomingChanges, in_memory);
    {
      // Source: changes of transactions still being received; target: of committed ones
      // waiting to be applied. Without a SpillSpace, everything read and not applied.
      using Stage = cdc::SpillSpace::Stage;
      std::lock_guard lock(spill_mu_);
      samples.emplace_back(metric::kCdcChangesMemorySource,
                           spill_ ? spill_->resident_changes(Stage::kSource) : 0);
      samples.emplace_back(metric::kCdcChangesMemoryTarget,
                           spill_ ? spill_->resident_changes(Stage::kTarget) : in_memory);
      samples.emplace_back(metric::kCdcChangesDiskSource,
                           spill_ ? spill_->disk_changes(Stage::kSource) : 0);
      samples.emplace_back(metric::kCdcChangesDiskTarget,
                           spill_ ? spill_->disk_changes(Stage::kTarget) : 0);
    }
    samples.emplace_back(metric::kCdcThroughputRowsSource, (read_rows - last_read_rows_) / dt);
    samples.emplace_back(metric::kCdcThroughputRowsTarget,
                         (applied_rows - last_applied_rows_) / dt);
    samples.emplace_back(metric::kCdcThroughputBandwidthSource,
                         (read_bytes - last_read_bytes_) / 1024.0 / dt);
    samples.emplace_back(metric::kCdcThroughputBandwidthTarget,
                         (applied_bytes - last_applied_bytes_) / 1024.0 / dt);
    last_read_rows_ = read_rows;
    last_applied_rows_ = applied_rows;
    last_read_bytes_ = read_bytes;
    last_applied_bytes_ = applied_bytes;
  }

  if (source_log_ && ticks_ % 10 == 0) source_log_metrics_ = source_log_->Sample(steady_now);
  samples.insert(samples.end(), source_log_metrics_.begin(), source_log_metrics_.end());
  struct statvfs fs {};
  if (statvfs(state_dir_.c_str(), &fs) == 0) {
    samples.emplace_back(metric::kStateDirFreeBytes,
                         static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize));
  }
  const double cpu = ProcessCpuSeconds();
  if (last_cpu_seconds_ >= 0) {
    samples.emplace_back(metric::kEngineCpuPercent, 100.0 * (cpu - last_cpu_seconds_) / dt);
  }
  last_cpu_seconds_ = cpu;
  samples.emplace_back(metric::kEngineRssBytes, ProcessRssBytes());

  Status st = store_.RecordMetrics(samples);
  if (!st.ok()) SY_LOG(kWarning, Component::kTaskManager, "recording metrics: " << st.message());
  if (++ticks_ % 60 == 0) {
    (void)store_.PruneMetrics(logging::FormatIsoUtc(Clock::now() - std::chrono::hours(1)));
  }
}

}  // namespace switchyard::pipeline
