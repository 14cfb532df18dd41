// Every row of the type mapping in every direction (docs/type-mapping.md is the same table in
// prose), MySQL's traps, change-data-type, add-column, defaults across engines, identity and
// the unsupported-type message. No database: PlanColumn is a pure function.
#include "engine/catalog/type_mapping.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace switchyard::catalog {
namespace {

constexpr Engine kMy = Engine::kMySql;
constexpr Engine kPg = Engine::kPostgres;

// A MySQL column type as information_schema describes it.
ColumnType My(const std::string& name, const std::string& full) {
  ColumnType t;
  t.name = name;
  t.full = full;
  t.is_unsigned = full.find(" unsigned") != std::string::npos;
  t.is_json = name == "json";
  return t;
}

// A PostgreSQL column type as pg_catalog describes it.
ColumnType Pg(const std::string& name, const std::string& full) {
  ColumnType t;
  t.name = name;
  t.full = full;
  return t;
}

ColumnType WithLength(ColumnType t, int64_t length) {
  t.length = length;
  return t;
}

ColumnType WithPrecision(ColumnType t, std::optional<int> precision,
                         std::optional<int> scale = std::nullopt) {
  t.precision = precision;
  t.scale = scale;
  return t;
}

// A change-data-type rule's data-type.
TypeOverride Dms(std::string type, std::optional<int64_t> length = std::nullopt,
                 std::optional<int> precision = std::nullopt,
                 std::optional<int> scale = std::nullopt) {
  return TypeOverride{std::move(type), length, precision, scale};
}

Column Col(const std::string& name, ColumnType type) {
  Column c;
  c.name = name;
  c.type = std::move(type);
  return c;
}

Result<ColumnPlan> TryPlan(const Column& c, Engine source, Engine target,
                           std::optional<TypeOverride> o = std::nullopt, bool in_key = false) {
  return PlanColumn(c, MappingContext{source, target, in_key}, o);
}

ColumnPlan Plan(const Column& c, Engine source, Engine target,
                std::optional<TypeOverride> o = std::nullopt, bool in_key = false) {
  auto r = TryPlan(c, source, target, std::move(o), in_key);
  EXPECT_TRUE(r.ok()) << c.type.full << ": " << r.status().ToString();
  return r.ok() ? *r : ColumnPlan{};
}

bool HasNoteContaining(const ColumnPlan& p, const std::string& text) {
  return std::any_of(p.notes.begin(), p.notes.end(),
                     [&](const std::string& n) { return n.find(text) != std::string::npos; });
}

// One mapping row: how column "c" of `type` travels.
struct Row {
  Row(ColumnType t, std::string target, std::string select,
      ValueTransform tr = ValueTransform::kNone, std::string load = "")
      : type(std::move(t)),
        target_type(std::move(target)),
        select_expr(std::move(select)),
        transform(tr),
        load_expr(std::move(load)) {}
  ColumnType type;
  std::string target_type;
  std::string select_expr;  // source SQL
  ValueTransform transform;
  std::string load_expr;  // MySQL target SET expression
};

void ExpectRows(Engine source, Engine target, const std::vector<Row>& rows) {
  for (const auto& row : rows) {
    SCOPED_TRACE(row.type.full);
    ColumnPlan p = Plan(Col("c", row.type), source, target);
    EXPECT_EQ(p.target_type, row.target_type);
    EXPECT_EQ(p.select_expr, row.select_expr);
    EXPECT_EQ(p.transform, row.transform) << ValueTransformName(p.transform);
    EXPECT_EQ(p.load_expr, row.load_expr);
    EXPECT_EQ(p.source_name, "c");
    EXPECT_EQ(p.target_name, "c");
  }
}

// ---------------------------------------------------------------------------------------
// MySQL -> PostgreSQL

TEST(MySqlToPostgres, EveryTypeMapsAsDocumented) {
  const std::string c = "`c`";
  ColumnType latin1 = WithLength(My("varchar", "varchar(50)"), 50);
  latin1.charset = "latin1";
  ColumnType maria_json = My("longtext", "longtext");
  maria_json.is_json = true;
  ExpectRows(
      kMy, kPg,
      {
          {My("tinyint", "tinyint(4)"), "smallint", c},
          {My("tinyint", "tinyint(3) unsigned"), "smallint", c},
          {My("tinyint", "tinyint(1)"), "smallint", c},
          {My("smallint", "smallint(6)"), "smallint", c},
          {My("smallint", "smallint(5) unsigned"), "integer", c},
          {My("mediumint", "mediumint(9)"), "integer", c},
          {My("mediumint", "mediumint(8) unsigned"), "integer", c},
          {My("int", "int(11)"), "integer", c},
          {My("int", "int(10) unsigned"), "bigint", c},
          {My("bigint", "bigint(20)"), "bigint", c},
          {My("bigint", "bigint(20) unsigned"), "numeric(20)", c},
          {WithPrecision(My("decimal", "decimal(38,10)"), 38, 10), "numeric(38,10)", c},
          {WithPrecision(My("decimal", "decimal(65,30)"), 65, 30), "numeric(65,30)", c},
          {WithPrecision(My("decimal", "decimal(10,0) unsigned"), 10, 0), "numeric(10,0)", c},
          {My("decimal", "decimal"), "numeric(10,0)", c},  // MySQL's default precision
          {My("float", "float"), "real", "CAST(`c` AS DOUBLE)"},
          {My("double", "double"), "double precision", c},
          {My("real", "real"), "double precision", c},
          {WithLength(My("bit", "bit(1)"), 1), "bit(1)", "LPAD(BIN(`c`+0),1,'0')"},
          {WithLength(My("bit", "bit(64)"), 64), "bit(64)", "LPAD(BIN(`c`+0),64,'0')"},
          {WithLength(My("char", "char(10)"), 10), "character(10)", c, ValueTransform::kRejectNul},
          {WithLength(My("char", "char(0)"), 0), "character(1)", c, ValueTransform::kRejectNul},
          {WithLength(My("varchar", "varchar(255)"), 255), "character varying(255)", c,
           ValueTransform::kRejectNul},
          {WithLength(My("varchar", "varchar(0)"), 0), "character varying(1)", c,
           ValueTransform::kRejectNul},
          {latin1, "character varying(50)", c, ValueTransform::kRejectNul},
          {My("tinytext", "tinytext"), "text", c, ValueTransform::kRejectNul},
          {My("text", "text"), "text", c, ValueTransform::kRejectNul},
          {My("mediumtext", "mediumtext"), "text", c, ValueTransform::kRejectNul},
          {My("longtext", "longtext"), "text", c, ValueTransform::kRejectNul},
          {maria_json, "jsonb", c, ValueTransform::kRejectNulInJson},
          {My("json", "json"), "jsonb", c, ValueTransform::kRejectNulInJson},
          {My("binary", "binary(4)"), "bytea", c, ValueTransform::kBinaryToPgBytea},
          {My("varbinary", "varbinary(64)"), "bytea", c, ValueTransform::kBinaryToPgBytea},
          {My("tinyblob", "tinyblob"), "bytea", c, ValueTransform::kBinaryToPgBytea},
          {My("blob", "blob"), "bytea", c, ValueTransform::kBinaryToPgBytea},
          {My("mediumblob", "mediumblob"), "bytea", c, ValueTransform::kBinaryToPgBytea},
          {My("longblob", "longblob"), "bytea", c, ValueTransform::kBinaryToPgBytea},
          {My("date", "date"), "date", c, ValueTransform::kMySqlZeroDateToNull},
          {WithPrecision(My("datetime", "datetime"), 0), "timestamp(0) without time zone", c,
           ValueTransform::kMySqlZeroDateToNull},
          {WithPrecision(My("datetime", "datetime(6)"), 6), "timestamp(6) without time zone", c,
           ValueTransform::kMySqlZeroDateToNull},
          {WithPrecision(My("timestamp", "timestamp(3)"), 3), "timestamp(3) with time zone", c,
           ValueTransform::kMySqlZeroTimestampToUtc},
          {WithPrecision(My("time", "time"), 0), "interval(0)", c},
          {WithPrecision(My("time", "time(6)"), 6), "interval(6)", c},
          {My("year", "year(4)"), "smallint", c},
          {My("enum", "enum('a','b')"), "text", c},
          {My("set", "set('a','b')"), "text", c},
          {My("uuid", "uuid"), "uuid", c},
          {My("inet4", "inet4"), "inet", c},
          {My("inet6", "inet6"), "inet", c},
      });
}

TEST(MySqlToPostgres, UnsignedNeverLeaksIntoPostgresDdl) {
  for (const char* name : {"tinyint", "smallint", "mediumint", "int", "integer", "bigint",
                           "decimal", "numeric", "float", "double", "real"}) {
    ColumnType t = My(name, std::string(name) + " unsigned");
    t.is_unsigned = true;
    t.precision = 10;
    t.scale = 2;
    for (bool zerofill : {false, true}) {
      if (zerofill) t.full += " zerofill";
      ColumnPlan p = Plan(Col("c", t), kMy, kPg);
      SCOPED_TRACE(t.full);
      EXPECT_EQ(p.target_type.find("unsigned"), std::string::npos) << p.target_type;
      EXPECT_EQ(p.target_type.find("zerofill"), std::string::npos) << p.target_type;
      EXPECT_FALSE(p.target_type.empty());
    }
  }
}

TEST(MySqlToPostgres, UnsignedWidthsGetTheNextWiderTypeSoTheMaximumFits) {
  EXPECT_EQ(Plan(Col("c", My("smallint", "smallint unsigned")), kMy, kPg).target_type,
            "integer");  // 65535
  EXPECT_EQ(Plan(Col("c", My("int", "int unsigned")), kMy, kPg).target_type,
            "bigint");  // 4294967295
  EXPECT_EQ(Plan(Col("c", My("bigint", "bigint unsigned")), kMy, kPg).target_type,
            "numeric(20)");  // 18446744073709551615
}

TEST(MySqlToPostgres, UnsignedDecimalSaysTheSignConstraintIsNotCarried) {
  ColumnType t = WithPrecision(My("decimal", "decimal(10,2) unsigned"), 10, 2);
  EXPECT_TRUE(HasNoteContaining(Plan(Col("c", t), kMy, kPg), "UNSIGNED DECIMAL"));
}

TEST(MySqlToPostgres, TinyInt1StaysSmallintBecauseItCanHoldMoreThanZeroAndOne) {
  ColumnPlan p = Plan(Col("flag", My("tinyint", "tinyint(1)")), kMy, kPg);
  EXPECT_EQ(p.target_type, "smallint");
  EXPECT_TRUE(HasNoteContaining(p, "change-data-type boolean"));
  EXPECT_FALSE(HasNoteContaining(Plan(Col("n", My("tinyint", "tinyint(4)")), kMy, kPg),
                                 "change-data-type boolean"));
}

TEST(MySqlToPostgres, TinyInt1AsBooleanTreatsEveryNonZeroValueAsTrue) {
  ColumnPlan p = Plan(Col("flag", My("tinyint", "tinyint(1)")), kMy, kPg, Dms("boolean"));
  EXPECT_EQ(p.target_type, "boolean");
  // 2 and -1 are true on MySQL; PostgreSQL's boolean input would refuse them as they are.
  EXPECT_EQ(p.select_expr, "(`flag` <> 0)");
}

TEST(MySqlToPostgres, TimeMapsToIntervalBecauseMySqlTimeHoldsDurations) {
  ColumnPlan p = Plan(Col("t", WithPrecision(My("time", "time(6)"), 6)), kMy, kPg);
  EXPECT_EQ(p.target_type, "interval(6)");
  EXPECT_TRUE(HasNoteContaining(p, "beyond 24 h"));
}

TEST(MySqlToPostgres, TimeAsTimeOfDayRejectsValuesOutsideTheDay) {
  ColumnPlan p = Plan(Col("t", My("time", "time")), kMy, kPg, Dms("time"));
  EXPECT_EQ(p.target_type, "time");
  EXPECT_EQ(p.transform, ValueTransform::kRejectTimeOutsideDay);
}

TEST(MySqlToPostgres, ZeroDatesBecomeNullWithANote) {
  for (const char* name : {"date", "datetime", "timestamp"}) {
    ColumnPlan p = Plan(Col("d", My(name, name)), kMy, kPg);
    EXPECT_TRUE(HasNoteContaining(p, "zero")) << name;
    EXPECT_NE(p.transform, ValueTransform::kNone) << name;
  }
}

TEST(MySqlToPostgres, TextColumnsRejectNulAndBytesOverrideKeepsEveryByte) {
  Column c = Col("s", WithLength(My("varchar", "varchar(20)"), 20));
  EXPECT_EQ(Plan(c, kMy, kPg).transform, ValueTransform::kRejectNul);
  ColumnPlan as_bytes = Plan(c, kMy, kPg, Dms("bytes"));
  EXPECT_EQ(as_bytes.target_type, "bytea");
  EXPECT_EQ(as_bytes.transform, ValueTransform::kBinaryToPgBytea);
}

TEST(MySqlToPostgres, EnumAndSetAreTextWithANote) {
  EXPECT_TRUE(HasNoteContaining(Plan(Col("e", My("enum", "enum('a')")), kMy, kPg), "ENUM"));
  EXPECT_TRUE(HasNoteContaining(Plan(Col("s", My("set", "set('a')")), kMy, kPg), "SET"));
}

TEST(MySqlToPostgres, JsonNotesThatJsonbNormalizes) {
  EXPECT_TRUE(HasNoteContaining(Plan(Col("j", My("json", "json")), kMy, kPg), "normalized"));
}

TEST(MySqlToPostgres, SpatialTypeIsRefusedWithAnActionableMessage) {
  auto r = TryPlan(Col("location", My("point", "point")), kMy, kPg);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("column location"), std::string::npos) << m;
  EXPECT_NE(m.find("type point"), std::string::npos) << m;
  EXPECT_NE(m.find("remove-column"), std::string::npos) << m;
  EXPECT_NE(m.find("change-data-type"), std::string::npos) << m;
  EXPECT_NE(m.find("PostGIS"), std::string::npos) << m;
}

