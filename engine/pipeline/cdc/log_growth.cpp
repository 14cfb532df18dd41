#include "engine/pipeline/cdc/log_growth.h"

#include <algorithm>

namespace switchyard::pipeline::cdc {

std::optional<double> GrowthBytesPerSecond(const std::vector<RetainedLogSample>& samples,
                                           double min_span_seconds) {
  if (samples.size() < 2) return std::nullopt;
  double t_min = samples.front().seconds, t_max = samples.front().seconds;
  double t_mean = 0, b_mean = 0;
  for (const auto& s : samples) {
    t_min = std::min(t_min, s.seconds);
    t_max = std::max(t_max, s.seconds);
    t_mean += s.seconds;
    b_mean += s.bytes;
  }
  if (t_max - t_min < min_span_seconds || t_max - t_min <= 0) return std::nullopt;
  const auto n = static_cast<double>(samples.size());
  t_mean /= n;
  b_mean /= n;
  // Centred sums: byte counts of terabytes and clock values of days stay exact enough.
  double covariance = 0, variance = 0;
  for (const auto& s : samples) {
    covariance += (s.seconds - t_mean) * (s.bytes - b_mean);
    variance += (s.seconds - t_mean) * (s.seconds - t_mean);
  }
  return covariance / variance;
}

std::optional<double> SecondsUntilExhausted(std::optional<double> headroom_bytes,
                                            std::optional<double> growth_bytes_per_second) {
  if (!headroom_bytes || !growth_bytes_per_second || *growth_bytes_per_second <= 0) {
    return std::nullopt;
  }
  return std::max(0.0, *headroom_bytes) / *growth_bytes_per_second;
}

void RetainedLogHistory::Add(Clock::time_point at, double bytes) {
  samples_.emplace_back(at, bytes);
  while (!samples_.empty() && samples_.front().first < at - window_) samples_.pop_front();
}

std::optional<double> RetainedLogHistory::Growth() const {
  if (samples_.empty()) return std::nullopt;
  std::vector<RetainedLogSample> points;
  points.reserve(samples_.size());
  const auto origin = samples_.front().first;
  for (const auto& [at, bytes] : samples_) {
    points.push_back({std::chrono::duration<double>(at - origin).count(), bytes});
  }
  return GrowthBytesPerSecond(points, kMinSpanSeconds);
}

}  // namespace switchyard::pipeline::cdc
