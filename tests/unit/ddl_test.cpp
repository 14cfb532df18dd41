// The DDL text Switchyard runs on each target engine: quoting of every name and comment,
// enum types, identity columns and their sequences, keys, indexes and foreign keys.
#include "engine/catalog/ddl.h"

#include <gtest/gtest.h>

namespace switchyard::catalog {
namespace {

ColumnPlan Column(const std::string& name, const std::string& type, bool nullable = true) {
  ColumnPlan c;
  c.source_name = name;
  c.target_name = name;
  c.target_type = type;
  c.nullable = nullable;
  return c;
}

ColumnPlan Identity(const std::string& name, const std::string& type) {
  ColumnPlan c = Column(name, type, false);
  c.identity = true;
  return c;
}

TargetTable Table(Engine e, const std::string& schema, const std::string& name) {
  TargetTable t;
  t.engine = e;
  t.schema = schema;
  t.name = name;
  return t;
}

Index MakeIndex(const std::string& name, std::vector<std::string> cols, bool unique = false) {
  Index i;
  i.name = name;
  i.columns = std::move(cols);
  i.unique = unique;
  return i;
}

// ---------------------------------------------------------------------------------------
// Schemas and tables

TEST(Ddl, CreateSchemaQuotesTheNameAndUsesUtf8mb4BinOnMySql) {
  EXPECT_EQ(CreateSchemaSql(Engine::kPostgres, "Sales \"EU\""),
            "CREATE SCHEMA IF NOT EXISTS \"Sales \"\"EU\"\"\"");
  EXPECT_EQ(CreateSchemaSql(Engine::kMySql, "sales`eu"),
            "CREATE DATABASE IF NOT EXISTS `sales``eu` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
}

TEST(Ddl, DropAndTruncateQuoteBothParts) {
  EXPECT_EQ(DropTableSql(Table(Engine::kPostgres, "app", "order")),
            "DROP TABLE IF EXISTS \"app\".\"order\" CASCADE");
  EXPECT_EQ(DropTableSql(Table(Engine::kMySql, "app", "order")),
            "DROP TABLE IF EXISTS `app`.`order`");
  EXPECT_EQ(TruncateTableSql(Table(Engine::kMySql, "app", "Order Items")),
            "TRUNCATE TABLE `app`.`Order Items`");
}

TEST(Ddl, ReservedMixedCaseSpaceAndUnicodeNamesAreQuotedOnPostgres) {
  TargetTable t = Table(Engine::kPostgres, "Shop", "Order Items");
  t.columns = {Column("order", "integer", false), Column("Select", "character varying(20)"),
               Column("bücher 😀", "text"), Column("a\"b", "integer")};
  t.primary_key = {"order", "Select"};
  auto sql = CreateTableSql(t, /*with_primary_key=*/true);
  ASSERT_EQ(sql.size(), 1u);
  EXPECT_EQ(sql[0],
            "CREATE TABLE \"Shop\".\"Order Items\" (\"order\" integer NOT NULL, \"Select\" "
            "character varying(20), \"bücher 😀\" text, \"a\"\"b\" integer, PRIMARY KEY "
            "(\"order\", \"Select\"))");
}

TEST(Ddl, ReservedMixedCaseSpaceAndUnicodeNamesAreQuotedOnMySql) {
  TargetTable t = Table(Engine::kMySql, "shop", "Order Items");
  t.columns = {Column("order", "int", false), Column("Select", "varchar(20)"),
               Column("bücher", "longtext"), Column("a`b", "int")};
  t.primary_key = {"order", "Select"};
  auto sql = CreateTableSql(t, true);
  ASSERT_EQ(sql.size(), 1u);
  EXPECT_EQ(sql[0],
            "CREATE TABLE `shop`.`Order Items` (`order` int NOT NULL, `Select` varchar(20), "
            "`bücher` longtext, `a``b` int, PRIMARY KEY (`order`, `Select`)) ENGINE=InnoDB "
            "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
}

TEST(Ddl, PrimaryKeyIsLeftForLaterWhenNotInline) {
  TargetTable t = Table(Engine::kPostgres, "s", "t");
  t.columns = {Column("id", "integer", false)};
  t.primary_key = {"id"};
  EXPECT_EQ(CreateTableSql(t, false)[0], "CREATE TABLE \"s\".\"t\" (\"id\" integer NOT NULL)");
  EXPECT_EQ(AddPrimaryKeySql(t), "ALTER TABLE \"s\".\"t\" ADD PRIMARY KEY (\"id\")");
  t.primary_key.clear();
  EXPECT_EQ(AddPrimaryKeySql(t), "");
}

TEST(Ddl, DefaultsAreWrittenAsPlanned) {
  TargetTable t = Table(Engine::kMySql, "s", "t");
  ColumnPlan name = Column("name", "varchar(50)");
  name.default_expr = "'anon'";
  ColumnPlan at = Column("at", "datetime(6)", false);
  at.default_expr = "CURRENT_TIMESTAMP(6)";
  t.columns = {name, at};
  EXPECT_EQ(CreateTableSql(t, true)[0],
            "CREATE TABLE `s`.`t` (`name` varchar(50) DEFAULT 'anon', `at` datetime(6) NOT NULL "
            "DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 "
            "COLLATE=utf8mb4_bin");
}

// ---------------------------------------------------------------------------------------
// Comments

TEST(Ddl, CommentsWithQuotesAreLiteralsOnPostgres) {
  TargetTable t = Table(Engine::kPostgres, "s", "t");
  t.comment = "every 'type'";
  ColumnPlan c = Column("name", "text");
  c.comment = "display name's";
  t.columns = {c, Column("n", "integer")};
  auto sql = CreateTableSql(t, true);
  ASSERT_EQ(sql.size(), 3u);
  EXPECT_EQ(sql[1], "COMMENT ON TABLE \"s\".\"t\" IS 'every ''type'''");
  EXPECT_EQ(sql[2], "COMMENT ON COLUMN \"s\".\"t\".\"name\" IS 'display name''s'");
}

TEST(Ddl, CommentsWithQuotesAndBackslashesAreInlineOnMySql) {
  TargetTable t = Table(Engine::kMySql, "s", "t");
  t.comment = "it's";
  ColumnPlan c = Column("name", "varchar(50)");
  c.comment = "a\\b 'q'";
  t.columns = {c};
  EXPECT_EQ(CreateTableSql(t, true)[0],
            "CREATE TABLE `s`.`t` (`name` varchar(50) COMMENT 'a\\\\b \\'q\\'') ENGINE=InnoDB "
            "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin COMMENT='it\\'s'");
}

// ---------------------------------------------------------------------------------------
// Enum types (PostgreSQL -> PostgreSQL)

TEST(Ddl, EnumTypeIsCreatedBeforeTheTableAndReusedWhenItExists) {
  TargetTable t = Table(Engine::kPostgres, "app", "t");
  t.enum_types = {{"mood", {"sad", "it's"}}};
  t.columns = {Column("m", "\"app\".\"mood\"")};
  auto sql = CreateTableSql(t, true);
  ASSERT_EQ(sql.size(), 2u);
  EXPECT_EQ(sql[0],
            "DO $sy$ BEGIN CREATE TYPE \"app\".\"mood\" AS ENUM ('sad', 'it''s'); EXCEPTION WHEN "
            "duplicate_object THEN NULL; END $sy$");
  EXPECT_EQ(sql[1], "CREATE TABLE \"app\".\"t\" (\"m\" \"app\".\"mood\")");
}

TEST(Ddl, EnumLabelContainingTheDollarTagCannotEndTheBlock) {
  TargetTable t = Table(Engine::kPostgres, "app", "t");
  t.enum_types = {{"e", {"a$sy$b"}}};
  t.columns = {Column("m", "\"app\".\"e\"")};
  const std::string sql = CreateTableSql(t, true)[0];
  EXPECT_EQ(sql.rfind("DO $sy_$ BEGIN", 0), 0u) << sql;
  EXPECT_NE(sql.find("'a$sy$b'"), std::string::npos) << sql;
  EXPECT_EQ(sql.substr(sql.size() - 6), " $sy_$");
}

// ---------------------------------------------------------------------------------------
// Identity

TEST(Ddl, IntegerIdentityIsGeneratedByDefaultOnPostgres) {
  TargetTable t = Table(Engine::kPostgres, "s", "t");
  ColumnPlan id = Identity("id", "bigint");
  id.default_expr = "42";  // never written next to an identity
  t.columns = {id};
  t.primary_key = {"id"};
  EXPECT_EQ(CreateTableSql(t, true)[0],
            "CREATE TABLE \"s\".\"t\" (\"id\" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL, "
            "PRIMARY KEY (\"id\"))");
}

TEST(Ddl, Numeric20IdentityGetsASequenceOfItsOwnOnPostgres) {
  TargetTable t = Table(Engine::kPostgres, "s", "my t");
  t.columns = {Identity("id", "numeric(20)")};
  t.primary_key = {"id"};
  auto sql = CreateTableSql(t, false);
  ASSERT_EQ(sql.size(), 3u);
  EXPECT_EQ(sql[0], "CREATE SEQUENCE IF NOT EXISTS \"s\".\"my t_id_seq\" AS bigint");
  EXPECT_EQ(sql[1],
            "CREATE TABLE \"s\".\"my t\" (\"id\" numeric(20) DEFAULT "
            "nextval('\"s\".\"my t_id_seq\"') NOT NULL)");
  EXPECT_EQ(sql[2], "ALTER SEQUENCE \"s\".\"my t_id_seq\" OWNED BY \"s\".\"my t\".\"id\"");
  EXPECT_EQ(sql[1].find("IDENTITY"), std::string::npos);
}

TEST(Ddl, SyncIdentityMovesEachSequencePastTheLoadedValues) {
  TargetTable t = Table(Engine::kPostgres, "s", "O'Brien");
  t.columns = {Identity("Id", "integer"), Column("v", "text")};
  auto sql = SyncIdentitySql(t);
  ASSERT_EQ(sql.size(), 1u);
  EXPECT_EQ(sql[0],
            "SELECT setval(pg_get_serial_sequence('\"s\".\"O''Brien\"', 'Id'), "
            "COALESCE(MAX(\"Id\"), 1)::bigint, MAX(\"Id\") IS NOT NULL) FROM \"s\".\"O'Brien\"");
}

TEST(Ddl, SyncIdentityOfNumeric20StopsAtTheSequenceMaximum) {
  TargetTable t = Table(Engine::kPostgres, "s", "t");
  t.columns = {Identity("id", "numeric(20)")};
  auto sql = SyncIdentitySql(t);
  ASSERT_EQ(sql.size(), 1u);
  EXPECT_NE(sql[0].find("LEAST(COALESCE(MAX(\"id\"), 1), 9223372036854775807)::bigint"),
            std::string::npos)
      << sql[0];
}

TEST(Ddl, SyncIdentityIsNothingOnMySql) {
  TargetTable t = Table(Engine::kMySql, "s", "t");
  t.columns = {Identity("id", "int")};
  EXPECT_TRUE(SyncIdentitySql(t).empty());
}

TEST(Ddl, MySqlAutoIncrementPrimaryKeyIsInlineEvenWhenKeysComeLater) {
  TargetTable t = Table(Engine::kMySql, "s", "t");
  t.columns = {Identity("id", "bigint unsigned"), Column("v", "int")};
  t.primary_key = {"id"};
  EXPECT_EQ(CreateTableSql(t, /*with_primary_key=*/false)[0],
            "CREATE TABLE `s`.`t` (`id` bigint unsigned NOT NULL AUTO_INCREMENT, `v` int, "
            "PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
}

TEST(Ddl, MySqlAutoIncrementNotLeadingThePrimaryKeyGetsItsOwnInlineKey) {
  TargetTable t = Table(Engine::kMySql, "s", "t");
  t.columns = {Column("a", "int", false), Identity("id", "int")};
  t.primary_key = {"a", "id"};
  EXPECT_EQ(CreateTableSql(t, false)[0],
            "CREATE TABLE `s`.`t` (`a` int NOT NULL, `id` int NOT NULL AUTO_INCREMENT, KEY "
            "`id` (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
}

TEST(Ddl, MySqlAutoIncrementLeadingASecondaryIndexCreatesThatIndexInline) {
  TargetTable t = Table(Engine::kMySql, "s", "t");
  t.columns = {Column("a", "int", false), Identity("id", "int"), Column("b", "int")};
  t.primary_key = {"a"};
  t.indexes = {MakeIndex("t_b", {"b"}), MakeIndex("t_id", {"id"}, /*unique=*/true)};
  EXPECT_EQ(CreateTableSql(t, false)[0],
            "CREATE TABLE `s`.`t` (`a` int NOT NULL, `id` int NOT NULL AUTO_INCREMENT, `b` int, "
            "UNIQUE KEY `t_id` (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 "
            "COLLATE=utf8mb4_bin");
  auto idx = CreateIndexesSql(t);
  ASSERT_EQ(idx.size(), 1u);  // t_id exists already
  EXPECT_EQ(idx[0], "CREATE INDEX `t_b` ON `s`.`t` (`b`)");
}

// ---------------------------------------------------------------------------------------
// Indexes and foreign keys

TEST(Ddl, IndexNamesGetTheTablesPrefixWhenOneIsSet) {
  TargetTable t = Table(Engine::kPostgres, "s", "Customers");
  t.index_name_prefix = "Customers_";
  t.columns = {Column("Email", "text")};
  t.indexes = {MakeIndex("by email", {"Email"}, true)};
  auto sql = CreateIndexesSql(t);
  ASSERT_EQ(sql.size(), 1u);
  EXPECT_EQ(sql[0],
            "CREATE UNIQUE INDEX \"Customers_by email\" ON \"s\".\"Customers\" (\"Email\")");
}

TEST(Ddl, NativeIndexStatementsFollowThePlainOnes) {
  TargetTable t = Table(Engine::kPostgres, "s", "docs");
  t.columns = {Column("id", "integer"), Column("doc", "jsonb")};
  t.indexes = {MakeIndex("docs_id", {"id"}, false)};
  t.native_index_sql = {"CREATE INDEX docs_doc ON s.docs USING gin (doc)"};
  auto sql = CreateIndexesSql(t);
  ASSERT_EQ(sql.size(), 2u);
  EXPECT_EQ(sql[0], "CREATE INDEX \"docs_id\" ON \"s\".\"docs\" (\"id\")");
  EXPECT_EQ(sql[1], "CREATE INDEX docs_doc ON s.docs USING gin (doc)");
}

TEST(Ddl, MySqlIndexesOnTextBlobAndJsonGetAPrefixLength) {
  TargetTable t = Table(Engine::kMySql, "s", "t");
  t.columns = {Column("t", "longtext"),
               Column("tt", "tinytext CHARACTER SET latin1"),
               Column("b", "blob"),
               Column("j", "json"),
               Column("v", "varchar(100)"),
               Column("e", "enum('text','blob')"),
               Column("c", "varchar(20) CHARACTER SET latin1")};
  t.indexes = {MakeIndex("i1", {"t", "v"}), MakeIndex("i2", {"tt", "b", "j"}),
               MakeIndex("i3", {"e", "c"}, true)};
  auto sql = CreateIndexesSql(t);
  ASSERT_EQ(sql.size(), 3u);
  EXPECT_EQ(sql[0], "CREATE INDEX `i1` ON `s`.`t` (`t`(255), `v`)");
  EXPECT_EQ(sql[1], "CREATE INDEX `i2` ON `s`.`t` (`tt`(255), `b`(255), `j`(255))");
  // An ENUM whose labels spell "text" is no TEXT column.
  EXPECT_EQ(sql[2], "CREATE UNIQUE INDEX `i3` ON `s`.`t` (`e`, `c`)");
}

TEST(Ddl, ForeignKeysQuoteEveryNameAndCarryTheActions) {
  for (Engine e : {Engine::kPostgres, Engine::kMySql}) {
    TargetTable t = Table(e, "s", "purchases");
    ForeignKey fk;
    fk.name = "purchases customer";
    fk.columns = {"customer id"};
    fk.ref_schema = "S2";
    fk.ref_table = "Customers";
    fk.ref_columns = {"id"};
    fk.on_delete = "CASCADE";
    t.foreign_keys = {fk};
    auto sql = CreateForeignKeysSql(t);
    ASSERT_EQ(sql.size(), 1u);
    const char q = e == Engine::kPostgres ? '"' : '`';
    auto Q = [&](const std::string& n) { return q + n + q; };
    EXPECT_EQ(sql[0], "ALTER TABLE " + Q("s") + "." + Q("purchases") + " ADD CONSTRAINT " +
                          Q("purchases customer") + " FOREIGN KEY (" + Q("customer id") +
                          ") REFERENCES " + Q("S2") + "." + Q("Customers") + " (" + Q("id") +
                          ") ON UPDATE NO ACTION ON DELETE CASCADE");
  }
}

}  // namespace
}  // namespace switchyard::catalog
