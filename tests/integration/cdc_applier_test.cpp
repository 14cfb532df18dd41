// The CDC applier writes source transactions to PostgreSQL and MySQL targets exactly once:
// values land exactly (NULLs, empty strings, 0x00 bytes, quotes, backslashes, emoji, unsigned
// 64-bit numerics, timestamps, BIT), unchanged TOAST columns keep their value, keyless tables
// change one row of duplicates, a missing row or a rejected value rolls back the whole target
// transaction including the checkpoint (the strict applier; cdc_apply_exceptions_test.cpp covers
// ErrorBehavior), and a replayed position changes nothing.
#include <gtest/gtest.h>

#include <memory>

#include "tests/integration/cdc_applier_fixture.h"

namespace switchyard::testing {
namespace {

using namespace cdc_applier;  // NOLINT: the shared fixture

class CdcApplier : public CdcApplierFixture {};

TEST_P(CdcApplier, InsertUpdateDeleteTruncateLandValueForValue) {
  Open("values");
  const size_t m = AddMixed();
  auto a = MakeApplier();
  EXPECT_FALSE(Stored().has_value());

  ASSERT_TRUE(a->Apply(Txn(1, {Ins(m, {V("1"), V(kText), V(kBytes), V("18446744073709551615"),
                                       V("2024-02-29 23:59:59.123456"), V("10101"), V("d1")}),
                               Ins(m, {V("2"), V(""), V(""), V("0"),
                                       V("1970-01-01 00:00:00.000000"), V("00000"), V("")}),
                               Ins(m, {V("3"), N(), N(), N(), N(), N(), N()})}))
                  .ok());
  EXPECT_EQ(MixedRows(), (std::vector<endpoints::SqlRow>{
                             R({"1", kText, kBytesHex, "18446744073709551615",
                                "2024-02-29 23:59:59.123456", "10101", "d1"}),
                             R({"2", "", "", "0", "1970-01-01 00:00:00.000000", "00000", ""}),
                             R({"3", std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                                std::nullopt, std::nullopt})}));

  // Update by key (before holds only the key), null out a value, then delete row 2.
  Status st =
      a->Apply(Txn(2, {Upd(m, {V("3"), N(), N(), N(), N(), N(), N()},
                           {V("3"), V("x'y\\z"), V(std::string("\0", 1)), V("12345678901234567890"),
                            V("2000-01-01 12:00:00.5"), V("11111"), V("d3")}),
                       Upd(m, {},
                           {V("1"), N(), V(kBytes), V("18446744073709551615"),
                            V("2024-02-29 23:59:59.123456"), V("10101"), V("d1")}),
                       Del(m, {V("2"), N(), N(), N(), N(), N(), N()})}));
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(MixedRows(),
            (std::vector<endpoints::SqlRow>{R({"1", std::nullopt, kBytesHex, "18446744073709551615",
                                               "2024-02-29 23:59:59.123456", "10101", "d1"}),
                                            R({"3", "x'y\\z", "00", "12345678901234567890",
                                               "2000-01-01 12:00:00.500000", "11111", "d3"})}));
  EXPECT_EQ(a->stats().inserts, 3);
  EXPECT_EQ(a->stats().updates, 2);
  EXPECT_EQ(a->stats().deletes, 1);

  RowChange trunc{ChangeOp::kTruncate, m, {}, {}};
  ASSERT_TRUE(a->Apply(Txn(3, {trunc})).ok());
  EXPECT_TRUE(MixedRows().empty());
  auto c = Stored();
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->position.text, Pos(3));
  EXPECT_EQ(c->source_commit_time, FormatUtc(Txn(3, {}).commit_time));
  EXPECT_EQ(c->transactions_applied, 3);
}

TEST_P(CdcApplier, UnchangedToastColumnKeepsItsValue) {
  Open("toast");
  const size_t m = AddMixed();
  auto a = MakeApplier();
  const std::string big(300000, 'q');
  ASSERT_TRUE(
      a->Apply(Txn(1, {Ins(m, {V("7"), V("t"), V(kBytes), V("1"), N(), V("00001"), V(big)})}))
          .ok());
  Status st =
      a->Apply(Txn(2, {Upd(m, {}, {V("7"), V("changed"), U(), V("2"), N(), V("00010"), U()})}));
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto rows = MixedRows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][1], "changed");
  EXPECT_EQ(rows[0][2], kBytesHex);
  EXPECT_EQ(rows[0][3], "2");
  EXPECT_EQ(rows[0][5], "00010");
  EXPECT_EQ(rows[0][6], big);
  EXPECT_EQ(a->stats().unchanged_toast_updates, 1);
  // Only unchanged columns besides the key: nothing to write, row must still exist.
  ASSERT_TRUE(a->Apply(Txn(3, {Upd(m, {}, {V("7"), U(), U(), U(), U(), U(), U()})})).ok());
  EXPECT_EQ(MixedRows(), rows);
}

