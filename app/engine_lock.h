// EngineLock: one engine per task. `switchyard run` holds an exclusive flock on
// <state-dir>/engine.pid (which contains its pid) for as long as it runs, so a second run of
// the same task is refused instead of fighting over the state store, and `switchyard stop`
// knows which process to signal. The kernel drops the lock when the process dies, however it
// dies, so a crash never leaves a stale lock behind.
#pragma once

#include <string>

#include "engine/common/status.h"

namespace switchyard::app {

class EngineLock {
 public:
  // Fails with kInvalidArgument naming the running pid when another engine holds the lock.
  static Result<EngineLock> Acquire(const std::string& state_dir);
  EngineLock(EngineLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  EngineLock(const EngineLock&) = delete;
  EngineLock& operator=(const EngineLock&) = delete;
  EngineLock& operator=(EngineLock&&) = delete;
  ~EngineLock();

 private:
  explicit EngineLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// The pid of the engine running this task, or 0 when none holds the lock.
int RunningEnginePid(const std::string& state_dir);

}  // namespace switchyard::app
