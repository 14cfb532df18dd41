// Pure functions of the MySQL endpoint: the LOAD DATA encoder and statement, and the parsing
// of information_schema text. No server needed (they live with the integration tests because
// only tests/integration/mysql_* belong to the endpoint).
#include <gtest/gtest.h>

#include "engine/endpoints/mysql/load_data_encoder.h"
#include "engine/endpoints/mysql/mysql_catalog_text.h"

namespace switchyard::endpoints::mysql {
namespace {

TEST(MySqlLoadData, EncodesNullEmptyAndEscapes) {
  RowBatch batch(3);
  batch.AppendNull();
  batch.AppendField("");
  batch.AppendField(std::string("a\\b\tc\nd\re\0f\\N", 13));
  batch.AppendField("plain");
  batch.AppendField("N");
  batch.AppendField("\xff\xfe");
  std::string out = "kept:";
  EncodeLoadData(batch, out);
  EXPECT_EQ(out, std::string("kept:\\N\t\ta\\\\b\\tc\\nd\\re\\0f\\\\N\n"
                             "plain\tN\t\xff\xfe\n"));
}

TEST(MySqlLoadData, StatementQuotesNamesAndNumbersExpressionVariables) {
  LoadSpec spec;
  spec.schema = "my`db";
  spec.table = "order";
  spec.columns = {"id", "bits", "with space"};
  spec.load_exprs = {"", "CAST(CONV(@v, 2, 10) AS UNSIGNED)", "NULLIF(@v, @v)"};
  auto sql = BuildLoadDataStatement(spec);
  ASSERT_TRUE(sql.ok()) << sql.status().ToString();
  EXPECT_EQ(*sql,
            "LOAD DATA LOCAL INFILE 'switchyard-batch' INTO TABLE `my``db`.`order` "
            "CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' "
            "LINES TERMINATED BY '\\n' (`id`, @v1, @v2) "
            "SET `bits` = CAST(CONV(@v1, 2, 10) AS UNSIGNED), `with space` = NULLIF(@v2, @v2)");
}

TEST(MySqlLoadData, StatementRefusesMismatchedExpressions) {
  LoadSpec spec;
  spec.schema = "s";
  spec.table = "t";
  spec.columns = {"a", "b"};
  spec.load_exprs = {""};
  EXPECT_EQ(BuildLoadDataStatement(spec).status().code(), StatusCode::kInvalidArgument);
  spec.columns.clear();
  spec.load_exprs.clear();
  EXPECT_EQ(BuildLoadDataStatement(spec).status().code(), StatusCode::kInvalidArgument);
}

TEST(MySqlCatalogText, ParsesEnumMembersWithQuotesCommasAndBackslashes) {
  EXPECT_EQ(ParseEnumValues("enum('a','it''s','x,y','b\\\\c','')"),
            (std::vector<std::string>{"a", "it's", "x,y", "b\\c", ""}));
  EXPECT_EQ(ParseEnumValues("set('p','q')"), (std::vector<std::string>{"p", "q"}));
  EXPECT_TRUE(ParseEnumValues("int(11)").empty());
}

TEST(MySqlCatalogText, NormalizesMariaDbAndMySqlDefaults) {
  EXPECT_EQ(NormalizeDefault(std::nullopt, true, "int", ""), std::nullopt);
  EXPECT_EQ(NormalizeDefault("NULL", true, "int", ""), std::nullopt);
  EXPECT_EQ(NormalizeDefault("'NULL'", true, "varchar", ""), "'NULL'");
  EXPECT_EQ(NormalizeDefault("current_timestamp()", true, "timestamp", ""), "current_timestamp()");
  EXPECT_EQ(NormalizeDefault("abc", false, "varchar", ""), "'abc'");
  EXPECT_EQ(NormalizeDefault("it's", false, "varchar", ""), "'it\\'s'");
  EXPECT_EQ(NormalizeDefault("1.50", false, "decimal", ""), "1.50");
  EXPECT_EQ(NormalizeDefault("CURRENT_TIMESTAMP", false, "timestamp", "DEFAULT_GENERATED"),
            "CURRENT_TIMESTAMP");
}

TEST(MySqlCatalogText, FindsTheJsonValidColumn) {
  EXPECT_EQ(JsonValidColumn("json_valid(`j`)"), "j");
  EXPECT_EQ(JsonValidColumn("JSON_VALID(`we``ird col`)"), "we`ird col");
  EXPECT_EQ(JsonValidColumn("json_valid(`a`) and `b` > 0"), std::nullopt);
  EXPECT_EQ(JsonValidColumn("`x` > 0"), std::nullopt);
}

}  // namespace
}  // namespace switchyard::endpoints::mysql
