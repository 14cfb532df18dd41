#include "engine/endpoints/mysql/binlog/binlog_stream.h"

#include <poll.h>

#include <mariadb_rpl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "engine/endpoints/mysql/binlog/byte_reader.h"
#include "engine/endpoints/mysql/mysql_client.h"
#include "engine/endpoints/mysql/mysql_error.h"

namespace switchyard::endpoints::mysql::binlog {
namespace {

constexpr size_t kHeaderLength = 19;
constexpr size_t kChecksumLength = 4;
constexpr uint8_t kChecksumCrc32 = 1;
// ER_MASTER_FATAL_ERROR_READING_BINLOG: the dump thread refused (missing file, bad position...).
constexpr unsigned int kErrorReadingBinlog = 1236;
// Default post-header lengths when a FORMAT_DESCRIPTION does not list the type.
constexpr uint8_t kTableMapPostHeader = 8;
constexpr uint8_t kRowsV1PostHeader = 8;
constexpr uint8_t kRowsV2PostHeader = 10;

// Escapes a value for a single-quoted SQL literal (no server round trip needed for GTID text,
// but it goes through the client library's escaping like every value).
std::string Literal(MYSQL* mysql, const std::string& value) {
  std::string out(value.size() * 2 + 3, '\0');
  out[0] = '\'';
  unsigned long length = mysql_real_escape_string(mysql, out.data() + 1, value.data(),
                                                  static_cast<unsigned long>(value.size()));
  out.resize(length + 1);
  out.push_back('\'');
  return out;
}

}  // namespace

BinlogStream::BinlogStream(MYSQL* mysql, std::string where)
    : mysql_(mysql), where_(std::move(where)) {}

BinlogStream::~BinlogStream() {
  if (rpl_ != nullptr) mariadb_rpl_close(rpl_);
  mysql_close(mysql_);
}

Status BinlogStream::FetchError(std::string_view context) const {
  unsigned int number = mysql_errno(mysql_);
  if (abandoned_) {
    return Status::ConnectionError(std::string(context) + ": the binlog stream was abandoned (" +
                                   where_ + ")");
  }
  if (number == 0) {
    return Status::ConnectionError(std::string(context) + ": unknown client error (" + where_ +
                                   ")");
  }
  std::string message = mysql_error(mysql_);
  if (number == kErrorReadingBinlog) {
    std::string text =
        std::string(context) + ": MySQL error 1236: " + message + " (" + where_ + ")";
    // The file is gone (purged) or never existed: the position cannot be resumed.
    bool missing = message.find("find first log") != std::string::npos ||
                   message.find("find next log") != std::string::npos ||
                   message.find("purged") != std::string::npos;
    return missing ? Status::NotFound(std::move(text)) : Status::DatabaseError(std::move(text));
  }
  return MySqlErrorStatus(context, number, message, where_);
}

Result<std::unique_ptr<BinlogStream>> BinlogStream::Open(const BinlogStreamOptions& options) {
  if (options.server_id == 0) {
    return Status::InvalidArgument("binlog stream: a non-zero replica server id is required");
  }
  if (options.start_file.empty() && options.start_gtid.empty()) {
    return Status::InvalidArgument("binlog stream: a start file (or MariaDB GTID) is required");
  }
  unsigned int read_timeout = static_cast<unsigned int>(options.read_timeout.count());
  if (read_timeout == 0 && options.heartbeat_period.count() > 0) {
    auto three = std::chrono::duration_cast<std::chrono::seconds>(options.heartbeat_period * 3);
    read_timeout = static_cast<unsigned int>(std::max<int64_t>(10, three.count() + 1));
  }
  const ConnectionParams& params = options.connection;
  // The dump connection needs its read timeout before connecting, and none of the session
  // SETs of MySqlConnection: it only ever sends the dump command.
  const ClientOptions client{.read_timeout_seconds = read_timeout};
  MYSQL* mysql = InitClient(params, client);
  if (mysql == nullptr) return Status::Internal("mysql_init failed: out of memory");
  std::unique_ptr<BinlogStream> stream(new BinlogStream(mysql, params.Describe()));
  SY_RETURN_IF_ERROR(
      ConnectClient(mysql, params, client, "binlog stream: connecting", stream->where_));
  const char* version = mysql_get_server_info(mysql);
  stream->server_version_ = version != nullptr ? version : "";
  stream->is_mariadb_ = stream->server_version_.find("MariaDB") != std::string::npos;

  SY_RETURN_IF_ERROR(stream->Setup(options));
  SY_ASSIGN_OR_RETURN(stream->pending_, stream->ReadEvent());
  return stream;
}

Status BinlogStream::Setup(const BinlogStreamOptions& options) {
  auto run = [this](const std::string& sql) -> Status {
    if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) {
      return FetchError("binlog stream: setting up the dump session");
    }
    return Status::Ok();
  };
  SY_RETURN_IF_ERROR(LoadCollations());

