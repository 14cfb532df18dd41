// PostgreSQL logical replication against the throwaway PostgreSQL 15 server: exported-snapshot
// hand-off, pgoutput values compared with `SELECT col::text`, unchanged TOAST, replica identity
// FULL, logical messages, streamed large transactions, keepalives, flush feedback and resume,
// and dropped slots.
//
// Every test uses its own sy_pgrepl_* database and slot, and a SlotGuard drops the slot even
// when the test fails (a leftover slot pins WAL on the shared server). At most one slot per test
// is alive at a time. Tests wait for a marker message (pg_logical_emit_message, non-
// transactional, emitted after the changes) rather than sleeping.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/endpoints/postgres/pg_connection.h"
#include "engine/endpoints/postgres/replication/pgoutput_decoder.h"
#include "engine/endpoints/postgres/replication/replication_connection.h"
#include "tests/support/pg_slots.h"
#include "tests/support/servers.h"

namespace switchyard::endpoints::postgres::replication {
namespace {

using switchyard::testing::ExecOrDie;
using switchyard::testing::SlotGuard;
using Value = std::optional<std::string>;
using Row = std::vector<Value>;
using Clock = std::chrono::steady_clock;

constexpr const char* kMarkerPrefix = "sy_test_marker";

std::unique_ptr<PgConnection> OpenSql(const ConnectionParams& params) {
  auto conn = PgConnection::Open(params);
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  return conn.ok() ? std::move(conn).value() : nullptr;
}

std::unique_ptr<ReplicationConnection> ConnectReplication(
    const ConnectionParams& params, const ReplicationSessionOptions& options = {}) {
  auto conn = ReplicationConnection::Open(params, options);
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  return conn.ok() ? std::move(conn).value() : nullptr;
}

std::vector<Row> QueryRows(PgConnection& conn, const std::string& sql) {
  auto rows = conn.Query(sql);
  EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
  return rows.ok() ? *rows : std::vector<Row>{};
}

ConnectionParams FreshDatabase(const std::string& name) {
  return switchyard::testing::FreshDatabaseWithoutSlots(name);
}

Row TupleAsRow(const TupleData& tuple) {
  Row row;
  for (const TupleValue& value : tuple) {
    switch (value.kind) {
      case TupleValueKind::kNull:
        row.emplace_back(std::nullopt);
        break;
      case TupleValueKind::kText:
      case TupleValueKind::kBinary:
        row.emplace_back(value.bytes);
        break;
      case TupleValueKind::kUnchangedToast:
        row.emplace_back("<unchanged toast>");
        break;
    }
  }
  return row;
}

// A streaming session: decodes every frame, answers keepalives that ask for a reply (flush
// stays at whatever the test set: never advanced implicitly), and keeps decoded messages.
class Stream {
 public:
  explicit Stream(std::unique_ptr<ReplicationConnection> conn) : conn_(std::move(conn)) {}

  ReplicationConnection& conn() { return *conn_; }
  std::vector<PgOutputMessage>& messages() { return messages_; }
  int reply_requests() const { return reply_requests_; }
  Lsn last_wal_end() const { return last_wal_end_; }
  void set_answer_keepalives(bool answer) { answer_keepalives_ = answer; }

  Status Start(const std::string& slot, Lsn start, std::vector<std::string> publications) {
    StreamOptions options;
    options.publication_names = std::move(publications);
    return conn_->StartReplication(slot, start, options);
  }

  // Reads until `done` holds for a received message or `limit` passes (then fails).
  Status ReadUntil(const std::function<bool(const PgOutputMessage&)>& done,
                   std::chrono::seconds limit = std::chrono::seconds(30)) {
    auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      SY_ASSIGN_OR_RETURN(ReceivedFrame frame, conn_->Receive(std::chrono::milliseconds(200)));
      if (auto* keepalive = std::get_if<PrimaryKeepalive>(&frame)) {
        last_wal_end_ = std::max(last_wal_end_, keepalive->wal_end);
        if (keepalive->reply_requested) {
          ++reply_requests_;
          if (answer_keepalives_) SY_RETURN_IF_ERROR(SendFeedback());
        }
        if (done_on_reply_request_ && keepalive->reply_requested) return Status::Ok();
        continue;
      }
      auto* data = std::get_if<XLogData>(&frame);
      if (data == nullptr) continue;
      last_wal_end_ = std::max(last_wal_end_, data->wal_end);
      SY_ASSIGN_OR_RETURN(PgOutputMessage message, decoder_.Decode(data->payload));
      messages_.push_back(message);
      if (done(message)) return Status::Ok();
    }
    return Status::Internal("the expected message did not arrive in time");
  }

  Status ReadUntilMarker(const std::string& token) {
    return ReadUntil([&](const PgOutputMessage& m) {
      auto* message = std::get_if<LogicalMessage>(&m);
      return message != nullptr && message->prefix == kMarkerPrefix && message->content == token;
    });
  }

  // Waits for `count` more keepalives that request a reply.
  Status ReadReplyRequests(int count, std::chrono::seconds limit) {
    done_on_reply_request_ = true;
    int target = reply_requests_ + count;
    Status status;
    while (status.ok() && reply_requests_ < target) {
      status = ReadUntil([](const PgOutputMessage&) { return false; }, limit);
    }
    done_on_reply_request_ = false;
    return status;
  }

