#include "engine/endpoints/mysql/binlog/binlog_event.h"

#include <array>
#include <cstdio>

#include "engine/endpoints/mysql/binlog/byte_reader.h"

namespace switchyard::endpoints::mysql::binlog {
namespace {

Status Truncated(const char* what) {
  return Status::DataError(std::string("binlog ") + what + " event is truncated or malformed");
}

// Length of the server version field in FORMAT_DESCRIPTION.
constexpr size_t kServerVersionLength = 50;
// QUERY post-header: thread id 4, exec time 4, schema length 1, error code 2, status length 2.
constexpr uint8_t kQueryPostHeaderLength = 13;

}  // namespace

bool IsRowsEvent(uint8_t type) {
  return (type >= event_type::kWriteRowsV1 && type <= event_type::kDeleteRowsV1) ||
         (type >= event_type::kWriteRowsV2 && type <= event_type::kDeleteRowsV2);
}

bool IsUnsupportedDataEvent(uint8_t type) {
  return type == event_type::kPartialUpdateRows || type == event_type::kTransactionPayload ||
         type == event_type::kQueryCompressed ||
         (type >= event_type::kWriteRowsCompressedV1 &&
          type <= event_type::kDeleteRowsCompressedV2) ||
         (type >= 20 && type <= 22);  // pre-GA rows events
}

std::string EventTypeName(uint8_t type) {
  switch (type) {
    case event_type::kQuery:
      return "QUERY";
    case event_type::kStop:
      return "STOP";
    case event_type::kRotate:
      return "ROTATE";
    case event_type::kFormatDescription:
      return "FORMAT_DESCRIPTION";
    case event_type::kXid:
      return "XID";
    case event_type::kTableMap:
      return "TABLE_MAP";
    case event_type::kWriteRowsV1:
      return "WRITE_ROWS_V1";
    case event_type::kUpdateRowsV1:
      return "UPDATE_ROWS_V1";
    case event_type::kDeleteRowsV1:
      return "DELETE_ROWS_V1";
    case event_type::kHeartbeat:
      return "HEARTBEAT";
    case event_type::kWriteRowsV2:
      return "WRITE_ROWS";
    case event_type::kUpdateRowsV2:
      return "UPDATE_ROWS";
    case event_type::kDeleteRowsV2:
      return "DELETE_ROWS";
    case event_type::kMySqlGtid:
      return "GTID";
    case event_type::kMySqlAnonymousGtid:
      return "ANONYMOUS_GTID";
    case event_type::kMySqlPreviousGtids:
      return "PREVIOUS_GTIDS";
    case event_type::kPartialUpdateRows:
      return "PARTIAL_UPDATE_ROWS";
    case event_type::kTransactionPayload:
      return "TRANSACTION_PAYLOAD";
    case event_type::kAnnotateRows:
      return "ANNOTATE_ROWS";
    case event_type::kBinlogCheckpoint:
      return "BINLOG_CHECKPOINT";
    case event_type::kMariaDbGtid:
      return "MARIADB_GTID";
    case event_type::kMariaDbGtidList:
      return "MARIADB_GTID_LIST";
    case event_type::kQueryCompressed:
      return "QUERY_COMPRESSED";
    default:
      return "EVENT_" + std::to_string(type);
  }
}

uint8_t FormatDescription::PostHeaderLength(uint8_t type, uint8_t fallback) const {
  if (type == 0 || type > post_header_lengths.size()) return fallback;
  return post_header_lengths[type - 1];
}

std::string GtidEvent::ToString() const {
  if (mariadb) {
    return std::to_string(domain_id) + "-" + std::to_string(server_id) + "-" +
           std::to_string(sequence);
  }
  return source_uuid + ":" + std::to_string(sequence);
}

Result<FormatDescription> ParseFormatDescription(std::string_view body) {
  // binlog version 2, server version 50, create timestamp 4, header length 1, post-header
  // lengths (one per event type), checksum algorithm 1 (the CRC itself is already stripped).
  ByteReader in(body);
  FormatDescription out;
  out.binlog_version = in.U16();
  std::string_view version = in.Bytes(kServerVersionLength);
  out.server_version = std::string(version.substr(0, version.find('\0')));
  in.Skip(4);
  out.header_length = in.U8();
  if (in.failed() || in.remaining() < 1) return Truncated("FORMAT_DESCRIPTION");
  std::string_view lengths = in.Bytes(in.remaining() - 1);
  out.post_header_lengths.assign(lengths.begin(), lengths.end());
  out.checksum_alg = in.U8();
  return out;
}

Result<GtidEvent> ParseMariaDbGtid(std::string_view body, uint32_t server_id) {
  ByteReader in(body);
  GtidEvent out;
  out.mariadb = true;
  out.server_id = server_id;
  out.sequence = in.U64();
  out.domain_id = in.U32();
  out.flags = in.U8();
  if ((out.flags & 0x02) != 0) out.commit_id = in.U64();  // FL_GROUP_COMMIT_ID
  if (in.failed()) return Truncated("MARIADB_GTID");
  return out;
}

Result<GtidEvent> ParseMySqlGtid(std::string_view body, bool anonymous) {
  // commit flag 1, source uuid 16, gno 8, then logical-clock fields we do not need.
  ByteReader in(body);
  GtidEvent out;
  out.mariadb = false;
  out.anonymous = anonymous;
  out.flags = in.U8();
  std::string_view uuid = in.Bytes(16);
  out.sequence = in.U64();
  if (in.failed()) return Truncated("GTID");
  static const char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < uuid.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.source_uuid.push_back('-');
    auto byte = static_cast<uint8_t>(uuid[i]);
    out.source_uuid.push_back(kHex[byte >> 4]);
    out.source_uuid.push_back(kHex[byte & 0xf]);
  }
  return out;
}

