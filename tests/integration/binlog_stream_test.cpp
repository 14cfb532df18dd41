// BinlogStream against the real MariaDB server: transaction framing (GTID, TABLE_MAP, ROWS,
// XID), table map reuse, DDL as QUERY events, ROTATE, heartbeats, GTID start, and errors that
// must be clear (missing start file) and never carry the password.
#include "engine/endpoints/mysql/binlog/binlog_stream.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "tests/integration/binlog_test_util.h"

namespace switchyard::testing {
namespace {

namespace et = binlog::event_type;

std::string LastGtid(endpoints::SqlSession& session) {
  auto rows = session.Query("SELECT @@last_gtid");
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() && !rows->empty() && (*rows)[0][0] ? *(*rows)[0][0] : "";
}

// The events of the one transaction that touched `schema`: from its GTID to its XID/QUERY end.
std::vector<binlog::BinlogEvent> TransactionsOf(const std::vector<binlog::BinlogEvent>& events,
                                                const std::string& schema) {
  std::vector<binlog::BinlogEvent> out, current;
  bool mine = false;
  for (const auto& event : events) {
    if (event.type == et::kMariaDbGtid) {
      current.clear();
      mine = false;
    }
    current.push_back(event);
    if (event.table_map && event.table_map->schema == schema) mine = true;
    if (event.query && event.query->schema == schema) mine = true;
    bool ends = event.type == et::kXid ||
                (event.query && event.query->statement != "BEGIN" && !current.empty() &&
                 current.front().gtid && current.front().gtid->standalone());
    if (ends && mine) out.insert(out.end(), current.begin(), current.end());
    if (ends) current.clear();
  }
  return out;
}

TEST(BinlogStream, MissingStartFileIsNotFoundWithTheServersText) {
  auto options = StreamOptions({"binlog.999999", 4}, 10);
  auto stream = binlog::BinlogStream::Open(options);
  ASSERT_FALSE(stream.ok());
  EXPECT_EQ(stream.status().code(), StatusCode::kNotFound) << stream.status().ToString();
  EXPECT_NE(stream.status().message().find("Could not find first log file"), std::string::npos)
      << stream.status().ToString();
  EXPECT_NE(stream.status().message().find("binlog.999999"), std::string::npos);
  EXPECT_EQ(stream.status().message().find(Servers().my_password), std::string::npos);
}

TEST(BinlogStream, PurgedStartFileIsNotFound) {
  // A file older than the oldest still listed is what a purge leaves behind; asking for one
  // that sorts before binlog.000001 is the same situation without purging anyone's binlogs.
  auto stream = binlog::BinlogStream::Open(StreamOptions({"binlog.000000", 4}, 11));
  ASSERT_FALSE(stream.ok());
  EXPECT_EQ(stream.status().code(), StatusCode::kNotFound) << stream.status().ToString();
}

TEST(BinlogStream, WrongPasswordFailsWithoutShowingIt) {
  auto options = StreamOptions({"binlog.000001", 4}, 12);
  std::string wrong = "Wr0ng-Passw0rd-Sentinel";
  options.connection.password = Secret(wrong);
  auto stream = binlog::BinlogStream::Open(options);
  ASSERT_FALSE(stream.ok());
  EXPECT_EQ(stream.status().message().find(wrong), std::string::npos);
  EXPECT_EQ(stream.status().message().find(Servers().my_password), std::string::npos);
  EXPECT_NE(stream.status().message().find("1045"), std::string::npos)
      << stream.status().ToString();
}

TEST(BinlogStream, ZeroServerIdIsRejected) {
  auto options = StreamOptions({"binlog.000001", 4}, 0);
  options.server_id = 0;
  auto stream = binlog::BinlogStream::Open(options);
  ASSERT_FALSE(stream.ok());
  EXPECT_EQ(stream.status().code(), StatusCode::kInvalidArgument);
}

TEST(BinlogStream, TransactionIsGtidTableMapRowsXidWithConsistentPositions) {
  auto params = FreshMySqlDatabase("sy_binlog_txn");
  auto session = OpenOrDie(params);
  ASSERT_NE(session, nullptr);
  ASSERT_TRUE(session->Execute("CREATE TABLE `t` (`id` INT PRIMARY KEY, `v` VARCHAR(10))").ok());
  BinlogPos start = CurrentBinlogPosition(*session);
  ASSERT_TRUE(session->Execute("BEGIN").ok());
  ASSERT_TRUE(session->Execute("INSERT INTO `t` VALUES (1, 'a'), (2, 'b')").ok());
  ASSERT_TRUE(session->Execute("UPDATE `t` SET `v` = 'c' WHERE `id` = 2").ok());
  ASSERT_TRUE(session->Execute("COMMIT").ok());
  std::string gtid = LastGtid(*session);
  BinlogPos end = CurrentBinlogPosition(*session);

  auto events = ReadAll(StreamOptions(start, 13));
  // The stream starts with the artificial ROTATE naming the start file, then the
  // FORMAT_DESCRIPTION.
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0].type, et::kRotate);
  EXPECT_TRUE(events[0].artificial());
  EXPECT_EQ(events[0].rotate->next_file, start.file);
  EXPECT_EQ(events[1].type, et::kFormatDescription);
  EXPECT_EQ(events[1].format->checksum_alg, 1) << "the test server writes CRC32";

