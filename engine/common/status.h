// Status and Result<T>: how engine functions report expected failures.
//
// Exceptions are kept for "the operation is over" boundaries (bad config at start-up); every
// path where failure is normal (a server refuses a value, a connection drops) returns a Status.
// A Status carries a code that says how the caller should react (retry, stop the table, stop
// the task), mirroring RocksDB's severities. Messages never contain passwords: callers build
// them from redacted inputs only.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace switchyard {

enum class StatusCode {
  kOk,
  kInvalidArgument,  // bad input from the user (task file, command line): exit code 2
  kNotFound,         // an object the user named does not exist
  kUnsupported,      // a feature or type we refuse on purpose, with an explanation
  kDataError,        // one value or row the target cannot hold (per-row policy applies)
  kDatabaseError,    // a statement failed on a live connection (per-table policy applies)
  kConnectionError,  // the connection is gone: retryable with backoff
  kIoError,          // local file system
  kCancelled,        // a stop was requested
  kInternal,         // a bug: should never happen
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Unsupported(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
  static Status DataError(std::string m) { return {StatusCode::kDataError, std::move(m)}; }
  static Status DatabaseError(std::string m) { return {StatusCode::kDatabaseError, std::move(m)}; }
  static Status ConnectionError(std::string m) {
    return {StatusCode::kConnectionError, std::move(m)};
  }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "DatabaseError: relation \"x\" does not exist"
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context: `.
  Status WithContext(const std::string& context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace switchyard

#define SY_RETURN_IF_ERROR(expr)              \
  do {                                        \
    ::switchyard::Status sy_status_ = (expr); \
    if (!sy_status_.ok()) return sy_status_;  \
  } while (0)

#define SY_CONCAT_INNER(a, b) a##b
#define SY_CONCAT(a, b) SY_CONCAT_INNER(a, b)
#define SY_ASSIGN_OR_RETURN(lhs, expr) \
  SY_ASSIGN_OR_RETURN_IMPL(SY_CONCAT(sy_result_, __LINE__), lhs, expr)
#define SY_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
