#include "engine/catalog/identifier.h"

#include <gtest/gtest.h>

namespace switchyard::catalog {
namespace {

TEST(QuoteIdentifier, ReservedWordsMixedCaseSpacesAndUnicodeAreQuotedForPostgres) {
  EXPECT_EQ(QuoteIdentifier(Engine::kPostgres, "order"), "\"order\"");
  EXPECT_EQ(QuoteIdentifier(Engine::kPostgres, "MixedCase"), "\"MixedCase\"");
  EXPECT_EQ(QuoteIdentifier(Engine::kPostgres, "with space"), "\"with space\"");
  EXPECT_EQ(QuoteIdentifier(Engine::kPostgres, "bücher😀"), "\"bücher😀\"");
}

TEST(QuoteIdentifier, EmbeddedQuoteCharacterIsDoubled) {
  EXPECT_EQ(QuoteIdentifier(Engine::kPostgres, "a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(QuoteIdentifier(Engine::kMySql, "a`b"), "`a``b`");
  EXPECT_EQ(QuoteIdentifier(Engine::kMySql, "a\"b"), "`a\"b`");
}

TEST(QuoteQualified, QuotesEachPartSeparately) {
  EXPECT_EQ(QuoteQualified(Engine::kMySql, "app", "select"), "`app`.`select`");
  EXPECT_EQ(QuoteQualified(Engine::kPostgres, "public", "a.b"), "\"public\".\"a.b\"");
}

TEST(QuoteLiteral, PostgresDoublesSingleQuotesAndKeepsBackslashes) {
  EXPECT_EQ(QuoteLiteral(Engine::kPostgres, "it's \\n"), "'it''s \\n'");
}

TEST(QuoteLiteral, MySqlEscapesQuotesBackslashesAndNul) {
  EXPECT_EQ(QuoteLiteral(Engine::kMySql, std::string("a'b\\c\0d", 7)), "'a\\'b\\\\c\\0d'");
}

}  // namespace
}  // namespace switchyard::catalog