TEST(MySqlToPostgres, UnsupportedTypeWithChangeDataTypeIsPlannedAsTheNewType) {
  ColumnPlan p = Plan(Col("location", My("point", "point")), kMy, kPg, Dms("blob"));
  EXPECT_EQ(p.target_type, "bytea");
  EXPECT_EQ(p.transform, ValueTransform::kBinaryToPgBytea);  // raw bytes need the hex form
  EXPECT_TRUE(HasNoteContaining(p, "change-data-type"));
}

TEST(MySqlToPostgres, BitWithChangeDataTypeIsReadAsANumber) {
  ColumnPlan p = Plan(Col("b", WithLength(My("bit", "bit(8)"), 8)), kMy, kPg, Dms("int4"));
  EXPECT_EQ(p.target_type, "integer");
  EXPECT_EQ(p.select_expr, "(`b`+0)");  // not LPAD(BIN()): '00000101' would load as 101
}

// ---------------------------------------------------------------------------------------
// PostgreSQL -> MySQL

TEST(PostgresToMySql, EveryTypeMapsAsDocumented) {
  const std::string c = "\"c\"";
  ColumnType int_array = Pg("integer[]", "integer[]");
  int_array.is_array = true;
  int_array.element_name = "integer";
  ColumnType mood = Pg("mood", "mood");
  mood.enum_values = {"sad", "it's"};
  ExpectRows(
      kPg, kMy,
      {
          {Pg("smallint", "smallint"), "smallint", c},
          {Pg("integer", "integer"), "int", c},
          {Pg("bigint", "bigint"), "bigint", c},
          {Pg("oid", "oid"), "int unsigned", c},
          {WithPrecision(Pg("numeric", "numeric(38,10)"), 38, 10), "decimal(38,10)", c,
           ValueTransform::kRejectNonFinite},
          {WithPrecision(Pg("numeric", "numeric(65,30)"), 65, 30), "decimal(65,30)", c,
           ValueTransform::kRejectNonFinite},
          {WithPrecision(Pg("numeric", "numeric(5,-2)"), 5, -2), "decimal(7,0)", c,
           ValueTransform::kRejectNonFinite},
          {WithPrecision(Pg("numeric", "numeric(3,5)"), 3, 5), "decimal(5,5)", c,
           ValueTransform::kRejectNonFinite},
          {Pg("numeric", "numeric"), "decimal(65,30)", c,
           ValueTransform::kRejectBeyondMySqlDecimal},
          {WithPrecision(Pg("numeric", "numeric(100,2)"), 100, 2), "decimal(65,30)", c,
           ValueTransform::kRejectBeyondMySqlDecimal},
          {WithPrecision(Pg("numeric", "numeric(40,35)"), 40, 35), "decimal(65,30)", c,
           ValueTransform::kRejectBeyondMySqlDecimal},
          {Pg("real", "real"), "float", "\"c\"::float8", ValueTransform::kRejectNonFinite},
          {Pg("double precision", "double precision"), "double", c,
           ValueTransform::kRejectNonFinite},
          {Pg("boolean", "boolean"), "tinyint(1)", "\"c\"::int"},
          {WithLength(Pg("character", "character(10)"), 10), "char(10)", c},
          {WithLength(Pg("character", "character(300)"), 300), "varchar(300)", c},
          {WithLength(Pg("character varying", "character varying(255)"), 255), "varchar(255)", c},
          {WithLength(Pg("character varying", "character varying(16383)"), 16383), "varchar(16383)",
           c},
          {WithLength(Pg("character varying", "character varying(20000)"), 20000), "longtext", c},
          {Pg("character varying", "character varying"), "longtext", c},
          {Pg("text", "text"), "longtext", c},
          {Pg("name", "name"), "longtext", c},
          {Pg("citext", "citext"), "longtext", c},
          {Pg("bytea", "bytea"), "longblob", c, ValueTransform::kPgByteaToBinary},
          {Pg("date", "date"), "date", c, ValueTransform::kRejectPgSpecialDate},
          {Pg("time without time zone", "time without time zone"), "time(6)", c},
          {WithPrecision(Pg("time without time zone", "time(3) without time zone"), 3), "time(3)",
           c},
          {Pg("timestamp without time zone", "timestamp without time zone"), "datetime(6)", c,
           ValueTransform::kRejectPgSpecialDate},
          {WithPrecision(Pg("timestamp without time zone", "timestamp(0) without time zone"), 0),
           "datetime(0)", c, ValueTransform::kRejectPgSpecialDate},
          {WithPrecision(Pg("timestamp with time zone", "timestamp(3) with time zone"), 3),
           "datetime(3)", "(\"c\" AT TIME ZONE 'UTC')", ValueTransform::kRejectPgSpecialDate},
          {Pg("time with time zone", "time with time zone"), "varchar(32)", c},
          {Pg("interval", "interval"), "varchar(100)", c},
          {Pg("json", "json"), "json", c},
          {Pg("jsonb", "jsonb"), "json", c},
          {Pg("uuid", "uuid"), "char(36)", c},
          {WithLength(Pg("bit", "bit(10)"), 10), "bit(10)", c, ValueTransform::kNone,
           "CAST(CONV(@v,2,10) AS UNSIGNED)"},
          {WithLength(Pg("bit", "bit(64)"), 64), "bit(64)", c, ValueTransform::kNone,
           "CAST(CONV(@v,2,10) AS UNSIGNED)"},
          {WithLength(Pg("bit", "bit(65)"), 65), "varchar(65)", c},
          {WithLength(Pg("bit varying", "bit varying(20)"), 20), "varchar(20)", c},
          {Pg("bit varying", "bit varying"), "varchar(16383)", c},
          {Pg("money", "money"), "decimal(19,2)", "\"c\"::numeric"},
          {Pg("inet", "inet"), "varchar(43)", c},
          {Pg("cidr", "cidr"), "varchar(43)", c},
          {Pg("macaddr", "macaddr"), "varchar(23)", c},
          {Pg("macaddr8", "macaddr8"), "varchar(23)", c},
          {Pg("xml", "xml"), "longtext", "\"c\"::text"},
          {Pg("tsvector", "tsvector"), "longtext", "\"c\"::text"},
          {Pg("tsquery", "tsquery"), "longtext", "\"c\"::text"},
          {Pg("point", "point"), "longtext", "\"c\"::text"},
          {Pg("polygon", "polygon"), "longtext", "\"c\"::text"},
          {Pg("int4range", "int4range"), "longtext", "\"c\"::text"},
          {Pg("tstzrange", "tstzrange"), "longtext", "\"c\"::text"},
          {Pg("hstore", "hstore"), "longtext", "\"c\"::text"},
          {int_array, "json", "array_to_json(\"c\")::text"},
          {mood, "enum('sad','it\\'s')", c},
      });
}

