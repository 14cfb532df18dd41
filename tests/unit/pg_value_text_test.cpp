// pgoutput text -> the text of the full load's select_expr. The expected strings are what
// PostgreSQL 15.18 printed for `SELECT <select_expr>` of the same values (session settings of
// pg_session.h); tests/integration/cdc_pg_value_text_test.cpp checks the same against the live
// server through a replication stream.
#include "engine/pipeline/cdc/pg_value_text.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/catalog/identifier.h"

namespace switchyard::pipeline::cdc {
namespace {

std::string Ok(const Result<std::string>& r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::string("<error>");
}

TEST(PgValueText, BooleanBecomesOneOrZero) {
  EXPECT_EQ(Ok(PgBoolToInt("t")), "1");
  EXPECT_EQ(Ok(PgBoolToInt("f")), "0");
  EXPECT_EQ(PgBoolToInt("true").status().code(), StatusCode::kDataError);
}

TEST(PgValueText, RealWidensToTheShortestFloat8Text) {
  EXPECT_EQ(Ok(PgFloat4ToFloat8("1.1")), "1.100000023841858");
  EXPECT_EQ(Ok(PgFloat4ToFloat8("NaN")), "NaN");
  EXPECT_EQ(Ok(PgFloat4ToFloat8("Infinity")), "Infinity");
  EXPECT_EQ(Ok(PgFloat4ToFloat8("-Infinity")), "-Infinity");
  EXPECT_EQ(Ok(PgFloat4ToFloat8("-0")), "-0");
  EXPECT_EQ(Ok(PgFloat4ToFloat8("1e-45")), "1.401298464324817e-45");
  EXPECT_EQ(Ok(PgFloat4ToFloat8("3.4028235e+38")), "3.4028234663852886e+38");
  EXPECT_EQ(Ok(PgFloat4ToFloat8("0.1")), "0.10000000149011612");
  EXPECT_EQ(Ok(PgFloat4ToFloat8("1e+10")), "10000000000");
  EXPECT_EQ(Ok(PgFloat4ToFloat8("1.2345679e+08")), "123456792");
  EXPECT_EQ(Ok(PgFloat4ToFloat8("1.1754944e-38")), "1.1754943508222875e-38");
  EXPECT_EQ(Ok(PgFloat4ToFloat8("100")), "100");
  EXPECT_EQ(Ok(PgFloat4ToFloat8("1e+16")), "1.0000000272564224e+16");
  EXPECT_EQ(Ok(PgFloat4ToFloat8("1e-05")), "9.999999747378752e-06");
  EXPECT_EQ(Ok(PgFloat4ToFloat8("0.0001")), "9.999999747378752e-05");
  EXPECT_EQ(Ok(PgFloat4ToFloat8("1.6777216e+07")), "16777216");
  EXPECT_EQ(PgFloat4ToFloat8("1.1x").status().code(), StatusCode::kDataError);
}

TEST(PgValueText, Float8LayoutFollowsPostgres) {
  EXPECT_EQ(PgFloat8Text(1e15), "1e+15");
  EXPECT_EQ(PgFloat8Text(1e14), "100000000000000");
  EXPECT_EQ(PgFloat8Text(0.0001), "0.0001");
  EXPECT_EQ(PgFloat8Text(0.00012345), "0.00012345");
  EXPECT_EQ(PgFloat8Text(1.5e-300), "1.5e-300");
  EXPECT_EQ(PgFloat8Text(123.456), "123.456");
  EXPECT_EQ(PgFloat8Text(0.0), "0");
}

TEST(PgValueText, TimestamptzLosesItsUtcOffset) {
  EXPECT_EQ(Ok(PgTimestamptzAtUtc("2024-01-02 03:04:05.123456+00")), "2024-01-02 03:04:05.123456");
  EXPECT_EQ(Ok(PgTimestamptzAtUtc("infinity")), "infinity");
  EXPECT_EQ(Ok(PgTimestamptzAtUtc("-infinity")), "-infinity");
  EXPECT_EQ(Ok(PgTimestamptzAtUtc("0044-03-15 12:00:00+00 BC")), "0044-03-15 12:00:00 BC");
  EXPECT_EQ(Ok(PgTimestamptzAtUtc("12345-06-07 01:02:03.5+00")), "12345-06-07 01:02:03.5");
  EXPECT_EQ(Ok(PgTimestamptzAtUtc("294276-12-31 23:59:59.999999+00")),
            "294276-12-31 23:59:59.999999");
  // Another session time zone is never guessed at.
  EXPECT_EQ(PgTimestamptzAtUtc("2024-01-02 03:04:05+05:30").status().code(),
            StatusCode::kDataError);
  EXPECT_EQ(PgTimestamptzAtUtc("2024-01-02 03:04:05-08").status().code(), StatusCode::kDataError);
}

TEST(PgValueText, ArraysBecomeArrayToJsonText) {
  EXPECT_EQ(Ok(PgArrayToJson(R"({"a\"b","c\\d","x)"
                             "\ny\t\b\f\r\x01z"
                             R"(","NULL",NULL,"","{},",é," sp "})",
                             PgJsonElement::kString)),
            R"(["a\"b","c\\d","x\ny\t\b\f\r\u0001z","NULL",null,"","{},","é"," sp "])");
  EXPECT_EQ(Ok(PgArrayToJson("[2:3]={1,2}", PgJsonElement::kNumber)), "[1,2]");
  EXPECT_EQ(Ok(PgArrayToJson("{{1,2},{3,4}}", PgJsonElement::kNumber)), "[[1,2],[3,4]]");
  EXPECT_EQ(Ok(PgArrayToJson("[0:1][1:2]={{1,2},{3,NULL}}", PgJsonElement::kNumber)),
            "[[1,2],[3,null]]");
  EXPECT_EQ(Ok(PgArrayToJson("{}", PgJsonElement::kNumber)), "[]");
  EXPECT_EQ(Ok(PgArrayToJson("{NaN,Infinity,-Infinity,-0,1e-45,1.5}", PgJsonElement::kNumber)),
            R"(["NaN","Infinity","-Infinity",-0,1e-45,1.5])");
  EXPECT_EQ(Ok(PgArrayToJson("{NaN,1.10,-2}", PgJsonElement::kNumber)), R"(["NaN",1.10,-2])");
  EXPECT_EQ(Ok(PgArrayToJson("{t,f,NULL}", PgJsonElement::kBoolean)), "[true,false,null]");
  EXPECT_EQ(Ok(PgArrayToJson("{1.1,3.4028235e+38}", PgJsonElement::kNumber)),
            "[1.1,3.4028235e+38]");
  EXPECT_EQ(Ok(PgArrayToJson(R"({"ab ","c  "})", PgJsonElement::kString)), R"(["ab ","c  "])");
  EXPECT_EQ(PgArrayToJson("{1,2", PgJsonElement::kNumber).status().code(), StatusCode::kDataError);
  EXPECT_EQ(PgArrayToJson("{1,2}x", PgJsonElement::kNumber).status().code(),
            StatusCode::kDataError);
}

