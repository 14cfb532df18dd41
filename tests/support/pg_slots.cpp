#include "tests/support/pg_slots.h"

#include <gtest/gtest.h>

#include <chrono>

#include "engine/endpoints/postgres/pg_connection.h"
#include "engine/endpoints/postgres/replication/replication_connection.h"
#include "tests/support/servers.h"

namespace switchyard::testing {

using endpoints::postgres::PgConnection;

void DropSlotIfExists(const endpoints::ConnectionParams& params, const std::string& slot) {
  auto conn = PgConnection::Open(params);
  if (!conn.ok()) {
    ADD_FAILURE() << "cannot drop slot " << slot << ": " << conn.status().ToString();
    return;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    auto state = endpoints::postgres::replication::ReadSlotState(**conn, slot);
    if (!state.ok() || !state->has_value()) return;
    (void)(*conn)->ExecParams(
        "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots "
        "WHERE slot_name = $1 AND active_pid IS NOT NULL",
        {slot}, PGRES_TUPLES_OK, "terminate walsender");
    (void)(*conn)->ExecParams(
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
        "WHERE slot_name = $1 AND NOT active",
        {slot}, PGRES_TUPLES_OK, "drop slot");
  }
  ADD_FAILURE() << "replication slot " << slot << " could not be dropped";
}

endpoints::ConnectionParams FreshDatabaseWithoutSlots(const std::string& name) {
  endpoints::ConnectionParams admin = Servers().postgres;
  auto conn = PgConnection::Open(admin);
  if (conn.ok()) {
    auto slots =
        (*conn)->Query("SELECT slot_name::text FROM pg_replication_slots WHERE database = " +
                       (*conn)->QuoteLiteral(name));
    if (slots.ok()) {
      for (const auto& row : *slots) DropSlotIfExists(admin, *row[0]);
    }
  }
  return FreshPostgresDatabase(name);
}

}  // namespace switchyard::testing