  auto txn = TransactionsOf(events, "sy_binlog_txn");
  ASSERT_GE(txn.size(), 5u);
  ASSERT_EQ(txn.front().type, et::kMariaDbGtid);
  ASSERT_TRUE(txn.front().gtid.has_value());
  EXPECT_EQ(txn.front().gtid->ToString(), gtid);
  EXPECT_FALSE(txn.front().gtid->standalone());
  EXPECT_EQ(txn.back().type, et::kXid);
  ASSERT_TRUE(txn.back().xid.has_value());
  EXPECT_GT(txn.back().xid->xid, 0u);
  EXPECT_LE(txn.back().next_position, end.position);
  EXPECT_EQ(txn.back().file, end.file);

  std::vector<uint8_t> types;
  for (const auto& event : txn) {
    types.push_back(event.type);
    EXPECT_EQ(event.position + event.event_length, event.next_position)
        << binlog::EventTypeName(event.type);
    EXPECT_EQ(event.file, start.file);
  }
  // MariaDB 10.11 writes v1 rows events (23-25); its GTID event opens the group (no QUERY
  // "BEGIN" as on MySQL) and each statement's rows follow their TABLE_MAP.
  std::vector<uint8_t> expected = {et::kMariaDbGtid, et::kTableMap,     et::kWriteRowsV1,
                                   et::kTableMap,    et::kUpdateRowsV1, et::kXid};
  EXPECT_EQ(types, expected);
  // Every rows event points at the table map just before it.
  for (size_t i = 1; i < txn.size(); ++i) {
    if (txn[i].rows == nullptr) continue;
    ASSERT_NE(txn[i - 1].table_map, nullptr);
    EXPECT_EQ(txn[i].rows->table_id, txn[i - 1].table_map->table_id);
    EXPECT_EQ(txn[i].rows->table, txn[i - 1].table_map);
    EXPECT_TRUE(txn[i].rows->statement_end());
  }
}