TEST(PostgresToMySql, UnboundedTextInAKeyBecomesAnIndexableVarchar) {
  ColumnPlan p = Plan(Col("k", Pg("text", "text")), kPg, kMy, std::nullopt, /*in_key=*/true);
  EXPECT_EQ(p.target_type, "varchar(768)");
  EXPECT_TRUE(HasNoteContaining(p, "varchar(768)"));
  EXPECT_EQ(Plan(Col("b", Pg("bytea", "bytea")), kPg, kMy, std::nullopt, true).target_type,
            "varbinary(3072)");
}

TEST(PostgresToMySql, LossyChoicesCarryANote) {
  EXPECT_TRUE(
      HasNoteContaining(Plan(Col("n", Pg("numeric", "numeric")), kPg, kMy), "decimal(65,30)"));
  EXPECT_TRUE(HasNoteContaining(
      Plan(Col("t", Pg("timestamp with time zone", "timestamptz")), kPg, kMy), "UTC"));
  EXPECT_TRUE(
      HasNoteContaining(Plan(Col("t", Pg("time with time zone", "timetz")), kPg, kMy), "text"));
  EXPECT_TRUE(HasNoteContaining(Plan(Col("i", Pg("interval", "interval")), kPg, kMy), "text"));
  EXPECT_TRUE(HasNoteContaining(Plan(Col("x", Pg("xml", "xml")), kPg, kMy), "xml"));
  EXPECT_TRUE(HasNoteContaining(Plan(Col("c", Pg("citext", "citext")), kPg, kMy), "case"));
  ColumnType arr = Pg("text[]", "text[]");
  arr.is_array = true;
  EXPECT_TRUE(HasNoteContaining(Plan(Col("a", arr), kPg, kMy), "JSON"));
}