  // Reports written = last WAL end seen, flushed/applied = `flushed_` (set by the test).
  Status SendFeedback() {
    StandbyStatusUpdate update;
    update.written = last_wal_end_;
    update.flushed = flushed_;
    update.applied = flushed_;
    return conn_->SendStatusUpdate(update);
  }
  void set_flushed(Lsn lsn) { flushed_ = lsn; }

  template <typename T>
  std::vector<T> All() const {
    std::vector<T> out;
    for (const auto& m : messages_) {
      if (auto* typed = std::get_if<T>(&m)) out.push_back(*typed);
    }
    return out;
  }

  const PgOutputDecoder& decoder() const { return decoder_; }

 private:
  std::unique_ptr<ReplicationConnection> conn_;
  PgOutputDecoder decoder_{2};
  std::vector<PgOutputMessage> messages_;
  Lsn last_wal_end_;
  Lsn flushed_;
  int reply_requests_ = 0;
  bool answer_keepalives_ = true;
  bool done_on_reply_request_ = false;
};

void EmitMarker(PgConnection& conn, const std::string& token) {
  auto result = conn.ExecParams("SELECT pg_logical_emit_message(false, $1, $2)",
                                {kMarkerPrefix, token}, PGRES_TUPLES_OK, "marker");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
}

std::vector<std::string> InsertedIds(const Stream& stream, uint32_t relation_oid) {
  std::vector<std::string> ids;
  for (const auto& insert : stream.All<InsertMessage>()) {
    if (insert.relation_oid == relation_oid) ids.push_back(insert.new_tuple.at(0).bytes);
  }
  return ids;
}

uint32_t RelationOid(PgConnection& conn, const std::string& table) {
  auto rows = QueryRows(conn, "SELECT " + conn.QuoteLiteral(table) + "::regclass::oid::text");
  return rows.empty() ? 0 : static_cast<uint32_t>(std::stoul(*rows[0][0]));
}

TEST(PgReplication, ExportedSnapshotSeesExactlyPreSlotRowsAndStreamCarriesTheRest) {
  ConnectionParams params = FreshDatabase("sy_pgrepl_snapshot");
  ExecOrDie(params,
            "CREATE TABLE items (id int PRIMARY KEY, v text);\n"
            "INSERT INTO items SELECT g, 'v' || g FROM generate_series(1, 3) g;\n"
            "CREATE PUBLICATION sy_pub FOR TABLE items");
  const std::string slot = "sy_pgrepl_snapshot_slot";
  SlotGuard guard(params, slot);
  auto repl = ConnectReplication(params);
  ASSERT_TRUE(repl);

  auto identity = repl->IdentifySystem();
  ASSERT_TRUE(identity.ok()) << identity.status().ToString();
  EXPECT_FALSE(identity->system_id.empty());
  EXPECT_GE(identity->timeline, 1u);
  EXPECT_FALSE(identity->wal_flush_position.is_zero());
  EXPECT_EQ(identity->database, "sy_pgrepl_snapshot");

  auto created = repl->CreateLogicalSlot(slot, SnapshotAction::kExport);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->slot_name, slot);
  EXPECT_EQ(created->output_plugin, "pgoutput");
  EXPECT_FALSE(created->snapshot_name.empty());
  EXPECT_GE(created->consistent_point, identity->wal_flush_position);

  auto writer = OpenSql(params);
  auto reader = OpenSql(params);
  ASSERT_TRUE(writer && reader);
  // Committed after the slot's consistent point: not in the snapshot, but in the stream.
  ASSERT_TRUE(writer->Execute("INSERT INTO items VALUES (4, 'after slot')").ok());

  // Import before the replication connection runs anything else.
  ASSERT_TRUE(reader->Execute("BEGIN ISOLATION LEVEL REPEATABLE READ").ok());
  Status imported =
      reader->Execute("SET TRANSACTION SNAPSHOT " + reader->QuoteLiteral(created->snapshot_name));
  ASSERT_TRUE(imported.ok()) << imported.ToString();
  auto snapshot_rows = QueryRows(*reader, "SELECT id::text FROM items ORDER BY id");
  ASSERT_TRUE(reader->Execute("COMMIT").ok());
  EXPECT_EQ(snapshot_rows, (std::vector<Row>{{"1"}, {"2"}, {"3"}}));

  auto state = ReadSlotState(*writer, slot);
  ASSERT_TRUE(state.ok() && state->has_value()) << state.status().ToString();
  EXPECT_EQ((*state)->plugin, "pgoutput");
  EXPECT_EQ((*state)->slot_type, "logical");
  EXPECT_EQ((*state)->database, "sy_pgrepl_snapshot");
  EXPECT_EQ((*state)->confirmed_flush_lsn, std::optional<Lsn>(created->consistent_point));
  EXPECT_TRUE((*state)->restart_lsn.has_value());
  EXPECT_EQ((*state)->wal_status, "reserved");
  EXPECT_FALSE((*state)->active);

