#include "app/engine_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace switchyard::app {
namespace {

std::string LockPath(const std::string& state_dir) { return state_dir + "/engine.pid"; }

int ReadPid(int fd) {
  char buf[32] = {};
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  return n > 0 ? std::atoi(buf) : 0;
}

}  // namespace

Result<EngineLock> EngineLock::Acquire(const std::string& state_dir) {
  const std::string path = LockPath(state_dir);
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError(path + ": " + std::strerror(errno));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int pid = ReadPid(fd);
    close(fd);
    return Status::InvalidArgument("this task is already running (engine pid " +
                                   std::to_string(pid) + "); stop it first with `switchyard stop`");
  }
  const std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    close(fd);
    return Status::IoError(path + ": " + std::strerror(errno));
  }
  return EngineLock(fd);
}

EngineLock::~EngineLock() {
  if (fd_ >= 0) close(fd_);  // releases the flock
}

int RunningEnginePid(const std::string& state_dir) {
  int fd = open(LockPath(state_dir).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  int pid = 0;
  // Taking the lock ourselves means nobody holds it: no engine runs.
  if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
    flock(fd, LOCK_UN);
  } else {
    pid = ReadPid(fd);
  }
  close(fd);
  return pid;
}

}  // namespace switchyard::app
