// The MySQL/MariaDB endpoint against a real server: connection set-up and errors, and the
// catalog reader on a table that uses every type family and awkward names.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/endpoints/endpoint.h"
#include "engine/endpoints/mysql/mysql_connection.h"
#include "tests/integration/mysql_test_util.h"
#include "tests/support/servers.h"

namespace switchyard::testing {
namespace {

using endpoints::ConnectionParams;

TEST(MySqlConnection, SessionIsUtf8mb4UtcAndStrict) {
  auto session = endpoints::Connect(Servers().mysql);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  auto rows = (*session)->Query(
      "SELECT @@character_set_client, @@character_set_results, @@collation_connection, "
      "@@time_zone, @@sql_mode, @@net_write_timeout");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1u);
  const auto& row = (*rows)[0];
  EXPECT_EQ(row[0], "utf8mb4");
  EXPECT_EQ(row[1], "utf8mb4");
  EXPECT_EQ(row[2], "utf8mb4_bin");
  EXPECT_EQ(row[3], "+00:00");
  EXPECT_EQ(row[4], "NO_AUTO_VALUE_ON_ZERO,STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION");
  EXPECT_EQ(row[5], "3600");
  EXPECT_NE((*session)->ServerVersion().find("MariaDB"), std::string::npos);
}

TEST(MySqlConnection, QueryKeepsNullEmptyAndBinaryApart) {
  auto session = endpoints::Connect(Servers().mysql);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  auto rows = (*session)->Query("SELECT NULL, '', UNHEX('00FF00'), '😀'");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0][0], std::nullopt);
  EXPECT_EQ((*rows)[0][1], std::string());
  EXPECT_EQ((*rows)[0][2], std::string("\0\xff\0", 3));
  EXPECT_EQ((*rows)[0][3], "😀");
}

TEST(MySqlConnection, QuoteLiteralRoundTripsEveryByte) {
  auto session = endpoints::Connect(Servers().mysql);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  const std::string value = std::string("it's \\ \"q\" \n\r\t\0\x1a end", 24) + AllBytes(300);
  auto rows = (*session)->Query("SELECT CAST(" + (*session)->QuoteLiteral(value) + " AS BINARY), " +
                                (*session)->QuoteIdentifier("we`ird"));
  // The second expression is an unknown column: proves the identifier was quoted, not split.
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("we`ird"), std::string::npos) << rows.status().message();
  rows = (*session)->Query("SELECT CAST(" + (*session)->QuoteLiteral(value) + " AS BINARY)");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_TRUE((*rows)[0][0] == value);
}

TEST(MySqlConnection, WrongPortIsAConnectionErrorWithoutThePassword) {
  ConnectionParams params = Servers().mysql;
  params.port = 1;  // nothing listens on port 1
  params.password = Secret("hunter2-do-not-print");
  auto session = endpoints::Connect(params);
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.status().code(), StatusCode::kConnectionError) << session.status().ToString();
  // libmariadb reports a refused TCP connection as 2002 (2003 on some versions).
  EXPECT_NE(session.status().message().find("Can't connect"), std::string::npos)
      << session.status().message();
  EXPECT_NE(session.status().message().find(params.Describe()), std::string::npos);
  EXPECT_EQ(session.status().message().find("hunter2"), std::string::npos);
}

TEST(MySqlConnection, WrongPasswordIsADatabaseErrorWithoutThePassword) {
  ConnectionParams params = Servers().mysql;
  params.password = Secret("hunter2-do-not-print");
  auto session = endpoints::Connect(params);
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.status().code(), StatusCode::kDatabaseError) << session.status().ToString();
  EXPECT_NE(session.status().message().find("1045"), std::string::npos);
  EXPECT_EQ(session.status().message().find("hunter2"), std::string::npos);
}

TEST(MySqlConnection, RequiredTlsNeverFallsBackToPlaintext) {
  // The test server runs without TLS: every mode that asks for TLS must refuse to connect.
  for (auto mode : {endpoints::SslMode::kRequire, endpoints::SslMode::kVerifyCa,
                    endpoints::SslMode::kVerifyFull}) {
    ConnectionParams params = Servers().mysql;
    params.ssl_mode = mode;
    auto session = endpoints::Connect(params);
    EXPECT_FALSE(session.ok()) << "ssl mode " << static_cast<int>(mode);
    if (!session.ok()) {
      EXPECT_TRUE(session.status().message().find("SSL") != std::string::npos ||
                  session.status().message().find("TLS") != std::string::npos)
          << session.status().message();
    }
  }
}

