// ReplicationConnection: one libpq connection in logical walsender mode (replication=database)
// and the commands a CDC reader needs: IDENTIFY_SYSTEM, CREATE_REPLICATION_SLOT ... LOGICAL
// pgoutput, DROP_REPLICATION_SLOT, START_REPLICATION ... LOGICAL, then the COPY BOTH stream
// (Receive) and standby status updates (SendStatusUpdate).
//
// Session: the same settings as PgConnection (UTF8, ISO dates, UTC, extra_float_digits 1,
// bytea hex, ...), applied with SQL before any replication command, because the walsender
// runs the types' output functions with them: pgoutput's text values then equal what a
// PgConnection reads with `SELECT col::text`. Callers may add settings (e.g.
// wal_sender_timeout, logical_decoding_work_mem) through ReplicationSessionOptions.
//
// Contracts:
// - An exported snapshot (CreateLogicalSlot with kExport) stays importable only while this
//   connection runs nothing else: every reader must SET TRANSACTION SNAPSHOT before the next
//   command here (StartReplication included).
// - Flush is never advanced by this class: the slot's confirmed_flush_lsn moves only to the
//   `flushed` LSN the caller passes to SendStatusUpdate. The caller must answer keepalives with
//   reply_requested within wal_sender_timeout, so Receive takes a timeout and the caller's
//   loop must not block on apply.
//
// Ownership: owns the PGconn (closed in the destructor). Not copyable. Threading: one thread
// at a time; XLogData payloads returned by Receive point into a buffer owned by this object
// and are valid until the next Receive / StopReplication / destruction.
// Errors never contain the password.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "engine/common/status.h"
#include "engine/endpoints/endpoint.h"
#include "engine/endpoints/postgres/pg_connection.h"
#include "engine/endpoints/postgres/replication/lsn.h"
#include "engine/endpoints/postgres/replication/replication_frame.h"

namespace switchyard::endpoints::postgres::replication {

struct ReplicationSessionOptions {
  // Extra `SET name = 'value'` applied after the standard settings, in order. Names must be
  // plain GUC names ([A-Za-z0-9_.]).
  std::vector<std::pair<std::string, std::string>> settings;
};

struct SystemIdentity {
  std::string system_id;  // decimal text; changes when the cluster is re-created
  uint32_t timeline = 0;
  Lsn wal_flush_position;  // xlogpos
  std::string database;    // the connected database
};

enum class SnapshotAction {
  kExport,   // export a snapshot for SET TRANSACTION SNAPSHOT (see the class contract)
  kNothing,  // no snapshot
};

struct CreatedSlot {
  std::string slot_name;
  Lsn consistent_point;       // first LSN the slot can stream from
  std::string snapshot_name;  // empty with SnapshotAction::kNothing
  std::string output_plugin;
};

// One row of pg_replication_slots, read from a normal connection.
struct SlotState {
  std::string slot_name;
  std::string plugin;
  std::string slot_type;  // "logical" / "physical"
  std::string database;   // empty for physical slots
  bool active = false;
  std::optional<int32_t> active_pid;
  std::optional<Lsn> restart_lsn;
  std::optional<Lsn> confirmed_flush_lsn;
  std::string wal_status;                // reserved / extended / unreserved / lost (empty if NULL)
  std::optional<int64_t> safe_wal_size;  // bytes; NULL when max_slot_wal_keep_size = -1
};

// The slot's row, or nullopt when no slot has that name.
Result<std::optional<SlotState>> ReadSlotState(PgConnection& connection,
                                               const std::string& slot_name);

struct StreamOptions {
  std::vector<std::string> publication_names;  // at least one
  int proto_version = 2;                       // 1 or 2
  bool messages = true;                        // deliver pg_logical_emit_message() records
  bool streaming = true;  // stream large in-progress transactions (needs proto_version 2)
};

// Receive found nothing within its timeout: a good moment to send feedback.
struct ReceiveTimeout {};
using ReceivedFrame = std::variant<ReceiveTimeout, XLogData, PrimaryKeepalive>;

class ReplicationConnection {
 public:
  // Connects with replication=database through PQconnectdbParams (password and SSL handled as
  // PgConnection does) and applies the session settings. kConnectionError when the server
  // cannot be reached or refuses (e.g. the role lacks REPLICATION).
  static Result<std::unique_ptr<ReplicationConnection>> Open(
      const ConnectionParams& params, const ReplicationSessionOptions& options = {});

