#include "engine/endpoints/postgres/replication/pgoutput_decoder.h"

#include <utility>

#include "engine/endpoints/postgres/replication/byte_reader.h"

namespace switchyard::endpoints::postgres::replication {
namespace {

const char* MessageName(uint8_t type) {
  switch (type) {
    case 'B':
      return "pgoutput Begin";
    case 'C':
      return "pgoutput Commit";
    case 'O':
      return "pgoutput Origin";
    case 'R':
      return "pgoutput Relation";
    case 'Y':
      return "pgoutput Type";
    case 'I':
      return "pgoutput Insert";
    case 'U':
      return "pgoutput Update";
    case 'D':
      return "pgoutput Delete";
    case 'T':
      return "pgoutput Truncate";
    case 'M':
      return "pgoutput Message";
    case 'S':
      return "pgoutput Stream Start";
    case 'E':
      return "pgoutput Stream Stop";
    case 'c':
      return "pgoutput Stream Commit";
    case 'A':
      return "pgoutput Stream Abort";
    default:
      return "pgoutput";
  }
}

Status ReadLsn(ByteReader& reader, const char* what, Lsn* out) {
  uint64_t value = 0;
  SY_RETURN_IF_ERROR(reader.ReadU64(what, &value));
  *out = Lsn(value);
  return Status::Ok();
}

// The xid that prefixes data messages inside a streamed block.
Status ReadStreamXid(ByteReader& reader, bool in_stream, std::optional<uint32_t>* out) {
  if (!in_stream) return Status::Ok();
  uint32_t xid = 0;
  SY_RETURN_IF_ERROR(reader.ReadU32("streamed transaction xid", &xid));
  *out = xid;
  return Status::Ok();
}

Status ReadTupleData(ByteReader& reader, TupleData* out) {
  uint16_t count = 0;
  SY_RETURN_IF_ERROR(reader.ReadU16("TupleData column count", &count));
  out->clear();
  out->reserve(count);
  for (uint16_t i = 0; i < count; ++i) {
    size_t kind_offset = reader.offset();
    uint8_t kind = 0;
    SY_RETURN_IF_ERROR(reader.ReadU8("TupleData column kind", &kind));
    TupleValue value;
    switch (kind) {
      case 'n':
        value.kind = TupleValueKind::kNull;
        break;
      case 'u':
        value.kind = TupleValueKind::kUnchangedToast;
        break;
      case 't':
      case 'b': {
        value.kind = kind == 't' ? TupleValueKind::kText : TupleValueKind::kBinary;
        int32_t length = 0;
        SY_RETURN_IF_ERROR(reader.ReadI32("TupleData value length", &length));
        if (length < 0) {
          return reader.Error("negative TupleData value length " + std::to_string(length) +
                              " for column " + std::to_string(i));
        }
        SY_RETURN_IF_ERROR(
            reader.ReadBytes(static_cast<size_t>(length), "TupleData value", &value.bytes));
        break;
      }
      default:
        return Status::Internal(std::string("pgoutput TupleData: unknown column kind byte ") +
                                std::to_string(static_cast<int>(kind)) + " for column " +
                                std::to_string(i) + " at offset " + std::to_string(kind_offset));
    }
    out->push_back(std::move(value));
  }
  return Status::Ok();
}

}  // namespace

const char* TupleValueKindName(TupleValueKind kind) {
  switch (kind) {
    case TupleValueKind::kNull:
      return "kNull";
    case TupleValueKind::kUnchangedToast:
      return "kUnchangedToast";
    case TupleValueKind::kText:
      return "kText";
    case TupleValueKind::kBinary:
      return "kBinary";
  }
  return "?";
}

const Relation* PgOutputDecoder::FindRelation(uint32_t oid) const {
  auto it = relations_.find(oid);
  return it == relations_.end() ? nullptr : &it->second;
}

const TypeMessage* PgOutputDecoder::FindType(uint32_t oid) const {
  auto it = types_.find(oid);
  return it == types_.end() ? nullptr : &it->second;
}

void PgOutputDecoder::Reset() {
  in_stream_ = false;
  relations_.clear();
  types_.clear();
}

Result<PgOutputMessage> PgOutputDecoder::Decode(std::string_view payload) {
  if (proto_version_ < 1 || proto_version_ > 2) {
    return Status::Unsupported("pgoutput protocol version " + std::to_string(proto_version_) +
                               " is not supported (1 and 2 are)");
  }
  if (payload.empty()) return Status::Internal("pgoutput: empty message at offset 0");
  uint8_t type = static_cast<uint8_t>(payload[0]);
  ByteReader r(payload, MessageName(type));
  uint8_t type_byte = 0;
  SY_RETURN_IF_ERROR(r.ReadU8("message type", &type_byte));
  bool streaming_allowed = proto_version_ >= 2;

  // Checks that a tuple matches the columns of the relation it belongs to.
  auto check_tuple = [&](uint32_t oid, const TupleData& tuple, const char* which) -> Status {
    const Relation* relation = FindRelation(oid);
    if (relation == nullptr) {
      return r.Error("change for relation OID " + std::to_string(oid) +
                     " that no Relation message described");
    }
    if (tuple.size() != relation->columns.size()) {
      return r.Error(std::string(which) + " has " + std::to_string(tuple.size()) +
                     " column(s) but relation " + relation->schema + "." + relation->name +
                     " has " + std::to_string(relation->columns.size()));
    }
    return Status::Ok();
  };

  switch (type) {
    case 'B': {
      if (in_stream_) return r.Error("Begin inside a streamed block");
      BeginMessage m;
      SY_RETURN_IF_ERROR(ReadLsn(r, "final LSN", &m.final_lsn));
      SY_RETURN_IF_ERROR(r.ReadI64("commit timestamp", &m.commit_time_us));
      SY_RETURN_IF_ERROR(r.ReadU32("xid", &m.xid));
      SY_RETURN_IF_ERROR(r.ExpectEnd());
      return PgOutputMessage(std::move(m));
    }
    case 'C': {
      if (in_stream_) return r.Error("Commit inside a streamed block");
      CommitMessage m;
      SY_RETURN_IF_ERROR(r.ReadU8("flags", &m.flags));
      SY_RETURN_IF_ERROR(ReadLsn(r, "commit LSN", &m.commit_lsn));
      SY_RETURN_IF_ERROR(ReadLsn(r, "end LSN", &m.end_lsn));
      SY_RETURN_IF_ERROR(r.ReadI64("commit timestamp", &m.commit_time_us));
      SY_RETURN_IF_ERROR(r.ExpectEnd());
      return PgOutputMessage(std::move(m));
    }
    case 'O': {
      OriginMessage m;
      SY_RETURN_IF_ERROR(ReadLsn(r, "origin commit LSN", &m.origin_commit_lsn));
      SY_RETURN_IF_ERROR(r.ReadCString("origin name", &m.name));
      SY_RETURN_IF_ERROR(r.ExpectEnd());
      return PgOutputMessage(std::move(m));
    }
    case 'R': {
      RelationMessage m;
      SY_RETURN_IF_ERROR(ReadStreamXid(r, in_stream_, &m.xid));
      Relation& rel = m.relation;
      SY_RETURN_IF_ERROR(r.ReadU32("relation OID", &rel.oid));
      SY_RETURN_IF_ERROR(r.ReadCString("namespace", &rel.schema));
      SY_RETURN_IF_ERROR(r.ReadCString("relation name", &rel.name));
      uint8_t identity = 0;
      SY_RETURN_IF_ERROR(r.ReadU8("replica identity", &identity));
      if (identity != 'd' && identity != 'n' && identity != 'f' && identity != 'i') {
        return r.Error("unknown replica identity byte " + std::to_string(identity));
      }
      rel.replica_identity = static_cast<ReplicaIdentity>(identity);
      uint16_t count = 0;
      SY_RETURN_IF_ERROR(r.ReadU16("column count", &count));
      rel.columns.reserve(count);
      for (uint16_t i = 0; i < count; ++i) {
        RelationColumn column;
        uint8_t flags = 0;
        SY_RETURN_IF_ERROR(r.ReadU8("column flags", &flags));
        column.is_key = (flags & 1) != 0;
        SY_RETURN_IF_ERROR(r.ReadCString("column name", &column.name));
        SY_RETURN_IF_ERROR(r.ReadU32("column type OID", &column.type_oid));
        SY_RETURN_IF_ERROR(r.ReadI32("column type modifier", &column.type_modifier));
        rel.columns.push_back(std::move(column));
      }
      SY_RETURN_IF_ERROR(r.ExpectEnd());
      relations_[rel.oid] = rel;
      return PgOutputMessage(std::move(m));
    }
    case 'Y': {
      TypeMessage m;
      SY_RETURN_IF_ERROR(ReadStreamXid(r, in_stream_, &m.xid));
      SY_RETURN_IF_ERROR(r.ReadU32("type OID", &m.type_oid));
      SY_RETURN_IF_ERROR(r.ReadCString("type namespace", &m.schema));
      SY_RETURN_IF_ERROR(r.ReadCString("type name", &m.name));
      SY_RETURN_IF_ERROR(r.ExpectEnd());
      types_[m.type_oid] = m;
      return PgOutputMessage(std::move(m));
    }
    case 'I': {
      InsertMessage m;
      SY_RETURN_IF_ERROR(ReadStreamXid(r, in_stream_, &m.xid));
      SY_RETURN_IF_ERROR(r.ReadU32("relation OID", &m.relation_oid));
      uint8_t marker = 0;
      SY_RETURN_IF_ERROR(r.ReadU8("new tuple marker", &marker));
      if (marker != 'N') return r.Error("expected 'N' before the new tuple");
      SY_RETURN_IF_ERROR(ReadTupleData(r, &m.new_tuple));
      SY_RETURN_IF_ERROR(r.ExpectEnd());
      SY_RETURN_IF_ERROR(check_tuple(m.relation_oid, m.new_tuple, "new tuple"));
      return PgOutputMessage(std::move(m));
    }
    case 'U': {
      UpdateMessage m;
      SY_RETURN_IF_ERROR(ReadStreamXid(r, in_stream_, &m.xid));
      SY_RETURN_IF_ERROR(r.ReadU32("relation OID", &m.relation_oid));
      uint8_t marker = 0;
      SY_RETURN_IF_ERROR(r.ReadU8("tuple marker", &marker));
      if (marker == 'K' || marker == 'O') {
        m.old_kind = marker == 'K' ? OldTupleKind::kKey : OldTupleKind::kFull;
        SY_RETURN_IF_ERROR(ReadTupleData(r, &m.old_tuple));
        SY_RETURN_IF_ERROR(r.ReadU8("new tuple marker", &marker));
      }
      if (marker != 'N') return r.Error("expected 'K', 'O' or 'N' tuple marker");
      SY_RETURN_IF_ERROR(ReadTupleData(r, &m.new_tuple));
      SY_RETURN_IF_ERROR(r.ExpectEnd());
      if (m.old_kind != OldTupleKind::kNone) {
        SY_RETURN_IF_ERROR(check_tuple(m.relation_oid, m.old_tuple, "old tuple"));
      }
      SY_RETURN_IF_ERROR(check_tuple(m.relation_oid, m.new_tuple, "new tuple"));
      return PgOutputMessage(std::move(m));
    }
    case 'D': {
      DeleteMessage m;
      SY_RETURN_IF_ERROR(ReadStreamXid(r, in_stream_, &m.xid));
      SY_RETURN_IF_ERROR(r.ReadU32("relation OID", &m.relation_oid));
      uint8_t marker = 0;
      SY_RETURN_IF_ERROR(r.ReadU8("old tuple marker", &marker));
      if (marker != 'K' && marker != 'O') return r.Error("expected 'K' or 'O' tuple marker");
      m.old_kind = marker == 'K' ? OldTupleKind::kKey : OldTupleKind::kFull;
      SY_RETURN_IF_ERROR(ReadTupleData(r, &m.old_tuple));
      SY_RETURN_IF_ERROR(r.ExpectEnd());
      SY_RETURN_IF_ERROR(check_tuple(m.relation_oid, m.old_tuple, "old tuple"));
      return PgOutputMessage(std::move(m));
    }
    case 'T': {
      TruncateMessage m;
      SY_RETURN_IF_ERROR(ReadStreamXid(r, in_stream_, &m.xid));
      uint32_t count = 0;
      uint8_t options = 0;
      SY_RETURN_IF_ERROR(r.ReadU32("relation count", &count));
      SY_RETURN_IF_ERROR(r.ReadU8("options", &options));
      m.cascade = (options & 1) != 0;
      m.restart_identity = (options & 2) != 0;
      // Checked before reserving so a corrupt count cannot trigger a huge allocation.
      if (r.remaining() != static_cast<uint64_t>(count) * 4) {
        return r.Error("relation count " + std::to_string(count) + " does not match the " +
                       std::to_string(r.remaining()) + " byte(s) left");
      }
      m.relation_oids.reserve(count);
      for (uint32_t i = 0; i < count; ++i) {
        uint32_t oid = 0;
        SY_RETURN_IF_ERROR(r.ReadU32("relation OID", &oid));
        m.relation_oids.push_back(oid);
      }
      return PgOutputMessage(std::move(m));
    }
    case 'M': {
      LogicalMessage m;
      SY_RETURN_IF_ERROR(ReadStreamXid(r, in_stream_, &m.xid));
      uint8_t flags = 0;
      SY_RETURN_IF_ERROR(r.ReadU8("flags", &flags));
      m.transactional = (flags & 1) != 0;
      SY_RETURN_IF_ERROR(ReadLsn(r, "message LSN", &m.lsn));
      SY_RETURN_IF_ERROR(r.ReadCString("prefix", &m.prefix));
      int32_t length = 0;
      SY_RETURN_IF_ERROR(r.ReadI32("content length", &length));
      if (length < 0) return r.Error("negative content length " + std::to_string(length));
      SY_RETURN_IF_ERROR(r.ReadBytes(static_cast<size_t>(length), "content", &m.content));
      SY_RETURN_IF_ERROR(r.ExpectEnd());
      return PgOutputMessage(std::move(m));
    }
    case 'S': {
      if (!streaming_allowed) return r.Error("Stream Start with protocol version 1");
      if (in_stream_) return r.Error("Stream Start inside a streamed block");
      StreamStartMessage m;
      uint8_t first = 0;
      SY_RETURN_IF_ERROR(r.ReadU32("xid", &m.xid));
      SY_RETURN_IF_ERROR(r.ReadU8("first-segment flag", &first));
      SY_RETURN_IF_ERROR(r.ExpectEnd());
      m.first_segment = first == 1;
      in_stream_ = true;
      return PgOutputMessage(m);
    }
    case 'E': {
      if (!streaming_allowed) return r.Error("Stream Stop with protocol version 1");
      if (!in_stream_) return r.Error("Stream Stop outside a streamed block");
      SY_RETURN_IF_ERROR(r.ExpectEnd());
      in_stream_ = false;
      return PgOutputMessage(StreamStopMessage{});
    }
    case 'c': {
      if (!streaming_allowed) return r.Error("Stream Commit with protocol version 1");
      if (in_stream_) return r.Error("Stream Commit inside a streamed block");
      StreamCommitMessage m;
      SY_RETURN_IF_ERROR(r.ReadU32("xid", &m.xid));
      SY_RETURN_IF_ERROR(r.ReadU8("flags", &m.flags));
      SY_RETURN_IF_ERROR(ReadLsn(r, "commit LSN", &m.commit_lsn));
      SY_RETURN_IF_ERROR(ReadLsn(r, "end LSN", &m.end_lsn));
      SY_RETURN_IF_ERROR(r.ReadI64("commit timestamp", &m.commit_time_us));
      SY_RETURN_IF_ERROR(r.ExpectEnd());
      return PgOutputMessage(m);
    }
    case 'A': {
      if (!streaming_allowed) return r.Error("Stream Abort with protocol version 1");
      if (in_stream_) return r.Error("Stream Abort inside a streamed block");
      StreamAbortMessage m;
      SY_RETURN_IF_ERROR(r.ReadU32("xid", &m.xid));
      SY_RETURN_IF_ERROR(r.ReadU32("subtransaction xid", &m.subxid));
      SY_RETURN_IF_ERROR(r.ExpectEnd());
      return PgOutputMessage(m);
    }
    default:
      return Status::Internal(
          "pgoutput: unknown message type byte " + std::to_string(static_cast<int>(type)) +
          " at offset 0 (message length " + std::to_string(payload.size()) + ")");
  }
}

}  // namespace switchyard::endpoints::postgres::replication
