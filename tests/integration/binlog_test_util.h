// Helpers for the binlog stream/decoder tests: the server's current binlog position, reading
// everything after a position, and picking out one table's row changes.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/endpoints/endpoint.h"
#include "engine/endpoints/mysql/binlog/binlog_stream.h"
#include "tests/integration/mysql_test_util.h"
#include "tests/support/servers.h"

namespace switchyard::testing {

namespace binlog = endpoints::mysql::binlog;

struct BinlogPos {
  std::string file;
  uint64_t position = 0;
};

// SHOW MASTER STATUS (MariaDB, MySQL < 8.4).
inline BinlogPos CurrentBinlogPosition(endpoints::SqlSession& session) {
  auto rows = session.Query("SHOW MASTER STATUS");
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  if (!rows.ok() || rows->empty() || !(*rows)[0][0] || !(*rows)[0][1]) return {};
  return {*(*rows)[0][0], std::stoull(*(*rows)[0][1])};
}

// Replica server ids for the tests: 4242 + n, distinct per test so that two streams never
// share one (the server would drop the older).
inline binlog::BinlogStreamOptions StreamOptions(const BinlogPos& from, uint32_t n) {
  binlog::BinlogStreamOptions options;
  options.connection = Servers().mysql;
  options.server_id = 4242 + n;
  options.start_file = from.file;
  options.start_position = from.position;
  options.non_blocking = true;
  return options;
}

// Every event from `options`' start to the current end of the binlog.
inline std::vector<binlog::BinlogEvent> ReadAll(const binlog::BinlogStreamOptions& options) {
  std::vector<binlog::BinlogEvent> events;
  auto stream = binlog::BinlogStream::Open(options);
  EXPECT_TRUE(stream.ok()) << stream.status().ToString();
  if (!stream.ok()) return events;
  while (true) {
    auto event = (*stream)->Fetch();
    EXPECT_TRUE(event.ok()) << event.status().ToString();
    if (!event.ok() || !event->has_value()) break;
    events.push_back(std::move(**event));
  }
  return events;
}

struct TableChange {
  binlog::RowsKind kind;
  binlog::RowChange change;
};

// The row changes of `schema`.`table`, in binlog order.
inline std::vector<TableChange> ChangesOf(const std::vector<binlog::BinlogEvent>& events,
                                          const std::string& schema, const std::string& table) {
  std::vector<TableChange> out;
  for (const auto& event : events) {
    if (event.rows == nullptr) continue;
    if (event.rows->table->schema != schema || event.rows->table->table != table) continue;
    for (const auto& row : event.rows->rows) out.push_back({event.rows->kind, row});
  }
  return out;
}

}  // namespace switchyard::testing