  Stream stream(std::move(repl));
  Status started = stream.Start(slot, created->consistent_point, {"sy_pub"});
  ASSERT_TRUE(started.ok()) << started.ToString();
  ASSERT_TRUE(writer->Execute("INSERT INTO items VALUES (5, 'while streaming')").ok());
  EmitMarker(*writer, "done");
  Status read = stream.ReadUntilMarker("done");
  ASSERT_TRUE(read.ok()) << read.ToString();
  EXPECT_EQ(InsertedIds(stream, RelationOid(*writer, "items")),
            (std::vector<std::string>{"4", "5"}));

  state = ReadSlotState(*writer, slot);
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_TRUE((*state)->active);
  EXPECT_TRUE((*state)->active_pid.has_value());
  EXPECT_TRUE(stream.conn().StopReplication().ok());
}

TEST(PgReplication, TextValuesOfManyTypesEqualSelectTextAndTruncateCarriesItsOptions) {
  ConnectionParams params = FreshDatabase("sy_pgrepl_types");
  ExecOrDie(params,
            "CREATE TABLE typed (id int PRIMARY KEY, i int, big bigint, n numeric(20,6), t text, "
            "b bytea, ts timestamptz, tsz timestamp, d date, iv interval, j jsonb, ai int[], "
            "at text[], f float8, r real, bo boolean, u uuid, nul text);\n"
            "CREATE TABLE parent (id serial PRIMARY KEY);\n"
            "CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent(id));\n"
            "CREATE PUBLICATION sy_pub FOR TABLE typed, parent, child");
  const std::string slot = "sy_pgrepl_types_slot";
  SlotGuard guard(params, slot);
  auto repl = ConnectReplication(params);
  ASSERT_TRUE(repl);
  auto created = repl->CreateLogicalSlot(slot, SnapshotAction::kNothing);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_TRUE(created->snapshot_name.empty());
  Stream stream(std::move(repl));
  ASSERT_TRUE(stream.Start(slot, created->consistent_point, {"sy_pub"}).ok());

  auto writer = OpenSql(params);
  ASSERT_TRUE(writer);
  ExecOrDie(params,
            "INSERT INTO typed VALUES (1, 42, 9223372036854775807, 12345678901234.123456, "
            "E'tab\\there\\nnew line\\\\backslash \\r cr 😀 \"dq\" ''sq''', "
            "'\\x00ff5c0a0d'::bytea, '2024-02-29 23:59:59.123456+05:30', "
            "'1999-12-31 23:59:59.5', '2024-01-01', '1 year 2 mons 3 days 04:05:06.789', "
            "'{\"a\": [1, 2.50, \"x\\ny\"], \"b\": null, \"é\": \"😀\"}', '{1,NULL,3}', "
            "ARRAY['a b', 'c\"d', 'e\\f', NULL, '', 'NULL'], 0.1, 1.5e-7, true, "
            "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', NULL);\n"
            "INSERT INTO typed (id) VALUES (2);\n"
            "INSERT INTO typed VALUES (3, -2147483648, -1, 'NaN', '', '\\x'::bytea, 'infinity', "
            "'-infinity', '0001-01-01 BC', '-1 days', '[]', '{}', '{}', 'NaN', '-Infinity', "
            "false, '00000000-0000-0000-0000-000000000000', NULL)");
  // Values must equal the types' output functions (what COPY TO writes). `x::text` is that for
  // every type here except boolean, whose cast to text says "true" where boolout says "t".
  const std::string select_all =
      "SELECT id::text, i::text, big::text, n::text, t::text, b::text, ts::text, tsz::text, "
      "d::text, iv::text, j::text, ai::text, at::text, f::text, r::text, boolout(bo)::text, "
      "u::text, "
      "nul::text FROM typed ORDER BY id";
  std::vector<Row> inserted = QueryRows(*writer, select_all);
  ASSERT_EQ(inserted.size(), 3u);
  ExecOrDie(params, "UPDATE typed SET i = 43, t = E'changed\\tagain' WHERE id = 1");
  std::vector<Row> updated = QueryRows(*writer, select_all + " LIMIT 1");
  ExecOrDie(params,
            "DELETE FROM typed WHERE id = 2;\n"
            "INSERT INTO parent DEFAULT VALUES;\n"
            "INSERT INTO child VALUES (1, 1);\n"
            "TRUNCATE parent RESTART IDENTITY CASCADE;\n"
            "TRUNCATE child");
  EmitMarker(*writer, "done");
  Status read = stream.ReadUntilMarker("done");
  ASSERT_TRUE(read.ok()) << read.ToString();

  uint32_t typed_oid = RelationOid(*writer, "typed");
  const Relation* relation = stream.decoder().FindRelation(typed_oid);
  ASSERT_NE(relation, nullptr);
  EXPECT_EQ(relation->schema, "public");
  EXPECT_EQ(relation->name, "typed");
  EXPECT_EQ(relation->replica_identity, ReplicaIdentity::kDefault);
  ASSERT_EQ(relation->columns.size(), 18u);
  EXPECT_TRUE(relation->columns[0].is_key);
  EXPECT_FALSE(relation->columns[1].is_key);
  EXPECT_EQ(relation->columns[0].type_oid, 23u);    // int4
  EXPECT_EQ(relation->columns[3].type_oid, 1700u);  // numeric
  EXPECT_EQ(relation->columns[3].type_modifier, ((20 << 16) | 6) + 4);
  EXPECT_EQ(relation->columns[10].type_oid, 3802u);  // jsonb

  auto inserts = stream.All<InsertMessage>();
  std::vector<Row> decoded;
  for (const auto& insert : inserts) {
    if (insert.relation_oid == typed_oid) decoded.push_back(TupleAsRow(insert.new_tuple));
  }
  EXPECT_EQ(decoded, inserted);

  auto updates = stream.All<UpdateMessage>();
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].old_kind, OldTupleKind::kNone);
  EXPECT_EQ(TupleAsRow(updates[0].new_tuple), updated.at(0));

  auto deletes = stream.All<DeleteMessage>();
  ASSERT_EQ(deletes.size(), 1u);
  EXPECT_EQ(deletes[0].old_kind, OldTupleKind::kKey);
  Row key_only(18, std::nullopt);
  key_only[0] = "2";
  EXPECT_EQ(TupleAsRow(deletes[0].old_tuple), key_only);

  auto truncates = stream.All<TruncateMessage>();
  ASSERT_EQ(truncates.size(), 2u);
  EXPECT_TRUE(truncates[0].cascade);
  EXPECT_TRUE(truncates[0].restart_identity);
  std::vector<uint32_t> both = truncates[0].relation_oids;
  std::sort(both.begin(), both.end());
  std::vector<uint32_t> expected = {RelationOid(*writer, "parent"), RelationOid(*writer, "child")};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(both, expected);
  EXPECT_FALSE(truncates[1].cascade);
  EXPECT_FALSE(truncates[1].restart_identity);
  EXPECT_EQ(truncates[1].relation_oids, std::vector<uint32_t>{RelationOid(*writer, "child")});

  // Each DML transaction is framed by Begin/Commit with ascending end LSNs.
  auto commits = stream.All<CommitMessage>();
  EXPECT_EQ(commits.size(), stream.All<BeginMessage>().size());
  for (size_t i = 1; i < commits.size(); ++i) EXPECT_LT(commits[i - 1].end_lsn, commits[i].end_lsn);
}