TEST(BinlogStream, OneTableMapServesSeveralRowsEventsOfAStatement) {
  auto params = FreshMySqlDatabase("sy_binlog_multi");
  auto session = OpenOrDie(params);
  ASSERT_NE(session, nullptr);
  ASSERT_TRUE(session->Execute("CREATE TABLE `t` (`id` INT PRIMARY KEY, `v` VARCHAR(200))").ok());
  BinlogPos start = CurrentBinlogPosition(*session);
  // ~3000 rows of ~100 bytes: far beyond one rows event (binlog_row_event_max_size = 8 KiB).
  ASSERT_TRUE(
      session->Execute("INSERT INTO `t` SELECT `seq`, REPEAT('x', 100) FROM seq_1_to_3000").ok());
  ASSERT_TRUE(session->Execute("INSERT INTO `t` VALUES (5000, 'again')").ok());

  auto events = ReadAll(StreamOptions(start, 14));
  auto txn = TransactionsOf(events, "sy_binlog_multi");
  int table_maps = 0, rows_events = 0, statement_ends = 0;
  size_t rows = 0;
  std::set<uint64_t> table_ids;
  for (const auto& event : txn) {
    if (event.table_map) {
      ++table_maps;
      table_ids.insert(event.table_map->table_id);
    }
    if (event.rows) {
      ++rows_events;
      rows += event.rows->rows.size();
      statement_ends += event.rows->statement_end() ? 1 : 0;
      table_ids.insert(event.rows->table_id);
    }
  }
  EXPECT_EQ(table_maps, 2) << "one TABLE_MAP per statement";
  EXPECT_GT(rows_events, 3) << "the big statement spans several rows events";
  EXPECT_EQ(statement_ends, 2) << "only the last rows event of each statement ends it";
  EXPECT_EQ(rows, 3001u);
  EXPECT_EQ(table_ids.size(), 1u) << "the table keeps its id across statements";
}

TEST(BinlogStream, DdlArrivesAsQueryEventWithItsTextAndLaterRowsUseTheNewShape) {
  auto params = FreshMySqlDatabase("sy_binlog_ddl");
  auto session = OpenOrDie(params);
  ASSERT_NE(session, nullptr);
  ASSERT_TRUE(session->Execute("CREATE TABLE `t` (`id` INT PRIMARY KEY)").ok());
  BinlogPos start = CurrentBinlogPosition(*session);
  ASSERT_TRUE(session->Execute("INSERT INTO `t` VALUES (1)").ok());
  ASSERT_TRUE(session->Execute("ALTER TABLE `t` ADD COLUMN `note` VARCHAR(20) DEFAULT 'n/a'").ok());
  ASSERT_TRUE(session->Execute("INSERT INTO `t` VALUES (2, 'two')").ok());

  auto events = ReadAll(StreamOptions(start, 15));
  const binlog::BinlogEvent* ddl = nullptr;
  const binlog::BinlogEvent* ddl_gtid = nullptr;
  const binlog::BinlogEvent* last_gtid = nullptr;
  for (const auto& event : events) {
    if (event.gtid) last_gtid = &event;
    if (event.query && event.query->statement.find("ADD COLUMN") != std::string::npos) {
      ddl = &event;
      ddl_gtid = last_gtid;
    }
  }
  ASSERT_NE(ddl, nullptr);
  EXPECT_EQ(ddl->type, et::kQuery);
  EXPECT_EQ(ddl->query->schema, "sy_binlog_ddl");
  EXPECT_EQ(ddl->query->statement, "ALTER TABLE `t` ADD COLUMN `note` VARCHAR(20) DEFAULT 'n/a'");
  EXPECT_EQ(ddl->query->error_code, 0);
  ASSERT_NE(ddl_gtid, nullptr);
  EXPECT_TRUE(ddl_gtid->gtid->ddl());
  EXPECT_TRUE(ddl_gtid->gtid->standalone());

  auto changes = ChangesOf(events, "sy_binlog_ddl", "t");
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].change.after->values.size(), 1u);
  ASSERT_EQ(changes[1].change.after->values.size(), 2u);
  EXPECT_EQ(changes[1].change.after->values[1], std::optional<std::string>("two"));
}