TEST(MySqlConnection, FailedStatementIsADatabaseErrorAndTheSessionGoesOn) {
  auto session = endpoints::Connect(Servers().mysql);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  Status st = (*session)->Execute("SELEC 1");
  EXPECT_EQ(st.code(), StatusCode::kDatabaseError);
  EXPECT_NE(st.message().find("1064"), std::string::npos) << st.message();
  auto rows = (*session)->Query("SELECT 1");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ((*rows)[0][0], "1");
}

// ---------------------------------------------------------------------------------------------

const catalog::Table* FindTable(const std::vector<catalog::Table>& tables,
                                const std::string& name) {
  for (const auto& t : tables) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const catalog::Index* FindIndex(const catalog::Table& table, const std::string& name) {
  for (const auto& i : table.indexes) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

class MySqlCatalog : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    params_ = new ConnectionParams(FreshMySqlDatabase("sy_mysql_ep_catalog"));
    ExecOrDie(*params_,
              "CREATE TABLE `MixedCase` (`Key` int NOT NULL PRIMARY KEY, `Value` varchar(10)) "
              "COMMENT 'parent table';\n"
              "CREATE TABLE `bücher` (`with space` int NOT NULL PRIMARY KEY, `títel` text);\n"
              "CREATE TABLE `order` (\n"
              "  `id` int unsigned NOT NULL AUTO_INCREMENT COMMENT 'the key',\n"
              "  `part` bigint unsigned NOT NULL,\n"
              "  `flag` tinyint(1) NOT NULL DEFAULT 1,\n"
              "  `amount` decimal(65,30) DEFAULT NULL,\n"
              "  `f` float, `d` double,\n"
              "  `c_utf` char(10) CHARACTER SET utf8mb4 DEFAULT 'it''s',\n"
              "  `v_latin` varchar(20) CHARACTER SET latin1 NOT NULL,\n"
              "  `t` text, `b` blob, `bin4` binary(4), `vb` varbinary(16),\n"
              "  `dt` date DEFAULT '2000-01-01', `tm` time(3), `dtm` datetime(6),\n"
              "  `ts` timestamp(6) NOT NULL DEFAULT current_timestamp(6),\n"
              "  `y` year, `j` json, `e` enum('a','it''s','b\\\\c') DEFAULT 'it''s',\n"
              "  `s` set('x','y','z'), `bits` bit(10) DEFAULT b'101',\n"
              "  `with space` int, `bücher` varchar(5) DEFAULT 'NULL',\n"
              "  `total` bigint AS (`id` + `part`) VIRTUAL,\n"
              "  PRIMARY KEY (`part`, `id`),\n"
              "  UNIQUE KEY `uq_c` (`c_utf`, `v_latin`),\n"
              "  KEY `ix_dt` (`dt`),\n"
              "  KEY `id` (`id`),\n"
              "  CONSTRAINT `fk_mixed` FOREIGN KEY (`with space`) REFERENCES `MixedCase` (`Key`)"
              " ON DELETE CASCADE ON UPDATE SET NULL\n"
              ") COMMENT 'orders table';\n"
              "INSERT INTO `MixedCase` VALUES (1, 'one'), (2, 'two');\n"
              "CREATE VIEW `a_view` AS SELECT * FROM `MixedCase`;\n"
              "ANALYZE TABLE `MixedCase`");
  }
  static void TearDownTestSuite() { delete params_; }

  std::vector<catalog::Table> ReadAll() {
    auto reader = endpoints::OpenCatalogReader(*params_);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    if (!reader.ok()) return {};
    auto tables = (*reader)->ReadTables([](const std::string& schema, const std::string&) {
      return schema == "sy_mysql_ep_catalog";
    });
    EXPECT_TRUE(tables.ok()) << tables.status().ToString();
    return tables.ok() ? *tables : std::vector<catalog::Table>{};
  }

  static ConnectionParams* params_;
};
ConnectionParams* MySqlCatalog::params_ = nullptr;

TEST_F(MySqlCatalog, ListsBaseTablesOnlyWithExactNames) {
  auto tables = ReadAll();
  std::vector<std::string> names;
  for (const auto& t : tables) {
    EXPECT_EQ(t.schema, "sy_mysql_ep_catalog");
    names.push_back(t.name);
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"MixedCase", "bücher", "order"}));
}

