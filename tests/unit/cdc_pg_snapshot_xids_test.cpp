// A streamed PostgreSQL transaction is told held by a table's load snapshot, or not, from its
// xid alone: a wrong answer either follows a column change the load already has (and takes the
// target's columns back) or drops one it lacks.
#include <gtest/gtest.h>

#include "engine/pipeline/cdc/pg_snapshot_xids.h"

namespace switchyard::pipeline::cdc {
namespace {

bool Sees(const char* snapshot, uint32_t xid) {
  auto r = PgSnapshotSees(snapshot, xid);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() && *r;
}

TEST(CdcPgSnapshotXids, CommittedBeforeXminIsSeenInProgressAndFromXmaxOnAreNot) {
  EXPECT_TRUE(Sees("100:110:", 99));
  EXPECT_TRUE(Sees("100:110:", 105));  // between xmin and xmax, not listed: committed
  EXPECT_TRUE(Sees("100:110:103,107", 105));
  EXPECT_FALSE(Sees("100:110:103,107", 103));
  EXPECT_FALSE(Sees("100:110:103,107", 107));
  EXPECT_FALSE(Sees("100:110:103,107", 110));
  EXPECT_FALSE(Sees("100:110:103,107", 4000));
  EXPECT_FALSE(Sees("100:100:", 100));  // xmin == xmax: nothing in progress, 100 not yet begun
}

TEST(CdcPgSnapshotXids, ThirtyTwoBitXidsArePlacedInTheSnapshotsEpoch) {
  const uint64_t epoch = uint64_t{3} << 32;
  const std::string at_wrap = std::to_string(epoch + 4294967290u) + ":" +
                              std::to_string(epoch + (uint64_t{1} << 32) + 20) + ":" +
                              std::to_string(epoch + (uint64_t{1} << 32) + 5);
  EXPECT_TRUE(Sees(at_wrap.c_str(), 4294967280u));  // before xmin, same epoch
  EXPECT_TRUE(Sees(at_wrap.c_str(), 4294967295u));  // committed, same epoch
  EXPECT_TRUE(Sees(at_wrap.c_str(), 3));            // committed, the next epoch
  EXPECT_FALSE(Sees(at_wrap.c_str(), 5));           // in progress, the next epoch
  EXPECT_FALSE(Sees(at_wrap.c_str(), 25));          // after xmax, the next epoch
}

TEST(CdcPgSnapshotXids, AnythingButASnapshotIsAnError) {
  for (const char* bad : {"", "100", "100:110", "x:110:", "110:100:", "100:110:1,,2", "1/2"}) {
    EXPECT_FALSE(PgSnapshotSees(bad, 5).ok()) << bad;
  }
}

}  // namespace
}  // namespace switchyard::pipeline::cdc
