// How fast the source log this task retains grows, and how long until something gives out at
// that pace: the arithmetic behind SourceDiskFullProjectedSeconds and
// SlotInvalidationProjectedSeconds. Pure functions and a small value type, no I/O, so the cases
// where the answer is "unknown" are pinned down by unit tests.
//
// Threads: a RetainedLogHistory belongs to one thread (TaskMetrics' publisher).
#pragma once

#include <chrono>
#include <deque>
#include <optional>
#include <vector>

namespace switchyard::pipeline::cdc {

struct RetainedLogSample {
  double seconds = 0;  // on any monotonic clock
  double bytes = 0;
};

// The least-squares slope of bytes over seconds (bytes/s), so one odd sample does not swing
// it as a two-point difference would. nullopt with fewer than two samples or when they span
// less than `min_span_seconds` (a slope over a blink is noise). Negative: the log shrinks.
std::optional<double> GrowthBytesPerSecond(const std::vector<RetainedLogSample>& samples,
                                           double min_span_seconds);

// Seconds until `headroom_bytes` are used up at `growth_bytes_per_second`. nullopt when either
// is unknown or the log is not growing (growth <= 0: at this pace it never runs out). A
// headroom already used up (<= 0) while growing is 0.
std::optional<double> SecondsUntilExhausted(std::optional<double> headroom_bytes,
                                            std::optional<double> growth_bytes_per_second);

// The retained-log samples of the last `window`, oldest first.
class RetainedLogHistory {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kDefaultWindow{300};
  // Two probes 10 s apart are the least a rate is computed from.
  static constexpr double kMinSpanSeconds = 5;

  explicit RetainedLogHistory(std::chrono::seconds window = kDefaultWindow) : window_(window) {}

  // Adds a sample taken at `at` and drops those older than the window before it.
  void Add(Clock::time_point at, double bytes);
  // GrowthBytesPerSecond over the samples kept.
  std::optional<double> Growth() const;
  size_t size() const { return samples_.size(); }

 private:
  std::chrono::seconds window_;
  std::deque<std::pair<Clock::time_point, double>> samples_;
};

}  // namespace switchyard::pipeline::cdc
