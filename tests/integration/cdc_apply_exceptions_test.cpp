// Apply exceptions on PostgreSQL and MySQL targets: a change the target rejects is handled by
// its ErrorBehavior policy while the other changes of its transaction apply and the checkpoint
// advances; recorded ones land in switchyard_apply_exceptions and reach the callback;
// INSERT_RECORD / UPDATE_RECORD fix the row; SUSPEND_TABLE skips the table from then on;
// STOP_TASK and escalation commit nothing; a "password" column never shows up in a record;
// a recorded change can be retried once its cause is fixed.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "tests/integration/cdc_applier_fixture.h"

namespace switchyard::testing {
namespace {

using namespace cdc_applier;  // NOLINT: the shared fixture
using config::ApplyErrorPolicy;
using config::DataErrorPolicy;

struct Seen {
  state::ApplyExceptionRecord record;
  ApplyErrorAction action;
};

class CdcApplierExceptions : public CdcApplierFixture {
 protected:
  std::unique_ptr<Applier> MakeHandlingApplier(config::ErrorBehavior behavior) {
    ApplyErrorHandling handling;
    handling.behavior = behavior;
    handling.on_exception = [this](const state::ApplyExceptionRecord& r, ApplyErrorAction a) {
      seen_.push_back({r, a});
    };
    auto a =
        std::make_unique<Applier>(session_.get(), task_, control_, &plans_, std::move(handling));
    Status st = a->Prepare();
    EXPECT_TRUE(st.ok()) << st.ToString();
    return a;
  }

  // switchyard_apply_exceptions rows of this task: table_schema, table_name, action,
  // source_position, statement, error.
  std::vector<endpoints::SqlRow> ExceptionRows() {
    const std::string table =
        catalog::QuoteQualified(engine(), ControlSchema(control_), kApplyExceptionsTable);
    return Rows("SELECT table_schema, table_name, action, source_position, statement, error FROM " +
                table + " WHERE task_name = " + session_->QuoteLiteral(task_) + " ORDER BY id");
  }

  std::vector<endpoints::SqlRow> TableRows(const std::string& name) {
    return Rows("SELECT id, txt FROM " + catalog::QuoteQualified(engine(), schema_, name) +
                " ORDER BY id");
  }

  // id + txt, the other columns of the mixed table NULL.
  std::vector<ChangeValue> Row(const std::string& id, const std::string& txt) {
    return {V(id), V(txt), N(), N(), N(), N(), N()};
  }
  size_t AddSimple(const std::string& name) {
    return AddTable(name, {Col("id", "bigint", "bigint", false), Col("txt", "text", "longtext")},
                    {"id"});
  }

  static bool Has(const std::optional<std::string>& text, const std::string& part) {
    return text.has_value() && text->find(part) != std::string::npos;
  }

