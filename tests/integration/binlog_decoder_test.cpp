// Golden tests for the binlog row decoder against the real MariaDB server: for every column
// type, rows are inserted, updated (value and key) and deleted; the row images decoded from the
// binlog must equal what `SELECT col` returns over a utf8mb4 connection for the same rows at
// the same moment (the text protocol is the truth). FLOAT is compared by value: the decoder
// prints the exact float, SELECT rounds to 6 digits, so the server side is CAST(col AS DOUBLE).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "engine/endpoints/mysql/binlog/binlog_stream.h"
#include "engine/endpoints/mysql/binlog/json_binary.h"
#include "engine/endpoints/mysql/binlog/value_decoder.h"
#include "tests/integration/binlog_test_util.h"

namespace switchyard::testing {
namespace {

constexpr const char* kSchema = "sy_binlog_types";

struct TypeCase {
  std::string name;
  std::string column;               // column definition
  std::vector<std::string> values;  // SQL literals, inserted with ids 1..n
  std::string update_to;            // SQL literal for row 1's update (must differ)
  bool is_float = false;
};

std::ostream& operator<<(std::ostream& out, const TypeCase& c) { return out << c.name; }

const std::vector<TypeCase>& Cases() {
  static const std::vector<TypeCase> cases = {
      {"tinyint", "TINYINT", {"-128", "127", "0", "NULL"}, "-1"},
      {"tinyint_unsigned", "TINYINT UNSIGNED", {"0", "255", "NULL"}, "128"},
      {"smallint", "SMALLINT", {"-32768", "32767", "NULL"}, "-2"},
      {"smallint_unsigned", "SMALLINT UNSIGNED NOT NULL", {"65535", "0"}, "32768"},
      {"mediumint", "MEDIUMINT", {"-8388608", "8388607", "-1"}, "5"},
      {"mediumint_unsigned", "MEDIUMINT UNSIGNED", {"16777215", "8388608"}, "1"},
      {"int", "INT", {"-2147483648", "2147483647", "NULL"}, "7"},
      {"int_unsigned", "INT UNSIGNED", {"4294967295", "2147483648"}, "9"},
      {"bigint", "BIGINT", {"-9223372036854775808", "9223372036854775807", "-1"}, "11"},
      {"bigint_unsigned", "BIGINT UNSIGNED", {"18446744073709551615", "9223372036854775808"}, "1"},
      {"float",
       "FLOAT",
       {"3.14", "-1.5e-7", "3.4e38", "1.17549435e-38", "16777217", "0", "-0.1", "NULL"},
       "2.5",
       true},
      {"float_unsigned", "FLOAT UNSIGNED", {"1.5", "123456.789"}, "0.25", true},
      {"double",
       "DOUBLE",
       {"0.1", "1e300", "-1.5e-7", "1.7976931348623157e308", "2.2250738585072014e-308",
        "123456789012345.6", "1e15", "5e-324", "0", "-123.456", "1e-15", "1e-16", "NULL"},
       "2.5"},
      {"decimal_65_30",
       "DECIMAL(65,30)",
       {"'12345678901234567890123456789012345.123456789012345678901234567890'",
        "'-12345678901234567890123456789012345.123456789012345678901234567890'", "0",
        "'-0.000000000000000000000000000001'", "1", "-1.5", "NULL"},
       "2"},
      {"decimal_10_2", "DECIMAL(10,2)", {"1.5", "-99999999.99", "0", "0.01", "-0.01"}, "3"},
      {"decimal_65_0",
       "DECIMAL(65,0)",
       {"99999999999999999999999999999999999999999999999999999999999999999",
        "-99999999999999999999999999999999999999999999999999999999999999999", "0", "-1"},
       "7"},
      {"decimal_5_5", "DECIMAL(5,5)", {"0.12345", "-0.00001", "0"}, "0.5"},
      {"decimal_18_9", "DECIMAL(18,9)", {"123456789.123456789", "-123456789.123456789"}, "1"},
      {"decimal_19_10", "DECIMAL(19,10)", {"123456789.1234567891", "-0.0000000001"}, "1"},
      {"decimal_unsigned", "DECIMAL(12,4) UNSIGNED", {"12345678.1234", "0.0001"}, "1"},
      {"year", "YEAR", {"1901", "2155", "0", "2024", "NULL"}, "1999"},
      {"date",
       "DATE",
       {"'1000-01-01'", "'9999-12-31'", "'0000-00-00'", "'2024-02-29'", "NULL"},
       "'2000-01-01'"},
      {"time0",
       "TIME",
       {"'-838:59:59'", "'838:59:59'", "'00:00:00'", "'-00:00:01'", "'12:34:56'", "NULL"},
       "'01:00:00'"},
      {"time1",
       "TIME(1)",
       {"'-12:34:56.1'", "'-00:00:00.5'", "'12:34:56.9'", "'-838:59:59.0'"},
       "'01:00:00.1'"},
      {"time2", "TIME(2)", {"'-01:00:00.01'", "'-00:00:00.99'", "'23:59:59.50'"}, "'00:00:00.01'"},
      {"time3", "TIME(3)", {"'-12:34:56.123'", "'-00:00:00.001'", "'100:00:00.999'"}, "'00:00:01'"},
      {"time4", "TIME(4)", {"'-12:34:56.1234'", "'-00:00:00.0001'", "'1:2:3.5'"}, "'00:00:01'"},
      {"time5", "TIME(5)", {"'-01:00:00.00001'", "'-10:10:10.12345'"}, "'00:00:01'"},
      {"time6",
       "TIME(6)",
       {"'-838:59:59.000000'", "'-12:34:56.123456'", "'-00:00:00.000001'", "'838:59:59.000000'",
        "'01:02:03.999999'", "'-00:00:01.500000'", "NULL"},
       "'00:00:00.5'"},
      {"datetime0",
       "DATETIME",
       {"'1000-01-01 00:00:00'", "'9999-12-31 23:59:59'", "'0000-00-00 00:00:00'",
        "'2024-02-29 12:34:56'", "NULL"},
       "'2000-01-01 00:00:00'"},
      {"datetime1",
       "DATETIME(1)",
       {"'2024-02-29 12:34:56.5'", "'1000-01-01 00:00:00.0'"},
       "'2000-01-01 00:00:00.1'"},
      {"datetime2", "DATETIME(2)", {"'2024-02-29 12:34:56.99'"}, "'2000-01-01 00:00:00.1'"},
      {"datetime3",
       "DATETIME(3)",
       {"'2024-02-29 12:34:56.123'", "'9999-12-31 23:59:59.999'"},
       "'2000-01-01 00:00:00.1'"},
      {"datetime4", "DATETIME(4)", {"'2024-02-29 12:34:56.1234'"}, "'2000-01-01 00:00:00.1'"},
      {"datetime5", "DATETIME(5)", {"'2024-02-29 12:34:56.12345'"}, "'2000-01-01 00:00:00.1'"},
      {"datetime6",
       "DATETIME(6)",
       {"'9999-12-31 23:59:59.999999'", "'2024-03-01 12:34:56.000001'", "'0000-00-00 00:00:00'",
        "NULL"},
       "'2000-01-01 00:00:00.1'"},
      {"timestamp0",
       "TIMESTAMP NULL",
       {"'1970-01-01 00:00:01'", "'2038-01-19 03:14:07'", "'0000-00-00 00:00:00'", "NULL"},
       "'2000-01-01 00:00:00'"},
      {"timestamp3",
       "TIMESTAMP(3) NULL",
       {"'2024-03-01 12:34:56.123'", "'1970-01-01 00:00:01'"},
       "'2000-01-01 00:00:00'"},
      {"timestamp6",
       "TIMESTAMP(6) NULL",
       {"'2038-01-19 03:14:07.999999'", "'2024-03-01 12:34:56.000001'", "NULL"},
       "'2000-01-01 00:00:00'"},
      {"char_utf8mb4",
       "CHAR(10) CHARACTER SET utf8mb4",
       {"'abc'", "''", "'emoji 😀 ü'", "'trail  '", "NULL"},
       "'x'"},
      {"char_latin1",
       "CHAR(10) CHARACTER SET latin1",
       {"'café'", "'€uro'", "''", "'ÿ‚Š'", "NULL"},
       "'x'"},
      {"char_255_utf8mb4",
       "CHAR(255) CHARACTER SET utf8mb4",
       {"REPEAT('ü', 255)", "'short'", "REPEAT('😀', 200)"},
       "'x'"},
      {"char_cp1251", "CHAR(20) CHARACTER SET cp1251", {"'Привет мир'", "'ёЁ'"}, "'x'"},
      {"varchar_utf8mb4",
       "VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
       {"'hello'", "''", "'日本語テキスト'", "'a\\\\b\\'c'", "NULL"},
       "'x'"},
      {"varchar_latin1_300",
       "VARCHAR(300) CHARACTER SET latin1",
       {"REPEAT('é', 300)", "'naïve'", "''"},
       "'x'"},
      {"varchar_cp1251", "VARCHAR(100) CHARACTER SET cp1251", {"'Съешь же ещё'", "''"}, "'x'"},
      {"varchar_utf16", "VARCHAR(30) CHARACTER SET utf16", {"'ü 😀 z'", "''"}, "'x'"},
      {"varchar_ucs2", "VARCHAR(30) CHARACTER SET ucs2", {"'Grüße'", "''"}, "'x'"},
      {"varchar_ascii", "VARCHAR(30) CHARACTER SET ascii", {"'plain'", "''"}, "'x'"},
      {"binary4", "BINARY(4)", {"UNHEX('00FF0A00')", "'a'", "UNHEX('')"}, "'z'"},
      {"varbinary",
       "VARBINARY(300)",
       {"UNHEX('00FF5C0A0D09')", "REPEAT(UNHEX('FE'), 300)", "''"},
       "'z'"},
      {"enum",
       "ENUM('a','b','c d','ü') CHARACTER SET utf8mb4",
       {"'a'", "'c d'", "'ü'", "NULL"},
       "'b'"},
      {"enum_latin1", "ENUM('x','é','ñ') CHARACTER SET latin1", {"'é'", "'ñ'"}, "'x'"},
      {"set", "SET('x','y','z')", {"''", "'x'", "'x,z'", "'x,y,z'", "NULL"}, "'y'"},
      {"set_64",
       "SET('m0','m1','m2','m3','m4','m5','m6','m7','m8','m9')",
       {"'m0,m9'", "'m8'"},
       "'m1'"},
      {"tinyblob", "TINYBLOB", {"UNHEX('00FF5C0A')", "''", "REPEAT('b', 255)", "NULL"}, "'x'"},
      {"blob", "BLOB", {"REPEAT(UNHEX('00FF'), 30000)", "''"}, "'x'"},
      {"mediumblob", "MEDIUMBLOB", {"REPEAT(UNHEX('00FF5C'), 100000)"}, "'x'"},
      {"longblob", "LONGBLOB", {"REPEAT(UNHEX('01FE'), 1000)"}, "'x'"},
      {"tinytext", "TINYTEXT CHARACTER SET latin1", {"'häst'", "''"}, "'x'"},
      {"text", "TEXT CHARACTER SET utf8mb4", {"REPEAT('ü😀', 5000)", "''", "NULL"}, "'x'"},
      {"mediumtext", "MEDIUMTEXT", {"REPEAT('abcé', 50000)"}, "'x'"},
      {"longtext", "LONGTEXT CHARACTER SET utf8mb4", {"'long text'"}, "'x'"},
      {"bit1", "BIT(1)", {"b'0'", "b'1'", "NULL"}, "b'1'"},
      {"bit8", "BIT(8)", {"b'10101010'", "b'0'"}, "b'1'"},
      {"bit13", "BIT(13)", {"b'1010101010101'", "b'1'"}, "b'11'"},
      {"bit64", "BIT(64)", {"0xFFFFFFFFFFFFFFFF", "0x0102030405060708", "0"}, "b'1'"},
      {"json",
       "JSON",
       {"'{\"a\": [1, 2.5, \"x\"], \"b\": null, \"c\": {\"d\": true}}'", "'[]'", "'\"ü\"'", "NULL"},
       "'{}'"},
      {"geometry",
       "GEOMETRY",
       {"ST_GeomFromText('POINT(1 2)')", "ST_GeomFromText('LINESTRING(0 0, 1 1, 2 5)')", "NULL"},
       "ST_GeomFromText('POINT(3 4)')"},
      {"point", "POINT", {"ST_GeomFromText('POINT(-1.5 2.25)')"}, "ST_GeomFromText('POINT(0 0)')"},
  };
  return cases;
}

using Value = std::optional<std::string>;

// Compares one decoded value with the server's text for the same cell.
void ExpectSameValue(const TypeCase& c, const Value& server, const Value& decoded,
                     const std::string& where) {
  ASSERT_EQ(server.has_value(), decoded.has_value())
      << where << ": server " << server.value_or("NULL") << ", decoded "
      << decoded.value_or("NULL");
  if (!server.has_value()) return;
  if (c.is_float) {
    // The decoder's text must name exactly the float the server holds.
    float decoded_float = std::strtof(decoded->c_str(), nullptr);
    float server_float = static_cast<float>(std::strtod(server->c_str(), nullptr));
    EXPECT_EQ(decoded_float, server_float)
        << where << ": server " << *server << ", decoded " << *decoded;
    return;
  }
  if (server->size() > 200) {
    EXPECT_TRUE(*server == *decoded) << where << ": long values differ (sizes " << server->size()
                                     << " / " << decoded->size() << ")";
  } else {
    EXPECT_EQ(*server, *decoded) << where;
  }
}

class BinlogDecoderGolden : public ::testing::TestWithParam<TypeCase> {
 protected:
  static void SetUpTestSuite() { params_ = FreshMySqlDatabase(kSchema); }

