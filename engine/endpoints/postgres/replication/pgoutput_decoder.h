// PgOutputDecoder: turns the messages of PostgreSQL's built-in logical decoding plugin
// (pgoutput, protocol versions 1 and 2, text mode) into small structs, one per message kind.
//
// Input: the payload of one XLogData frame (replication_frame.h). Output: a PgOutputMessage
// variant. Values stay exactly as the server sent them: for 't' columns that is the type's
// output function text (what `SELECT col::text` returns and COPY TO produces once unescaped)
// in the replication connection's client_encoding; 'u' (an unchanged TOASTed value the server
// did not send) is its own kind, never NULL or empty.
//
// State: the decoder caches Relation and Type messages by OID (a Relation always precedes the
// first change for that table in a session, and is re-sent after a schema change or
// reconnect), and tracks whether it is inside a Stream Start/Stop block, where every data
// message carries the transaction's xid first (protocol 2).
//
// Failure: malformed or truncated input, a change for a relation never described, or a tuple
// whose column count differs from its Relation fail with kInternal naming the message kind and
// byte offset; nothing is read out of bounds. After an error the decoder stays usable but the
// stream should be treated as broken (reconnect and resume from the last flushed LSN).
//
// Ownership: results own their bytes (no views into the input). Threading: one thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/common/status.h"
#include "engine/endpoints/postgres/replication/lsn.h"

namespace switchyard::endpoints::postgres::replication {

// One column of a TupleData.
enum class TupleValueKind : uint8_t {
  kNull,            // 'n'
  kUnchangedToast,  // 'u': value not sent; the target must keep what it has
  kText,            // 't': output-function text
  kBinary,          // 'b': send-function bytes (only with binary 'true', which we do not use)
};

struct TupleValue {
  TupleValueKind kind = TupleValueKind::kNull;
  std::string bytes;  // empty unless kText / kBinary

  bool operator==(const TupleValue&) const = default;
};

using TupleData = std::vector<TupleValue>;

// pg_class.relreplident.
enum class ReplicaIdentity : char {
  kDefault = 'd',  // primary key
  kNothing = 'n',
  kFull = 'f',
  kIndex = 'i',
};

struct RelationColumn {
  bool is_key = false;  // part of the replica identity
  std::string name;
  uint32_t type_oid = 0;
  int32_t type_modifier = -1;  // atttypmod
};

struct Relation {
  uint32_t oid = 0;
  std::string schema;  // "pg_catalog" is sent as ""; we store it as sent
  std::string name;
  ReplicaIdentity replica_identity = ReplicaIdentity::kDefault;
  std::vector<RelationColumn> columns;  // published columns only, in table order
};

// In every data message, `xid` is set only inside a streamed block (Stream Start .. Stop).
struct BeginMessage {
  Lsn final_lsn;  // LSN of the commit record
  int64_t commit_time_us = 0;
  uint32_t xid = 0;
};

struct CommitMessage {
  uint8_t flags = 0;
  Lsn commit_lsn;
  Lsn end_lsn;  // the resume token: flush this once the transaction is applied
  int64_t commit_time_us = 0;
};

struct OriginMessage {
  Lsn origin_commit_lsn;
  std::string name;
};

struct RelationMessage {
  std::optional<uint32_t> xid;
  Relation relation;
};

struct TypeMessage {
  std::optional<uint32_t> xid;
  uint32_t type_oid = 0;
  std::string schema;
  std::string name;
};

struct InsertMessage {
  std::optional<uint32_t> xid;
  uint32_t relation_oid = 0;
  TupleData new_tuple;
};

// Which old row image an Update or Delete carries.
enum class OldTupleKind : uint8_t {
  kNone,  // Update only: key unchanged and identity not FULL; take the key from new_tuple
  kKey,   // 'K': replica identity columns (others are 'n')
  kFull,  // 'O': the whole old row (REPLICA IDENTITY FULL)
};

struct UpdateMessage {
  std::optional<uint32_t> xid;
  uint32_t relation_oid = 0;
  OldTupleKind old_kind = OldTupleKind::kNone;
  TupleData old_tuple;  // empty when old_kind == kNone
  TupleData new_tuple;
};

struct DeleteMessage {
  std::optional<uint32_t> xid;
  uint32_t relation_oid = 0;
  OldTupleKind old_kind = OldTupleKind::kKey;  // never kNone
  TupleData old_tuple;
};

struct TruncateMessage {
  std::optional<uint32_t> xid;
  bool cascade = false;
  bool restart_identity = false;
  std::vector<uint32_t> relation_oids;
};

// pg_logical_emit_message().
struct LogicalMessage {
  std::optional<uint32_t> xid;
  bool transactional = false;
  Lsn lsn;
  std::string prefix;
  std::string content;  // arbitrary bytes
};

struct StreamStartMessage {
  uint32_t xid = 0;
  bool first_segment = false;
};

struct StreamStopMessage {};

struct StreamCommitMessage {
  uint32_t xid = 0;
  uint8_t flags = 0;
  Lsn commit_lsn;
  Lsn end_lsn;
  int64_t commit_time_us = 0;
};

struct StreamAbortMessage {
  uint32_t xid = 0;
  uint32_t subxid = 0;  // == xid when the whole transaction aborted
};

using PgOutputMessage =
    std::variant<BeginMessage, CommitMessage, OriginMessage, RelationMessage, TypeMessage,
                 InsertMessage, UpdateMessage, DeleteMessage, TruncateMessage, LogicalMessage,
                 StreamStartMessage, StreamStopMessage, StreamCommitMessage, StreamAbortMessage>;

class PgOutputDecoder {
 public:
  // `proto_version` as given to START_REPLICATION (1 or 2; others -> every Decode fails).
  explicit PgOutputDecoder(int proto_version = 2) : proto_version_(proto_version) {}

  Result<PgOutputMessage> Decode(std::string_view payload);

  // The cached Relation / Type for an OID, or null. Valid until the next Decode.
  const Relation* FindRelation(uint32_t oid) const;
  const TypeMessage* FindType(uint32_t oid) const;
  bool in_stream() const { return in_stream_; }

  // Forget relations, types and stream state (after reconnecting: the server re-sends them).
  void Reset();

 private:
  int proto_version_;
  bool in_stream_ = false;
  std::map<uint32_t, Relation> relations_;
  std::map<uint32_t, TypeMessage> types_;
};

// "kText" etc., for messages and test output.
const char* TupleValueKindName(TupleValueKind kind);

}  // namespace switchyard::endpoints::postgres::replication
