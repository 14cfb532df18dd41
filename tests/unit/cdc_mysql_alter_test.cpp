// MySqlColumnsAfterAlter: which column names a table has after an ALTER TABLE statement from
// the binlog, so CDC follows the statement's point rather than the catalog's present.
#include <gtest/gtest.h>

#include "engine/pipeline/cdc/mysql_change_stream.h"

namespace switchyard::pipeline::cdc {
namespace {

using Names = std::vector<std::string>;

TEST(CdcMySqlAlter, AddAndDropColumnsChangeTheNames) {
  EXPECT_EQ(MySqlColumnsAfterAlter(
                "ALTER TABLE accounts ADD COLUMN extra VARCHAR(20) DEFAULT 'a,b'", {"id", "note"}),
            (Names{"id", "note", "extra"}));
  EXPECT_EQ(MySqlColumnsAfterAlter("alter table `db`.`t` drop column `note`, add x int after id",
                                   {"id", "note"}),
            (Names{"id", "x"}));
  EXPECT_EQ(MySqlColumnsAfterAlter("ALTER TABLE t DROP COLUMN IF EXISTS gone", {"id"}),
            (Names{"id"}));
  // A column already there (ADD COLUMN IF NOT EXISTS changed nothing): still one name.
  EXPECT_EQ(
      MySqlColumnsAfterAlter("ALTER TABLE t ADD COLUMN IF NOT EXISTS Note INT", {"id", "note"}),
      (Names{"id", "note"}));
}

TEST(CdcMySqlAlter, IndexesAndTypeChangesKeepTheNames) {
  EXPECT_EQ(MySqlColumnsAfterAlter("ALTER TABLE t ADD INDEX i (a), DROP KEY k, MODIFY a BIGINT",
                                   {"id", "a"}),
            (Names{"id", "a"}));
}

TEST(CdcMySqlAlter, RenamesShowAsOneNameForAnother) {
  EXPECT_EQ(MySqlColumnsAfterAlter("ALTER TABLE t CHANGE a b INT", {"id", "a"}),
            (Names{"id", "b"}));
  EXPECT_EQ(MySqlColumnsAfterAlter("ALTER TABLE t RENAME COLUMN a TO b", {"id", "a"}),
            (Names{"id", "b"}));
}

TEST(CdcMySqlAlter, WhatIsNotUnderstoodIsNullopt) {
  EXPECT_EQ(MySqlColumnsAfterAlter("CREATE INDEX i ON t (a)", {"a"}), std::nullopt);
  EXPECT_EQ(MySqlColumnsAfterAlter("ALTER TABLE t ADD (x INT, y INT)", {"a"}), std::nullopt);
}

}  // namespace
}  // namespace switchyard::pipeline::cdc
