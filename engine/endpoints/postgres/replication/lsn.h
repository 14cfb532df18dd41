// Lsn: a PostgreSQL WAL position (pg_lsn), the 64-bit byte offset that replication speaks in.
//
// Text form is PostgreSQL's "X/Y": the high and low 32 bits in upper-case hex without leading
// zeros ("0/16B3748"). A value type; freely copyable and thread-compatible.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/common/status.h"

namespace switchyard::endpoints::postgres::replication {

class Lsn {
 public:
  constexpr Lsn() = default;
  constexpr explicit Lsn(uint64_t value) : value_(value) {}

  // Parses "X/Y" (1-8 hex digits each side, either case). Anything else -> kInvalidArgument.
  static Result<Lsn> Parse(std::string_view text);

  constexpr uint64_t value() const { return value_; }
  constexpr bool is_zero() const { return value_ == 0; }
  // "X/Y" as PostgreSQL prints it.
  std::string ToString() const;

  friend constexpr auto operator<=>(Lsn a, Lsn b) = default;

 private:
  uint64_t value_ = 0;
};

// Replication timestamps are microseconds since 2000-01-01 00:00:00 UTC (PostgreSQL epoch).
constexpr int64_t kPostgresEpochUnixMicros = 946684800LL * 1000000LL;

// The current wall-clock time in PostgreSQL-epoch microseconds.
int64_t NowPostgresMicros();

}  // namespace switchyard::endpoints::postgres::replication