TEST_P(CdcApplier, KeylessTableChangesExactlyOneOfDuplicateRows) {
  Open("keyless");
  const size_t k =
      AddTable("nokey", {Col("a", "integer", "int"), Col("b", "text", "longtext")}, {});
  auto a = MakeApplier();
  const std::string t = catalog::QuoteQualified(engine(), schema_, "nokey");
  auto rows = [&] {
    return Rows("SELECT a, b FROM " + t + (pg() ? " ORDER BY a, b NULLS FIRST" : " ORDER BY a, b"));
  };
  ASSERT_TRUE(
      a->Apply(Txn(1, {Ins(k, {V("1"), V("dup")}), Ins(k, {V("1"), V("dup")}),
                       Ins(k, {V("1"), V("dup")}), Ins(k, {V("2"), N()}), Ins(k, {V("2"), N()})}))
          .ok());
  Status st = a->Apply(Txn(2, {Del(k, {V("1"), V("dup")}), Del(k, {V("2"), N()}),
                               Upd(k, {V("1"), V("dup")}, {V("1"), V("moved")})}));
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(rows(), (std::vector<endpoints::SqlRow>{R({"1", "dup"}), R({"1", "moved"}),
                                                    R({"2", std::nullopt})}));
  // A keyless update or delete without the full old row cannot be matched.
  st = a->Apply(Txn(3, {Del(k, {})}));
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
}

TEST_P(CdcApplier, MissingRowIsDataErrorAndRollsBackEverything) {
  Open("missing");
  const size_t m = AddMixed();
  auto a = MakeApplier();
  ASSERT_TRUE(a->Apply(Txn(1, {Ins(m, {V("1"), V("a"), N(), N(), N(), N(), N()})})).ok());
  const auto before_rows = MixedRows();

  for (const RowChange& bad : {Upd(m, {}, {V("99"), V("x"), N(), N(), N(), N(), N()}),
                               Del(m, {V("99"), N(), N(), N(), N(), N(), N()})}) {
    Status st =
        a->Apply(Txn(2, {Ins(m, {V("2"), V("partial"), N(), N(), N(), N(), N()}),
                         Upd(m, {}, {V("1"), V("changed"), N(), N(), N(), N(), N()}), bad}));
    EXPECT_EQ(st.code(), StatusCode::kDataError) << st.ToString();
    EXPECT_NE(st.message().find("row not found"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("99"), std::string::npos) << "statement with values expected";
    EXPECT_FALSE(a->last_skipped());
    EXPECT_EQ(MixedRows(), before_rows);
    auto c = Stored();
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->position.text, Pos(1));
    EXPECT_EQ(c->transactions_applied, 1);
  }
  // The same session goes on applying after the rollback.
  ASSERT_TRUE(a->Apply(Txn(2, {Ins(m, {V("2"), V("b"), N(), N(), N(), N(), N()})})).ok());
  EXPECT_EQ(MixedRows().size(), 2u);
}