TEST(BinlogStream, RotateIsFollowedIntoTheNextFile) {
  auto params = FreshMySqlDatabase("sy_binlog_rotate");
  auto session = OpenOrDie(params);
  ASSERT_NE(session, nullptr);
  ASSERT_TRUE(session->Execute("CREATE TABLE `t` (`id` INT PRIMARY KEY)").ok());
  BinlogPos start = CurrentBinlogPosition(*session);
  ASSERT_TRUE(session->Execute("INSERT INTO `t` VALUES (1)").ok());
  ASSERT_TRUE(session->Execute("FLUSH BINARY LOGS").ok());
  BinlogPos rotated = CurrentBinlogPosition(*session);
  ASSERT_NE(rotated.file, start.file);
  ASSERT_TRUE(session->Execute("INSERT INTO `t` VALUES (2)").ok());

  auto events = ReadAll(StreamOptions(start, 16));
  const binlog::BinlogEvent* rotate = nullptr;
  for (const auto& event : events) {
    if (event.type == et::kRotate && !event.artificial()) rotate = &event;
  }
  ASSERT_NE(rotate, nullptr);
  EXPECT_EQ(rotate->rotate->next_file, rotated.file);
  EXPECT_EQ(rotate->rotate->position, 4u);
  EXPECT_EQ(rotate->file, start.file) << "the ROTATE itself is the old file's last event";

  std::vector<std::pair<std::string, std::string>> rows;  // (file, id)
  for (const auto& event : events) {
    if (event.rows && event.rows->table->schema == "sy_binlog_rotate") {
      rows.emplace_back(event.file, *event.rows->rows[0].after->values[0]);
    }
  }
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], std::make_pair(start.file, std::string("1")));
  EXPECT_EQ(rows[1], std::make_pair(rotated.file, std::string("2")));
}

TEST(BinlogStream, StartingFromAMariaDbGtidSkipsTheTransactionsUpToIt) {
  auto params = FreshMySqlDatabase("sy_binlog_gtid");
  auto session = OpenOrDie(params);
  ASSERT_NE(session, nullptr);
  ASSERT_TRUE(session->Execute("CREATE TABLE `t` (`id` INT PRIMARY KEY)").ok());
  ASSERT_TRUE(session->Execute("INSERT INTO `t` VALUES (1)").ok());
  std::string after_first = LastGtid(*session);
  ASSERT_TRUE(session->Execute("INSERT INTO `t` VALUES (2)").ok());

  binlog::BinlogStreamOptions options = StreamOptions({"", 4}, 17);
  options.start_file.clear();
  options.start_gtid = after_first;
  auto changes = ChangesOf(ReadAll(options), "sy_binlog_gtid", "t");
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].change.after->values[0], std::optional<std::string>("2"));
}

TEST(BinlogStream, HeartbeatsArriveWhenTheSourceIsIdle) {
  auto session = OpenOrDie(Servers().mysql);
  ASSERT_NE(session, nullptr);
  BinlogPos end = CurrentBinlogPosition(*session);
  auto options = StreamOptions(end, 18);
  options.non_blocking = false;
  options.heartbeat_period = std::chrono::milliseconds(200);
  auto stream = binlog::BinlogStream::Open(options);
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  bool heartbeat = false;
  // Other tests may write meanwhile; a heartbeat still comes within a few idle periods.
  for (int i = 0; i < 200 && !heartbeat; ++i) {
    auto event = (*stream)->Fetch();
    ASSERT_TRUE(event.ok()) << event.status().ToString();
    ASSERT_TRUE(event->has_value());
    if ((*event)->type == et::kHeartbeat) {
      heartbeat = true;
      EXPECT_FALSE((*event)->file.empty());
    }
  }
  EXPECT_TRUE(heartbeat);
}

TEST(BinlogStream, AbandonUnblocksAWaitingFetch) {
  auto session = OpenOrDie(Servers().mysql);
  ASSERT_NE(session, nullptr);
  BinlogPos end = CurrentBinlogPosition(*session);
  auto options = StreamOptions(end, 19);
  options.non_blocking = false;
  options.heartbeat_period = std::chrono::milliseconds(0);
  auto stream = binlog::BinlogStream::Open(options);
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  binlog::BinlogStream* raw = stream->get();
  std::jthread stopper([raw] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    raw->Abandon();
  });
  Status last;
  for (int i = 0; i < 10000; ++i) {  // drain whatever is there, then block until abandoned
    auto event = raw->Fetch();
    if (!event.ok()) {
      last = event.status();
      break;
    }
  }
  EXPECT_EQ(last.code(), StatusCode::kConnectionError) << last.ToString();
}

}  // namespace
}  // namespace switchyard::testing