TEST(PostgresToMySql, TypeWithoutMySqlEquivalentIsRefusedNamingColumnTypeAndRemedy) {
  auto r = TryPlan(Col("lsn", Pg("pg_lsn", "pg_lsn")), kPg, kMy);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(r.status().message(),
            "column lsn of type pg_lsn: no MySQL equivalent; exclude it with a remove-column "
            "rule or convert it with change-data-type");
  EXPECT_EQ(Plan(Col("lsn", Pg("pg_lsn", "pg_lsn")), kPg, kMy, Dms("string")).target_type,
            "longtext");
}

TEST(PostgresToMySql, BitAsStringIsLoadedAsTheBitText) {
  ColumnPlan p = Plan(Col("b", WithLength(Pg("bit", "bit(8)"), 8)), kPg, kMy, Dms("string", 8));
  EXPECT_EQ(p.target_type, "varchar(8)");
  EXPECT_EQ(p.load_expr, "");
  EXPECT_EQ(Plan(Col("b", WithLength(Pg("bit", "bit(8)"), 8)), kPg, kMy, Dms("int4")).load_expr,
            "CAST(CONV(@v,2,10) AS UNSIGNED)");
}

// ---------------------------------------------------------------------------------------
// Same engine: the type text is carried verbatim.

TEST(PostgresToPostgres, TypeTextIsCarriedVerbatim) {
  ColumnType arr = Pg("integer[]", "integer[]");
  arr.is_array = true;
  ExpectRows(
      kPg, kPg,
      {
          {Pg("numeric", "numeric(10,2)"), "numeric(10,2)", "\"c\""},
          {Pg("character varying", "character varying(20)"), "character varying(20)", "\"c\""},
          {Pg("timestamp with time zone", "timestamp(3) with time zone"),
           "timestamp(3) with time zone", "\"c\""},
          {Pg("bytea", "bytea"), "bytea", "\"c\""},
          {Pg("interval", "interval"), "interval", "\"c\""},
          {arr, "integer[]", "\"c\""},
          {Pg("jsonb", "jsonb"), "jsonb", "\"c\""},
          {Pg("xml", "xml"), "xml", "\"c\""},
      });
}