  // The checksum algorithm the server writes; we announce that we handle it.
  if (mysql_query(mysql_, "SELECT @@global.binlog_checksum") != 0) {
    return FetchError("binlog stream: reading binlog_checksum");
  }
  MYSQL_RES* result = mysql_store_result(mysql_);
  if (result == nullptr) return FetchError("binlog stream: reading binlog_checksum");
  MYSQL_ROW row = mysql_fetch_row(result);
  checksum_alg_ =
      row != nullptr && row[0] != nullptr && std::strcmp(row[0], "CRC32") == 0 ? kChecksumCrc32 : 0;
  mysql_free_result(result);

  SY_RETURN_IF_ERROR(run("SET @master_binlog_checksum = @@global.binlog_checksum"));
  SY_RETURN_IF_ERROR(run("SET @source_binlog_checksum = @@global.binlog_checksum"));
  SY_RETURN_IF_ERROR(run("SET @mariadb_slave_capability = 4"));
  if (options.heartbeat_period.count() > 0) {
    std::string nanos = std::to_string(
        std::chrono::duration_cast<std::chrono::nanoseconds>(options.heartbeat_period).count());
    SY_RETURN_IF_ERROR(run("SET @master_heartbeat_period = " + nanos));
    SY_RETURN_IF_ERROR(run("SET @source_heartbeat_period = " + nanos));
  }
  if (!options.start_gtid.empty()) {
    if (!is_mariadb_) {
      return Status::Unsupported(
          "binlog stream: starting from a GTID is implemented for MariaDB only; MySQL needs "
          "COM_BINLOG_DUMP_GTID, which Connector/C cannot send");
    }
    SY_RETURN_IF_ERROR(run("SET @slave_connect_state = " + Literal(mysql_, options.start_gtid)));
    SY_RETURN_IF_ERROR(run("SET @slave_gtid_strict_mode = 1"));
    SY_RETURN_IF_ERROR(run("SET @slave_gtid_ignore_duplicates = 0"));
  }

  rpl_ = mariadb_rpl_init(mysql_);
  if (rpl_ == nullptr) return FetchError("binlog stream: mariadb_rpl_init");
  const std::string& file = options.start_file;
  unsigned int flags = 0;
  if (options.non_blocking) flags |= MARIADB_RPL_BINLOG_DUMP_NON_BLOCK;
  if (options.annotate_rows) flags |= MARIADB_RPL_BINLOG_SEND_ANNOTATE_ROWS;
  if (mariadb_rpl_optionsv(rpl_, MARIADB_RPL_FILENAME, file.c_str(), file.size()) != 0 ||
      mariadb_rpl_optionsv(rpl_, MARIADB_RPL_START,
                           static_cast<unsigned long>(options.start_position)) != 0 ||
      mariadb_rpl_optionsv(rpl_, MARIADB_RPL_SERVER_ID, options.server_id) != 0 ||
      mariadb_rpl_optionsv(rpl_, MARIADB_RPL_FLAGS, flags) != 0) {
    return Status::Internal("binlog stream: mariadb_rpl_optionsv refused an option");
  }
  if (options.start_position > 0xffffffffu) {
    return Status::InvalidArgument("binlog stream: start position " +
                                   std::to_string(options.start_position) +
                                   " is beyond 4 GiB, which COM_BINLOG_DUMP cannot address");
  }
  non_blocking_ = options.non_blocking;
  current_file_ = file;
  current_position_ = options.start_position;
  if (mariadb_rpl_open(rpl_) != 0) {
    return FetchError("binlog stream: starting the dump at " + file + ":" +
                      std::to_string(options.start_position));
  }
  return Status::Ok();
}

Status BinlogStream::LoadCollations() {
  CharsetConverter::AddBuiltIn(charsets_);
  // MariaDB 10.10+ lists every collation id (including the UCA 14 ones) here; older servers
  // and MySQL only in COLLATIONS.
  const char* queries[] = {
      "SELECT ID, CHARACTER_SET_NAME FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY"
      " WHERE ID IS NOT NULL",
      "SELECT ID, CHARACTER_SET_NAME FROM information_schema.COLLATIONS WHERE ID IS NOT NULL"};
  for (const char* sql : queries) {
    if (mysql_query(mysql_, sql) != 0) continue;
    MYSQL_RES* result = mysql_store_result(mysql_);
    if (result == nullptr) return FetchError("binlog stream: reading collations");
    while (MYSQL_ROW row = mysql_fetch_row(result)) {
      if (row[0] != nullptr && row[1] != nullptr) {
        charsets_.AddCollation(static_cast<uint32_t>(std::strtoul(row[0], nullptr, 10)), row[1]);
      }
    }
    mysql_free_result(result);
    return Status::Ok();
  }
  return FetchError("binlog stream: reading collations");
}

