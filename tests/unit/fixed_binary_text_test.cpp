// MariaDB UUID/INET4/INET6 binlog bytes to text. The expected strings are what MariaDB
// 10.11.19 returns for `SELECT CAST(x AS INET6)` / `SELECT uuid_col` on the same bytes (HEX()
// of the value gave the bytes); tests/integration/cdc_mysql_fixed_binary_test.cpp checks the
// same against the live server.
#include "engine/endpoints/mysql/binlog/fixed_binary_text.h"

#include <gtest/gtest.h>

#include <string>

namespace switchyard::endpoints::mysql::binlog {
namespace {

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return out;
}

std::string Text(FixedBinaryType type, std::string_view hex) {
  auto text = FixedBinaryToText(type, Unhex(hex));
  EXPECT_TRUE(text.ok()) << hex << ": " << text.status().ToString();
  return text.ok() ? *text : "<error>";
}

TEST(FixedBinaryText, TypeIsPickedByCatalogDataTypeOnly) {
  EXPECT_EQ(FixedBinaryTypeOf("uuid"), FixedBinaryType::kUuid);
  EXPECT_EQ(FixedBinaryTypeOf("UUID"), FixedBinaryType::kUuid);
  EXPECT_EQ(FixedBinaryTypeOf("inet4"), FixedBinaryType::kInet4);
  EXPECT_EQ(FixedBinaryTypeOf("Inet6"), FixedBinaryType::kInet6);
  EXPECT_EQ(FixedBinaryTypeOf("binary"), std::nullopt);
  EXPECT_EQ(FixedBinaryTypeOf("char"), std::nullopt);
  EXPECT_EQ(FixedBinaryTypeOf(""), std::nullopt);
}

// The binlog carries the canonical byte order for every UUID version: nothing is swapped.
TEST(FixedBinaryText, UuidIsCanonicalLowerCaseHexOfTheBinlogBytes) {
  const auto u = FixedBinaryType::kUuid;
  EXPECT_EQ(Text(u, "A3627654E5CB11F192B902FC00000001"), "a3627654-e5cb-11f1-92b9-02fc00000001");
  EXPECT_EQ(Text(u, "6CCD780CBABA402695645B8C656024DB"), "6ccd780c-baba-4026-9564-5b8c656024db");
  EXPECT_EQ(Text(u, "01890A5DAC96774BBCCEB302099A8057"), "01890a5d-ac96-774b-bcce-b302099a8057");
  EXPECT_EQ(Text(u, "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"), "ffffffff-ffff-ffff-ffff-ffffffffffff");
  // Trailing zero bytes are dropped in the binlog, down to an empty string for the nil UUID.
  EXPECT_EQ(Text(u, ""), "00000000-0000-0000-0000-000000000000");
  auto too_long = FixedBinaryToText(u, std::string(17, 'x'));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.status().code(), StatusCode::kDataError);
}

TEST(FixedBinaryText, Inet4IsDottedQuad) {
  const auto v4 = FixedBinaryType::kInet4;
  EXPECT_EQ(Text(v4, "01020304"), "1.2.3.4");
  EXPECT_EQ(Text(v4, "FFFFFFFF"), "255.255.255.255");
  EXPECT_EQ(Text(v4, "C0A8000A"), "192.168.0.10");
  EXPECT_EQ(Text(v4, "0A0000"), "10.0.0.0");  // trailing zero dropped
  EXPECT_EQ(Text(v4, ""), "0.0.0.0");
}

TEST(FixedBinaryText, Inet6PrintsAsMariaDbDoesNotAsRfc5952) {
  const auto v6 = FixedBinaryType::kInet6;
  struct Case {
    const char* hex;
    const char* text;
  };
  const Case cases[] = {
      {"", "::"},
      {"00000000000000000000000000000001", "::1"},
      {"0001", "1::"},
      {"00000000000000000000FFFF01020304", "::ffff:1.2.3.4"},
      {"00000000000000000000FFFF00000102", "::ffff:0.0.1.2"},
      {"00000000000000000000FFFF", "::ffff:0.0.0.0"},
      {"00000000000000000000FFFFFFFFFFFF", "::ffff:255.255.255.255"},
      {"00000000000000000000000001020304", "::1.2.3.4"},
      {"00000000000000000000000000010203", "::0.1.2.3"},
      {"00000000000000000000000000000102", "::102"},
      {"000000000000000000000001", "::1:0:0"},
      {"00000000000000000001FFFF01020304", "::1:ffff:102:304"},
      {"00000000000000000000FFFE01020304", "::fffe:102:304"},
      {"20010DB8000000000000000000000001", "2001:db8::1"},
      {"FE800000000000000202B3FFFE1E8329", "fe80::202:b3ff:fe1e:8329"},
      {"00010002000300040005000600070008", "1:2:3:4:5:6:7:8"},
      {"00010000000300040005000600070008", "1::3:4:5:6:7:8"},  // one zero word is a gap
      {"00010000000000040000000000000008", "1:0:0:4::8"},      // the longest gap wins
      {"00010000000000040005000000000008", "1::4:5:0:0:8"},    // on a tie, the first
      {"000100020003000400050006", "1:2:3:4:5:6::"},
      {"ABCDEF01", "abcd:ef01::"},
      {"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
  };
  for (const Case& c : cases) EXPECT_EQ(Text(v6, c.hex), c.text) << c.hex;
}

}  // namespace
}  // namespace switchyard::endpoints::mysql::binlog
