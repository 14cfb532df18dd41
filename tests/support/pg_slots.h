// Replication-slot hygiene for tests on the shared PostgreSQL server: a logical slot left
// behind pins WAL and keeps its database from being dropped, so every test that creates one
// drops it however the test ends.
#pragma once

#include <string>

#include "engine/endpoints/endpoint.h"

namespace switchyard::testing {

// Terminates the walsender holding `slot` (if any) and drops the slot; waits until it is
// gone (a test failure if it cannot be dropped within 15 s).
void DropSlotIfExists(const endpoints::ConnectionParams& params, const std::string& slot);

// Drops the slot when the test ends, however it ends.
class SlotGuard {
 public:
  SlotGuard(endpoints::ConnectionParams params, std::string slot)
      : params_(std::move(params)), slot_(std::move(slot)) {}
  ~SlotGuard() { DropSlotIfExists(params_, slot_); }
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;

 private:
  endpoints::ConnectionParams params_;
  std::string slot_;
};

// FreshPostgresDatabase, after dropping slots an earlier crashed run left in that database.
endpoints::ConnectionParams FreshDatabaseWithoutSlots(const std::string& name);

}  // namespace switchyard::testing
