// PgOutputDecoder on hand-built pgoutput messages: every message kind of protocol 1 and 2,
// the streamed-block xid prefix, TupleData kinds ('u' stays distinct from NULL and empty), and
// malformed input — truncated at every length, bad markers, lengths past the end, tuples that
// do not match their Relation — which must fail with kInternal naming the offset, never read
// out of bounds.
#include "engine/endpoints/postgres/replication/pgoutput_decoder.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace switchyard::endpoints::postgres::replication {
namespace {

// Builds big-endian protocol bytes.
class Bytes {
 public:
  Bytes& U8(uint8_t v) {
    data_.push_back(static_cast<char>(v));
    return *this;
  }
  Bytes& Ch(char c) { return U8(static_cast<uint8_t>(c)); }
  Bytes& U16(uint16_t v) { return Int(v, 2); }
  Bytes& U32(uint32_t v) { return Int(v, 4); }
  Bytes& I32(int32_t v) { return Int(static_cast<uint32_t>(v), 4); }
  Bytes& U64(uint64_t v) { return Int(v, 8); }
  Bytes& Str(const std::string& s) {
    data_ += s;
    data_.push_back('\0');
    return *this;
  }
  Bytes& Raw(const std::string& s) {
    data_ += s;
    return *this;
  }
  Bytes& Text(const std::string& s) {
    Ch('t').I32(static_cast<int32_t>(s.size()));
    return Raw(s);
  }
  const std::string& str() const { return data_; }

