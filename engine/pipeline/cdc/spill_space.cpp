#include "engine/pipeline/cdc/spill_space.h"

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <system_error>

namespace switchyard::pipeline::cdc {

Result<std::unique_ptr<SpillSpace>> SpillSpace::Open(const std::string& dir, int64_t limit_bytes) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create the spill directory " + dir + ": " + ec.message());
  // Left by a run that ended without cleaning up: what they held is read again from the
  // checkpoint, so they are garbage now.
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".spill") std::filesystem::remove(entry.path(), ec);
  }
  auto space = std::make_unique<SpillSpace>();
  space->dir_ = dir;
  space->limit_bytes_ = limit_bytes;
  return space;
}

std::string SpillSpace::NewFilePath() {
  return dir_ + "/changes-" + std::to_string(getpid()) + "-" + std::to_string(next_file_++) +
         ".spill";
}

void SpillSpace::ChargeResident(Stage stage, int64_t changes, int64_t bytes) {
  resident_changes_[Index(stage)] += changes;
  resident_bytes_ += bytes;
}

void SpillSpace::ChargeDisk(Stage stage, int64_t changes) {
  disk_changes_[Index(stage)] += changes;
  if (changes > 0) spilled_total_ += changes;
}

}  // namespace switchyard::pipeline::cdc