TEST_F(MySqlCatalog, FilterSeesSchemaAndTableAndSystemSchemasNeverAppear) {
  auto reader = endpoints::OpenCatalogReader(*params_);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  std::vector<std::pair<std::string, std::string>> asked;
  auto tables = (*reader)->ReadTables([&](const std::string& schema, const std::string& table) {
    asked.emplace_back(schema, table);
    return schema == "sy_mysql_ep_catalog" && table != "order";
  });
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  ASSERT_EQ(tables->size(), 2u);
  EXPECT_EQ((*tables)[0].name, "MixedCase");
  EXPECT_EQ((*tables)[1].name, "bücher");
  for (const auto& [schema, table] : asked) {
    EXPECT_NE(schema, "mysql");
    EXPECT_NE(schema, "information_schema");
    EXPECT_NE(schema, "performance_schema");
    EXPECT_NE(schema, "sys");
    EXPECT_NE(table, "a_view");
  }
}

TEST_F(MySqlCatalog, ColumnsComeInOrdinalOrderWithFullTypes) {
  auto tables = ReadAll();
  const catalog::Table* order = FindTable(tables, "order");
  ASSERT_NE(order, nullptr);
  std::vector<std::string> names;
  for (const auto& c : order->columns) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "id", "part", "flag", "amount", "f",    "d",          "c_utf",  "v_latin",
                       "t",  "b",    "bin4", "vb",     "dt",   "tm",         "dtm",    "ts",
                       "y",  "j",    "e",    "s",      "bits", "with space", "bücher", "total"}));
  auto col = [&](const std::string& name) -> const catalog::Column& {
    const catalog::Column* c = order->FindColumn(name);
    EXPECT_NE(c, nullptr) << name;
    static const catalog::Column kNone;
    return c != nullptr ? *c : kNone;
  };

  EXPECT_EQ(col("id").type.name, "int");
  EXPECT_EQ(col("id").type.full, "int(10) unsigned");
  EXPECT_TRUE(col("id").type.is_unsigned);
  EXPECT_TRUE(col("id").auto_increment);
  EXPECT_FALSE(col("id").nullable);
  EXPECT_EQ(col("id").default_expr, std::nullopt);
  EXPECT_EQ(col("id").comment, "the key");

  EXPECT_EQ(col("part").type.full, "bigint(20) unsigned");
  EXPECT_TRUE(col("part").type.is_unsigned);
  EXPECT_FALSE(col("part").auto_increment);

  EXPECT_EQ(col("flag").type.name, "tinyint");
  EXPECT_EQ(col("flag").type.full, "tinyint(1)");
  EXPECT_FALSE(col("flag").type.is_unsigned);
  EXPECT_EQ(col("flag").default_expr, "1");

  EXPECT_EQ(col("amount").type.name, "decimal");
  EXPECT_EQ(col("amount").type.precision, 65);
  EXPECT_EQ(col("amount").type.scale, 30);
  EXPECT_TRUE(col("amount").nullable);
  EXPECT_EQ(col("amount").default_expr, std::nullopt);  // DEFAULT NULL

  EXPECT_EQ(col("f").type.name, "float");
  EXPECT_EQ(col("d").type.name, "double");

  EXPECT_EQ(col("c_utf").type.name, "char");
  EXPECT_EQ(col("c_utf").type.length, 10);
  EXPECT_EQ(col("c_utf").type.charset, "utf8mb4");
  EXPECT_EQ(col("c_utf").default_expr, "'it''s'");

  EXPECT_EQ(col("v_latin").type.name, "varchar");
  EXPECT_EQ(col("v_latin").type.full, "varchar(20)");
  EXPECT_EQ(col("v_latin").type.length, 20);
  EXPECT_EQ(col("v_latin").type.charset, "latin1");
  EXPECT_FALSE(col("v_latin").nullable);

  EXPECT_EQ(col("t").type.name, "text");
  EXPECT_EQ(col("t").type.charset, "utf8mb4");
  EXPECT_EQ(col("b").type.name, "blob");
  EXPECT_EQ(col("b").type.charset, "binary");

  EXPECT_EQ(col("bin4").type.name, "binary");
  EXPECT_EQ(col("bin4").type.length, 4);
  EXPECT_EQ(col("bin4").type.charset, "binary");
  EXPECT_EQ(col("vb").type.name, "varbinary");
  EXPECT_EQ(col("vb").type.length, 16);

  EXPECT_EQ(col("dt").type.name, "date");
  EXPECT_EQ(col("dt").default_expr, "'2000-01-01'");
  EXPECT_EQ(col("tm").type.name, "time");
  EXPECT_EQ(col("tm").type.precision, 3);
  EXPECT_EQ(col("dtm").type.full, "datetime(6)");
  EXPECT_EQ(col("dtm").type.precision, 6);
  EXPECT_EQ(col("ts").type.name, "timestamp");
  EXPECT_EQ(col("ts").type.precision, 6);
  EXPECT_EQ(col("ts").default_expr, "current_timestamp(6)");
  EXPECT_EQ(col("y").type.name, "year");

  EXPECT_EQ(col("j").type.name, "longtext");
  EXPECT_TRUE(col("j").type.is_json);
  EXPECT_FALSE(col("t").type.is_json);

  EXPECT_EQ(col("e").type.name, "enum");
  EXPECT_EQ(col("e").type.enum_values, (std::vector<std::string>{"a", "it's", "b\\c"}));
  EXPECT_EQ(col("e").default_expr, "'it''s'");
  EXPECT_EQ(col("s").type.name, "set");
  EXPECT_EQ(col("s").type.enum_values, (std::vector<std::string>{"x", "y", "z"}));

  EXPECT_EQ(col("bits").type.name, "bit");
  EXPECT_EQ(col("bits").type.length, 10);
  EXPECT_EQ(col("bits").default_expr, "b'101'");

  EXPECT_EQ(col("bücher").type.length, 5);
  EXPECT_EQ(col("bücher").default_expr, "'NULL'");  // the four-letter string, not NULL

  EXPECT_TRUE(col("total").generated);
  EXPECT_EQ(col("total").default_expr, std::nullopt);
  EXPECT_FALSE(col("ts").generated);  // on update current_timestamp is not "generated"
}