TEST(PgReplication, UnchangedToastedValueIsDecodedAsUnchangedNeverNull) {
  ConnectionParams params = FreshDatabase("sy_pgrepl_toast");
  // EXTERNAL: stored out of line without compression, so 5 kB is certainly TOASTed.
  ExecOrDie(params,
            "CREATE TABLE toasty (id int PRIMARY KEY, note text, big text);\n"
            "ALTER TABLE toasty ALTER COLUMN big SET STORAGE EXTERNAL;\n"
            "CREATE TABLE toasty_full (id int PRIMARY KEY, note text, big text);\n"
            "ALTER TABLE toasty_full ALTER COLUMN big SET STORAGE EXTERNAL;\n"
            "ALTER TABLE toasty_full REPLICA IDENTITY FULL;\n"
            "CREATE PUBLICATION sy_pub FOR TABLE toasty, toasty_full");
  const std::string slot = "sy_pgrepl_toast_slot";
  SlotGuard guard(params, slot);
  auto repl = ConnectReplication(params);
  ASSERT_TRUE(repl);
  auto created = repl->CreateLogicalSlot(slot, SnapshotAction::kNothing);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  Stream stream(std::move(repl));
  ASSERT_TRUE(stream.Start(slot, created->consistent_point, {"sy_pub"}).ok());

  auto writer = OpenSql(params);
  ASSERT_TRUE(writer);
  const std::string big_expr =
      "(SELECT string_agg(md5(g::text), E'\\n') FROM generate_series(1, 160) g)";
  ExecOrDie(params, "INSERT INTO toasty VALUES (1, 'first', " + big_expr + ");\n" +
                        "INSERT INTO toasty_full VALUES (1, 'first', " + big_expr + ");\n" +
                        "UPDATE toasty SET note = 'second' WHERE id = 1;\n"
                        "UPDATE toasty_full SET note = 'second' WHERE id = 1;\n"
                        "UPDATE toasty SET big = big || 'x' WHERE id = 1");
  auto big_rows = QueryRows(*writer, "SELECT big FROM toasty_full WHERE id = 1");
  ASSERT_EQ(big_rows.size(), 1u);
  const std::string original_big = *big_rows[0][0];
  ASSERT_GT(original_big.size(), 5000u);
  EmitMarker(*writer, "done");
  ASSERT_TRUE(stream.ReadUntilMarker("done").ok());

  uint32_t toasty = RelationOid(*writer, "toasty");
  uint32_t toasty_full = RelationOid(*writer, "toasty_full");
  auto inserts = stream.All<InsertMessage>();
  ASSERT_EQ(inserts.size(), 2u);
  EXPECT_EQ(inserts[0].new_tuple[2].kind, TupleValueKind::kText);
  EXPECT_EQ(inserts[0].new_tuple[2].bytes, original_big);

  auto updates = stream.All<UpdateMessage>();
  ASSERT_EQ(updates.size(), 3u);
  // Default identity: big was not changed and not sent.
  EXPECT_EQ(updates[0].relation_oid, toasty);
  EXPECT_EQ(updates[0].new_tuple[1].bytes, "second");
  EXPECT_EQ(updates[0].new_tuple[2].kind, TupleValueKind::kUnchangedToast);
  EXPECT_TRUE(updates[0].new_tuple[2].bytes.empty());
  // FULL: the old row is logged de-toasted, the new tuple still says "unchanged".
  EXPECT_EQ(updates[1].relation_oid, toasty_full);
  EXPECT_EQ(updates[1].old_kind, OldTupleKind::kFull);
  EXPECT_EQ(updates[1].old_tuple[2].kind, TupleValueKind::kText);
  EXPECT_EQ(updates[1].old_tuple[2].bytes, original_big);
  EXPECT_EQ(updates[1].new_tuple[2].kind, TupleValueKind::kUnchangedToast);
  // A changed TOASTed value is sent in full.
  EXPECT_EQ(updates[2].new_tuple[2].kind, TupleValueKind::kText);
  EXPECT_EQ(updates[2].new_tuple[2].bytes, original_big + "x");
}

