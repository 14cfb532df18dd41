// The replication protocol pieces that need no server: LSN text, the CopyData framing ('w',
// 'k', 'r') and the START_REPLICATION command text (slot-name checks, publication quoting).
#include <gtest/gtest.h>

#include <string>

#include "engine/endpoints/postgres/replication/lsn.h"
#include "engine/endpoints/postgres/replication/replication_connection.h"
#include "engine/endpoints/postgres/replication/replication_frame.h"

namespace switchyard::endpoints::postgres::replication {
namespace {

std::string BigEndian(uint64_t v, int size) {
  std::string out;
  for (int i = size - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  return out;
}

TEST(Lsn, ParsesAndFormatsLikePostgres) {
  auto lsn = Lsn::Parse("16/B374D848");
  ASSERT_TRUE(lsn.ok());
  EXPECT_EQ(lsn->value(), 0x16B374D848ULL);
  EXPECT_EQ(lsn->ToString(), "16/B374D848");
  EXPECT_EQ(Lsn::Parse("0/0")->value(), 0u);
  EXPECT_EQ(Lsn(0).ToString(), "0/0");
  EXPECT_EQ(Lsn::Parse("ffffffff/ffffffff")->ToString(), "FFFFFFFF/FFFFFFFF");
  EXPECT_EQ(Lsn(0x100000000ULL).ToString(), "1/0");
  EXPECT_LT(Lsn(1), Lsn(2));
}

TEST(Lsn, RejectsMalformedText) {
  for (const char* bad :
       {"", "/", "0/", "/0", "12345", "0/123456789", "g/0", "0/0/0", " 0/0", "-1/0"}) {
    auto lsn = Lsn::Parse(bad);
    EXPECT_FALSE(lsn.ok()) << bad;
    if (!lsn.ok()) {
      EXPECT_EQ(lsn.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

TEST(ReplicationFrame, XLogDataHeaderAndPayload) {
  std::string bytes = "w" + BigEndian(0x10, 8) + BigEndian(0x20, 8) + BigEndian(5, 8) + "Bxyz";
  auto frame = ParseReplicationFrame(bytes);
  ASSERT_TRUE(frame.ok()) << frame.status().ToString();
  const auto& data = std::get<XLogData>(*frame);
  EXPECT_EQ(data.wal_start, Lsn(0x10));
  EXPECT_EQ(data.wal_end, Lsn(0x20));
  EXPECT_EQ(data.send_time_us, 5);
  EXPECT_EQ(data.payload, "Bxyz");
}

TEST(ReplicationFrame, KeepaliveWithAndWithoutReplyRequest) {
  std::string base = "k" + BigEndian(0xABCDEF, 8) + BigEndian(77, 8);
  auto asks = ParseReplicationFrame(base + std::string(1, '\1'));
  ASSERT_TRUE(asks.ok());
  EXPECT_TRUE(std::get<PrimaryKeepalive>(*asks).reply_requested);
  EXPECT_EQ(std::get<PrimaryKeepalive>(*asks).wal_end, Lsn(0xABCDEF));
  auto quiet = ParseReplicationFrame(base + std::string(1, '\0'));
  ASSERT_TRUE(quiet.ok());
  EXPECT_FALSE(std::get<PrimaryKeepalive>(*quiet).reply_requested);
}

TEST(ReplicationFrame, TruncatedOverlongAndUnknownFramesAreInternalErrors) {
  std::string keepalive = "k" + BigEndian(1, 8) + BigEndian(2, 8) + std::string(1, '\0');
  for (size_t n = 0; n < keepalive.size(); ++n) {
    auto frame = ParseReplicationFrame(keepalive.substr(0, n));
    EXPECT_FALSE(frame.ok()) << n;
    if (!frame.ok()) {
      EXPECT_EQ(frame.status().code(), StatusCode::kInternal);
      EXPECT_NE(frame.status().message().find("offset"), std::string::npos);
    }
  }
  EXPECT_FALSE(ParseReplicationFrame(keepalive + "x").ok());
  std::string xlog = "w" + BigEndian(1, 8) + BigEndian(2, 8) + BigEndian(3, 8);
  for (size_t n = 0; n < xlog.size(); ++n)
    EXPECT_FALSE(ParseReplicationFrame(xlog.substr(0, n)).ok());
  EXPECT_TRUE(ParseReplicationFrame(xlog).ok());  // an empty payload is still a frame
  auto unknown = ParseReplicationFrame("q123");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown message type"), std::string::npos);
}

TEST(ReplicationFrame, StandbyStatusUpdateLayout) {
  StandbyStatusUpdate update;
  update.written = Lsn(0x0102030405060708ULL);
  update.flushed = Lsn(0x10);
  update.applied = Lsn(0x20);
  update.client_time_us = 0x30;
  update.reply_requested = true;
  std::string expected = "r" + BigEndian(0x0102030405060708ULL, 8) + BigEndian(0x10, 8) +
                         BigEndian(0x20, 8) + BigEndian(0x30, 8) + std::string(1, '\1');
  EXPECT_EQ(EncodeStandbyStatusUpdate(update), expected);
  EXPECT_EQ(expected.size(), 34u);
}

TEST(StartReplicationCommand, QuotesPublicationsAsIdentifierListInsideALiteral) {
  StreamOptions options;
  options.publication_names = {"pub", "Odd \"name\"", "it's"};
  auto command = BuildStartReplicationCommand("sy_slot_1", Lsn(0x1234ABCD), options);
  ASSERT_TRUE(command.ok()) << command.status().ToString();
  EXPECT_EQ(*command,
            "START_REPLICATION SLOT sy_slot_1 LOGICAL 0/1234ABCD (proto_version '2', "
            "publication_names '\"pub\",\"Odd \"\"name\"\"\",\"it''s\"', messages 'true', "
            "streaming 'on')");
  options.streaming = false;
  options.messages = false;
  options.proto_version = 1;
  options.publication_names = {"p"};
  EXPECT_EQ(*BuildStartReplicationCommand("s", Lsn(), options),
            "START_REPLICATION SLOT s LOGICAL 0/0 (proto_version '1', publication_names '\"p\"')");
}

TEST(StartReplicationCommand, RejectsBadSlotNamesAndOptions) {
  StreamOptions options;
  options.publication_names = {"p"};
  for (const char* bad : {"", "Upper", "has space", "x;DROP", "slot\"", "a-b"}) {
    auto command = BuildStartReplicationCommand(bad, Lsn(), options);
    EXPECT_FALSE(command.ok()) << bad;
    if (!command.ok()) {
      EXPECT_EQ(command.status().code(), StatusCode::kInvalidArgument);
    }
  }
  EXPECT_FALSE(BuildStartReplicationCommand(std::string(64, 'a'), Lsn(), options).ok());
  EXPECT_TRUE(BuildStartReplicationCommand(std::string(63, 'a'), Lsn(), options).ok());
  StreamOptions none;
  EXPECT_FALSE(BuildStartReplicationCommand("s", Lsn(), none).ok());
  StreamOptions v1_streaming;
  v1_streaming.publication_names = {"p"};
  v1_streaming.proto_version = 1;
  EXPECT_FALSE(BuildStartReplicationCommand("s", Lsn(), v1_streaming).ok());
  StreamOptions nul;
  nul.publication_names = {std::string("a\0b", 3)};
  EXPECT_FALSE(BuildStartReplicationCommand("s", Lsn(), nul).ok());
}

}  // namespace
}  // namespace switchyard::endpoints::postgres::replication
