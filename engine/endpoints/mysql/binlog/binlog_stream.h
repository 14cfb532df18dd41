// BinlogStream: reads a MySQL/MariaDB binlog as a replica does, over its own connection, and
// hands out parsed events (binlog_event.h) with decoded rows (row_decoder.h).
//
// Transport, packet framing and COM_BINLOG_DUMP come from MariaDB Connector/C (mariadb_rpl_*);
// every event body is then parsed by our own code from the raw bytes, because the library's
// row extraction mis-decodes or rejects common types (docs: replication-protocols.md §2.8).
//
// Setup on the dump connection: @master_binlog_checksum = @@global.binlog_checksum (events
// then carry CRC32, which we verify and strip; the algorithm in force is re-read from every
// FORMAT_DESCRIPTION), @mariadb_slave_capability = 4 (MariaDB sends GTID events),
// @master_heartbeat_period / @source_heartbeat_period (nanoseconds) and, for a MariaDB GTID
// start, @slave_connect_state + @slave_gtid_strict_mode. The collation table is read once from
// information_schema so string values can be converted to UTF-8.
//
// Positions: each event carries the binlog file it is in (tracked through ROTATE events) and
// its start/end offsets. A consumer resumes from the `next_position` of the last event it fully
// applied (an XID, or the QUERY of a standalone DDL group), in that event's `file`.
//
// Errors: a start file that does not exist (never created, or purged) is reported by Open()
// as kNotFound with the server's text — the stream never skips ahead. A dropped connection or a
// read timeout is kConnectionError. A corrupt event (bad checksum, malformed body) or a rows
// event with no TABLE_MAP (a stream started in the middle of a statement) is kDataError. Events
// we decline to decode (compressed events, MySQL TRANSACTION_PAYLOAD / PARTIAL_UPDATE_ROWS) are
// kUnsupported. Messages name the server by ConnectionParams::Describe(), never the password.
//
// Threading: one thread calls Open/Fetch. Abandon() may be called from another thread while the
// stream is alive, to unblock a Fetch waiting on the socket.
#pragma once

#include <mysql.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "engine/common/status.h"
#include "engine/endpoints/endpoint.h"
#include "engine/endpoints/mysql/binlog/binlog_event.h"
#include "engine/endpoints/mysql/binlog/charset.h"
#include "engine/endpoints/mysql/binlog/row_decoder.h"
#include "engine/endpoints/mysql/binlog/table_map.h"

// From <mariadb_rpl.h>; kept out of this header so users do not pull in the C API.
struct st_mariadb_rpl;

namespace switchyard::endpoints::mysql::binlog {

struct BinlogStreamOptions {
  ConnectionParams connection;
  // Our id among the source's replicas; must be unique per source or the server drops the
  // older connection with the same id. Required (non-zero).
  uint32_t server_id = 0;
  // Where to start: a file from SHOW BINARY LOGS and an offset in it (4 = its first event).
  std::string start_file;
  uint64_t start_position = 4;
  // MariaDB only: start from this GTID position ("0-1-100,1-2-7") instead; the file/position
  // above are then ignored by the server.
  std::string start_gtid;
  // How often the server sends a HEARTBEAT when it has nothing else to send (0 = never).
  std::chrono::milliseconds heartbeat_period{std::chrono::seconds(5)};
  // How long a Fetch may wait for a packet before the connection counts as dead. 0 = three
  // heartbeat periods (at least 10 s), or no limit when heartbeats are off.
  std::chrono::seconds read_timeout{0};
  // Stop at the current end of the binlog: Fetch() then returns nullopt instead of waiting.
  bool non_blocking = false;
  // MariaDB: also send ANNOTATE_ROWS (the statement text before its row events).
  bool annotate_rows = false;
};

class BinlogStream {
 public:
  // Connects, sets the session up, sends COM_BINLOG_DUMP and reads the first event, so that a
  // missing start file is reported here.
  static Result<std::unique_ptr<BinlogStream>> Open(const BinlogStreamOptions& options);

  BinlogStream(const BinlogStream&) = delete;
  BinlogStream& operator=(const BinlogStream&) = delete;
  ~BinlogStream();

  // The next event. nullopt only in non-blocking mode, at the end of the binlog.
  Result<std::optional<BinlogEvent>> Fetch();

  // Whether an event can be fetched without waiting for the server, as far as the socket
  // tells (bytes already in the client library's buffer are not seen: false is "maybe not").
  bool HasData() const;

  // Breaks the connection at the socket; a blocked Fetch returns kConnectionError and the
  // stream is unusable afterwards. Safe from another thread while the stream is alive.
  void Abandon();

  // Where the next event will come from: the file and offset after the last fetched event.
  const std::string& current_file() const { return current_file_; }
  uint64_t current_position() const { return current_position_; }
  bool is_mariadb() const { return is_mariadb_; }
  const std::string& server_version() const { return server_version_; }

 private:
  BinlogStream(MYSQL* mysql, std::string where);
  Status Setup(const BinlogStreamOptions& options);
  Status LoadCollations();
  Result<std::optional<BinlogEvent>> ReadEvent();
  Status ParseBody(BinlogEvent& event);
  Status FetchError(std::string_view context) const;

  MYSQL* mysql_;                   // owned: mysql_close() in the destructor
  st_mariadb_rpl* rpl_ = nullptr;  // owned: mariadb_rpl_close() in the destructor
  std::string where_;
  std::string server_version_;
  bool is_mariadb_ = false;
  std::atomic<bool> abandoned_{false};
  bool non_blocking_ = false;

  std::string current_file_;
  uint64_t current_position_ = 0;
  FormatDescription format_;
  uint8_t checksum_alg_ = 0;  // of the events after the last FORMAT_DESCRIPTION
  std::map<uint64_t, std::shared_ptr<const TableMap>> table_maps_;
  CharsetConverter charsets_;
  std::optional<BinlogEvent> pending_;  // the event Open() read ahead
};

}  // namespace switchyard::endpoints::mysql::binlog