TEST(PgReplication, ReplicaIdentityFullSendsOldRowAndKeyChangesSendOldKey) {
  ConnectionParams params = FreshDatabase("sy_pgrepl_identity");
  ExecOrDie(params,
            "CREATE TABLE full_pk (id int PRIMARY KEY, v text);\n"
            "ALTER TABLE full_pk REPLICA IDENTITY FULL;\n"
            "CREATE TABLE no_pk (a int, b text);\n"
            "ALTER TABLE no_pk REPLICA IDENTITY FULL;\n"
            "CREATE TABLE keyed (id int PRIMARY KEY, v text);\n"
            "CREATE PUBLICATION sy_pub FOR TABLE full_pk, no_pk, keyed");
  const std::string slot = "sy_pgrepl_identity_slot";
  SlotGuard guard(params, slot);
  auto repl = ConnectReplication(params);
  ASSERT_TRUE(repl);
  auto created = repl->CreateLogicalSlot(slot, SnapshotAction::kNothing);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  Stream stream(std::move(repl));
  ASSERT_TRUE(stream.Start(slot, created->consistent_point, {"sy_pub"}).ok());
  auto writer = OpenSql(params);
  ASSERT_TRUE(writer);
  ExecOrDie(params,
            "INSERT INTO full_pk VALUES (1, 'old');\n"
            "UPDATE full_pk SET v = 'new' WHERE id = 1;\n"
            "DELETE FROM full_pk WHERE id = 1;\n"
            "INSERT INTO no_pk VALUES (7, 'x'), (7, 'x');\n"
            "UPDATE no_pk SET b = NULL WHERE ctid = (SELECT min(ctid) FROM no_pk);\n"
            "DELETE FROM no_pk WHERE b IS NULL;\n"
            "INSERT INTO keyed VALUES (1, 'k');\n"
            "UPDATE keyed SET id = 10 WHERE id = 1;\n"
            "UPDATE keyed SET v = 'same key' WHERE id = 10;\n"
            "DELETE FROM keyed WHERE id = 10");
  EmitMarker(*writer, "done");
  ASSERT_TRUE(stream.ReadUntilMarker("done").ok());

  uint32_t full_pk = RelationOid(*writer, "full_pk");
  uint32_t no_pk = RelationOid(*writer, "no_pk");
  uint32_t keyed = RelationOid(*writer, "keyed");
  const Relation* no_pk_rel = stream.decoder().FindRelation(no_pk);
  ASSERT_NE(no_pk_rel, nullptr);
  EXPECT_EQ(no_pk_rel->replica_identity, ReplicaIdentity::kFull);
  EXPECT_TRUE(no_pk_rel->columns[0].is_key);  // FULL: every column identifies the row
  EXPECT_TRUE(no_pk_rel->columns[1].is_key);

  std::vector<UpdateMessage> updates = stream.All<UpdateMessage>();
  std::vector<DeleteMessage> deletes = stream.All<DeleteMessage>();
  ASSERT_EQ(updates.size(), 4u);
  ASSERT_EQ(deletes.size(), 3u);

  EXPECT_EQ(updates[0].relation_oid, full_pk);
  EXPECT_EQ(updates[0].old_kind, OldTupleKind::kFull);
  EXPECT_EQ(TupleAsRow(updates[0].old_tuple), (Row{"1", "old"}));
  EXPECT_EQ(TupleAsRow(updates[0].new_tuple), (Row{"1", "new"}));
  EXPECT_EQ(deletes[0].old_kind, OldTupleKind::kFull);
  EXPECT_EQ(TupleAsRow(deletes[0].old_tuple), (Row{"1", "new"}));

  EXPECT_EQ(updates[1].relation_oid, no_pk);
  EXPECT_EQ(updates[1].old_kind, OldTupleKind::kFull);
  EXPECT_EQ(TupleAsRow(updates[1].old_tuple), (Row{"7", "x"}));
  EXPECT_EQ(TupleAsRow(updates[1].new_tuple), (Row{"7", std::nullopt}));
  EXPECT_EQ(deletes[1].relation_oid, no_pk);
  EXPECT_EQ(deletes[1].old_kind, OldTupleKind::kFull);
  EXPECT_EQ(TupleAsRow(deletes[1].old_tuple), (Row{"7", std::nullopt}));

  EXPECT_EQ(updates[2].relation_oid, keyed);
  EXPECT_EQ(updates[2].old_kind, OldTupleKind::kKey);  // the key changed
  EXPECT_EQ(TupleAsRow(updates[2].old_tuple), (Row{"1", std::nullopt}));
  EXPECT_EQ(TupleAsRow(updates[2].new_tuple), (Row{"10", "k"}));
  EXPECT_EQ(updates[3].old_kind, OldTupleKind::kNone);  // key unchanged: take it from new
  EXPECT_EQ(deletes[2].old_kind, OldTupleKind::kKey);
  EXPECT_EQ(TupleAsRow(deletes[2].old_tuple), (Row{"10", std::nullopt}));
}