  std::vector<Seen> seen_;
};

TEST_P(CdcApplierExceptions, UpdateOfAMissingRowIsRecordedAndTheRestOfTheTransactionApplies) {
  Open("exc_missing");
  const size_t m = AddMixed();
  auto a = MakeHandlingApplier(config::ErrorBehavior());  // DMS defaults
  ASSERT_TRUE(a->Apply(Txn(1, {Ins(m, Row("1", "one"))})).ok());

  Status st = a->Apply(
      Txn(2, {Ins(m, Row("2", "two")), Upd(m, {}, Row("99", "nowhere")),
              Upd(m, {}, Row("1", "changed")), Del(m, {V("98"), N(), N(), N(), N(), N(), N()})}));
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto rows = MixedRows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0], "1");
  EXPECT_EQ(rows[0][1], "changed");
  EXPECT_EQ(rows[1][0], "2");
  EXPECT_EQ(rows[1][1], "two");
  auto c = Stored();
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->position.text, Pos(2));
  EXPECT_EQ(c->transactions_applied, 2);

  // The update is LOG_ERROR (recorded); the delete of a missing row is IGNORE_RECORD (not).
  auto ex = ExceptionRows();
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_EQ(ex[0][0], schema_);
  EXPECT_EQ(ex[0][1], "mixed");
  EXPECT_EQ(ex[0][2], "LOG_ERROR");
  EXPECT_EQ(ex[0][3], Pos(2));
  EXPECT_TRUE(Has(ex[0][4], "UPDATE")) << ex[0][4].value_or("");
  EXPECT_TRUE(Has(ex[0][4], "nowhere")) << ex[0][4].value_or("");
  EXPECT_TRUE(Has(ex[0][5], "row not found")) << ex[0][5].value_or("");

  ASSERT_EQ(seen_.size(), 1u);
  EXPECT_EQ(seen_[0].action, ApplyErrorAction::kLogError);
  const state::ApplyExceptionRecord& r = seen_[0].record;
  EXPECT_EQ(r.schema_name, "src");
  EXPECT_EQ(r.table_name, "mixed");
  EXPECT_EQ(r.operation, "UPDATE");
  EXPECT_EQ(r.action, "LOG_ERROR");
  EXPECT_EQ(r.source_position, Pos(2));
  EXPECT_EQ(r.statement, ex[0][4]);
  EXPECT_EQ(r.error, ex[0][5]);
  auto values = nlohmann::json::parse(r.values_json);
  EXPECT_EQ(values["id"], "99");
  EXPECT_EQ(values["txt"], "nowhere");
  EXPECT_TRUE(values["bin"].is_null());
  EXPECT_EQ(a->stats().apply_errors, 2);

  // The next transaction takes the fast path again.
  ASSERT_TRUE(a->Apply(Txn(3, {Ins(m, Row("3", "three"))})).ok());
  EXPECT_EQ(MixedRows().size(), 3u);
  EXPECT_EQ(Stored()->position.text, Pos(3));
}

TEST_P(CdcApplierExceptions, UpdateRecordInsertsTheMissingRowUnlessAColumnWasNotSent) {
  Open("exc_update_record");
  const size_t m = AddMixed();
  config::ErrorBehavior b;
  b.apply_error_update_policy = ApplyErrorPolicy::kUpdateRecord;
  auto a = MakeHandlingApplier(b);
  Status st = a->Apply(
      Txn(1, {Upd(m, {}, {V("5"), V("five"), V(kBytes), V("55"), N(), V("00101"), N()}),
              Upd(m, {}, {V("6"), V("six"), U(), N(), N(), N(), U()}), Ins(m, Row("7", "seven"))}));
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(MixedRows(), (std::vector<endpoints::SqlRow>{
                             R({"5", "five", kBytesHex, "55", std::nullopt, "00101", std::nullopt}),
                             R({"7", "seven", std::nullopt, std::nullopt, std::nullopt,
                                std::nullopt, std::nullopt})}));
  EXPECT_EQ(Stored()->position.text, Pos(1));
  auto ex = ExceptionRows();
  ASSERT_EQ(ex.size(), 2u);
  EXPECT_EQ(ex[0][2], "UPDATE_RECORD");
  EXPECT_EQ(ex[1][2], "LOG_ERROR");
  EXPECT_TRUE(Has(ex[1][5], "unchanged TOAST")) << ex[1][5].value_or("");
  EXPECT_TRUE(Has(ex[1][5], "bin, doc")) << ex[1][5].value_or("");
  ASSERT_EQ(seen_.size(), 2u);
  EXPECT_EQ(seen_[0].action, ApplyErrorAction::kUpdateRecord);
  EXPECT_EQ(seen_[1].action, ApplyErrorAction::kLogError);
}

TEST_P(CdcApplierExceptions, DuplicateInsertWithLogErrorKeepsTheExistingRow) {
  Open("exc_dup_log");
  const size_t t = AddSimple("simple");
  auto a = MakeHandlingApplier(config::ErrorBehavior());  // ApplyErrorInsertPolicy LOG_ERROR
  ASSERT_TRUE(a->Apply(Txn(1, {Ins(t, {V("1"), V("first")})})).ok());
  Status st = a->Apply(Txn(2, {Ins(t, {V("1"), V("again")}), Ins(t, {V("2"), V("second")})}));
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(TableRows("simple"),
            (std::vector<endpoints::SqlRow>{R({"1", "first"}), R({"2", "second"})}));
  EXPECT_EQ(Stored()->position.text, Pos(2));
  auto ex = ExceptionRows();
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_EQ(ex[0][2], "LOG_ERROR");
  EXPECT_TRUE(Has(ex[0][4], "INSERT INTO")) << ex[0][4].value_or("");
  EXPECT_TRUE(Has(ex[0][4], "again")) << ex[0][4].value_or("");
  EXPECT_TRUE(Has(ex[0][5], pg() ? "23505" : "1062")) << ex[0][5].value_or("");
  ASSERT_EQ(seen_.size(), 1u);
  EXPECT_EQ(seen_[0].record.operation, "INSERT");
}

