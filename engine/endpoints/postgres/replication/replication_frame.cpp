#include "engine/endpoints/postgres/replication/replication_frame.h"

#include "engine/endpoints/postgres/replication/byte_reader.h"

namespace switchyard::endpoints::postgres::replication {
namespace {

void AppendU64(std::string* out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

}  // namespace

Result<ReplicationFrame> ParseReplicationFrame(std::string_view bytes) {
  ByteReader reader(bytes, "replication frame");
  uint8_t type = 0;
  SY_RETURN_IF_ERROR(reader.ReadU8("message type", &type));
  if (type == 'w') {
    XLogData data;
    uint64_t start = 0;
    uint64_t end = 0;
    SY_RETURN_IF_ERROR(reader.ReadU64("XLogData WAL start", &start));
    SY_RETURN_IF_ERROR(reader.ReadU64("XLogData WAL end", &end));
    SY_RETURN_IF_ERROR(reader.ReadI64("XLogData send time", &data.send_time_us));
    data.wal_start = Lsn(start);
    data.wal_end = Lsn(end);
    data.payload = reader.Rest();
    return ReplicationFrame(data);
  }
  if (type == 'k') {
    PrimaryKeepalive keepalive;
    uint64_t end = 0;
    uint8_t reply = 0;
    SY_RETURN_IF_ERROR(reader.ReadU64("keepalive WAL end", &end));
    SY_RETURN_IF_ERROR(reader.ReadI64("keepalive send time", &keepalive.send_time_us));
    SY_RETURN_IF_ERROR(reader.ReadU8("keepalive reply flag", &reply));
    SY_RETURN_IF_ERROR(reader.ExpectEnd());
    keepalive.wal_end = Lsn(end);
    keepalive.reply_requested = reply != 0;
    return ReplicationFrame(keepalive);
  }
  return Status::Internal("replication frame: unknown message type byte " +
                          std::to_string(static_cast<int>(type)) + " at offset 0 (message length " +
                          std::to_string(bytes.size()) + ")");
}

std::string EncodeStandbyStatusUpdate(const StandbyStatusUpdate& update) {
  std::string out;
  out.reserve(34);
  out.push_back('r');
  AppendU64(&out, update.written.value());
  AppendU64(&out, update.flushed.value());
  AppendU64(&out, update.applied.value());
  AppendU64(&out, static_cast<uint64_t>(update.client_time_us));
  out.push_back(update.reply_requested ? 1 : 0);
  return out;
}

}  // namespace switchyard::endpoints::postgres::replication