  static endpoints::ConnectionParams params_;
};
endpoints::ConnectionParams BinlogDecoderGolden::params_;

std::vector<std::vector<Value>> Snapshot(endpoints::SqlSession& session, const TypeCase& c,
                                         const std::string& table) {
  std::string expr = c.is_float ? "CAST(`c` AS DOUBLE)" : "`c`";
  auto rows = session.Query("SELECT `id`, " + expr + " FROM `" + table + "` ORDER BY `id`");
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() ? *rows : std::vector<std::vector<Value>>{};
}

TEST_P(BinlogDecoderGolden, DecodedRowsEqualSelectText) {
  const TypeCase& c = GetParam();
  auto session = OpenOrDie(params_);
  ASSERT_NE(session, nullptr);
  std::string table = "t_" + c.name;
  ASSERT_TRUE(session->Execute("DROP TABLE IF EXISTS `" + table + "`").ok());
  ASSERT_TRUE(session
                  ->Execute("CREATE TABLE `" + table + "` (`id` INT PRIMARY KEY, `c` " + c.column +
                            ") ENGINE=InnoDB")
                  .ok());
  BinlogPos start = CurrentBinlogPosition(*session);

  std::string insert = "INSERT INTO `" + table + "` VALUES ";
  for (size_t i = 0; i < c.values.size(); ++i) {
    if (i > 0) insert += ", ";
    insert += "(" + std::to_string(i + 1) + ", " + c.values[i] + ")";
  }
  Status st = session->Execute(insert);
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto after_insert = Snapshot(*session, c, table);
  st = session->Execute("UPDATE `" + table + "` SET `c` = " + c.update_to + " WHERE `id` = 1");
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto after_update = Snapshot(*session, c, table);
  st = session->Execute("UPDATE `" + table + "` SET `id` = `id` + 1000");
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto after_key_update = Snapshot(*session, c, table);
  st = session->Execute("DELETE FROM `" + table + "`");
  ASSERT_TRUE(st.ok()) << st.ToString();

  auto events = ReadAll(StreamOptions(start, 1));
  auto changes = ChangesOf(events, kSchema, table);
  size_t n = c.values.size();
  ASSERT_EQ(changes.size(), n + 1 + n + n) << "writes, one value update, key updates, deletes";

  auto expect_image = [&](const std::optional<binlog::RowImage>& image,
                          const std::vector<Value>& server_row, const std::string& where) {
    ASSERT_TRUE(image.has_value()) << where;
    ASSERT_EQ(image->values.size(), 2u) << where;
    EXPECT_TRUE(image->present[0] && image->present[1]) << where;
    EXPECT_EQ(image->values[0], server_row[0]) << where << " (id)";
    ExpectSameValue(c, server_row[1], image->values[1], where);
  };
  size_t k = 0;
  for (size_t i = 0; i < n; ++i, ++k) {
    EXPECT_EQ(changes[k].kind, binlog::RowsKind::kWrite);
    EXPECT_FALSE(changes[k].change.before.has_value());
    expect_image(changes[k].change.after, after_insert[i], "insert row " + std::to_string(i + 1));
  }
  EXPECT_EQ(changes[k].kind, binlog::RowsKind::kUpdate);
  expect_image(changes[k].change.before, after_insert[0], "value update, before");
  expect_image(changes[k].change.after, after_update[0], "value update, after");
  ++k;
  // A key update may touch the rows in any order; match by the before image's id.
  for (size_t i = 0; i < n; ++i, ++k) {
    EXPECT_EQ(changes[k].kind, binlog::RowsKind::kUpdate);
    ASSERT_TRUE(changes[k].change.before.has_value());
    const Value& id = changes[k].change.before->values[0];
    ASSERT_TRUE(id.has_value());
    size_t row = std::stoul(*id) - 1;
    ASSERT_LT(row, n);
    expect_image(changes[k].change.before, after_update[row], "key update before, id " + *id);
    expect_image(changes[k].change.after, after_key_update[row], "key update after, id " + *id);
  }
  for (size_t i = 0; i < n; ++i, ++k) {
    EXPECT_EQ(changes[k].kind, binlog::RowsKind::kDelete);
    EXPECT_FALSE(changes[k].change.after.has_value());
    ASSERT_TRUE(changes[k].change.before.has_value());
    const Value& id = changes[k].change.before->values[0];
    ASSERT_TRUE(id.has_value());
    size_t row = std::stoul(*id) - 1001;
    ASSERT_LT(row, n);
    expect_image(changes[k].change.before, after_key_update[row], "delete, id " + *id);
  }
}

INSTANTIATE_TEST_SUITE_P(AllTypes, BinlogDecoderGolden, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<TypeCase>& info) {
                           return info.param.name;
                         });

// A multi-megabyte value crosses several network packets and makes a big row event.
TEST(BinlogDecoder, MultiMegabyteBlobAndTextDecodeExactly) {
  auto params = FreshMySqlDatabase("sy_binlog_big");
  auto session = OpenOrDie(params);
  ASSERT_NE(session, nullptr);
  ASSERT_TRUE(
      session->Execute("CREATE TABLE `big` (`id` INT PRIMARY KEY, `b` LONGBLOB, `t` LONGTEXT)")
          .ok());
  BinlogPos start = CurrentBinlogPosition(*session);
  Status st = session->Execute(
      "INSERT INTO `big` VALUES (1, REPEAT(UNHEX('00FF5C0A0D09'), 700000), "
      "REPEAT('ü😀x', 400000))");
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto server = session->Query("SELECT `b`, `t` FROM `big`");
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  ASSERT_EQ((*server)[0][0]->size(), 4200000u);

  auto changes = ChangesOf(ReadAll(StreamOptions(start, 2)), "sy_binlog_big", "big");
  ASSERT_EQ(changes.size(), 1u);
  const auto& after = changes[0].change.after;
  ASSERT_TRUE(after.has_value());
  EXPECT_TRUE(after->values[1] == (*server)[0][0]) << "blob differs";
  EXPECT_TRUE(after->values[2] == (*server)[0][1]) << "text differs";
}

// Table-level facts from the optional metadata: names, primary key, signedness, nullability.
TEST(BinlogDecoder, TableMapCarriesOptionalMetadata) {
  auto params = FreshMySqlDatabase("sy_binlog_tablemap");
  auto session = OpenOrDie(params);
  ASSERT_NE(session, nullptr);
  ASSERT_TRUE(session
                  ->Execute("CREATE TABLE `m` (`a` INT UNSIGNED NOT NULL, `b` VARCHAR(10) "
                            "CHARACTER SET latin1, `e` ENUM('p','q'), `g` POINT, `k` BIGINT, "
                            "PRIMARY KEY (`k`, `a`))")
                  .ok());
  BinlogPos start = CurrentBinlogPosition(*session);
  ASSERT_TRUE(session->Execute("INSERT INTO `m` VALUES (1, 'x', 'q', POINT(1, 2), -5)").ok());
  auto events = ReadAll(StreamOptions(start, 3));
  std::shared_ptr<const binlog::TableMap> map;
  for (const auto& event : events) {
    if (event.table_map && event.table_map->schema == "sy_binlog_tablemap") map = event.table_map;
  }
  ASSERT_NE(map, nullptr);
  EXPECT_EQ(map->table, "m");
  ASSERT_EQ(map->columns.size(), 5u);
  std::vector<std::string> names;
  for (const auto& column : map->columns) names.push_back(column.name);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "e", "g", "k"}));
  EXPECT_EQ(map->columns[0].is_unsigned, std::optional<bool>(true));
  EXPECT_EQ(map->columns[4].is_unsigned, std::optional<bool>(false));
  EXPECT_FALSE(map->columns[0].nullable);
  EXPECT_TRUE(map->columns[1].nullable);
  EXPECT_EQ(map->columns[1].collation, std::optional<uint32_t>(8));  // latin1_swedish_ci
  EXPECT_EQ(map->columns[2].members, (std::vector<std::string>{"p", "q"}));
  EXPECT_TRUE(map->columns[3].geometry_type.has_value());
  ASSERT_EQ(map->primary_key.size(), 2u);
  EXPECT_EQ(map->primary_key[0].column, 4u);
  EXPECT_EQ(map->primary_key[1].column, 0u);
}