TEST(PgReplication, LogicalMessagesKeepTheirTransactionalFlagAndPlace) {
  ConnectionParams params = FreshDatabase("sy_pgrepl_messages");
  ExecOrDie(params,
            "CREATE TABLE items (id int PRIMARY KEY);\n"
            "CREATE PUBLICATION sy_pub FOR TABLE items");
  const std::string slot = "sy_pgrepl_messages_slot";
  SlotGuard guard(params, slot);
  auto repl = ConnectReplication(params);
  ASSERT_TRUE(repl);
  auto created = repl->CreateLogicalSlot(slot, SnapshotAction::kNothing);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  Stream stream(std::move(repl));
  ASSERT_TRUE(stream.Start(slot, created->consistent_point, {"sy_pub"}).ok());
  auto writer = OpenSql(params);
  ASSERT_TRUE(writer);
  ExecOrDie(params,
            "BEGIN;\n"
            "INSERT INTO items VALUES (1);\n"
            "SELECT pg_logical_emit_message(true, 'sy_app', 'in txn');\n"
            "COMMIT;\n"
            "BEGIN;\n"
            "SELECT pg_logical_emit_message(true, 'sy_app', 'rolled back');\n"
            "ROLLBACK;\n"
            "SELECT pg_logical_emit_message(false, 'sy_app', '\\x00ff0a'::bytea)");
  EmitMarker(*writer, "done");
  ASSERT_TRUE(stream.ReadUntilMarker("done").ok());

  std::vector<std::string> sequence;
  for (const auto& m : stream.messages()) {
    if (std::holds_alternative<BeginMessage>(m)) sequence.push_back("B");
    if (std::holds_alternative<InsertMessage>(m)) sequence.push_back("I");
    if (std::holds_alternative<CommitMessage>(m)) sequence.push_back("C");
    if (auto* message = std::get_if<LogicalMessage>(&m); message && message->prefix == "sy_app") {
      sequence.push_back(std::string(message->transactional ? "Mt:" : "Mn:") + message->content);
    }
  }
  EXPECT_EQ(sequence,
            (std::vector<std::string>{"B", "I", "Mt:in txn", "C", std::string("Mn:\0\xff\n", 6)}));
}

TEST(PgReplication, LargeTransactionArrivesInStreamChunksAndAbortedOneAsStreamAbort) {
  ConnectionParams params = FreshDatabase("sy_pgrepl_stream");
  ExecOrDie(params,
            "CREATE TABLE bulk (id int PRIMARY KEY, pad text);\n"
            "CREATE PUBLICATION sy_pub FOR TABLE bulk");
  const std::string slot = "sy_pgrepl_stream_slot";
  SlotGuard guard(params, slot);
  // The smallest allowed memory budget for this walsender, so a few hundred kB stream.
  ReplicationSessionOptions options;
  options.settings = {{"logical_decoding_work_mem", "64kB"}};
  auto repl = ConnectReplication(params, options);
  ASSERT_TRUE(repl);
  auto created = repl->CreateLogicalSlot(slot, SnapshotAction::kNothing);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  Stream stream(std::move(repl));
  ASSERT_TRUE(stream.Start(slot, created->consistent_point, {"sy_pub"}).ok());
  auto writer = OpenSql(params);
  ASSERT_TRUE(writer);
  constexpr int kRows = 4000;
  ExecOrDie(params, "INSERT INTO bulk SELECT g, repeat('p', 100) || g FROM generate_series(1, " +
                        std::to_string(kRows) + ") g");
  ExecOrDie(params,
            "BEGIN;\n"
            "INSERT INTO bulk SELECT g, repeat('r', 100) FROM generate_series(100001, 104000) g;\n"
            "ROLLBACK");
  EmitMarker(*writer, "done");
  Status read = stream.ReadUntilMarker("done");
  ASSERT_TRUE(read.ok()) << read.ToString();

  auto starts = stream.All<StreamStartMessage>();
  auto stops = stream.All<StreamStopMessage>();
  auto commits = stream.All<StreamCommitMessage>();
  auto aborts = stream.All<StreamAbortMessage>();
  EXPECT_TRUE(stream.All<BeginMessage>().empty());
  ASSERT_EQ(commits.size(), 1u);
  ASSERT_EQ(aborts.size(), 1u);
  EXPECT_EQ(aborts[0].xid, aborts[0].subxid);
  EXPECT_NE(aborts[0].xid, commits[0].xid);
  EXPECT_GE(starts.size(), 4u);  // several chunks per transaction
  EXPECT_EQ(starts.size(), stops.size());
  EXPECT_FALSE(commits[0].end_lsn.is_zero());
  int first_segments = 0;
  for (const auto& start : starts) first_segments += start.first_segment ? 1 : 0;
  EXPECT_EQ(first_segments, 2);  // one per transaction

  int committed_rows = 0;
  int aborted_rows = 0;
  for (const auto& insert : stream.All<InsertMessage>()) {
    ASSERT_TRUE(insert.xid.has_value());
    if (*insert.xid == commits[0].xid) {
      ++committed_rows;
      EXPECT_EQ(insert.new_tuple[1].bytes, std::string(100, 'p') + insert.new_tuple[0].bytes);
    } else if (*insert.xid == aborts[0].xid) {
      ++aborted_rows;
    }
  }
  EXPECT_EQ(committed_rows, kRows);
  // Only what was streamed before the abort arrives; all of it must be discarded by the reader.
  // How much that is depends on timing: a walsender that decodes the transaction after its
  // ROLLBACK (a busy machine) meets the abort on its first catalog lookup and streams an empty
  // chunk (seen once with 0 rows), so only the bound is certain.
  EXPECT_LE(aborted_rows, 4000);
}

