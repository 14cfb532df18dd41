// Source positions order correctly, so a replayed transaction is recognised as already applied
// and never written twice — and positions that cannot be ordered are an error, not a guess.
#include <gtest/gtest.h>

#include "engine/pipeline/cdc/position.h"

namespace switchyard::pipeline::cdc {
namespace {

int Cmp(const char* a, const char* b) {
  auto r = ComparePositions(a, b);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : 99;
}

TEST(CdcPosition, PgLsnComparesNumericallyNotAsText) {
  EXPECT_EQ(Cmp("0/16B3748", "0/16B3748"), 0);
  EXPECT_EQ(Cmp("0/16B3748", "0/16B3749"), -1);
  EXPECT_EQ(Cmp("0/9", "0/10"), -1);  // text order would say "0/9" > "0/10"
  EXPECT_EQ(Cmp("1/0", "0/FFFFFFFF"), 1);
  EXPECT_EQ(Cmp("0/a", "0/A"), 0);
  EXPECT_EQ(Cmp("A/0", "9/FFFFFFFF"), 1);
}

TEST(CdcPosition, PgLsnParsesToTheSixtyFourBitValue) {
  auto p = ParsePosition("1/2");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->kind, ParsedPosition::Kind::kPgLsn);
  EXPECT_EQ(p->lsn, (uint64_t{1} << 32) | 2);
}

TEST(CdcPosition, BinlogComparesFileNumberThenOffset) {
  EXPECT_EQ(Cmp("binlog.000012:4711", "binlog.000012:4711"), 0);
  EXPECT_EQ(Cmp("binlog.000012:4711", "binlog.000012:4712"), -1);
  EXPECT_EQ(Cmp("binlog.000012:99999", "binlog.000013:4"), -1);
  EXPECT_EQ(Cmp("binlog.999999:4", "binlog.1000000:4"), -1);  // the sequence grows a digit
  EXPECT_EQ(Cmp("binlog.000012:900", "binlog.000012:1000"), -1);
}

TEST(CdcPosition, BinlogGtidSuffixIsKeptAndIgnoredForOrder) {
  auto p = ParsePosition("mysql-bin.000003:120 0-1-42");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->binlog_base, "mysql-bin");
  EXPECT_EQ(p->file_number, 3u);
  EXPECT_EQ(p->offset, 120u);
  EXPECT_EQ(p->gtid, "0-1-42");
  EXPECT_EQ(Cmp("mysql-bin.000003:120 0-1-42", "mysql-bin.000003:120"), 0);
}

TEST(CdcPosition, PositionsThatCannotBeOrderedAreErrors) {
  EXPECT_FALSE(ComparePositions("0/16B3748", "binlog.000001:4").ok());
  EXPECT_FALSE(ComparePositions("binlog.000001:4", "other.000001:4").ok());
  for (const char* bad : {"", "0/", "/1", "0/XYZ", "1/100000000", "binlog:4", "binlog.000001",
                          "binlog.000001:", "binlog.abc:4", "binlog.000001:-4"}) {
    EXPECT_FALSE(ParsePosition(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace switchyard::pipeline::cdc