TEST_P(CdcApplierExceptions, InsertRecordUpdatesTheExistingRow) {
  Open("exc_insert_record");
  const size_t t = AddSimple("simple");
  config::ErrorBehavior b;
  b.apply_error_insert_policy = ApplyErrorPolicy::kInsertRecord;
  auto a = MakeHandlingApplier(b);
  ASSERT_TRUE(a->Apply(Txn(1, {Ins(t, {V("1"), V("first")})})).ok());
  Status st = a->Apply(Txn(2, {Ins(t, {V("1"), V("replaced")}), Ins(t, {V("2"), V("second")})}));
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(TableRows("simple"),
            (std::vector<endpoints::SqlRow>{R({"1", "replaced"}), R({"2", "second"})}));
  auto ex = ExceptionRows();
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_EQ(ex[0][2], "INSERT_RECORD");
  ASSERT_EQ(seen_.size(), 1u);
  EXPECT_EQ(seen_[0].action, ApplyErrorAction::kInsertRecord);
}

TEST_P(CdcApplierExceptions, SuspendTableSkipsItsLaterChangesWhileOtherTablesContinue) {
  Open("exc_suspend");
  const size_t s = AddSimple("suspended");
  const size_t o = AddSimple("other");
  config::ErrorBehavior b;
  b.apply_error_update_policy = ApplyErrorPolicy::kSuspendTable;
  auto a = MakeHandlingApplier(b);
  ASSERT_TRUE(a->Apply(Txn(1, {Ins(s, {V("1"), V("s1")})})).ok());
  Status st = a->Apply(Txn(
      2, {Upd(s, {}, {V("99"), V("x")}), Ins(s, {V("2"), V("s2")}), Ins(o, {V("1"), V("o1")})}));
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(a->IsSuspended(s));
  EXPECT_FALSE(a->IsSuspended(o));
  ASSERT_EQ(seen_.size(), 1u);
  EXPECT_EQ(seen_[0].action, ApplyErrorAction::kSuspendTable);
  EXPECT_EQ(seen_[0].record.table_name, "suspended");
  EXPECT_EQ(ExceptionRows().size(), 1u);

  ASSERT_TRUE(a->Apply(Txn(3, {Ins(s, {V("3"), V("s3")}), Ins(o, {V("2"), V("o2")})})).ok());
  EXPECT_EQ(TableRows("suspended"), (std::vector<endpoints::SqlRow>{R({"1", "s1"})}));
  EXPECT_EQ(TableRows("other"), (std::vector<endpoints::SqlRow>{R({"1", "o1"}), R({"2", "o2"})}));
  EXPECT_EQ(Stored()->position.text, Pos(3));
  EXPECT_EQ(a->stats().suspended_skips, 2);

  // Resumed (after the operator reloaded it): its changes apply again.
  a->Resume(s);
  ASSERT_TRUE(a->Apply(Txn(4, {Ins(s, {V("4"), V("s4")})})).ok());
  EXPECT_EQ(TableRows("suspended"),
            (std::vector<endpoints::SqlRow>{R({"1", "s1"}), R({"4", "s4"})}));
}