TEST_P(CdcApplier, RejectedValueRollsBackWithTheValueInTheMessage) {
  Open("reject");
  auto c = Col("d", "double precision", "double");
  c.transform = ValueTransform::kRejectNonFinite;
  const size_t t = AddTable("dbl", {Col("id", "integer", "int", false), c}, {"id"});
  auto a = MakeApplier();
  Status st = a->Apply(Txn(1, {Ins(t, {V("1"), V("1.5")}), Ins(t, {V("2"), V("NaN")})}));
  EXPECT_EQ(st.code(), StatusCode::kDataError) << st.ToString();
  EXPECT_NE(st.message().find("NaN"), std::string::npos) << st.message();
  EXPECT_TRUE(Rows("SELECT id FROM " + catalog::QuoteQualified(engine(), schema_, "dbl")).empty());
  EXPECT_FALSE(Stored().has_value());
  // A statement the target refuses (duplicate key) also rolls back and names the statement.
  ASSERT_TRUE(a->Apply(Txn(2, {Ins(t, {V("1"), V("1.5")})})).ok());
  st = a->Apply(Txn(3, {Ins(t, {V("3"), V("3")}), Ins(t, {V("1"), V("2")})}));
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("INSERT INTO"), std::string::npos) << st.message();
  EXPECT_EQ(Rows("SELECT id FROM " + catalog::QuoteQualified(engine(), schema_, "dbl")).size(), 1u);
  EXPECT_EQ(Stored()->position.text, Pos(2));
}

TEST_P(CdcApplier, ReplayedPositionIsSkippedAndChangesNothing) {
  Open("replay");
  const size_t m = AddMixed();
  auto a = MakeApplier();
  const auto t5 = Txn(5, {Ins(m, {V("5"), V("five"), N(), N(), N(), N(), N()})});
  ASSERT_TRUE(a->Apply(t5).ok());
  EXPECT_FALSE(a->last_skipped());
  const auto rows = MixedRows();

  // The same transaction again (a crash before the source learnt it was applied).
  ASSERT_TRUE(a->Apply(t5).ok());
  EXPECT_TRUE(a->last_skipped());
  // An older one, with a change that would fail if it were applied.
  ASSERT_TRUE(a->Apply(Txn(4, {Del(m, {V("404"), N(), N(), N(), N(), N(), N()})})).ok());
  EXPECT_TRUE(a->last_skipped());
  EXPECT_EQ(MixedRows(), rows);
  EXPECT_EQ(a->stats().transactions_skipped, 2);
  EXPECT_EQ(Stored()->transactions_applied, 1);
  EXPECT_EQ(Stored()->position.text, Pos(5));

  // A second Applier (a restarted engine) reads the checkpoint from the target.
  Applier restarted(session_.get(), task_, control_, &plans_);
  ASSERT_TRUE(restarted.Apply(t5).ok());
  EXPECT_TRUE(restarted.last_skipped());
  ASSERT_TRUE(restarted.Apply(Txn(12, {Ins(m, {V("6"), V("six"), N(), N(), N(), N(), N()})})).ok());
  EXPECT_FALSE(restarted.last_skipped());
  EXPECT_EQ(MixedRows().size(), 2u);
  EXPECT_EQ(Stored()->position.text, Pos(12));
}

// The applier remembers the checkpoint it committed and, on its fast path, only checks it in
// the pipe instead of reading it: a checkpoint moved by someone else (a second engine on the
// same task, an operator) must still be seen, and what it covers skipped.
TEST_P(CdcApplier, ACheckpointMovedBehindTheAppliersBackIsNoticed) {
  Open("moved");
  const size_t m = AddMixed();
  auto a = MakeApplier();
  auto ins = [&](int id) { return MixedInsert(m, id); };
  ASSERT_TRUE(a->Apply(Txn(1, {ins(1)})).ok());
  ASSERT_TRUE(a->Apply(Txn(2, {ins(2)})).ok());  // the checkpoint is known from here on
  Exec("UPDATE " + catalog::QuoteQualified(engine(), ControlSchema(control_), kStatusTable) +
       " SET source_position = '" + Pos(4) + "' WHERE task_name = '" + task_ + "'");

  ASSERT_TRUE(a->Apply(Txn(3, {ins(3)})).ok());
  EXPECT_TRUE(a->last_skipped());
  ASSERT_TRUE(a->Apply(Txn(5, {ins(5)})).ok());
  EXPECT_FALSE(a->last_skipped());
  EXPECT_EQ(Stored()->position.text, Pos(5));
  const auto rows = MixedRows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0], "1");
  EXPECT_EQ(rows[1][0], "2");
  EXPECT_EQ(rows[2][0], "5");
}

