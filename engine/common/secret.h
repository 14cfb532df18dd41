// Secret: a password held in memory only for the time it takes to connect.
//
// It has no stream operator and no implicit conversion, so it cannot reach a log line, an error
// message, status output or the state store by accident; the only way to read it is Reveal(),
// which the endpoint connect code calls and nothing else should. The buffer is wiped on
// destruction.
#pragma once

#include <string>
#include <utility>

namespace switchyard {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret&) = default;
  Secret& operator=(const Secret&) = default;
  Secret(Secret&&) noexcept = default;
  Secret& operator=(Secret&&) noexcept = default;
  ~Secret() {
    volatile char* p = value_.data();
    for (size_t i = 0; i < value_.size(); ++i) p[i] = 0;
  }

  bool empty() const { return value_.empty(); }
  const std::string& Reveal() const { return value_; }

 private:
  std::string value_;
};

}  // namespace switchyard
