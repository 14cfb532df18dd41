#include "engine/pipeline/sequences.h"

#include <gtest/gtest.h>

namespace switchyard::pipeline {
namespace {

catalog::Sequence InvoiceNumbers() {
  catalog::Sequence s;
  s.schema = "billing";
  s.name = "Invoice Numbers";
  s.data_type = "bigint";
  s.start = 1000;
  s.increment = 5;
  s.min_value = 1;
  s.max_value = 9223372036854775807;
  s.last_value = 1010;
  return s;
}

TEST(SequenceSql, PostgresKeepsTypeRangeAndCurrentValue) {
  auto sql = SequenceSql(catalog::Engine::kPostgres, "billing_new", InvoiceNumbers());
  ASSERT_EQ(sql.size(), 2u);
  EXPECT_EQ(
      sql[0],
      "CREATE SEQUENCE IF NOT EXISTS \"billing_new\".\"Invoice Numbers\" AS bigint INCREMENT BY 5 "
      "MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1000 NO CYCLE");
  EXPECT_EQ(sql[1], "SELECT setval('\"billing_new\".\"Invoice Numbers\"', 1010, true)");
}

TEST(SequenceSql, NeverCalledSequenceRestartsAtItsStart) {
  auto s = InvoiceNumbers();
  s.last_value.reset();
  auto sql = SequenceSql(catalog::Engine::kPostgres, "b", s);
  EXPECT_EQ(sql[1], "SELECT setval('\"b\".\"Invoice Numbers\"', 1000, false)");
}

TEST(SequenceSql, MariaDbClampsTheMaximumAndSetsTheValue) {
  auto sql = SequenceSql(catalog::Engine::kMySql, "billing", InvoiceNumbers());
  ASSERT_EQ(sql.size(), 2u);
  EXPECT_EQ(sql[0],
            "CREATE SEQUENCE IF NOT EXISTS `billing`.`Invoice Numbers` INCREMENT BY 5 MINVALUE 1 "
            "MAXVALUE 9223372036854775806 START WITH 1000 NOCYCLE");
  EXPECT_EQ(sql[1], "SELECT SETVAL(`billing`.`Invoice Numbers`, 1010, 1)");
}

}  // namespace
}  // namespace switchyard::pipeline