TEST(PostgresToPostgres, DefaultIsCarriedVerbatimButNotForIdentity) {
  Column c = Col("name", Pg("character varying", "character varying(50)"));
  c.default_expr = "'anon'::character varying";
  EXPECT_EQ(Plan(c, kPg, kPg).default_expr, "'anon'::character varying");
  Column id = Col("id", Pg("bigint", "bigint"));
  id.auto_increment = true;
  id.default_expr = "nextval('t_id_seq'::regclass)";
  ColumnPlan p = Plan(id, kPg, kPg);
  EXPECT_TRUE(p.identity);
  EXPECT_FALSE(p.default_expr.has_value());
}

TEST(MySqlToMySql, TypeTextIsCarriedWithCharset) {
  ColumnType latin1 = My("varchar", "varchar(50)");
  latin1.charset = "latin1";
  ColumnType enum_type = My("enum", "enum('a','b')");
  enum_type.charset = "utf8mb4";
  ColumnType blob = My("blob", "blob");
  blob.charset = "binary";
  ColumnType maria_json = My("longtext", "longtext");
  maria_json.is_json = true;
  maria_json.charset = "utf8mb4";
  ExpectRows(kMy, kMy,
             {
                 {My("int", "int(10) unsigned"), "int(10) unsigned", "`c`"},
                 {My("bigint", "bigint(20) unsigned"), "bigint(20) unsigned", "`c`"},
                 {My("tinyint", "tinyint(1)"), "tinyint(1)", "`c`"},
                 {latin1, "varchar(50) CHARACTER SET latin1", "`c`"},
                 {enum_type, "enum('a','b') CHARACTER SET utf8mb4", "`c`"},
                 {blob, "blob", "`c`"},
                 {maria_json, "json", "`c`"},
                 {My("float", "float"), "float", "CAST(`c` AS DOUBLE)"},
                 {WithLength(My("bit", "bit(5)"), 5), "bit(5)", "LPAD(BIN(`c`+0),5,'0')",
                  ValueTransform::kNone, "CAST(CONV(@v,2,10) AS UNSIGNED)"},
                 {My("date", "date"), "date", "`c`"},  // zero dates copy as they are
                 {My("time", "time"), "time", "`c`"},
             });
}

TEST(MySqlToMySql, DefaultIsCarriedVerbatim) {
  Column c = Col("d", My("datetime", "datetime(6)"));
  c.default_expr = "current_timestamp(6)";
  EXPECT_EQ(Plan(c, kMy, kMy).default_expr, "current_timestamp(6)");
}

// ---------------------------------------------------------------------------------------
// change-data-type

