// ByteReader: a bounds-checked cursor over the bytes of one binlog event.
//
// Every read checks the remaining length first; a short buffer sets the reader's `failed()`
// flag and returns zeros instead of reading past the end, so a parser can do a run of reads and
// check once. Binlog integers are little-endian except inside some packed values (DECIMAL,
// TIME2, DATETIME2, TIMESTAMP2), which use the BigEndian helpers.
//
// Non-owning: the viewed bytes must outlive the reader. Not thread-safe (a plain value type).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace switchyard::endpoints::mysql::binlog {

class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}

  bool failed() const { return failed_; }
  size_t remaining() const { return failed_ ? 0 : bytes_.size() - pos_; }
  size_t position() const { return pos_; }
  bool AtEnd() const { return remaining() == 0; }

  // Little-endian unsigned integer of `n` bytes (1..8).
  uint64_t Uint(size_t n) {
    if (!Need(n)) return 0;
    uint64_t value = 0;
    for (size_t i = 0; i < n; ++i) {
      value |= uint64_t{static_cast<uint8_t>(bytes_[pos_ + i])} << (8 * i);
    }
    pos_ += n;
    return value;
  }
  uint8_t U8() { return static_cast<uint8_t>(Uint(1)); }
  uint16_t U16() { return static_cast<uint16_t>(Uint(2)); }
  uint32_t U32() { return static_cast<uint32_t>(Uint(4)); }
  uint64_t U64() { return Uint(8); }

  // Big-endian unsigned integer of `n` bytes (1..8).
  uint64_t BigEndian(size_t n) {
    if (!Need(n)) return 0;
    uint64_t value = 0;
    for (size_t i = 0; i < n; ++i) value = (value << 8) | static_cast<uint8_t>(bytes_[pos_ + i]);
    pos_ += n;
    return value;
  }

  // MySQL length-encoded integer (0xfb is NULL in result sets and never valid here).
  uint64_t LengthEncoded() {
    uint8_t first = U8();
    if (first < 0xfb) return first;
    if (first == 0xfc) return Uint(2);
    if (first == 0xfd) return Uint(3);
    if (first == 0xfe) return Uint(8);
    failed_ = true;
    return 0;
  }

  std::string_view Bytes(size_t n) {
    if (!Need(n)) return {};
    std::string_view out = bytes_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  std::string_view Rest() { return Bytes(remaining()); }
  void Skip(size_t n) { Bytes(n); }

 private:
  bool Need(size_t n) {
    if (failed_ || n > bytes_.size() - pos_) {
      failed_ = true;
      return false;
    }
    return true;
  }

  std::string_view bytes_;
  size_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace switchyard::endpoints::mysql::binlog