TEST(PgReplication, KeepaliveReplyRequestsAnsweredKeepTheStreamAliveUnansweredDropIt) {
  ConnectionParams params = FreshDatabase("sy_pgrepl_keepalive");
  ExecOrDie(params,
            "CREATE TABLE items (id int PRIMARY KEY);\n"
            "CREATE PUBLICATION sy_pub FOR TABLE items");
  const std::string slot = "sy_pgrepl_keepalive_slot";
  SlotGuard guard(params, slot);
  ReplicationSessionOptions options;
  options.settings = {{"wal_sender_timeout", "2s"}};  // asks for a reply after 1 s of silence
  {
    auto repl = ConnectReplication(params, options);
    ASSERT_TRUE(repl);
    auto created = repl->CreateLogicalSlot(slot, SnapshotAction::kNothing);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    Stream stream(std::move(repl));
    ASSERT_TRUE(stream.Start(slot, created->consistent_point, {"sy_pub"}).ok());
    // Three requests answered span more than wal_sender_timeout: we were not dropped.
    Status replies = stream.ReadReplyRequests(3, std::chrono::seconds(10));
    ASSERT_TRUE(replies.ok()) << replies.ToString();
    auto writer = OpenSql(params);
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->Execute("INSERT INTO items VALUES (1)").ok());
    EmitMarker(*writer, "alive");
    Status alive = stream.ReadUntilMarker("alive");
    ASSERT_TRUE(alive.ok()) << alive.ToString();
    EXPECT_EQ(stream.All<InsertMessage>().size(), 1u);
    EXPECT_TRUE(stream.conn().StopReplication().ok());
  }
  {
    auto repl = ConnectReplication(params, options);
    ASSERT_TRUE(repl);
    Stream silent(std::move(repl));
    silent.set_answer_keepalives(false);
    ASSERT_TRUE(silent.Start(slot, Lsn(), {"sy_pub"}).ok());
    Status dropped =
        silent.ReadUntil([](const PgOutputMessage&) { return false; }, std::chrono::seconds(15));
    EXPECT_EQ(dropped.code(), StatusCode::kConnectionError) << dropped.ToString();
    EXPECT_GE(silent.reply_requests(), 1);
    EXPECT_FALSE(silent.conn().streaming());
  }
}