TEST_P(CdcApplierExceptions, StopTaskLeavesNothingOfTheTransactionCommitted) {
  Open("exc_stop");
  const size_t t = AddSimple("simple");
  config::ErrorBehavior b;
  b.apply_error_delete_policy = ApplyErrorPolicy::kStopTask;
  b.apply_error_update_policy = ApplyErrorPolicy::kLogError;
  auto a = MakeHandlingApplier(b);
  ASSERT_TRUE(a->Apply(Txn(1, {Ins(t, {V("1"), V("first")})})).ok());
  const auto txn2 = Txn(2, {Ins(t, {V("2"), V("second")}), Upd(t, {}, {V("1"), V("changed")}),
                            Upd(t, {}, {V("77"), V("logged")}), Del(t, {V("99"), N()})});
  for (int attempt = 0; attempt < 2; ++attempt) {  // a resume meets the same change again
    seen_.clear();
    Status st = a->Apply(txn2);
    EXPECT_EQ(st.code(), StatusCode::kDataError) << st.ToString();
    EXPECT_NE(st.message().find(schema_ + ".simple"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("DELETE"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("row not found"), std::string::npos) << st.message();
    EXPECT_EQ(TableRows("simple"), (std::vector<endpoints::SqlRow>{R({"1", "first"})}));
    EXPECT_EQ(Stored()->position.text, Pos(1));
    EXPECT_TRUE(ExceptionRows().empty());  // the LOG_ERROR row rolled back with the rest
    ASSERT_EQ(seen_.size(), 1u);
    EXPECT_EQ(seen_[0].action, ApplyErrorAction::kStopTask);
    EXPECT_EQ(seen_[0].record.operation, "DELETE");
  }
}

TEST_P(CdcApplierExceptions, EscalationCountTurnsTheNthConflictIntoItsPolicy) {
  Open("exc_escalate");
  const size_t t = AddSimple("simple");
  config::ErrorBehavior b;  // deletes of missing rows: IGNORE_RECORD, counted all the same
  b.apply_error_escalation_count = 3;
  b.apply_error_escalation_policy = DataErrorPolicy::kStopTask;
  auto a = MakeHandlingApplier(b);
  ASSERT_TRUE(a->Apply(Txn(1, {Del(t, {V("91"), N()}), Ins(t, {V("1"), V("a")})})).ok());
  ASSERT_TRUE(a->Apply(Txn(2, {Upd(t, {}, {V("92"), V("b")})})).ok());  // LOG_ERROR
  EXPECT_EQ(ExceptionRows().size(), 1u);
  EXPECT_EQ(seen_.size(), 1u);
  Status st = a->Apply(Txn(3, {Ins(t, {V("3"), V("c")}), Del(t, {V("93"), N()})}));
  EXPECT_EQ(st.code(), StatusCode::kDataError) << st.ToString();
  EXPECT_NE(st.message().find("STOP_TASK"), std::string::npos) << st.message();
  EXPECT_EQ(TableRows("simple"), (std::vector<endpoints::SqlRow>{R({"1", "a"})}));
  EXPECT_EQ(Stored()->position.text, Pos(2));
  EXPECT_EQ(ExceptionRows().size(), 1u);
}

TEST_P(CdcApplierExceptions, RejectedValueFollowsDataErrorPolicy) {
  Open("exc_value");
  auto c = Col("d", "double precision", "double");
  c.transform = ValueTransform::kRejectNonFinite;
  const size_t t = AddTable("dbl", {Col("id", "integer", "int", false), c}, {"id"});
  auto a = MakeHandlingApplier(config::ErrorBehavior());  // DataErrorPolicy LOG_ERROR
  Status st = a->Apply(Txn(1, {Ins(t, {V("1"), V("1.5")}), Ins(t, {V("2"), V("NaN")})}));
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Rows("SELECT id FROM " + catalog::QuoteQualified(engine(), schema_, "dbl")),
            (std::vector<endpoints::SqlRow>{R({"1"})}));
  auto ex = ExceptionRows();
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_TRUE(Has(ex[0][5], "NaN")) << ex[0][5].value_or("");
  EXPECT_EQ(Stored()->position.text, Pos(1));
}

TEST_P(CdcApplierExceptions, SecretLookingColumnNeverAppearsInARecord) {
  Open("exc_secret");
  const size_t u = AddTable("users",
                            {Col("id", "bigint", "bigint", false), Col("name", "text", "longtext"),
                             Col("password", "text", "longtext")},
                            {"id"});
  Exec("ALTER TABLE " + catalog::QuoteQualified(engine(), schema_, "users") +
       " ADD CONSTRAINT name_not_bad CHECK (name <> 'bad')");
  auto a = MakeHandlingApplier(config::ErrorBehavior());
  ASSERT_TRUE(a->Apply(Txn(1, {Ins(u, {V("1"), V("alice"), V("hunter2-first")})})).ok());
  Status st = a->Apply(Txn(2, {Ins(u, {V("1"), V("dup"), V("hunter2-dup")}),
                               Upd(u, {}, {V("9"), V("ghost"), V("hunter2-update")}),
                               Ins(u, {V("3"), V("bad"), V("hunter2-check")})}));
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto ex = ExceptionRows();
  ASSERT_EQ(ex.size(), 3u);
  for (const auto& row : ex) {
    for (const auto& v : row) EXPECT_FALSE(Has(v, "hunter2")) << v.value_or("");
    EXPECT_TRUE(Has(row[4], "<redacted>")) << row[4].value_or("");
  }
  ASSERT_EQ(seen_.size(), 3u);
  for (const Seen& s : seen_) {
    EXPECT_EQ(s.record.statement.find("hunter2"), std::string::npos) << s.record.statement;
    EXPECT_EQ(s.record.error.find("hunter2"), std::string::npos) << s.record.error;
    EXPECT_EQ(s.record.values_json.find("hunter2"), std::string::npos) << s.record.values_json;
    EXPECT_EQ(s.record.values_json.find("password"), std::string::npos) << s.record.values_json;
    // A statement with a value left out cannot be retried as it stands.
    Status retry = RetryApplyException(*session_, s.record);
    EXPECT_EQ(retry.code(), StatusCode::kInvalidArgument) << retry.ToString();
  }
  // Failing the transaction outright (strict applier) does not leak it either.
  Applier strict(session_.get(), task_, control_, &plans_);
  st = strict.Apply(Txn(3, {Ins(u, {V("1"), V("dup"), V("hunter2-strict")})}));
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.message().find("hunter2"), std::string::npos) << st.message();
}

