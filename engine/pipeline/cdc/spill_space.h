// SpillSpace: the memory budget of every change the engine holds between reading it from the
// source and applying it on the target (DMS's MemoryLimitTotal), and the directory where the
// changes beyond it go (DMS: "spilled to disk").
//
// ChangeLists charge their resident chunks here; when the total is over the limit, a list
// writes its sealed chunks to its own file in `dir` and frees them (change_list.h). The counts
// feed the CDCChangesMemory*/CDCChangesDisk* metrics: "source" changes belong to transactions
// still being received, "target" ones to committed transactions waiting to be applied.
//
// Thread-safe: the counters are atomics; dir and limit are fixed at construction.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/common/status.h"

namespace switchyard::pipeline::cdc {

class SpillSpace {
 public:
  enum class Stage { kSource, kTarget };

  // Spill files go to `dir` (created if missing; files left in it by an earlier run are
  // removed: the changes they held are read again from the checkpoint). limit_bytes <= 0 means
  // no limit: nothing is ever spilled.
  static Result<std::unique_ptr<SpillSpace>> Open(const std::string& dir, int64_t limit_bytes);

  // A budget without a directory: holds everything in memory (tests, tools).
  SpillSpace() = default;

  const std::string& dir() const { return dir_; }
  bool OverLimit() const { return limit_bytes_ > 0 && resident_bytes_.load() > limit_bytes_; }
  // A fresh file name in dir() for one list's spill file.
  std::string NewFilePath();

  void ChargeResident(Stage stage, int64_t changes, int64_t bytes);
  void ChargeDisk(Stage stage, int64_t changes);

  int64_t resident_bytes() const { return resident_bytes_.load(); }
  int64_t resident_changes(Stage s) const { return resident_changes_[Index(s)].load(); }
  int64_t disk_changes(Stage s) const { return disk_changes_[Index(s)].load(); }
  // Changes ever written to disk (for logs and tests).
  int64_t spilled_total() const { return spilled_total_.load(); }

 private:
  static int Index(Stage s) { return s == Stage::kSource ? 0 : 1; }

  std::string dir_;
  int64_t limit_bytes_ = 0;
  std::atomic<int64_t> next_file_{0};
  std::atomic<int64_t> resident_bytes_{0};
  std::atomic<int64_t> resident_changes_[2] = {0, 0};
  std::atomic<int64_t> disk_changes_[2] = {0, 0};
  std::atomic<int64_t> spilled_total_{0};
};

}  // namespace switchyard::pipeline::cdc