TEST_P(CdcApplier, ApplyBatchCommitsAllOrNothing) {
  Open("batch");
  const size_t m = AddMixed();
  auto a = MakeApplier();
  auto ins = [&](int id) { return MixedInsert(m, id); };
  Status st = a->ApplyBatch(Batch(Txn(1, {ins(1)}), Txn(2, {ins(2)}),
                                  Txn(3, {Del(m, {V("77"), N(), N(), N(), N(), N(), N()})})));
  EXPECT_EQ(st.code(), StatusCode::kDataError) << st.ToString();
  EXPECT_TRUE(MixedRows().empty());
  EXPECT_FALSE(Stored().has_value());

  ASSERT_TRUE(a->ApplyBatch(Batch(Txn(1, {ins(1)}), Txn(2, {ins(2)}), Txn(3, {ins(3)}))).ok());
  EXPECT_EQ(MixedRows().size(), 3u);
  EXPECT_EQ(Stored()->position.text, Pos(3));
  EXPECT_EQ(Stored()->transactions_applied, 3);

  // Replay overlapping the checkpoint: 2 and 3 are skipped, 4 is applied.
  ASSERT_TRUE(a->ApplyBatch(Batch(Txn(2, {ins(2)}), Txn(3, {ins(3)}), Txn(4, {ins(4)}))).ok());
  EXPECT_FALSE(a->last_skipped());
  EXPECT_EQ(MixedRows().size(), 4u);
  EXPECT_EQ(Stored()->position.text, Pos(4));
  EXPECT_EQ(Stored()->transactions_applied, 4);
  EXPECT_EQ(a->stats().transactions_skipped, 2);
}

TEST_P(CdcApplier, CompositeKeyAndKeyChangeMovesTheRow) {
  Open("composite");
  const size_t t = AddTable("ck",
                            {Col("k1", "integer", "int", false),
                             Col("k2", "text", "varchar(20)", false), Col("v", "text", "longtext")},
                            {"k1", "k2"});
  auto a = MakeApplier();
  const std::string q = "SELECT k1, k2, v FROM " +
                        catalog::QuoteQualified(engine(), schema_, "ck") + " ORDER BY k1, k2";
  ASSERT_TRUE(
      a->Apply(Txn(1, {Ins(t, {V("1"), V("a"), V("one-a")}), Ins(t, {V("1"), V("b"), V("one-b")})}))
          .ok());
  // The key changes: before carries the old key, after the new one.
  Status st = a->Apply(Txn(2, {Upd(t, {V("1"), V("a"), N()}, {V("2"), V("a"), V("moved")}),
                               Del(t, {V("1"), V("b"), N()})}));
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Rows(q), (std::vector<endpoints::SqlRow>{R({"2", "a", "moved"})}));
  // An update to identical values matches the row (MySQL reports 0 changed rows): not an error.
  st = a->Apply(Txn(3, {Upd(t, {}, {V("2"), V("a"), V("moved")})}));
  ASSERT_TRUE(st.ok()) << st.ToString();
  // The old key is gone: updating it again is a missing row.
  st = a->Apply(Txn(4, {Upd(t, {V("1"), V("a"), N()}, {V("3"), V("a"), V("x")})}));
  EXPECT_EQ(st.code(), StatusCode::kDataError) << st.ToString();
  EXPECT_EQ(Rows(q), (std::vector<endpoints::SqlRow>{R({"2", "a", "moved"})}));
}

TEST_P(CdcApplier, CleanBatchesNeedNoSlowerPath) {
  Open("pipelined");
  const size_t m = AddMixed();
  auto a = MakeApplier();
  // More statements than one round trip carries (1,000), interleaving tables and operations.
  std::vector<RowChange> changes;
  for (int i = 1; i <= 1500; ++i) {
    changes.push_back(Ins(m, {V(std::to_string(i)), V("v"), N(), N(), N(), N(), N()}));
    if (i % 3 == 0)
      changes.push_back(Upd(m, {}, {V(std::to_string(i)), V("u"), U(), U(), U(), U(), U()}));
    if (i % 5 == 0)
      changes.push_back(Del(m, {V(std::to_string(i - 1)), N(), N(), N(), N(), N(), N()}));
  }
  ASSERT_TRUE(a->Apply(Txn(1, std::move(changes))).ok());
  EXPECT_EQ(a->stats().slower_path_redos, 0);
  EXPECT_EQ(a->stats().deletes, 300);
  const auto rows = MixedRows();
  EXPECT_EQ(rows.size(), 1200u);
  for (const auto& r : rows) {
    const int id = std::stoi(*r[0]);
    EXPECT_EQ(r[1], id % 3 == 0 ? "u" : "v") << id;
    EXPECT_NE(id % 5, 4) << "deleted";
  }
}

