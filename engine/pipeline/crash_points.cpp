#include "engine/pipeline/crash_points.h"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <string>

namespace switchyard::pipeline {
namespace {

class CrashPoint {
 public:
  CrashPoint() {
    const char* env = std::getenv("SWITCHYARD_FAILPOINT");
    if (env == nullptr) return;
    std::string spec(env);
    auto colon = spec.find(':');
    name_ = spec.substr(0, colon);
    after_ = colon == std::string::npos ? 1 : std::atoll(spec.c_str() + colon + 1);
  }
  // True exactly once: the N-th time `point` is reached.
  bool Hit(std::string_view point) {
    if (name_.empty() || point != name_) return false;
    return ++hits_ == after_;
  }

 private:
  std::string name_;
  long long after_ = 0;
  std::atomic<long long> hits_{0};
};

CrashPoint& Failpoints() {
  static CrashPoint points;
  return points;
}

}  // namespace

bool FailpointHit(std::string_view point) { return Failpoints().Hit(point); }

void MaybeCrash(std::string_view point) {
  if (FailpointHit(point)) std::raise(SIGKILL);
}

}  // namespace switchyard::pipeline