bool BinlogStream::HasData() const {
  if (pending_.has_value()) return true;
  pollfd p{};
  p.fd = mysql_get_socket(mysql_);
  p.events = POLLIN;
  return p.fd >= 0 && ::poll(&p, 1, 0) > 0 && (p.revents & POLLIN) != 0;
}

void BinlogStream::Abandon() {
  if (abandoned_.exchange(true)) return;
  my_socket fd = mysql_get_socket(mysql_);
  if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
}

Result<std::optional<BinlogEvent>> BinlogStream::Fetch() {
  if (pending_.has_value()) {
    std::optional<BinlogEvent> out = std::move(pending_);
    pending_.reset();
    return out;
  }
  return ReadEvent();
}

Result<std::optional<BinlogEvent>> BinlogStream::ReadEvent() {
  std::string context =
      "binlog stream: reading at " + current_file_ + ":" + std::to_string(current_position_);
  if (abandoned_) return FetchError(context);
  // A fresh event each time (freed below): the library's reuse path resets and, on errors,
  // frees the event it was given, which makes ownership ambiguous.
  MARIADB_RPL_EVENT* raw_event = mariadb_rpl_fetch(rpl_, nullptr);
  if (raw_event == nullptr) {
    // End of the binlog is only a result in non-blocking mode; a blocking dump never ends
    // without an error, so treat a silent end there as a lost connection.
    if (mysql_errno(mysql_) == 0 && !abandoned_ && non_blocking_) {
      return std::optional<BinlogEvent>();
    }
    return FetchError(context);
  }
  std::unique_ptr<MARIADB_RPL_EVENT, void (*)(MARIADB_RPL_EVENT*)> owner(raw_event,
                                                                         mariadb_free_rpl_event);
  if (raw_event->raw_data == nullptr || raw_event->raw_data_size < raw_event->raw_data_ofs) {
    return Status::Internal(context + ": the client library returned an event without data");
  }
  std::string_view packet(
      reinterpret_cast<const char*>(raw_event->raw_data) + raw_event->raw_data_ofs,
      raw_event->raw_data_size - raw_event->raw_data_ofs);

  ByteReader header(packet);
  BinlogEvent event;
  event.timestamp = header.U32();
  event.type = header.U8();
  event.server_id = header.U32();
  event.event_length = header.U32();
  event.next_position = header.U32();
  event.flags = header.U16();
  if (header.failed() || event.event_length != packet.size()) {
    return Status::DataError(context + ": event length " + std::to_string(event.event_length) +
                             " does not match the packet (" + std::to_string(packet.size()) +
                             " bytes)");
  }

  // Checksum: FORMAT_DESCRIPTION names the algorithm of the events after it (and is itself
  // checksummed when that is CRC32). Artificial events and heartbeats are generated by the
  // dump thread and carry a CRC only on some servers: strip one when it verifies.
  size_t body_end = packet.size();
  auto crc_matches = [&packet] {
    if (packet.size() < kHeaderLength + kChecksumLength) return false;
    ByteReader tail(packet.substr(packet.size() - kChecksumLength));
    return Crc32(packet.substr(0, packet.size() - kChecksumLength)) == tail.U32();
  };
  if (event.type == event_type::kFormatDescription) {
    if (packet.size() < kHeaderLength + kChecksumLength + 1) {
      return Status::DataError(context + ": FORMAT_DESCRIPTION is truncated");
    }
    uint8_t alg = static_cast<uint8_t>(packet[packet.size() - kChecksumLength - 1]);
    if (alg == kChecksumCrc32 && !crc_matches()) {
      return Status::DataError(context + ": FORMAT_DESCRIPTION checksum mismatch");
    }
    checksum_alg_ = alg;
    body_end -= kChecksumLength;
  } else if (checksum_alg_ == kChecksumCrc32) {
    bool generated = event.artificial() || event.type == event_type::kHeartbeat;
    if (crc_matches()) {
      body_end -= kChecksumLength;
    } else if (!generated) {
      return Status::DataError(context + ": " + EventTypeName(event.type) +
                               " event checksum mismatch (corrupt binlog or network)");
    }
  }
  if (body_end < kHeaderLength) return Status::DataError(context + ": event shorter than header");
  event.body.assign(packet.substr(kHeaderLength, body_end - kHeaderLength));

  event.file = current_file_;
  if (event.next_position != 0) {
    event.position =
        event.next_position >= event.event_length ? event.next_position - event.event_length : 0;
  }
  SY_RETURN_IF_ERROR(ParseBody(event).WithContext(context));
  return std::optional<BinlogEvent>(std::move(event));
}