TEST_P(CdcApplier, BatchApplyNetsChangesAndLandsValueForValue) {
  Open("net");
  const size_t m = AddMixed();
  const size_t k =
      AddTable("keyless", {Col("a", "integer", "int"), Col("b", "text", "longtext")}, {});
  auto a = MakeApplier();
  auto row = [&](int id, const std::string& txt) {
    return std::vector<ChangeValue>{
        V(std::to_string(id)),           V(txt),     V(kBytes), V("18446744073709551615"),
        V("2024-02-29 23:59:59.123456"), V("10101"), V("d")};
  };
  auto key = [&](int id) {
    return std::vector<ChangeValue>{V(std::to_string(id)), N(), N(), N(), N(), N(), N()};
  };
  ASSERT_TRUE(
      a->Apply(Txn(1, {Ins(m, row(1, "one")), Ins(m, row(2, "two")), Ins(m, row(3, "three")),
                       Ins(k, {V("1"), V("x")}), Ins(k, {V("1"), V("x")})}))
          .ok());

  a->SetApplyMode(Applier::ApplyMode::kBatchOptimized);
  Status st = a->ApplyBatch(Batch(
      // 4 is inserted, updated twice (one column left unchanged each time), then 5 comes and goes.
      Txn(2, {Ins(m, row(4, "four")), Upd(m, {}, {V("4"), V(kText), U(), U(), U(), U(), U()}),
              Ins(m, row(5, "five"))}),
      Txn(3, {Upd(m, {}, {V("4"), U(), U(), V("0"), U(), U(), U()}), Del(m, key(5)),
              // 1 is deleted and inserted again: a replace.
              Del(m, key(1)), Ins(m, row(1, "one again")),
              // 2 moves to 9; 3 has only an unchanged-TOAST update and one that writes null.
              Upd(m, key(2), row(9, "moved")), Upd(m, {}, {V("3"), N(), U(), U(), U(), U(), U()})}),
      // The keyless table: one of the two duplicates goes, then rows are added, one of them
      // deleted again before the last (its changes keep their order).
      Txn(4, {Del(k, {V("1"), V("x")}), Ins(k, {V("2"), N()}), Ins(k, {V("3"), V("y")}),
              Del(k, {V("3"), V("y")}), Ins(k, {V("4"), V("z")})})));
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(a->stats().slower_path_redos, 0) << "the net path applied it";
  EXPECT_EQ(MixedRows(),
            (std::vector<endpoints::SqlRow>{
                R({"1", "one again", kBytesHex, "18446744073709551615",
                   "2024-02-29 23:59:59.123456", "10101", "d"}),
                R({"3", std::nullopt, kBytesHex, "18446744073709551615",
                   "2024-02-29 23:59:59.123456", "10101", "d"}),
                R({"4", kText, kBytesHex, "0", "2024-02-29 23:59:59.123456", "10101", "d"}),
                R({"9", "moved", kBytesHex, "18446744073709551615", "2024-02-29 23:59:59.123456",
                   "10101", "d"})}));
  EXPECT_EQ(Rows("SELECT a, b FROM " + catalog::QuoteQualified(engine(), schema_, "keyless") +
                 " ORDER BY a"),
            (std::vector<endpoints::SqlRow>{R({"1", "x"}), R({"2", std::nullopt}), R({"4", "z"})}));
  EXPECT_EQ(Stored()->position.text, Pos(4));
  EXPECT_EQ(Stored()->transactions_applied, 4);
  EXPECT_EQ(a->stats().inserts, 5 + 6);  // source changes, not net statements
}

