// The CopyData framing of the streaming replication protocol (inside COPY BOTH), as pure
// functions so they can be tested without a server:
//   server -> client  'w' XLogData (WAL start, WAL end, send time, then the plugin's bytes)
//                     'k' primary keepalive (WAL end, send time, reply-requested flag)
//   client -> server  'r' standby status update (write, flush, apply, client time, reply flag)
// All integers are big-endian; times are PostgreSQL-epoch microseconds (see lsn.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "engine/common/status.h"
#include "engine/endpoints/postgres/replication/lsn.h"

namespace switchyard::endpoints::postgres::replication {

struct XLogData {
  Lsn wal_start;             // where this message's WAL record starts (0 for some messages)
  Lsn wal_end;               // the server's current end of WAL
  int64_t send_time_us = 0;  // server clock, PostgreSQL-epoch microseconds
  // The output plugin's message. A view into the buffer the frame was parsed from: valid only
  // as long as that buffer (for ReplicationConnection::Receive: until the next Receive call).
  std::string_view payload;
};

struct PrimaryKeepalive {
  Lsn wal_end;
  int64_t send_time_us = 0;
  // The server will drop the connection unless a status update comes back soon
  // (wal_sender_timeout).
  bool reply_requested = false;
};

using ReplicationFrame = std::variant<XLogData, PrimaryKeepalive>;

// Parses one CopyData payload from the server. Unknown type bytes and short or over-long
// frames fail with kInternal naming the offset.
Result<ReplicationFrame> ParseReplicationFrame(std::string_view bytes);

struct StandbyStatusUpdate {
  Lsn written;  // last WAL byte + 1 received
  Lsn flushed;  // last WAL byte + 1 durably applied: advances the slot's confirmed_flush_lsn
  Lsn applied;
  int64_t client_time_us = 0;
  bool reply_requested = false;  // ask the server to answer with a keepalive at once
};

// The 34-byte 'r' message.
std::string EncodeStandbyStatusUpdate(const StandbyStatusUpdate& update);

}  // namespace switchyard::endpoints::postgres::replication