TEST(BinlogValueFormat, FloatTextReadsBackAsTheSameFloat) {
  for (float f : {3.14f, 0.1f, 16777217.0f, 1.17549435e-38f, 3.4e38f, -1.5e-7f, 1e-45f}) {
    std::string text = binlog::FormatFloat(f);
    EXPECT_EQ(std::strtof(text.c_str(), nullptr), f) << text;
  }
  EXPECT_EQ(binlog::FormatFloat(3.14f), "3.14");
  EXPECT_EQ(binlog::FormatDouble(1e300), "1e300");
  EXPECT_EQ(binlog::FormatDouble(-1.5e-7), "-0.00000015");
}

// MySQL's binary JSON cannot be produced by the MariaDB test server; these hand-built values
// follow the documented layout (json_binary.h).
TEST(BinlogValueFormat, MySqlBinaryJsonBecomesMySqlStyleText) {
  using std::string_literals::operator""s;
  std::string text;
  // {"a": 1}: small object, count 1, size 12, key entry (offset 11, length 1), value entry
  // (int16 inline 1), key bytes.
  std::string object =
      "\x00\x01\x00\x0c\x00\x0b\x00\x01\x00\x05\x01\x00"
      "a"s;
  ASSERT_TRUE(binlog::JsonBinaryToText(object, text).ok());
  EXPECT_EQ(text, "{\"a\": 1}");
  // [true, "x"]: small array, count 2, size 12, literal true inline, string at offset 10.
  std::string array = "\x02\x02\x00\x0c\x00\x04\x01\x00\x0c\x0a\x00\x01x"s;
  ASSERT_TRUE(binlog::JsonBinaryToText(array, text).ok());
  EXPECT_EQ(text, "[true, \"x\"]");
  ASSERT_TRUE(binlog::JsonBinaryToText("", text).ok());
  EXPECT_EQ(text, "null");
  EXPECT_FALSE(binlog::JsonBinaryToText("\x02\x05\x00"s, text).ok()) << "truncated array";
}

}  // namespace
}  // namespace switchyard::testing
