// COPY text format codec of the PostgreSQL endpoint: exact bytes both ways, no server needed.
#include <gtest/gtest.h>

#include <string>

#include "engine/endpoints/postgres/copy_text_codec.h"

namespace switchyard::endpoints::postgres {
namespace {

TEST(PostgresCopyCodec, DecodesNullsEscapesAndEmptyFields) {
  RowBatch batch(4);
  ASSERT_TRUE(DecodeCopyTextLine("\\N\t\ta\\tb\\nc\\\\d\\re\t\\\\N", &batch).ok());
  ASSERT_EQ(batch.rows(), 1u);
  EXPECT_TRUE(batch.IsNull(0, 0));
  EXPECT_FALSE(batch.IsNull(0, 1));
  EXPECT_EQ(batch.Field(0, 1), "");
  EXPECT_EQ(batch.Field(0, 2), "a\tb\nc\\d\re");
  EXPECT_EQ(batch.Field(0, 3), "\\N");
}

TEST(PostgresCopyCodec, DecodesOctalHexAndControlEscapes) {
  RowBatch batch(1);
  ASSERT_TRUE(DecodeCopyTextLine("\\101\\x42\\b\\f\\v\\7\\xg\\q", &batch).ok());
  EXPECT_EQ(batch.Field(0, 0), std::string("AB\b\f\v\x07"
                                           "xgq"));
}

TEST(PostgresCopyCodec, RejectsWrongFieldCount) {
  RowBatch batch(2);
  EXPECT_FALSE(DecodeCopyTextLine("only-one", &batch).ok());
  batch.TruncateToRows(0);
  EXPECT_FALSE(DecodeCopyTextLine("a\tb\tc", &batch).ok());
  batch.TruncateToRows(0);
  EXPECT_TRUE(DecodeCopyTextLine("a\tb", &batch).ok());
  EXPECT_EQ(batch.rows(), 1u);
}

TEST(PostgresCopyCodec, EncodeThenDecodeKeepsEveryByteButNul) {
  std::string all_bytes;
  for (int b = 1; b < 256; ++b) all_bytes.push_back(static_cast<char>(b));
  const std::vector<std::string> values = {"",
                                           "\\N",
                                           "plain text that is longer than eight bytes",
                                           "back\\slash\ttab\nnewline\rcr",
                                           "\\.",
                                           "😀 bücher",
                                           all_bytes,
                                           std::string(100000, 'x') + "\n" + all_bytes};
  RowBatch batch(2);
  for (const std::string& v : values) {
    batch.AppendField(v);
    batch.AppendNull();
  }
  CopyTextEncoder encoder;
  ASSERT_TRUE(encoder.Append(batch, {"a", "b"}).ok());
  std::string text(encoder.data());
  RowBatch decoded(2);
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    ASSERT_NE(nl, std::string::npos);
    ASSERT_TRUE(
        DecodeCopyTextLine(std::string_view(text).substr(start, nl - start), &decoded).ok());
    start = nl + 1;
  }
  ASSERT_EQ(decoded.rows(), values.size());
  for (size_t r = 0; r < values.size(); ++r) {
    EXPECT_EQ(decoded.Field(r, 0), values[r]) << "row " << r;
    EXPECT_TRUE(decoded.IsNull(r, 1));
  }
}

TEST(PostgresCopyCodec, EncodesTheFourSpecialBytesAndNull) {
  RowBatch batch(3);
  batch.AppendField("a\\b\tc\nd\re");
  batch.AppendNull();
  batch.AppendField("");
  CopyTextEncoder encoder;
  ASSERT_TRUE(encoder.Append(batch, {}).ok());
  EXPECT_EQ(encoder.data(), "a\\\\b\\tc\\nd\\re\t\\N\t\n");
}

TEST(PostgresCopyCodec, NulByteIsADataErrorNamingColumnAndRowAndLeavesBufferUnchanged) {
  CopyTextEncoder encoder;
  RowBatch good(1);
  good.AppendField("kept");
  ASSERT_TRUE(encoder.Append(good, {"name"}).ok());
  RowBatch bad(2);
  bad.AppendField("fine");
  bad.AppendField("fine");
  bad.AppendField("fine");
  bad.AppendField(std::string("nul\0inside", 10));
  Status status = encoder.Append(bad, {"first", "second col"});
  EXPECT_EQ(status.code(), StatusCode::kDataError);
  EXPECT_NE(status.message().find("\"second col\""), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("row 1"), std::string::npos) << status.message();
  EXPECT_EQ(encoder.data(), "kept\n");
}

}  // namespace
}  // namespace switchyard::endpoints::postgres