TEST(ChangeDataType, EveryDmsTypeNameMapsOnBothTargets) {
  struct Case {
    TypeOverride o;
    std::string pg;
    std::string my;
  };
  const std::vector<Case> cases = {
      {Dms("int1"), "smallint", "tinyint"},
      {Dms("int2"), "smallint", "smallint"},
      {Dms("int4"), "integer", "int"},
      {Dms("int8"), "bigint", "bigint"},
      {Dms("uint1"), "smallint", "tinyint unsigned"},
      {Dms("uint2"), "integer", "smallint unsigned"},
      {Dms("uint4"), "bigint", "int unsigned"},
      {Dms("uint8"), "numeric(20)", "bigint unsigned"},
      {Dms("numeric"), "numeric(38,0)", "decimal(38,0)"},
      {Dms("numeric", std::nullopt, 12, 4), "numeric(12,4)", "decimal(12,4)"},
      {Dms("real4"), "real", "float"},
      {Dms("real8"), "double precision", "double"},
      {Dms("string"), "text", "longtext"},
      {Dms("string", 40), "character varying(40)", "varchar(40)"},
      {Dms("wstring"), "text", "longtext"},
      {Dms("wstring", 10), "character varying(10)", "varchar(10)"},
      {Dms("clob"), "text", "longtext"},
      {Dms("nclob"), "text", "longtext"},
      {Dms("blob"), "bytea", "longblob"},
      {Dms("bytes"), "bytea", "longblob"},
      {Dms("date"), "date", "date"},
      {Dms("time"), "time", "time(6)"},
      {Dms("datetime"), "timestamp(6)", "datetime(6)"},
      {Dms("boolean"), "boolean", "tinyint(1)"},
  };
  Column c = Col("c", My("int", "int(11)"));
  Column pc = Col("c", Pg("integer", "integer"));
  for (const auto& k : cases) {
    SCOPED_TRACE(k.o.type);
    ColumnPlan to_pg = Plan(c, kMy, kPg, k.o);
    EXPECT_EQ(to_pg.target_type, k.pg);
    EXPECT_TRUE(HasNoteContaining(to_pg, "change-data-type to " + k.o.type));
    EXPECT_EQ(Plan(pc, kPg, kMy, k.o).target_type, k.my);
    EXPECT_EQ(Plan(pc, kPg, kPg, k.o).target_type, k.pg);
    EXPECT_EQ(Plan(c, kMy, kMy, k.o).target_type, k.my);
  }
}

TEST(ChangeDataType, UnknownTypeNameIsAClearInvalidArgument) {
  auto r = TryPlan(Col("c", My("int", "int")), kMy, kPg, Dms("varchar2"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("\"varchar2\""), std::string::npos) << m;
  EXPECT_NE(m.find("is not a supported DMS data type"), std::string::npos) << m;
  EXPECT_NE(m.find("int1..int8"), std::string::npos) << m;
}

TEST(ChangeDataType, BlobToStringOnPostgresRejectsNulInsteadOfHexEncoding) {
  ColumnPlan p = Plan(Col("b", My("blob", "blob")), kMy, kPg, Dms("string"));
  EXPECT_EQ(p.target_type, "text");
  EXPECT_EQ(p.transform, ValueTransform::kRejectNul);
}

TEST(ChangeDataType, PostgresByteaToBytesNeedsNoConversion) {
  ColumnPlan p = Plan(Col("b", Pg("bytea", "bytea")), kPg, kPg, Dms("blob"));
  EXPECT_EQ(p.transform, ValueTransform::kNone);  // it already prints \x... hex
  ColumnPlan text = Plan(Col("t", Pg("text", "text")), kPg, kPg, Dms("blob"));
  EXPECT_EQ(text.transform, ValueTransform::kBinaryToPgBytea);
}

TEST(ChangeDataType, IntegerToBooleanOnPostgresComparesWithZero) {
  ColumnPlan p = Plan(Col("n", Pg("integer", "integer")), kPg, kPg, Dms("boolean"));
  EXPECT_EQ(p.select_expr, "(\"n\" <> 0)");
  ColumnPlan text = Plan(Col("s", Pg("text", "text")), kPg, kPg, Dms("boolean"));
  EXPECT_EQ(text.select_expr, "\"s\"");  // 't', 'yes', 'on' are boolean input as they are
}

TEST(ChangeDataType, AutoIncrementIsDroppedWhenTheNewTypeIsNotAnInteger) {
  Column c = Col("id", My("int", "int"));
  c.auto_increment = true;
  ColumnPlan p = Plan(c, kMy, kPg, Dms("string", 20));
  EXPECT_FALSE(p.identity);
  EXPECT_TRUE(HasNoteContaining(p, "auto-increment dropped"));
  EXPECT_TRUE(Plan(c, kMy, kPg, Dms("int8")).identity);
}

// ---------------------------------------------------------------------------------------
// add-column

TEST(AddColumn, TypeAndExpressionComeFromTheRule) {
  auto p = PlanAddedColumn("loaded_at", "NOW()", Dms("datetime"), kPg);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->source_name, "");
  EXPECT_EQ(p->target_name, "loaded_at");
  EXPECT_EQ(p->select_expr, "NOW()");
  EXPECT_EQ(p->target_type, "timestamp(6)");
  EXPECT_EQ(p->transform, ValueTransform::kNone);
  EXPECT_TRUE(p->nullable);
  auto my = PlanAddedColumn("tag", "'x'", Dms("string", 10), kMy);
  ASSERT_TRUE(my.ok());
  EXPECT_EQ(my->target_type, "varchar(10)");
}

TEST(AddColumn, BytesOnPostgresAreHexEncoded) {
  auto p = PlanAddedColumn("raw", "x", Dms("bytes"), kPg);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->transform, ValueTransform::kBinaryToPgBytea);
  auto my = PlanAddedColumn("raw", "x", Dms("bytes"), kMy);
  ASSERT_TRUE(my.ok());
  EXPECT_EQ(my->transform, ValueTransform::kNone);
}