TEST_P(CdcApplier, BatchApplyUpdatesManyRowsPerStatementValueForValue) {
  Open("net_updates");
  const size_t m = AddMixed();
  auto a = MakeApplier();
  std::vector<RowChange> seed;
  for (int id = 1; id <= 6; ++id)
    seed.push_back(Ins(m, {V(std::to_string(id)), V("seed"), V("s"), V("1"),
                           V("2000-01-01 00:00:00.000000"), V("00001"), V("d")}));
  ASSERT_TRUE(a->Apply(Txn(1, std::move(seed))).ok());
  a->SetApplyMode(Applier::ApplyMode::kBatchOptimized);
  // Rows 1-3 write every column (row 1 first, with NULLs: the VALUES list's first row carries
  // the casts); rows 4-6 write only txt, the rest unchanged (TOAST). Row 5 is updated twice.
  Status st = a->ApplyBatch(Batch(
      Txn(2,
          {Upd(m, {}, {V("1"), N(), N(), N(), N(), N(), N()}),
           Upd(m, {},
               {V("2"), V(kText), V(kBytes), V("18446744073709551615"),
                V("2024-02-29 23:59:59.123456"), V("10101"), V("{\"a\": 1}")}),
           Upd(m, {},
               {V("3"), V(""), V(""), V("0"), V("1970-01-01 00:00:00.000000"), V("00000"), V("")}),
           Upd(m, {}, {V("5"), V("first"), U(), U(), U(), U(), U()})}),
      Txn(3, {Upd(m, {}, {V("4"), V("four"), U(), U(), U(), U(), U()}),
              Upd(m, {}, {V("5"), V("five"), U(), U(), U(), U(), U()}),
              Upd(m, {}, {V("6"), V("it's six"), U(), U(), U(), U(), U()})})));
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(a->stats().slower_path_redos, 0);
  EXPECT_EQ(a->stats().unchanged_toast_updates, 3);
  auto seeded = [](const std::string& id, const std::string& txt) {
    return R({id, txt, "73", "1", "2000-01-01 00:00:00.000000", "00001", "d"});
  };
  EXPECT_EQ(MixedRows(), (std::vector<endpoints::SqlRow>{
                             R({"1", std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                                std::nullopt, std::nullopt}),
                             R({"2", kText, kBytesHex, "18446744073709551615",
                                "2024-02-29 23:59:59.123456", "10101", "{\"a\": 1}"}),
                             R({"3", "", "", "0", "1970-01-01 00:00:00.000000", "00000", ""}),
                             seeded("4", "four"), seeded("5", "five"), seeded("6", "it's six")}));
}

TEST_P(CdcApplier, BatchApplyFallsBackToSourceOrderWhenNettingCannotWork) {
  Open("net_fallback");
  const size_t t = AddTable(
      "users", {Col("id", "integer", "int", false), Col("email", "varchar(20)", "varchar(20)")},
      {"id"});
  const std::string table = catalog::QuoteQualified(engine(), schema_, "users");
  Exec("CREATE UNIQUE INDEX users_email ON " + table + " (email)");
  auto a = MakeApplier();
  ASSERT_TRUE(a->Apply(Txn(1, {Ins(t, {V("1"), V("x")})})).ok());
  a->SetApplyMode(Applier::ApplyMode::kBatchOptimized);
  // Row 1 gives up "x" and row 2 takes it: net order (inserts before updates) collides on the
  // unique email, source order does not.
  Status st = a->ApplyBatch(
      Batch(Txn(2, {Upd(t, {}, {V("1"), V("y")})}), Txn(3, {Ins(t, {V("2"), V("x")})})));
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(a->stats().slower_path_redos, 1);
  EXPECT_EQ(Rows("SELECT id, email FROM " + table + " ORDER BY id"),
            (std::vector<endpoints::SqlRow>{R({"1", "y"}), R({"2", "x"})}));

  // A real apply error is still reported exactly, with nothing committed.
  st = a->ApplyBatch(Batch(Txn(4, {Ins(t, {V("3"), V("z")})}), Txn(5, {Del(t, {V("9"), N()})})));
  EXPECT_EQ(st.code(), StatusCode::kDataError) << st.ToString();
  EXPECT_NE(st.message().find("row not found"), std::string::npos) << st.message();
  EXPECT_EQ(Rows("SELECT count(*) FROM " + table), (std::vector<endpoints::SqlRow>{R({"2"})}));
  EXPECT_EQ(Stored()->position.text, Pos(3));
}