Status BinlogStream::ParseBody(BinlogEvent& event) {
  std::string_view body = event.body;
  if (event.next_position != 0 && event.type != event_type::kHeartbeat) {
    current_position_ = event.next_position;
  }
  switch (event.type) {
    case event_type::kRotate: {
      SY_ASSIGN_OR_RETURN(event.rotate, ParseRotate(body));
      // The artificial ROTATE at stream start names the file the events come from; a real one
      // ends the current file. Either way what follows is in the named file.
      if (event.artificial()) event.file = event.rotate->next_file;
      current_file_ = event.rotate->next_file;
      current_position_ = event.rotate->position;
      table_maps_.clear();
      return Status::Ok();
    }
    case event_type::kFormatDescription: {
      SY_ASSIGN_OR_RETURN(event.format, ParseFormatDescription(body));
      format_ = *event.format;
      return Status::Ok();
    }
    case event_type::kMariaDbGtid: {
      SY_ASSIGN_OR_RETURN(event.gtid, ParseMariaDbGtid(body, event.server_id));
      return Status::Ok();
    }
    case event_type::kMySqlGtid:
    case event_type::kMySqlAnonymousGtid: {
      SY_ASSIGN_OR_RETURN(event.gtid,
                          ParseMySqlGtid(body, event.type == event_type::kMySqlAnonymousGtid));
      return Status::Ok();
    }
    case event_type::kMariaDbGtidList: {
      SY_ASSIGN_OR_RETURN(event.gtid_list, ParseMariaDbGtidList(body));
      return Status::Ok();
    }
    case event_type::kQuery: {
      SY_ASSIGN_OR_RETURN(event.query, ParseQuery(body, format_));
      return Status::Ok();
    }
    case event_type::kXid: {
      SY_ASSIGN_OR_RETURN(event.xid, ParseXid(body));
      return Status::Ok();
    }
    case event_type::kHeartbeat:
      // MariaDB and MySQL send the current file name as the body.
      if (!body.empty()) event.file = std::string(body);
      return Status::Ok();
    case event_type::kTableMap: {
      SY_ASSIGN_OR_RETURN(
          TableMap map,
          ParseTableMap(body, is_mariadb_ ? ServerFlavor::kMariaDb : ServerFlavor::kMySql,
                        format_.PostHeaderLength(event_type::kTableMap, kTableMapPostHeader)));
      auto shared = std::make_shared<const TableMap>(std::move(map));
      table_maps_[shared->table_id] = shared;
      event.table_map = std::move(shared);
      return Status::Ok();
    }
    default:
      break;
  }
  if (IsRowsEvent(event.type)) {
    bool v2 = event.type >= event_type::kWriteRowsV2;
    uint8_t post_header =
        format_.PostHeaderLength(event.type, v2 ? kRowsV2PostHeader : kRowsV1PostHeader);
    SY_ASSIGN_OR_RETURN(uint64_t table_id, PeekRowsTableId(body, post_header));
    auto it = table_maps_.find(table_id);
    if (it == table_maps_.end()) {
      return Status::DataError("rows event for table id " + std::to_string(table_id) +
                               " without a preceding TABLE_MAP (did the stream start in the "
                               "middle of a statement?)");
    }
    SY_ASSIGN_OR_RETURN(RowsEvent rows,
                        DecodeRowsEvent(event.type, body, post_header, it->second, charsets_));
    // Table maps live until the end of their statement (STMT_END_F), as on a replica.
    if (rows.statement_end()) table_maps_.clear();
    event.rows = std::make_shared<const RowsEvent>(std::move(rows));
    return Status::Ok();
  }
  if (IsUnsupportedDataEvent(event.type)) {
    return Status::Unsupported(
        EventTypeName(event.type) +
        " events are not supported: turn off binlog compression (log_bin_compress / "
        "binlog_transaction_compression) and partial JSON updates (binlog_row_value_options)");
  }
  return Status::Ok();  // other events pass through with their body
}

}  // namespace switchyard::endpoints::mysql::binlog