  ~ReplicationConnection();
  ReplicationConnection(const ReplicationConnection&) = delete;
  ReplicationConnection& operator=(const ReplicationConnection&) = delete;

  Result<SystemIdentity> IdentifySystem();

  // CREATE_REPLICATION_SLOT name LOGICAL pgoutput (SNAPSHOT ...). Slot names are 1-63 of
  // [a-z0-9_] (PostgreSQL's rule); others -> kInvalidArgument. Waits for transactions running
  // at that moment to finish. An existing slot of that name -> kDatabaseError (42710).
  // A `temporary` slot is dropped by the server when this connection ends (used only for its
  // exported snapshot and consistent point, e.g. to reload tables during CDC).
  Result<CreatedSlot> CreateLogicalSlot(const std::string& slot_name, SnapshotAction action,
                                        bool temporary = false);

  // DROP_REPLICATION_SLOT name [WAIT]. Without `wait` an active slot is an error; a missing
  // slot -> kNotFound.
  Status DropSlot(const std::string& slot_name, bool wait = false);

  // START_REPLICATION SLOT name LOGICAL start (...), entering COPY BOTH. The server starts at
  // max(start, confirmed_flush_lsn); Lsn() means "from confirmed_flush_lsn". A slot that does
  // not exist -> kNotFound naming it; a slot in use by another connection or invalidated
  // -> kDatabaseError with the server's message.
  Status StartReplication(const std::string& slot_name, Lsn start, const StreamOptions& options);

  // Waits up to `timeout` for the next CopyData from the server. ReceiveTimeout when none came
  // in time; kConnectionError when the connection dropped or the server ended the stream
  // (with the server's message, e.g. a replication timeout or a terminated walsender);
  // kInternal for a malformed frame.
  Result<ReceivedFrame> Receive(std::chrono::milliseconds timeout);

  // Sends an 'r' standby status update. `update.flushed` becomes the slot's
  // confirmed_flush_lsn (0 = "no flush information", which the server ignores); a non-zero
  // `flushed` behind one already sent on this connection -> kInvalidArgument. client_time_us
  // 0 means "now".
  Status SendStatusUpdate(StandbyStatusUpdate update);

  // Ends COPY BOTH (CopyDone), discards what the server still sends and returns the connection
  // to command mode.
  Status StopReplication();

  bool streaming() const { return streaming_; }
  // The last `flushed` sent, for diagnostics.
  Lsn last_flushed_sent() const { return last_flushed_sent_; }
  const std::string& describe() const { return describe_; }
  int server_version() const { return PQserverVersion(conn_.get()); }

 private:
  struct ConnDeleter {
    void operator()(PGconn* conn) const { PQfinish(conn); }
  };
  struct BufferDeleter {
    void operator()(char* buffer) const { PQfreemem(buffer); }
  };

  ReplicationConnection(PGconn* conn, std::string describe);

  // Runs a command and returns its result when its status is `expected`.
  Result<PgResult> Exec(const std::string& command, ExecStatusType expected, std::string_view what);
  Status ConnectionLost(std::string_view what);
  // After PQgetCopyData returned -1: the stream's final result, as a Status.
  Status StreamEnded();

  std::unique_ptr<PGconn, ConnDeleter> conn_;
  std::string describe_;
  bool streaming_ = false;
  Lsn last_flushed_sent_;
  // The last CopyData buffer handed out (XLogData payloads point into it).
  std::unique_ptr<char, BufferDeleter> buffer_;
};

// Validates a replication slot name (1-63 characters of [a-z0-9_]).
Status ValidateSlotName(const std::string& name);

// The START_REPLICATION command text (exposed for unit tests).
Result<std::string> BuildStartReplicationCommand(const std::string& slot_name, Lsn start,
                                                 const StreamOptions& options);

}  // namespace switchyard::endpoints::postgres::replication