TEST(AddColumn, UnknownTypeIsInvalidArgument) {
  auto p = PlanAddedColumn("x", "1", Dms("integer"), kPg);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------------------
// Defaults across engines

std::optional<std::string> DefaultOf(ColumnType type, const std::string& expr, Engine source,
                                     Engine target, std::optional<TypeOverride> o = {}) {
  Column c = Col("c", std::move(type));
  c.default_expr = expr;
  ColumnPlan p = Plan(c, source, target, std::move(o));
  if (!p.default_expr) {
    EXPECT_TRUE(HasNoteContaining(p, "not carried")) << expr;
  }
  return p.default_expr;
}

TEST(DefaultTranslation, LiteralsAreCarriedFromPostgresToMySql) {
  const auto varchar = WithLength(Pg("character varying", "character varying(50)"), 50);
  EXPECT_EQ(DefaultOf(varchar, "'anon'::character varying", kPg, kMy), "'anon'");
  EXPECT_EQ(DefaultOf(Pg("text", "text"), "'it''s \\ x'::text", kPg, kMy), "('it\\'s \\\\ x')");
  EXPECT_EQ(DefaultOf(Pg("integer", "integer"), "'-1'::integer", kPg, kMy), "-1");
  EXPECT_EQ(DefaultOf(Pg("integer", "integer"), "42", kPg, kMy), "42");
  EXPECT_EQ(DefaultOf(Pg("numeric", "numeric"), "(0)::numeric", kPg, kMy), "0");
  EXPECT_EQ(DefaultOf(Pg("numeric", "numeric"), "'1.5e3'::numeric", kPg, kMy), "1.5e3");
  EXPECT_EQ(DefaultOf(Pg("boolean", "boolean"), "true", kPg, kMy), "1");
  EXPECT_EQ(DefaultOf(Pg("boolean", "boolean"), "false", kPg, kMy), "0");
  EXPECT_EQ(DefaultOf(Pg("date", "date"), "'2024-01-31'::date", kPg, kMy), "'2024-01-31'");
  EXPECT_EQ(DefaultOf(Pg("jsonb", "jsonb"), "'{\"a\": 1}'::jsonb", kPg, kMy), "('{\"a\": 1}')");
  EXPECT_EQ(DefaultOf(Pg("bytea", "bytea"), "'\\x6162'::bytea", kPg, kMy), "(X'6162')");
  EXPECT_EQ(DefaultOf(WithLength(Pg("bit", "bit(3)"), 3), "'101'::\"bit\"", kPg, kMy), "b'101'");
  EXPECT_EQ(DefaultOf(Pg("interval", "interval"), "'1 day'::interval", kPg, kMy), "'1 day'");
  ColumnType mood = Pg("mood", "mood");
  mood.enum_values = {"ok", "sad"};
  EXPECT_EQ(DefaultOf(mood, "'ok'::mood", kPg, kMy), "'ok'");
}

TEST(DefaultTranslation, LiteralsAreCarriedFromMySqlToPostgres) {
  const auto varchar = WithLength(My("varchar", "varchar(50)"), 50);
  EXPECT_EQ(DefaultOf(varchar, "'anon'", kMy, kPg), "'anon'");
  // MariaDB prints quotes doubled or backslashed, and \n as two characters.
  EXPECT_EQ(DefaultOf(varchar, "'x\\'y'", kMy, kPg), "'x''y'");
  EXPECT_EQ(DefaultOf(varchar, "'a\\nb\\\\c''d'", kMy, kPg), "'a\nb\\c''d'");
  EXPECT_EQ(DefaultOf(My("text", "text"), "'t'", kMy, kPg), "'t'");  // TEXT keeps it too
  EXPECT_EQ(DefaultOf(My("int", "int(11)"), "-5", kMy, kPg), "-5");
  EXPECT_EQ(DefaultOf(My("decimal", "decimal(10,2)"), "1.50", kMy, kPg), "1.50");
  EXPECT_EQ(DefaultOf(My("tinyint", "tinyint(1)"), "1", kMy, kPg), "1");
  EXPECT_EQ(DefaultOf(My("tinyint", "tinyint(1)"), "1", kMy, kPg, Dms("boolean")), "true");
  EXPECT_EQ(DefaultOf(My("tinyint", "tinyint(1)"), "0", kMy, kPg, Dms("boolean")), "false");
  EXPECT_EQ(DefaultOf(WithLength(My("bit", "bit(3)"), 3), "b'1'", kMy, kPg), "'001'");
  EXPECT_EQ(DefaultOf(My("varbinary", "varbinary(4)"), "'ab'", kMy, kPg), "'\\x6162'");
  EXPECT_EQ(DefaultOf(My("time", "time"), "'12:00:00'", kMy, kPg), "'12:00:00'");
  EXPECT_EQ(DefaultOf(My("enum", "enum('a','b')"), "'b'", kMy, kPg), "'b'");
  // A MySQL TIMESTAMP literal is UTC (sessions run in +00:00): timestamptz gets the offset.
  EXPECT_EQ(DefaultOf(My("timestamp", "timestamp"), "'2024-01-01 00:00:00'", kMy, kPg),
            "'2024-01-01 00:00:00+00'");
}

TEST(DefaultTranslation, CurrentTimeIsCarriedWithTheColumnsPrecisionOnMySql) {
  EXPECT_EQ(DefaultOf(Pg("timestamp with time zone", "timestamptz"), "now()", kPg, kMy),
            "CURRENT_TIMESTAMP(6)");
  EXPECT_EQ(DefaultOf(WithPrecision(Pg("timestamp without time zone", "timestamp(0)"), 0),
                      "CURRENT_TIMESTAMP", kPg, kMy),
            "CURRENT_TIMESTAMP(0)");
  EXPECT_EQ(
      DefaultOf(WithPrecision(My("datetime", "datetime(6)"), 6), "current_timestamp(6)", kMy, kPg),
      "CURRENT_TIMESTAMP");
  EXPECT_EQ(DefaultOf(My("timestamp", "timestamp"), "current_timestamp()", kMy, kPg),
            "CURRENT_TIMESTAMP");
  EXPECT_EQ(DefaultOf(Pg("date", "date"), "CURRENT_DATE", kPg, kMy), "(CURRENT_DATE)");
  EXPECT_EQ(DefaultOf(My("date", "date"), "curdate()", kMy, kPg), "CURRENT_DATE");
  EXPECT_FALSE(DefaultOf(Pg("text", "text"), "now()", kPg, kMy));  // not a time column
}

TEST(DefaultTranslation, TimestamptzLiteralBecomesTheUtcWallClockOnMySql) {
  ColumnType t = Pg("timestamp with time zone", "timestamptz");
  EXPECT_EQ(DefaultOf(t, "'2024-01-01 10:00:00+00'::timestamp with time zone", kPg, kMy),
            "'2024-01-01 10:00:00'");
}

TEST(DefaultTranslation, ValuesTheTargetCannotHoldAreNotCarried) {
  EXPECT_FALSE(DefaultOf(My("date", "date"), "'0000-00-00'", kMy, kPg));
  EXPECT_FALSE(DefaultOf(My("datetime", "datetime"), "'2024-00-10 00:00:00'", kMy, kPg));
  EXPECT_FALSE(
      DefaultOf(Pg("double precision", "double precision"), "'NaN'::double precision", kPg, kMy));
  EXPECT_FALSE(DefaultOf(Pg("date", "date"), "'infinity'::date", kPg, kMy));
  EXPECT_FALSE(DefaultOf(Pg("money", "money"), "'$1.00'::money", kPg, kMy));
  EXPECT_FALSE(DefaultOf(WithLength(My("varchar", "varchar(5)"), 5), "'a\\0b'", kMy, kPg));
  ColumnType arr = Pg("integer[]", "integer[]");
  arr.is_array = true;
  EXPECT_FALSE(DefaultOf(arr, "'{}'::integer[]", kPg, kMy));  // '{}' is no JSON array
}

TEST(DefaultTranslation, ExpressionsAreNotCarried) {
  EXPECT_FALSE(DefaultOf(Pg("uuid", "uuid"), "gen_random_uuid()", kPg, kMy));
  EXPECT_FALSE(DefaultOf(Pg("text", "text"), "('a'::text || 'b'::text)", kPg, kMy));
  EXPECT_FALSE(DefaultOf(Pg("integer", "integer"), "nextval('s'::regclass)", kPg, kMy));
  EXPECT_FALSE(DefaultOf(My("int", "int"), "(1 + 2)", kMy, kPg));
  EXPECT_FALSE(DefaultOf(My("char", "char(36)"), "uuid()", kMy, kPg));
  EXPECT_FALSE(DefaultOf(My("varchar", "varchar(5)"), "'a' 'b'", kMy, kPg));
}

TEST(DefaultTranslation, NullDefaultIsNoDefaultAndNoNote) {
  Column c = Col("c", Pg("text", "text"));
  c.default_expr = "NULL::text";
  ColumnPlan p = Plan(c, kPg, kMy);
  EXPECT_FALSE(p.default_expr);
  EXPECT_FALSE(HasNoteContaining(p, "default"));
}

// ---------------------------------------------------------------------------------------
// Identity

TEST(Identity, BigintUnsignedAutoIncrementBecomesNumeric20Identity) {
  Column c = Col("id", My("bigint", "bigint(20) unsigned"));
  c.auto_increment = true;
  c.nullable = false;
  ColumnPlan p = Plan(c, kMy, kPg);
  EXPECT_EQ(p.target_type, "numeric(20)");
  EXPECT_TRUE(p.identity);  // ddl.cpp gives it a sequence of its own
  EXPECT_FALSE(p.nullable);
}

TEST(Identity, IsKeptForIntegerTargetsInEveryDirection) {
  Column my = Col("id", My("int", "int(11)"));
  my.auto_increment = true;
  EXPECT_TRUE(Plan(my, kMy, kPg).identity);
  EXPECT_TRUE(Plan(my, kMy, kMy).identity);
  Column pg = Col("id", Pg("bigint", "bigint"));
  pg.auto_increment = true;
  pg.default_expr = "nextval('t_id_seq'::regclass)";
  ColumnPlan p = Plan(pg, kPg, kMy);
  EXPECT_TRUE(p.identity);
  EXPECT_FALSE(p.default_expr);  // the sequence is not a default on MySQL
  EXPECT_TRUE(Plan(pg, kPg, kPg).identity);
}

TEST(Identity, FloatAutoIncrementIsDroppedWithANote) {
  Column c = Col("id", My("double", "double"));
  c.auto_increment = true;
  ColumnPlan p = Plan(c, kMy, kPg);
  EXPECT_FALSE(p.identity);
  EXPECT_TRUE(HasNoteContaining(p, "auto-increment dropped"));
}

TEST(ColumnPlan, NameNullabilityAndCommentAreCarried) {
  Column c = Col("Mixed Case ü", My("int", "int"));
  c.nullable = false;
  c.comment = "it's";
  ColumnPlan p = Plan(c, kMy, kPg);
  EXPECT_EQ(p.select_expr, "`Mixed Case ü`");
  EXPECT_EQ(p.target_name, "Mixed Case ü");
  EXPECT_FALSE(p.nullable);
  EXPECT_EQ(p.comment, "it's");
  Column q = Col("a`b", My("int", "int"));
  EXPECT_EQ(Plan(q, kMy, kPg).select_expr, "`a``b`");
  Column d = Col("a\"b", Pg("integer", "integer"));
  EXPECT_EQ(Plan(d, kPg, kMy).select_expr, "\"a\"\"b\"");
}

}  // namespace
}  // namespace switchyard::catalog
