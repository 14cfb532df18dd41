// ByteReader: bounds-checked big-endian reads over one replication message, for the framing
// (replication_frame) and pgoutput decoders.
//
// Every read checks the remaining length first; a short read fails with kInternal naming what
// was being read and the offset where it started, and leaves the reader where it was. Nothing
// is ever read past the end of the view. Does not own the bytes; the view must outlive it.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "engine/common/status.h"

namespace switchyard::endpoints::postgres::replication {

class ByteReader {
 public:
  // `context` names the message in errors, e.g. "pgoutput Insert".
  ByteReader(std::string_view bytes, std::string context)
      : bytes_(bytes), context_(std::move(context)) {}

  size_t offset() const { return offset_; }
  size_t remaining() const { return bytes_.size() - offset_; }
  bool at_end() const { return offset_ == bytes_.size(); }

  Status ReadU8(const char* what, uint8_t* out) {
    SY_RETURN_IF_ERROR(Need(1, what));
    *out = static_cast<uint8_t>(bytes_[offset_]);
    offset_ += 1;
    return Status::Ok();
  }
  Status ReadU16(const char* what, uint16_t* out) {
    uint64_t value = 0;
    SY_RETURN_IF_ERROR(ReadBigEndian(2, what, &value));
    *out = static_cast<uint16_t>(value);
    return Status::Ok();
  }
  Status ReadU32(const char* what, uint32_t* out) {
    uint64_t value = 0;
    SY_RETURN_IF_ERROR(ReadBigEndian(4, what, &value));
    *out = static_cast<uint32_t>(value);
    return Status::Ok();
  }
  Status ReadI32(const char* what, int32_t* out) {
    uint32_t value = 0;
    SY_RETURN_IF_ERROR(ReadU32(what, &value));
    *out = static_cast<int32_t>(value);
    return Status::Ok();
  }
  Status ReadU64(const char* what, uint64_t* out) { return ReadBigEndian(8, what, out); }
  Status ReadI64(const char* what, int64_t* out) {
    uint64_t value = 0;
    SY_RETURN_IF_ERROR(ReadBigEndian(8, what, &value));
    *out = static_cast<int64_t>(value);
    return Status::Ok();
  }
  // A NUL-terminated string; the terminator must lie inside the message.
  Status ReadCString(const char* what, std::string* out) {
    const char* start = bytes_.data() + offset_;
    const void* nul = std::memchr(start, '\0', remaining());
    if (nul == nullptr) {
      return Error(std::string(what) + " is not NUL-terminated within the message");
    }
    size_t length = static_cast<size_t>(static_cast<const char*>(nul) - start);
    out->assign(start, length);
    offset_ += length + 1;
    return Status::Ok();
  }
  // Exactly `length` raw bytes.
  Status ReadBytes(size_t length, const char* what, std::string* out) {
    SY_RETURN_IF_ERROR(Need(length, what));
    out->assign(bytes_.data() + offset_, length);
    offset_ += length;
    return Status::Ok();
  }
  // The rest of the message, without copying.
  std::string_view Rest() {
    std::string_view rest = bytes_.substr(offset_);
    offset_ = bytes_.size();
    return rest;
  }
  // Fails unless every byte was consumed: a longer message than its type allows is malformed.
  Status ExpectEnd() const {
    if (at_end()) return Status::Ok();
    return Error(std::to_string(remaining()) + " unexpected trailing byte(s)");
  }

  // kInternal "<context>: <detail> at offset N (message length L)".
  Status Error(const std::string& detail) const {
    return Status::Internal(context_ + ": " + detail + " at offset " + std::to_string(offset_) +
                            " (message length " + std::to_string(bytes_.size()) + ")");
  }

 private:
  Status Need(size_t count, const char* what) const {
    if (remaining() >= count) return Status::Ok();
    return Error("truncated " + std::string(what) + " (needs " + std::to_string(count) +
                 " byte(s), " + std::to_string(remaining()) + " left)");
  }
  Status ReadBigEndian(size_t count, const char* what, uint64_t* out) {
    SY_RETURN_IF_ERROR(Need(count, what));
    uint64_t value = 0;
    for (size_t i = 0; i < count; ++i) {
      value = (value << 8) | static_cast<uint8_t>(bytes_[offset_ + i]);
    }
    offset_ += count;
    *out = value;
    return Status::Ok();
  }

  std::string_view bytes_;
  std::string context_;
  size_t offset_ = 0;
};

}  // namespace switchyard::endpoints::postgres::replication
