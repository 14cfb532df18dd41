// Helpers shared by the MySQL endpoint tests: a sink that keeps every row, and short-hands for
// the endpoint objects.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "engine/endpoints/endpoint.h"
#include "engine/endpoints/mysql/mysql_connection.h"

namespace switchyard::testing {

using Value = std::optional<std::string>;
using Rows = std::vector<std::vector<Value>>;

// Copies every batch it is given (Consume may keep nothing from the batch itself).
class CollectingSink : public endpoints::RowSink {
 public:
  Status Consume(const endpoints::RowBatch& batch) override {
    ++batches;
    for (size_t r = 0; r < batch.rows(); ++r) {
      std::vector<Value> row;
      for (size_t c = 0; c < batch.columns(); ++c) {
        auto field = batch.MaybeField(r, c);
        row.push_back(field ? Value(std::string(*field)) : std::nullopt);
      }
      rows.push_back(std::move(row));
    }
    return fail_after_batches > 0 && batches >= fail_after_batches ? Status::IoError("sink is full")
                                                                   : Status::Ok();
  }
  Rows rows;
  int batches = 0;
  int fail_after_batches = 0;  // 0 = never fail
};

inline std::unique_ptr<endpoints::mysql::MySqlConnection> OpenOrDie(
    const endpoints::ConnectionParams& params) {
  auto conn = endpoints::mysql::MySqlConnection::Open(params);
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  return conn.ok() ? std::move(conn).value() : nullptr;
}

// `size` bytes cycling through every byte value 0..255, NUL and the escape characters included.
inline std::string AllBytes(size_t size) {
  std::string out(size, '\0');
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>((i * 7 + i / 256) & 0xff);
  return out;
}

}  // namespace switchyard::testing