TEST_P(CdcApplierExceptions, RecordedChangeCanBeRetriedOnceItsCauseIsFixed) {
  Open("exc_retry");
  const size_t t = AddSimple("simple");
  config::ErrorBehavior b;
  b.apply_error_delete_policy = ApplyErrorPolicy::kLogError;
  auto a = MakeHandlingApplier(b);
  ASSERT_TRUE(a->Apply(Txn(1, {Upd(t, {}, {V("5"), V("late")}), Del(t, {V("6"), N()})})).ok());
  ASSERT_EQ(seen_.size(), 2u);
  const std::string table = catalog::QuoteQualified(engine(), schema_, "simple");

  // The row is still missing: the retry changes nothing and says so.
  Status st = RetryApplyException(*session_, seen_[0].record);
  EXPECT_EQ(st.code(), StatusCode::kDataError) << st.ToString();

  // The operator restores the row; the recorded update now applies.
  Exec("INSERT INTO " + table + " (id, txt) VALUES (5, 'restored')");
  st = RetryApplyException(*session_, seen_[0].record);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(TableRows("simple"), (std::vector<endpoints::SqlRow>{R({"5", "late"})}));
  // The session is usable for the applier afterwards (no transaction left open).
  ASSERT_TRUE(a->Apply(Txn(2, {Ins(t, {V("6"), V("six")})})).ok());
  EXPECT_EQ(TableRows("simple"),
            (std::vector<endpoints::SqlRow>{R({"5", "late"}), R({"6", "six"})}));
  ASSERT_TRUE(RetryApplyException(*session_, seen_[1].record).ok());  // the delete
  EXPECT_EQ(TableRows("simple"), (std::vector<endpoints::SqlRow>{R({"5", "late"})}));
}

INSTANTIATE_TEST_SUITE_P(Targets, CdcApplierExceptions,
                         ::testing::Values(Engine::kPostgres, Engine::kMySql), EngineName);

}  // namespace
}  // namespace switchyard::testing