TEST(PgReplication, FlushFeedbackMovesConfirmedFlushExactlyAndResumeSkipsOnlyAcknowledgedWork) {
  ConnectionParams params = FreshDatabase("sy_pgrepl_resume");
  ExecOrDie(params,
            "CREATE TABLE items (id int PRIMARY KEY);\n"
            "CREATE PUBLICATION sy_pub FOR TABLE items");
  const std::string slot = "sy_pgrepl_resume_slot";
  SlotGuard guard(params, slot);
  auto writer = OpenSql(params);
  ASSERT_TRUE(writer);
  uint32_t items = RelationOid(*writer, "items");

  auto repl = ConnectReplication(params);
  ASSERT_TRUE(repl);
  auto created = repl->CreateLogicalSlot(slot, SnapshotAction::kNothing);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  std::vector<CommitMessage> commits;
  {
    Stream stream(std::move(repl));
    ASSERT_TRUE(stream.Start(slot, created->consistent_point, {"sy_pub"}).ok());
    for (int id = 1; id <= 3; ++id) {
      ASSERT_TRUE(writer->Execute("INSERT INTO items VALUES (" + std::to_string(id) + ")").ok());
    }
    EmitMarker(*writer, "first");
    ASSERT_TRUE(stream.ReadUntilMarker("first").ok());
    EXPECT_EQ(InsertedIds(stream, items), (std::vector<std::string>{"1", "2", "3"}));
    commits = stream.All<CommitMessage>();
    ASSERT_EQ(commits.size(), 3u);

    // Received everything, applied only the first transaction.
    stream.set_flushed(commits[0].end_lsn);
    ASSERT_TRUE(stream.SendFeedback().ok());
    EXPECT_EQ(stream.conn().last_flushed_sent(), commits[0].end_lsn);
    // Going backwards is refused before anything is sent.
    StandbyStatusUpdate backwards;
    backwards.flushed = created->consistent_point;
    EXPECT_EQ(stream.conn().SendStatusUpdate(backwards).code(), StatusCode::kInvalidArgument);

    // The server applies feedback asynchronously: wait (bounded) for the slot to show it.
    std::optional<Lsn> confirmed;
    auto deadline = Clock::now() + std::chrono::seconds(10);
    while (Clock::now() < deadline) {
      auto state = ReadSlotState(*writer, slot);
      ASSERT_TRUE(state.ok() && state->has_value()) << state.status().ToString();
      confirmed = (*state)->confirmed_flush_lsn;
      if (confirmed == commits[0].end_lsn) break;
      // Keep the stream serviced while waiting.
      ASSERT_TRUE(stream.conn().Receive(std::chrono::milliseconds(50)).ok());
    }
    EXPECT_EQ(confirmed, std::optional<Lsn>(commits[0].end_lsn));
    EXPECT_LT(*confirmed, commits[1].end_lsn);
    EXPECT_TRUE(stream.conn().StopReplication().ok());
  }

  // Still confirmed exactly there after the client went away.
  auto state = ReadSlotState(*writer, slot);
  ASSERT_TRUE(state.ok() && state->has_value());
  ASSERT_EQ((*state)->confirmed_flush_lsn, std::optional<Lsn>(commits[0].end_lsn));
  EXPECT_FALSE((*state)->active);

  // Resume from the confirmed LSN: 2 and 3 again (never acknowledged), then the new 4; not 1.
  ASSERT_TRUE(writer->Execute("INSERT INTO items VALUES (4)").ok());
  {
    Stream resumed(ConnectReplication(params));
    Status started = resumed.Start(slot, *(*state)->confirmed_flush_lsn, {"sy_pub"});
    ASSERT_TRUE(started.ok()) << started.ToString();
    EmitMarker(*writer, "second");
    ASSERT_TRUE(resumed.ReadUntilMarker("second").ok());
    EXPECT_EQ(InsertedIds(resumed, items), (std::vector<std::string>{"2", "3", "4"}));
    auto resumed_commits = resumed.All<CommitMessage>();
    ASSERT_EQ(resumed_commits.size(), 3u);
    EXPECT_EQ(resumed_commits[0].end_lsn, commits[1].end_lsn);
    EXPECT_TRUE(resumed.conn().StopReplication().ok());
  }

  // Asking for an older start (0/0) changes nothing: the server starts at confirmed_flush_lsn.
  {
    Stream again(ConnectReplication(params));
    ASSERT_TRUE(again.Start(slot, Lsn(), {"sy_pub"}).ok());
    EmitMarker(*writer, "third");
    ASSERT_TRUE(again.ReadUntilMarker("third").ok());
    EXPECT_EQ(InsertedIds(again, items), (std::vector<std::string>{"2", "3", "4"}));
    EXPECT_TRUE(again.conn().StopReplication().ok());
  }
}

TEST(PgReplication, DroppedOrMissingSlotIsReportedAsNotFoundNamingTheSlot) {
  ConnectionParams params = FreshDatabase("sy_pgrepl_dropped");
  ExecOrDie(params,
            "CREATE TABLE items (id int PRIMARY KEY);\n"
            "CREATE PUBLICATION sy_pub FOR TABLE items");
  const std::string slot = "sy_pgrepl_dropped_slot";
  SlotGuard guard(params, slot);
  auto writer = OpenSql(params);
  ASSERT_TRUE(writer);
  {
    auto repl = ConnectReplication(params);
    ASSERT_TRUE(repl);
    ASSERT_TRUE(repl->CreateLogicalSlot(slot, SnapshotAction::kNothing).ok());
    auto duplicate = repl->CreateLogicalSlot(slot, SnapshotAction::kNothing);
    ASSERT_FALSE(duplicate.ok());
    EXPECT_EQ(duplicate.status().code(), StatusCode::kDatabaseError);
    EXPECT_NE(duplicate.status().message().find("already exists"), std::string::npos)
        << duplicate.status().ToString();
    EXPECT_FALSE(repl->CreateLogicalSlot("Bad Name", SnapshotAction::kNothing).ok());
  }
  // Dropped behind our back (as an operator or a cleanup job would).
  ExecOrDie(params, "SELECT pg_drop_replication_slot('" + slot + "')");
  auto state = ReadSlotState(*writer, slot);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_FALSE(state->has_value());

  auto repl = ConnectReplication(params);
  ASSERT_TRUE(repl);
  StreamOptions options;
  options.publication_names = {"sy_pub"};
  Status started = repl->StartReplication(slot, Lsn(), options);
  EXPECT_EQ(started.code(), StatusCode::kNotFound) << started.ToString();
  EXPECT_NE(started.message().find(slot), std::string::npos) << started.ToString();
  EXPECT_NE(started.message().find("does not exist"), std::string::npos) << started.ToString();
  EXPECT_FALSE(repl->streaming());

  // The connection stays usable; DropSlot reports a missing slot the same way.
  Status dropped = repl->DropSlot(slot);
  EXPECT_EQ(dropped.code(), StatusCode::kNotFound) << dropped.ToString();
  ASSERT_TRUE(repl->CreateLogicalSlot(slot, SnapshotAction::kNothing).ok());
  EXPECT_TRUE(repl->DropSlot(slot).ok());
  state = ReadSlotState(*writer, slot);
  ASSERT_TRUE(state.ok());
  EXPECT_FALSE(state->has_value());
}

}  // namespace
}  // namespace switchyard::endpoints::postgres::replication
