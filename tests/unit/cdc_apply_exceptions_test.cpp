// What an apply-exception record may hold: the change's values as JSON without secret-looking
// columns or unsent TOAST values, and server messages with secret values masked.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/pipeline/cdc/apply_exceptions.h"

namespace switchyard::pipeline::cdc {
namespace {

TablePlan Users() {
  TablePlan p;
  p.target.schema = "app";
  p.target.name = "users";
  for (const char* name : {"id", "name", "password", "note"}) {
    catalog::ColumnPlan c;
    c.source_name = c.target_name = name;
    p.target.columns.push_back(c);
  }
  return p;
}

TEST(CdcApplyExceptions, ValuesJsonLeavesOutSecretColumnsAndUnchangedValues) {
  RowChange ch{ChangeOp::kUpdate,
               0,
               {},
               {ChangeValue::Value("7"), ChangeValue::Null(), ChangeValue::Value("hunter2"),
                ChangeValue::Unchanged()}};
  const std::string json = ChangeValuesJson(Users(), ch);
  EXPECT_EQ(nlohmann::json::parse(json), (nlohmann::json{{"id", "7"}, {"name", nullptr}}));
  EXPECT_EQ(json.find("hunter2"), std::string::npos);
}

TEST(CdcApplyExceptions, ValuesJsonOfADeleteIsTheOldRowAndSurvivesBytes) {
  RowChange ch{ChangeOp::kDelete,
               0,
               {ChangeValue::Value("8"), ChangeValue::Value(std::string("\xff\x00", 2)),
                ChangeValue::Value("s3cret"), ChangeValue::Null()},
               {}};
  auto j = nlohmann::json::parse(ChangeValuesJson(Users(), ch));
  EXPECT_EQ(j["id"], "8");
  EXPECT_TRUE(j.contains("name"));  // not UTF-8: replaced, not an exception
  EXPECT_FALSE(j.contains("password"));
}

TEST(CdcApplyExceptions, ScrubMasksSecretValuesAndDropsPostgresFailingRow) {
  const std::string pg =
      "statement failed: new row violates check constraint \"c\" (SQLSTATE 23514); DETAIL: "
      "Failing row contains (1, bob, hunter2, x).; CONTEXT: y [pg 127.0.0.1]";
  const std::string scrubbed = ScrubErrorMessage(pg, {"hunter2"}, true);
  EXPECT_EQ(scrubbed.find("hunter2"), std::string::npos) << scrubbed;
  EXPECT_EQ(scrubbed.find("Failing row contains"), std::string::npos) << scrubbed;
  EXPECT_NE(scrubbed.find("(SQLSTATE 23514)"), std::string::npos) << scrubbed;
  EXPECT_NE(scrubbed.find("CONTEXT: y"), std::string::npos) << scrubbed;

  EXPECT_EQ(ScrubErrorMessage("Duplicate entry 'hunter2' for key 'pw'", {"hunter2"}, true),
            "Duplicate entry '<redacted>' for key 'pw'");
  // A value holding " [" does not end the detail early.
  const std::string tricky =
      "statement failed: x (SQLSTATE 23514); DETAIL: Failing row contains (1, a [hunter2). "
      "[pg 127.0.0.1]";
  EXPECT_EQ(ScrubErrorMessage(tricky, {}, true).find("hunter2"), std::string::npos);
  // Tables without secret columns keep the row: it is what the operator needs.
  EXPECT_EQ(ScrubErrorMessage(pg, {}, false), pg);
  // Very short values would mask unrelated text.
  EXPECT_EQ(ScrubErrorMessage("key (id)=(1)", {"1"}, true), "key (id)=(1)");
}

}  // namespace
}  // namespace switchyard::pipeline::cdc