TEST_P(CdcApplier, TransactionalApplyNetsOnlyWhereTheTargetCannotTellTheOrder) {
  Open("order_free");
  const size_t m = AddMixed();
  const size_t t = AddTable(
      "audited", {Col("id", "integer", "int", false), Col("v", "text", "longtext")}, {"id"});
  const std::string audited = catalog::QuoteQualified(engine(), schema_, "audited");
  const std::string log = catalog::QuoteQualified(engine(), schema_, "audit_log");
  // A trigger that logs every row change: it would see one INSERT where source order has five.
  if (pg()) {
    Exec("CREATE TABLE " + log + " (seq serial PRIMARY KEY, op text, id integer)");
    Exec(
        "CREATE FUNCTION app.audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        " INSERT INTO " +
        log +
        " (op, id) VALUES (TG_OP, COALESCE(NEW.id, OLD.id));"
        " RETURN NULL; END $$");
    Exec("CREATE TRIGGER audited_log AFTER INSERT OR UPDATE OR DELETE ON " + audited +
         " FOR EACH ROW EXECUTE FUNCTION app.audit()");
  } else {
    Exec("CREATE TABLE " + log + " (seq int AUTO_INCREMENT PRIMARY KEY, op text, id int)");
    for (const char* op : {"INSERT", "UPDATE", "DELETE"}) {
      const std::string row = std::string(op) == "DELETE" ? "OLD" : "NEW";
      Exec(std::string("CREATE TRIGGER audited_") + op + " AFTER " + op + " ON " + audited +
           " FOR EACH ROW INSERT INTO " + log + " (op, id) VALUES ('" + op + "', " + row + ".id)");
    }
  }
  auto a = MakeApplier();
  const bool nets = GetParam().mode == Applier::ApplyMode::kTransactional;

  // The plain table: netted in transactional mode (ids 1..3 inserted, 2 updated, 3 deleted).
  ASSERT_TRUE(a->ApplyBatch(Batch(Txn(1, {MixedInsert(m, 1), MixedInsert(m, 2)}),
                                  Txn(2, {MixedInsert(m, 3),
                                          Upd(m, {}, {V("2"), V("u"), U(), U(), U(), U(), U()})}),
                                  Txn(3, {Del(m, {V("3"), N(), N(), N(), N(), N(), N()})})))
                  .ok());
  EXPECT_EQ(a->stats().netted_transactions, nets ? 1 : 0);
  EXPECT_EQ(a->stats().slower_path_redos, 0);
  const auto mixed = MixedRows();
  ASSERT_EQ(mixed.size(), 2u);
  EXPECT_EQ(mixed[0][1], "r");
  EXPECT_EQ(mixed[1][1], "u");

  // The triggered table, alone and together with the plain one: change by change, so the
  // trigger sees every change in source order.
  ASSERT_TRUE(a->Apply(Txn(4, {Ins(t, {V("1"), V("a")}), Upd(t, {}, {V("1"), V("b")}),
                               Upd(t, {}, {V("1"), V("c")}), Del(t, {V("1"), N()}),
                               Ins(t, {V("1"), V("d")})}))
                  .ok());
  ASSERT_TRUE(
      a->Apply(Txn(5, {MixedInsert(m, 4), Upd(t, {}, {V("1"), V("e")}), MixedInsert(m, 5)})).ok());
  EXPECT_EQ(a->stats().netted_transactions, nets ? 1 : 0) << "no triggered table is netted";
  EXPECT_EQ(
      Rows("SELECT op, id FROM " + log + " ORDER BY seq"),
      (std::vector<endpoints::SqlRow>{R({"INSERT", "1"}), R({"UPDATE", "1"}), R({"UPDATE", "1"}),
                                      R({"DELETE", "1"}), R({"INSERT", "1"}), R({"UPDATE", "1"})}));
  EXPECT_EQ(Rows("SELECT id, v FROM " + audited), (std::vector<endpoints::SqlRow>{R({"1", "e"})}));
  EXPECT_EQ(MixedRows().size(), 4u);
  EXPECT_EQ(Stored()->position.text, Pos(5));
}

// Transactional apply nets these tables' changes (they are order-free); change by change
// takes the pipelined path with the same expectations.
INSTANTIATE_TEST_SUITE_P(
    Targets, CdcApplier,
    ::testing::Values(ApplierCase(Engine::kPostgres), ApplierCase(Engine::kMySql),
                      ApplierCase(Engine::kPostgres, Applier::ApplyMode::kChangeByChange),
                      ApplierCase(Engine::kMySql, Applier::ApplyMode::kChangeByChange)),
    EngineName);

}  // namespace
}  // namespace switchyard::testing