TEST_F(MySqlCatalog, KeysIndexesForeignKeysCommentsAndEstimates) {
  auto tables = ReadAll();
  const catalog::Table* order = FindTable(tables, "order");
  ASSERT_NE(order, nullptr);
  EXPECT_EQ(order->comment, "orders table");
  ASSERT_TRUE(order->primary_key.has_value());
  EXPECT_EQ(order->primary_key->columns, (std::vector<std::string>{"part", "id"}));
  EXPECT_TRUE(order->primary_key->primary);
  EXPECT_TRUE(order->primary_key->unique);

  const catalog::Index* uq = FindIndex(*order, "uq_c");
  ASSERT_NE(uq, nullptr);
  EXPECT_TRUE(uq->unique);
  EXPECT_FALSE(uq->primary);
  EXPECT_EQ(uq->columns, (std::vector<std::string>{"c_utf", "v_latin"}));
  const catalog::Index* ix = FindIndex(*order, "ix_dt");
  ASSERT_NE(ix, nullptr);
  EXPECT_FALSE(ix->unique);
  EXPECT_EQ(ix->columns, (std::vector<std::string>{"dt"}));
  const catalog::Index* id = FindIndex(*order, "id");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->columns, (std::vector<std::string>{"id"}));
  for (const auto& index : order->indexes) EXPECT_NE(index.name, "PRIMARY");

  ASSERT_EQ(order->foreign_keys.size(), 1u);
  const catalog::ForeignKey& fk = order->foreign_keys[0];
  EXPECT_EQ(fk.name, "fk_mixed");
  EXPECT_EQ(fk.columns, (std::vector<std::string>{"with space"}));
  EXPECT_EQ(fk.ref_schema, "sy_mysql_ep_catalog");
  EXPECT_EQ(fk.ref_table, "MixedCase");
  EXPECT_EQ(fk.ref_columns, (std::vector<std::string>{"Key"}));
  EXPECT_EQ(fk.on_delete, "CASCADE");
  EXPECT_EQ(fk.on_update, "SET NULL");

  const catalog::Table* mixed = FindTable(tables, "MixedCase");
  ASSERT_NE(mixed, nullptr);
  EXPECT_EQ(mixed->comment, "parent table");
  ASSERT_TRUE(mixed->primary_key.has_value());
  EXPECT_EQ(mixed->primary_key->columns, (std::vector<std::string>{"Key"}));
  EXPECT_TRUE(mixed->indexes.empty());
  EXPECT_TRUE(mixed->foreign_keys.empty());
  EXPECT_EQ(mixed->estimated_rows, 2);  // after ANALYZE TABLE
  EXPECT_GT(mixed->estimated_bytes, 0);

  const catalog::Table* books = FindTable(tables, "bücher");
  ASSERT_NE(books, nullptr);
  ASSERT_EQ(books->columns.size(), 2u);
  EXPECT_EQ(books->columns[1].name, "títel");
  EXPECT_EQ(books->primary_key->columns, (std::vector<std::string>{"with space"}));
}

}  // namespace
}  // namespace switchyard::testing