Result<MariaDbGtidListEvent> ParseMariaDbGtidList(std::string_view body) {
  ByteReader in(body);
  uint32_t count = in.U32() & 0x0fffffff;  // the top 4 bits are flags
  MariaDbGtidListEvent out;
  for (uint32_t i = 0; i < count && !in.failed(); ++i) {
    MariaDbGtidListEvent::Entry entry{};
    entry.domain_id = in.U32();
    entry.server_id = in.U32();
    entry.sequence = in.U64();
    out.gtids.push_back(entry);
  }
  if (in.failed()) return Truncated("MARIADB_GTID_LIST");
  return out;
}

Result<QueryEvent> ParseQuery(std::string_view body, const FormatDescription& format) {
  ByteReader in(body);
  QueryEvent out;
  uint8_t post_header = format.PostHeaderLength(event_type::kQuery, kQueryPostHeaderLength);
  out.thread_id = in.U32();
  out.exec_time = in.U32();
  uint8_t schema_length = in.U8();
  out.error_code = in.U16();
  uint16_t status_length = post_header >= kQueryPostHeaderLength ? in.U16() : 0;
  if (post_header > kQueryPostHeaderLength) in.Skip(post_header - kQueryPostHeaderLength);
  in.Skip(status_length);
  out.schema = std::string(in.Bytes(schema_length));
  in.Skip(1);  // NUL after the schema
  out.statement = std::string(in.Rest());
  if (in.failed()) return Truncated("QUERY");
  return out;
}

Result<XidEvent> ParseXid(std::string_view body) {
  ByteReader in(body);
  XidEvent out{in.U64()};
  if (in.failed()) return Truncated("XID");
  return out;
}

Result<RotateEvent> ParseRotate(std::string_view body) {
  ByteReader in(body);
  RotateEvent out;
  out.position = in.U64();
  out.next_file = std::string(in.Rest());
  if (in.failed() || out.next_file.empty()) return Truncated("ROTATE");
  return out;
}

uint32_t Crc32(std::string_view bytes) {
  static const std::array<uint32_t, 256> kTable = [] {
    std::array<uint32_t, 256> table{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) != 0 ? 0xedb88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    return table;
  }();
  uint32_t crc = 0xffffffffu;
  for (char ch : bytes) crc = kTable[(crc ^ static_cast<uint8_t>(ch)) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

}  // namespace switchyard::endpoints::mysql::binlog