TEST(PgValueText, NonZeroIsTrue) {
  EXPECT_EQ(Ok(PgNonZeroToBool("0")), "f");
  EXPECT_EQ(Ok(PgNonZeroToBool("-0")), "f");
  EXPECT_EQ(Ok(PgNonZeroToBool("0.000")), "f");
  EXPECT_EQ(Ok(PgNonZeroToBool("NaN")), "t");
  EXPECT_EQ(Ok(PgNonZeroToBool("-Infinity")), "t");
  EXPECT_EQ(Ok(PgNonZeroToBool("1e-45")), "t");
  EXPECT_EQ(Ok(PgNonZeroToBool("-0.001")), "t");
}

catalog::Column SourceColumn(const std::string& name, const std::string& type_name,
                             bool is_array = false, const std::string& element = "") {
  catalog::Column c;
  c.name = name;
  c.type.name = type_name;
  c.type.full = type_name;
  c.type.is_array = is_array;
  c.type.element_name = element;
  return c;
}

catalog::ColumnPlan PlanOf(const std::string& name, const std::string& select_expr) {
  catalog::ColumnPlan p;
  p.source_name = p.target_name = name;
  p.select_expr = select_expr;
  return p;
}

TEST(PgValueText, EachTypeMappingFormHasItsConversionAndOthersAreRefused) {
  auto kind = [](const catalog::ColumnPlan& p, const catalog::Column* c) {
    auto r = PgConversionFor(p, c, "public.t");
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->kind : PgTextConversion::kNone;
  };
  catalog::Column b = SourceColumn("b", "boolean");
  EXPECT_EQ(kind(PlanOf("b", "\"b\""), nullptr), PgTextConversion::kNone);
  EXPECT_EQ(kind(PlanOf("b", "\"b\"::int"), &b), PgTextConversion::kBoolToInt);
  catalog::Column r = SourceColumn("r", "real");
  EXPECT_EQ(kind(PlanOf("r", "\"r\"::float8"), &r), PgTextConversion::kFloat4ToFloat8);
  EXPECT_EQ(kind(PlanOf("r", "(\"r\" <> 0)"), &r), PgTextConversion::kNonZeroToBool);
  catalog::Column ts = SourceColumn("ts", "timestamp with time zone");
  EXPECT_EQ(kind(PlanOf("ts", "(\"ts\" AT TIME ZONE 'UTC')"), &ts),
            PgTextConversion::kTimestamptzAtUtc);
  catalog::Column x = SourceColumn("x", "xml");
  EXPECT_EQ(kind(PlanOf("x", "\"x\"::text"), &x), PgTextConversion::kNone);
  catalog::Column a = SourceColumn("a", "integer[]", true, "integer");
  EXPECT_EQ(kind(PlanOf("a", "array_to_json(\"a\")::text"), &a), PgTextConversion::kArrayToJson);

  auto refused = [](const catalog::ColumnPlan& p, const catalog::Column* c) {
    auto res = PgConversionFor(p, c, "public.t");
    EXPECT_FALSE(res.ok());
    if (res.ok()) return std::string();
    EXPECT_EQ(res.status().code(), StatusCode::kUnsupported);
    return res.status().message();
  };
  // No client-side conversion: the source evaluates the expression on the value.
  auto on_source = [](const catalog::ColumnPlan& p, const catalog::Column* c) {
    auto res = PgConversionFor(p, c, "public.t");
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    if (!res.ok()) return std::string();
    EXPECT_EQ(res->kind, PgTextConversion::kOnSource);
    return res->source_sql;
  };
  catalog::Column d = SourceColumn("d", "date[]", true, "date");
  EXPECT_EQ(on_source(PlanOf("d", "array_to_json(\"d\")::text"), &d),
            "SELECT array_to_json($1::date[])::text");
  catalog::Column m = SourceColumn("m", "money");
  EXPECT_EQ(on_source(PlanOf("m", "\"m\"::numeric"), &m), "SELECT $1::money::numeric");
  catalog::Column i = SourceColumn("i", "inet");
  EXPECT_EQ(on_source(PlanOf("i", "\"i\"::text"), &i), "SELECT $1::inet::text");
  EXPECT_EQ(on_source(PlanOf("m", "(\"m\" + \"m\")"), &m), "SELECT ($1::money + $1::money)");
  EXPECT_NE(refused(PlanOf("m", "42"), &m).find("does not read the column"), std::string::npos);
  refused(PlanOf("b", "\"b\"::int"), nullptr);  // the source type is unknown
  catalog::ColumnPlan added = PlanOf("", "now()");
  added.target_name = "loaded_at";
  refused(added, nullptr);
}

}  // namespace
}  // namespace switchyard::pipeline::cdc
