// Each client-side ValueTransform on the values that make it necessary: MySQL zero dates,
// bytea hex, NUL bytes, NaN/Infinity, PostgreSQL dates MySQL cannot hold.
#include <gtest/gtest.h>

#include "engine/catalog/type_mapping.h"

namespace switchyard::catalog {
namespace {

struct Outcome {
  Status status;
  std::string out;
  bool is_null = false;
};

Outcome Apply(ValueTransform t, std::string_view in) {
  Outcome o;
  o.out = "stale";  // the transform must clear it
  o.is_null = true;
  o.status = ApplyValueTransform(t, in, &o.out, &o.is_null);
  return o;
}

void ExpectValue(ValueTransform t, std::string_view in, std::string_view expected) {
  Outcome o = Apply(t, in);
  ASSERT_TRUE(o.status.ok()) << in << ": " << o.status.ToString();
  EXPECT_FALSE(o.is_null) << in;
  EXPECT_EQ(o.out, expected) << in;
}

void ExpectNull(ValueTransform t, std::string_view in) {
  Outcome o = Apply(t, in);
  ASSERT_TRUE(o.status.ok()) << in << ": " << o.status.ToString();
  EXPECT_TRUE(o.is_null) << in;
}

std::string ExpectDataError(ValueTransform t, std::string_view in) {
  Outcome o = Apply(t, in);
  EXPECT_EQ(o.status.code(), StatusCode::kDataError) << in << " -> " << o.out;
  return o.status.message();
}

TEST(ValueTransform, NoneCopiesTheBytes) {
  ExpectValue(ValueTransform::kNone, std::string_view("a\0b", 3), std::string_view("a\0b", 3));
  ExpectValue(ValueTransform::kNone, "", "");
}

TEST(ValueTransform, EveryTransformHasAName) {
  for (ValueTransform t :
       {ValueTransform::kNone, ValueTransform::kMySqlZeroDateToNull,
        ValueTransform::kMySqlZeroTimestampToUtc, ValueTransform::kBinaryToPgBytea,
        ValueTransform::kPgByteaToBinary, ValueTransform::kRejectNul,
        ValueTransform::kRejectNulInJson, ValueTransform::kRejectNonFinite,
        ValueTransform::kRejectBeyondMySqlDecimal, ValueTransform::kRejectPgSpecialDate,
        ValueTransform::kRejectTimeOutsideDay}) {
    EXPECT_STRNE(ValueTransformName(t), "unknown");
  }
  EXPECT_STREQ(ValueTransformName(ValueTransform::kRejectNul), "reject-nul");
}

// ---------------------------------------------------------------------------------------
// MySQL zero dates

TEST(MySqlZeroDate, EveryZeroFormBecomesNull) {
  for (const char* v : {"0000-00-00", "0000-00-00 00:00:00", "0000-00-00 00:00:00.000000",
                        "2024-00-10", "2024-05-00", "2024-00-00", "0000-05-10",
                        "2024-05-00 10:00:00.000", "0000-01-01 12:00:00"}) {
    ExpectNull(ValueTransform::kMySqlZeroDateToNull, v);
    ExpectNull(ValueTransform::kMySqlZeroTimestampToUtc, v);
  }
}

TEST(MySqlZeroDate, RealDatesPassUnchanged) {
  ExpectValue(ValueTransform::kMySqlZeroDateToNull, "2024-02-29", "2024-02-29");
  ExpectValue(ValueTransform::kMySqlZeroDateToNull, "1000-01-01 00:00:00.000000",
              "1000-01-01 00:00:00.000000");
  ExpectValue(ValueTransform::kMySqlZeroDateToNull, "9999-12-31 23:59:59.999999",
              "9999-12-31 23:59:59.999999");
  ExpectValue(ValueTransform::kMySqlZeroDateToNull, "2000-10-20", "2000-10-20");
}

TEST(MySqlZeroDate, TimestampGetsAnExplicitUtcOffset) {
  ExpectValue(ValueTransform::kMySqlZeroTimestampToUtc, "2038-01-19 03:14:07.999",
              "2038-01-19 03:14:07.999+00");
  ExpectValue(ValueTransform::kMySqlZeroTimestampToUtc, "1970-01-01 00:00:01",
              "1970-01-01 00:00:01+00");
}

TEST(MySqlZeroDate, OffCalendarDateIsADataErrorNotAShift) {
  // ALLOW_INVALID_DATES stores these; PostgreSQL refuses them and NULL would hide a value.
  for (const char* v : {"2024-02-30", "2023-02-29", "2024-04-31 00:00:00", "2024-13-01"}) {
    std::string m = ExpectDataError(ValueTransform::kMySqlZeroDateToNull, v);
    EXPECT_NE(m.find("ALLOW_INVALID_DATES"), std::string::npos) << m;
    ExpectDataError(ValueTransform::kMySqlZeroTimestampToUtc, v);
  }
}

// ---------------------------------------------------------------------------------------
// bytea hex

TEST(Bytea, BinaryBecomesHexInputIncludingNulAndEmpty) {
  ExpectValue(ValueTransform::kBinaryToPgBytea, std::string_view("\x00\xff\x5c\x0a", 4),
              "\\x00ff5c0a");
  ExpectValue(ValueTransform::kBinaryToPgBytea, "", "\\x");
  ExpectValue(ValueTransform::kBinaryToPgBytea, "AZ", "\\x415a");
}

TEST(Bytea, HexBecomesBinaryIncludingUpperCaseAndEmpty) {
  ExpectValue(ValueTransform::kPgByteaToBinary, "\\x00ff5c0a",
              std::string_view("\x00\xff\x5c\x0a", 4));
  ExpectValue(ValueTransform::kPgByteaToBinary, "\\xDEADbeef",
              std::string_view("\xde\xad\xbe\xef", 4));
  ExpectValue(ValueTransform::kPgByteaToBinary, "\\x", "");
}

TEST(Bytea, HexRoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  std::string hex, back;
  bool is_null = false;
  ASSERT_TRUE(ApplyValueTransform(ValueTransform::kBinaryToPgBytea, all, &hex, &is_null).ok());
  ASSERT_TRUE(ApplyValueTransform(ValueTransform::kPgByteaToBinary, hex, &back, &is_null).ok());
  EXPECT_EQ(back, all);
}

TEST(Bytea, MalformedHexIsADataError) {
  for (const char* v : {"\\x0", "\\x123", "\\xzz", "\\x0g", "", "\\", "00ff", "\\000", "x00"}) {
    ExpectDataError(ValueTransform::kPgByteaToBinary, v);
  }
}

// ---------------------------------------------------------------------------------------
// NUL characters

TEST(RejectNul, TextWithNulIsADataErrorThatSaysWhatToDo) {
  std::string m = ExpectDataError(ValueTransform::kRejectNul, std::string_view("a\0b", 3));
  EXPECT_NE(m.find("NUL"), std::string::npos) << m;
  EXPECT_NE(m.find("change-data-type"), std::string::npos) << m;
  ExpectDataError(ValueTransform::kRejectNul, std::string_view("\0", 1));
  ExpectValue(ValueTransform::kRejectNul, "caf\xc3\xa9 \\0 \\N", "caf\xc3\xa9 \\0 \\N");
  ExpectValue(ValueTransform::kRejectNul, "", "");
}

TEST(RejectNulInJson, RawNulAndTheU0000EscapeAreRejected) {
  ExpectDataError(ValueTransform::kRejectNulInJson, "{\"a\": \"x\\u0000y\"}");
  ExpectDataError(ValueTransform::kRejectNulInJson, std::string_view("\"a\0\"", 4));
  ExpectDataError(ValueTransform::kRejectNulInJson, "[\"\\\\\\u0000\"]");  // \\ then \u0000
}

TEST(RejectNulInJson, EscapedBackslashBeforeU0000IsNoNul) {
  ExpectValue(ValueTransform::kRejectNulInJson, "[\"\\\\u0000\"]", "[\"\\\\u0000\"]");
  ExpectValue(ValueTransform::kRejectNulInJson, "{\"a\": \"\\u0001\"}", "{\"a\": \"\\u0001\"}");
}

// ---------------------------------------------------------------------------------------
// Numbers MySQL cannot hold

TEST(RejectNonFinite, NanAndInfinitiesAreDataErrors) {
  for (const char* v : {"NaN", "Infinity", "-Infinity"}) {
    std::string m = ExpectDataError(ValueTransform::kRejectNonFinite, v);
    EXPECT_NE(m.find(v), std::string::npos) << m;
    ExpectDataError(ValueTransform::kRejectBeyondMySqlDecimal, v);
  }
  for (const char* v : {"0", "-0", "1.5e300", "-1.7976931348623157e+308", "12345.6789"}) {
    ExpectValue(ValueTransform::kRejectNonFinite, v, v);
  }
}

TEST(RejectBeyondMySqlDecimal, ValuesDecimal6530HoldsExactlyPass) {
  for (const char* v : {"0", "-12345678901234567890.123456789",
                        "99999999999999999999999999999999999.999999999999999999999999999999",
                        "-99999999999999999999999999999999999.999999999999999999999999999999",
                        "0.000000000000000000000000000001", "1.0000000000000000000000000000000000",
                        "0000000000000000000000000000000000000001"}) {
    ExpectValue(ValueTransform::kRejectBeyondMySqlDecimal, v, v);
  }
}

TEST(RejectBeyondMySqlDecimal, ValuesMySqlWouldRoundOrRefuseAreDataErrors) {
  // MySQL rounds a 31st fractional digit with only a note, even in strict mode.
  ExpectDataError(ValueTransform::kRejectBeyondMySqlDecimal, "1.0000000000000000000000000000001");
  ExpectDataError(ValueTransform::kRejectBeyondMySqlDecimal,
                  "123456789012345678901234567890123456");  // 36 integer digits
  ExpectDataError(ValueTransform::kRejectBeyondMySqlDecimal, "-0.0000000000000000000000000000005");
}

// ---------------------------------------------------------------------------------------
// PostgreSQL dates MySQL cannot hold

TEST(RejectPgSpecialDate, InfinityBcAndFiveDigitYearsAreDataErrors) {
  for (const char* v : {"infinity", "-infinity", "4713-01-01 BC", "0001-01-01 00:00:00 BC",
                        "10000-01-01", "275760-09-13 00:00:00"}) {
    std::string m = ExpectDataError(ValueTransform::kRejectPgSpecialDate, v);
    EXPECT_NE(m.find("0001-9999"), std::string::npos) << m;
  }
}

TEST(RejectPgSpecialDate, DatesInMySqlsRangePass) {
  for (const char* v :
       {"0001-01-01", "2024-02-29", "9999-12-31 23:59:59.999999", "1000-01-01 00:00:00"}) {
    ExpectValue(ValueTransform::kRejectPgSpecialDate, v, v);
  }
}

// ---------------------------------------------------------------------------------------
// MySQL TIME into a PostgreSQL time of day

TEST(RejectTimeOutsideDay, TimesOfDayPass) {
  for (const char* v : {"00:00:00", "12:34:56.5", "23:59:59.999999", "24:00:00", "-00:00:00"}) {
    ExpectValue(ValueTransform::kRejectTimeOutsideDay, v, v);
  }
}

TEST(RejectTimeOutsideDay, DurationsBeyondADayOrNegativeAreDataErrors) {
  for (const char* v :
       {"24:00:00.5", "25:30:00", "100:00:00", "838:59:59", "-01:02:03", "-838:59:59"}) {
    std::string m = ExpectDataError(ValueTransform::kRejectTimeOutsideDay, v);
    EXPECT_NE(m.find("interval"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace switchyard::catalog