 private:
  Bytes& Int(uint64_t v, int size) {
    for (int i = size - 1; i >= 0; --i) data_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    return *this;
  }
  std::string data_;
};

constexpr uint32_t kOid = 16385;

// Relation public.t (id int4 key, name text, big text), replica identity default.
std::string RelationBytes(std::optional<uint32_t> xid = std::nullopt) {
  Bytes b;
  b.Ch('R');
  if (xid) b.U32(*xid);
  b.U32(kOid).Str("public").Str("t").Ch('d').U16(3);
  b.U8(1).Str("id").U32(23).I32(-1);
  b.U8(0).Str("name").U32(25).I32(-1);
  b.U8(0).Str("big").U32(25).I32(-1);
  return b.str();
}

template <typename T>
T DecodeAs(PgOutputDecoder& decoder, const std::string& bytes) {
  auto result = decoder.Decode(bytes);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  if (!result.ok()) return T{};
  EXPECT_TRUE(std::holds_alternative<T>(*result)) << "variant index " << result->index();
  if (!std::holds_alternative<T>(*result)) return T{};
  return std::get<T>(*result);
}

PgOutputDecoder DecoderWithRelation() {
  PgOutputDecoder decoder(2);
  auto result = decoder.Decode(RelationBytes());
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return decoder;
}

void ExpectMalformed(PgOutputDecoder& decoder, const std::string& bytes,
                     const std::string& expected_fragment) {
  auto result = decoder.Decode(bytes);
  ASSERT_FALSE(result.ok()) << "decoded malformed bytes of length " << bytes.size();
  EXPECT_EQ(result.status().code(), StatusCode::kInternal) << result.status().ToString();
  EXPECT_NE(result.status().message().find("offset"), std::string::npos)
      << result.status().ToString();
  EXPECT_NE(result.status().message().find(expected_fragment), std::string::npos)
      << result.status().ToString();
}

TEST(PgOutputDecoder, BeginAndCommitCarryLsnsTimesAndXid) {
  PgOutputDecoder decoder;
  auto begin = DecodeAs<BeginMessage>(
      decoder, Bytes().Ch('B').U64(0x100000020ULL).U64(12345).U32(777).str());
  EXPECT_EQ(begin.final_lsn, Lsn(0x100000020ULL));
  EXPECT_EQ(begin.commit_time_us, 12345);
  EXPECT_EQ(begin.xid, 777u);

  auto commit =
      DecodeAs<CommitMessage>(decoder, Bytes().Ch('C').U8(0).U64(0x20).U64(0x48).U64(999).str());
  EXPECT_EQ(commit.commit_lsn, Lsn(0x20));
  EXPECT_EQ(commit.end_lsn, Lsn(0x48));
  EXPECT_EQ(commit.commit_time_us, 999);
}

TEST(PgOutputDecoder, OriginAndTypeAreDecodedAndTypesCached) {
  PgOutputDecoder decoder;
  auto origin = DecodeAs<OriginMessage>(decoder, Bytes().Ch('O').U64(0x55).Str("pg_16400").str());
  EXPECT_EQ(origin.origin_commit_lsn, Lsn(0x55));
  EXPECT_EQ(origin.name, "pg_16400");

  auto type =
      DecodeAs<TypeMessage>(decoder, Bytes().Ch('Y').U32(50000).Str("app").Str("mood").str());
  EXPECT_FALSE(type.xid.has_value());
  EXPECT_EQ(type.type_oid, 50000u);
  EXPECT_EQ(type.schema, "app");
  EXPECT_EQ(type.name, "mood");
  ASSERT_NE(decoder.FindType(50000), nullptr);
  EXPECT_EQ(decoder.FindType(50000)->name, "mood");
}

TEST(PgOutputDecoder, RelationIsCachedWithKeyFlagsTypesAndIdentity) {
  PgOutputDecoder decoder;
  auto message = DecodeAs<RelationMessage>(decoder, RelationBytes());
  EXPECT_EQ(message.relation.name, "t");
  const Relation* relation = decoder.FindRelation(kOid);
  ASSERT_NE(relation, nullptr);
  EXPECT_EQ(relation->schema, "public");
  EXPECT_EQ(relation->replica_identity, ReplicaIdentity::kDefault);
  ASSERT_EQ(relation->columns.size(), 3u);
  EXPECT_TRUE(relation->columns[0].is_key);
  EXPECT_EQ(relation->columns[0].name, "id");
  EXPECT_EQ(relation->columns[0].type_oid, 23u);
  EXPECT_FALSE(relation->columns[1].is_key);
  EXPECT_EQ(relation->columns[2].type_modifier, -1);

  // A re-sent Relation (schema change) replaces the cached one.
  Bytes changed;
  changed.Ch('R').U32(kOid).Str("public").Str("t").Ch('f').U16(1).U8(0).Str("id").U32(20).I32(-1);
  (void)DecodeAs<RelationMessage>(decoder, changed.str());
  EXPECT_EQ(decoder.FindRelation(kOid)->replica_identity, ReplicaIdentity::kFull);
  EXPECT_EQ(decoder.FindRelation(kOid)->columns.size(), 1u);
}

TEST(PgOutputDecoder, InsertKeepsNullUnchangedToastTextAndBinaryDistinct) {
  PgOutputDecoder decoder(2);
  (void)decoder.Decode(RelationBytes());
  Bytes b;
  b.Ch('I').U32(kOid).Ch('N').U16(3).Ch('n').Ch('u').Text("");
  auto insert = DecodeAs<InsertMessage>(decoder, b.str());
  EXPECT_FALSE(insert.xid.has_value());
  ASSERT_EQ(insert.new_tuple.size(), 3u);
  EXPECT_EQ(insert.new_tuple[0].kind, TupleValueKind::kNull);
  EXPECT_EQ(insert.new_tuple[1].kind, TupleValueKind::kUnchangedToast);
  EXPECT_EQ(insert.new_tuple[2].kind, TupleValueKind::kText);
  EXPECT_EQ(insert.new_tuple[2].bytes, "");

  Bytes bin;
  bin.Ch('I')
      .U32(kOid)
      .Ch('N')
      .U16(3)
      .Ch('b')
      .I32(2)
      .Raw(std::string("\0\x01", 2))
      .Text("a\tb\n\\")
      .Ch('n');
  auto second = DecodeAs<InsertMessage>(decoder, bin.str());
  EXPECT_EQ(second.new_tuple[0].kind, TupleValueKind::kBinary);
  EXPECT_EQ(second.new_tuple[0].bytes, std::string("\0\x01", 2));
  EXPECT_EQ(second.new_tuple[1].bytes, "a\tb\n\\");
}

TEST(PgOutputDecoder, UpdateWithoutOldTupleWithKeyAndWithFullOldRow) {
  PgOutputDecoder decoder(2);
  (void)decoder.Decode(RelationBytes());
  auto plain = DecodeAs<UpdateMessage>(
      decoder, Bytes().Ch('U').U32(kOid).Ch('N').U16(3).Text("1").Text("x").Ch('u').str());
  EXPECT_EQ(plain.old_kind, OldTupleKind::kNone);
  EXPECT_TRUE(plain.old_tuple.empty());
  EXPECT_EQ(plain.new_tuple[2].kind, TupleValueKind::kUnchangedToast);

  auto key = DecodeAs<UpdateMessage>(decoder, Bytes()
                                                  .Ch('U')
                                                  .U32(kOid)
                                                  .Ch('K')
                                                  .U16(3)
                                                  .Text("1")
                                                  .Ch('n')
                                                  .Ch('n')
                                                  .Ch('N')
                                                  .U16(3)
                                                  .Text("2")
                                                  .Text("x")
                                                  .Ch('u')
                                                  .str());
  EXPECT_EQ(key.old_kind, OldTupleKind::kKey);
  EXPECT_EQ(key.old_tuple[0].bytes, "1");
  EXPECT_EQ(key.new_tuple[0].bytes, "2");

  auto full = DecodeAs<UpdateMessage>(decoder, Bytes()
                                                   .Ch('U')
                                                   .U32(kOid)
                                                   .Ch('O')
                                                   .U16(3)
                                                   .Text("1")
                                                   .Text("old")
                                                   .Text("big")
                                                   .Ch('N')
                                                   .U16(3)
                                                   .Text("1")
                                                   .Text("new")
                                                   .Ch('u')
                                                   .str());
  EXPECT_EQ(full.old_kind, OldTupleKind::kFull);
  EXPECT_EQ(full.old_tuple[1].bytes, "old");
  EXPECT_EQ(full.old_tuple[2].bytes, "big");
}

TEST(PgOutputDecoder, DeleteWithKeyOrFullOldRow) {
  PgOutputDecoder decoder(2);
  (void)decoder.Decode(RelationBytes());
  auto key = DecodeAs<DeleteMessage>(
      decoder, Bytes().Ch('D').U32(kOid).Ch('K').U16(3).Text("7").Ch('n').Ch('n').str());
  EXPECT_EQ(key.old_kind, OldTupleKind::kKey);
  EXPECT_EQ(key.old_tuple[0].bytes, "7");
  auto full = DecodeAs<DeleteMessage>(
      decoder, Bytes().Ch('D').U32(kOid).Ch('O').U16(3).Text("7").Text("a").Text("b").str());
  EXPECT_EQ(full.old_kind, OldTupleKind::kFull);
  EXPECT_EQ(full.old_tuple[2].bytes, "b");
}

TEST(PgOutputDecoder, TruncateFlagsAndRelations) {
  PgOutputDecoder decoder(2);
  auto truncate = DecodeAs<TruncateMessage>(
      decoder, Bytes().Ch('T').U32(2).U8(3).U32(kOid).U32(kOid + 1).str());
  EXPECT_TRUE(truncate.cascade);
  EXPECT_TRUE(truncate.restart_identity);
  EXPECT_EQ(truncate.relation_oids, (std::vector<uint32_t>{kOid, kOid + 1}));
  auto plain = DecodeAs<TruncateMessage>(decoder, Bytes().Ch('T').U32(1).U8(0).U32(kOid).str());
  EXPECT_FALSE(plain.cascade);
  EXPECT_FALSE(plain.restart_identity);
}

TEST(PgOutputDecoder, LogicalMessageTransactionalFlagPrefixAndBinaryContent) {
  PgOutputDecoder decoder(2);
  std::string content("a\0b\xff", 4);
  auto message = DecodeAs<LogicalMessage>(
      decoder, Bytes().Ch('M').U8(1).U64(0x77).Str("sy").I32(4).Raw(content).str());
  EXPECT_TRUE(message.transactional);
  EXPECT_EQ(message.lsn, Lsn(0x77));
  EXPECT_EQ(message.prefix, "sy");
  EXPECT_EQ(message.content, content);
  auto plain =
      DecodeAs<LogicalMessage>(decoder, Bytes().Ch('M').U8(0).U64(0x78).Str("p").I32(0).str());
  EXPECT_FALSE(plain.transactional);
  EXPECT_EQ(plain.content, "");
}

TEST(PgOutputDecoder, StreamedBlockDataMessagesCarryTheXid) {
  PgOutputDecoder decoder(2);
  auto start = DecodeAs<StreamStartMessage>(decoder, Bytes().Ch('S').U32(900).U8(1).str());
  EXPECT_EQ(start.xid, 900u);
  EXPECT_TRUE(start.first_segment);
  EXPECT_TRUE(decoder.in_stream());

  auto relation = DecodeAs<RelationMessage>(decoder, RelationBytes(900));
  EXPECT_EQ(relation.xid, std::optional<uint32_t>(900));
  auto insert = DecodeAs<InsertMessage>(
      decoder, Bytes().Ch('I').U32(901).U32(kOid).Ch('N').U16(3).Text("1").Ch('n').Ch('n').str());
  EXPECT_EQ(insert.xid, std::optional<uint32_t>(901));  // a subtransaction's xid
  auto update = DecodeAs<UpdateMessage>(
      decoder, Bytes().Ch('U').U32(900).U32(kOid).Ch('N').U16(3).Text("1").Ch('n').Ch('u').str());
  EXPECT_EQ(update.xid, std::optional<uint32_t>(900));
  auto del = DecodeAs<DeleteMessage>(
      decoder, Bytes().Ch('D').U32(900).U32(kOid).Ch('K').U16(3).Text("1").Ch('n').Ch('n').str());
  EXPECT_EQ(del.xid, std::optional<uint32_t>(900));
  auto truncate =
      DecodeAs<TruncateMessage>(decoder, Bytes().Ch('T').U32(900).U32(1).U8(0).U32(kOid).str());
  EXPECT_EQ(truncate.xid, std::optional<uint32_t>(900));
  auto message = DecodeAs<LogicalMessage>(
      decoder, Bytes().Ch('M').U32(900).U8(1).U64(1).Str("p").I32(1).Raw("x").str());
  EXPECT_EQ(message.xid, std::optional<uint32_t>(900));
  auto type =
      DecodeAs<TypeMessage>(decoder, Bytes().Ch('Y').U32(900).U32(5).Str("s").Str("n").str());
  EXPECT_EQ(type.xid, std::optional<uint32_t>(900));

  (void)DecodeAs<StreamStopMessage>(decoder, Bytes().Ch('E').str());
  EXPECT_FALSE(decoder.in_stream());

  auto commit = DecodeAs<StreamCommitMessage>(
      decoder, Bytes().Ch('c').U32(900).U8(0).U64(0x500).U64(0x528).U64(42).str());
  EXPECT_EQ(commit.xid, 900u);
  EXPECT_EQ(commit.commit_lsn, Lsn(0x500));
  EXPECT_EQ(commit.end_lsn, Lsn(0x528));
  EXPECT_EQ(commit.commit_time_us, 42);

  auto abort = DecodeAs<StreamAbortMessage>(decoder, Bytes().Ch('A').U32(900).U32(901).str());
  EXPECT_EQ(abort.xid, 900u);
  EXPECT_EQ(abort.subxid, 901u);

  // Back outside the block: no xid prefix.
  auto plain = DecodeAs<InsertMessage>(
      decoder, Bytes().Ch('I').U32(kOid).Ch('N').U16(3).Text("1").Ch('n').Ch('n').str());
  EXPECT_FALSE(plain.xid.has_value());
}

TEST(PgOutputDecoder, EveryTruncationOfEveryValidMessageFailsCleanly) {
  std::vector<std::string> messages = {
      Bytes().Ch('B').U64(1).U64(2).U32(3).str(),
      Bytes().Ch('C').U8(0).U64(1).U64(2).U64(3).str(),
      Bytes().Ch('O').U64(1).Str("origin").str(),
      RelationBytes(),
      Bytes().Ch('Y').U32(5).Str("s").Str("n").str(),
      Bytes().Ch('I').U32(kOid).Ch('N').U16(3).Text("1").Text("abc").Ch('u').str(),
      Bytes()
          .Ch('U')
          .U32(kOid)
          .Ch('O')
          .U16(3)
          .Text("1")
          .Ch('n')
          .Ch('n')
          .Ch('N')
          .U16(3)
          .Text("2")
          .Ch('n')
          .Ch('u')
          .str(),
      Bytes().Ch('D').U32(kOid).Ch('K').U16(3).Text("1").Ch('n').Ch('n').str(),
      Bytes().Ch('T').U32(1).U8(1).U32(kOid).str(),
      Bytes().Ch('M').U8(1).U64(9).Str("p").I32(3).Raw("abc").str(),
      Bytes().Ch('S').U32(1).U8(1).str(),
      Bytes().Ch('c').U32(1).U8(0).U64(1).U64(2).U64(3).str(),
      Bytes().Ch('A').U32(1).U32(1).str(),
  };
  for (const std::string& message : messages) {
    for (size_t length = 0; length < message.size(); ++length) {
      PgOutputDecoder decoder = DecoderWithRelation();
      // Copy into an exactly-sized buffer so ASan catches any read past `length`.
      std::string truncated = message.substr(0, length);
      auto result = decoder.Decode(truncated);
      EXPECT_FALSE(result.ok()) << "type " << message[0] << " truncated to " << length;
      if (!result.ok()) {
        EXPECT_TRUE(result.status().code() == StatusCode::kInternal) << result.status().ToString();
        EXPECT_NE(result.status().message().find("offset"), std::string::npos)
            << result.status().ToString();
      }
    }
    PgOutputDecoder decoder = DecoderWithRelation();
    EXPECT_TRUE(decoder.Decode(message).ok()) << "type " << message[0];
  }
}

TEST(PgOutputDecoder, TrailingBytesAreRejected) {
  PgOutputDecoder decoder = DecoderWithRelation();
  ExpectMalformed(decoder, Bytes().Ch('B').U64(1).U64(2).U32(3).U8(0).str(), "trailing");
  ExpectMalformed(decoder,
                  Bytes().Ch('I').U32(kOid).Ch('N').U16(3).Ch('n').Ch('n').Ch('n').Ch('x').str(),
                  "trailing");
}

TEST(PgOutputDecoder, UnknownTypeAndColumnKindBytesAreRejected) {
  PgOutputDecoder decoder = DecoderWithRelation();
  ExpectMalformed(decoder, Bytes().Ch('Z').U32(1).str(), "unknown message type");
  ExpectMalformed(decoder, Bytes().Ch('I').U32(kOid).Ch('N').U16(3).Ch('n').Ch('x').Ch('n').str(),
                  "unknown column kind");
  ExpectMalformed(decoder, Bytes().Ch('I').U32(kOid).Ch('X').U16(3).Ch('n').Ch('n').Ch('n').str(),
                  "'N'");
  ExpectMalformed(decoder, Bytes().Ch('U').U32(kOid).Ch('Q').U16(3).Ch('n').Ch('n').Ch('n').str(),
                  "tuple marker");
  ExpectMalformed(decoder, Bytes().Ch('D').U32(kOid).Ch('N').U16(3).Ch('n').Ch('n').Ch('n').str(),
                  "tuple marker");
  ExpectMalformed(decoder, Bytes().Ch('R').U32(1).Str("s").Str("t").Ch('z').U16(0).str(),
                  "replica identity");
  auto empty = decoder.Decode("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), StatusCode::kInternal);
}

TEST(PgOutputDecoder, LengthsPastTheEndOrNegativeAreRejected) {
  PgOutputDecoder decoder = DecoderWithRelation();
  ExpectMalformed(
      decoder,
      Bytes().Ch('I').U32(kOid).Ch('N').U16(3).Ch('t').I32(1000).Raw("abc").Ch('n').Ch('n').str(),
      "truncated TupleData value");
  ExpectMalformed(decoder,
                  Bytes().Ch('I').U32(kOid).Ch('N').U16(3).Ch('t').I32(-5).Ch('n').Ch('n').str(),
                  "negative");
  ExpectMalformed(decoder, Bytes().Ch('I').U32(kOid).Ch('N').U16(0xFFFF).Ch('n').str(),
                  "truncated");
  ExpectMalformed(decoder, Bytes().Ch('M').U8(0).U64(1).Str("p").I32(0x7FFFFFFF).Raw("ab").str(),
                  "truncated content");
  ExpectMalformed(decoder, Bytes().Ch('M').U8(0).U64(1).Str("p").I32(-1).str(), "negative");
  ExpectMalformed(decoder, Bytes().Ch('T').U32(0x40000000).U8(0).U32(kOid).str(), "relation count");
  // A string without its NUL terminator.
  ExpectMalformed(decoder, Bytes().Ch('O').U64(1).Raw("no-terminator").str(), "NUL-terminated");
}

TEST(PgOutputDecoder, ChangesMustMatchAKnownRelation) {
  PgOutputDecoder fresh(2);
  ExpectMalformed(fresh, Bytes().Ch('I').U32(kOid).Ch('N').U16(1).Ch('n').str(),
                  "no Relation message");
  PgOutputDecoder decoder = DecoderWithRelation();
  ExpectMalformed(decoder, Bytes().Ch('I').U32(kOid).Ch('N').U16(2).Ch('n').Ch('n').str(),
                  "has 2 column(s)");
  ExpectMalformed(
      decoder,
      Bytes().Ch('U').U32(kOid).Ch('K').U16(1).Ch('n').Ch('N').U16(3).Ch('n').Ch('n').Ch('n').str(),
      "old tuple has 1");
  decoder.Reset();
  EXPECT_EQ(decoder.FindRelation(kOid), nullptr);
}

TEST(PgOutputDecoder, StreamBlocksMustNestProperly) {
  PgOutputDecoder decoder(2);
  ExpectMalformed(decoder, Bytes().Ch('E').str(), "outside a streamed block");
  (void)DecodeAs<StreamStartMessage>(decoder, Bytes().Ch('S').U32(1).U8(1).str());
  ExpectMalformed(decoder, Bytes().Ch('S').U32(1).U8(0).str(), "inside a streamed block");
  ExpectMalformed(decoder, Bytes().Ch('c').U32(1).U8(0).U64(1).U64(2).U64(3).str(),
                  "inside a streamed block");
  ExpectMalformed(decoder, Bytes().Ch('B').U64(1).U64(2).U32(3).str(), "inside a streamed block");
  // Protocol 1 has no streaming at all.
  PgOutputDecoder v1(1);
  ExpectMalformed(v1, Bytes().Ch('S').U32(1).U8(1).str(), "protocol version 1");
}

TEST(PgOutputDecoder, UnsupportedProtocolVersionIsRefused) {
  PgOutputDecoder decoder(4);
  auto result = decoder.Decode(Bytes().Ch('B').U64(1).U64(2).U32(3).str());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnsupported);
}

}  // namespace
}  // namespace switchyard::endpoints::postgres::replication
