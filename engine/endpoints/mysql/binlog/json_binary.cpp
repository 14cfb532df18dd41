#include "engine/endpoints/mysql/binlog/json_binary.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "engine/endpoints/mysql/binlog/byte_reader.h"
#include "engine/endpoints/mysql/binlog/value_decoder.h"

namespace switchyard::endpoints::mysql::binlog {
namespace {

enum JsonType : uint8_t {
  kSmallObject = 0x00,
  kLargeObject = 0x01,
  kSmallArray = 0x02,
  kLargeArray = 0x03,
  kLiteral = 0x04,
  kInt16 = 0x05,
  kUint16 = 0x06,
  kInt32 = 0x07,
  kUint32 = 0x08,
  kInt64 = 0x09,
  kUint64 = 0x0a,
  kDouble = 0x0b,
  kString = 0x0c,
  kOpaque = 0x0f,
};

// Nesting limit, as MySQL's (100): also bounds our recursion on hostile input.
constexpr int kMaxDepth = 100;

Status Bad(const char* what) {
  return Status::DataError(std::string("binary JSON value is malformed: ") + what);
}

void AppendEscaped(std::string_view text, std::string& out) {
  out += '"';
  for (char ch : text) {
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (static_cast<uint8_t>(ch) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(ch));
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

// Length prefix of strings and opaque values: 7 bits per byte, low groups first.
bool ReadVarLength(ByteReader& in, uint64_t& length) {
  length = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    uint8_t byte = in.U8();
    if (in.failed()) return false;
    length |= uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

void AppendBase64(std::string_view bytes, std::string& out) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16 | static_cast<uint8_t>(bytes[i + 1]) << 8 |
                 static_cast<uint8_t>(bytes[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += kAlphabet[(v >> k) & 63];
  }
  if (i < bytes.size()) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
}

// Opaque values carry a MySQL column type and its bytes.
Status AppendOpaque(uint8_t field_type, std::string_view data, std::string& out) {
  constexpr uint8_t kDate = 10, kTime = 11, kDateTime = 12, kTimestamp = 7, kNewDecimal = 246;
  if (field_type == kNewDecimal && data.size() >= 2) {
    auto decimal =
        FormatDecimal(data.substr(2), static_cast<uint8_t>(data[0]), static_cast<uint8_t>(data[1]));
    if (!decimal.ok()) return decimal.status();
    out += *decimal;
    return Status::Ok();
  }
  if ((field_type == kDate || field_type == kTime || field_type == kDateTime ||
       field_type == kTimestamp) &&
      data.size() >= 8) {
    ByteReader in(data);
    auto packed = static_cast<int64_t>(in.U64());
    bool negative = packed < 0;
    uint64_t v = negative ? static_cast<uint64_t>(-packed) : static_cast<uint64_t>(packed);
    auto micros = static_cast<unsigned>(v & 0xffffff);
    uint64_t whole = v >> 24;
    char buf[64];
    if (field_type == kTime) {
      std::snprintf(buf, sizeof(buf), "\"%s%02u:%02u:%02u.%06u\"", negative ? "-" : "",
                    static_cast<unsigned>((whole >> 12) & 0x3ff),
                    static_cast<unsigned>((whole >> 6) & 0x3f), static_cast<unsigned>(whole & 0x3f),
                    micros);
    } else {
      uint64_t ymd = whole >> 17, ym = ymd >> 5, hms = whole & 0x1ffff;
      if (field_type == kDate) {
        std::snprintf(buf, sizeof(buf), "\"%04u-%02u-%02u\"", static_cast<unsigned>(ym / 13),
                      static_cast<unsigned>(ym % 13), static_cast<unsigned>(ymd & 0x1f));
      } else {
        std::snprintf(buf, sizeof(buf), "\"%04u-%02u-%02u %02u:%02u:%02u.%06u\"",
                      static_cast<unsigned>(ym / 13), static_cast<unsigned>(ym % 13),
                      static_cast<unsigned>(ymd & 0x1f), static_cast<unsigned>(hms >> 12),
                      static_cast<unsigned>((hms >> 6) & 0x3f), static_cast<unsigned>(hms & 0x3f),
                      micros);
      }
    }
    out += buf;
    return Status::Ok();
  }
  out += "\"base64:type" + std::to_string(field_type) + ":";
  AppendBase64(data, out);
  out += '"';
  return Status::Ok();
}

Status AppendValue(uint8_t type, std::string_view doc, size_t offset, int depth, std::string& out);

// An object or array starting at doc[0] (after its type byte).
Status AppendContainer(bool object, bool large, std::string_view doc, int depth, std::string& out) {
  if (depth > kMaxDepth) return Bad("nested too deeply");
  size_t word = large ? 4 : 2;
  ByteReader in(doc);
  uint64_t count = in.Uint(word);
  uint64_t size = in.Uint(word);
  if (in.failed() || size > doc.size()) return Bad("container header");
  doc = doc.substr(0, size);
  size_t key_entry = word + 2;
  size_t value_entry = 1 + word;
  size_t keys_at = 2 * word;
  size_t values_at = keys_at + (object ? count * key_entry : 0);
  if (values_at + count * value_entry > doc.size()) return Bad("container entries");
  out += object ? '{' : '[';
  for (uint64_t i = 0; i < count; ++i) {
    if (i > 0) out += ", ";
    if (object) {
      ByteReader key(doc.substr(keys_at + i * key_entry));
      uint64_t key_offset = key.Uint(word);
      uint64_t key_length = key.U16();
      if (key.failed() || key_offset + key_length > doc.size()) return Bad("object key");
      AppendEscaped(doc.substr(key_offset, key_length), out);
      out += ": ";
    }
    ByteReader entry(doc.substr(values_at + i * value_entry, value_entry));
    uint8_t type = entry.U8();
    // Small scalars are stored in the entry itself; the rest at an offset in the container.
    bool inlined = type == kLiteral || type == kInt16 || type == kUint16 ||
                   (large && (type == kInt32 || type == kUint32));
    if (inlined) {
      SY_RETURN_IF_ERROR(AppendValue(type, doc, values_at + i * value_entry + 1, depth + 1, out));
    } else {
      uint64_t value_offset = entry.Uint(word);
      if (entry.failed() || value_offset >= doc.size()) return Bad("value offset");
      SY_RETURN_IF_ERROR(AppendValue(type, doc, value_offset, depth + 1, out));
    }
  }
  out += object ? '}' : ']';
  return Status::Ok();
}

Status AppendValue(uint8_t type, std::string_view doc, size_t offset, int depth, std::string& out) {
  if (offset > doc.size()) return Bad("offset past the end");
  std::string_view at = doc.substr(offset);
  ByteReader in(at);
  switch (type) {
    case kSmallObject:
      return AppendContainer(true, false, at, depth, out);
    case kLargeObject:
      return AppendContainer(true, true, at, depth, out);
    case kSmallArray:
      return AppendContainer(false, false, at, depth, out);
    case kLargeArray:
      return AppendContainer(false, true, at, depth, out);
    case kLiteral: {
      uint8_t literal = in.U8();
      if (in.failed() || literal > 2) return Bad("literal");
      out += literal == 0 ? "null" : literal == 1 ? "true" : "false";
      return Status::Ok();
    }
    case kInt16:
      out += std::to_string(static_cast<int16_t>(in.U16()));
      break;
    case kUint16:
      out += std::to_string(in.U16());
      break;
    case kInt32:
      out += std::to_string(static_cast<int32_t>(in.U32()));
      break;
    case kUint32:
      out += std::to_string(in.U32());
      break;
    case kInt64:
      out += std::to_string(static_cast<int64_t>(in.U64()));
      break;
    case kUint64:
      out += std::to_string(in.U64());
      break;
    case kDouble: {
      uint64_t raw = in.U64();
      double value;
      std::memcpy(&value, &raw, sizeof(value));
      if (!in.failed()) out += FormatDouble(value);
      break;
    }
    case kString: {
      uint64_t length = 0;
      if (!ReadVarLength(in, length)) return Bad("string length");
      std::string_view text = in.Bytes(length);
      if (in.failed()) return Bad("string");
      AppendEscaped(text, out);
      return Status::Ok();
    }
    case kOpaque: {
      uint8_t field_type = in.U8();
      uint64_t length = 0;
      if (!ReadVarLength(in, length)) return Bad("opaque length");
      std::string_view data = in.Bytes(length);
      if (in.failed()) return Bad("opaque value");
      return AppendOpaque(field_type, data, out);
    }
    default:
      return Bad("unknown value type");
  }
  if (in.failed()) return Bad("scalar");
  return Status::Ok();
}

}  // namespace

Status JsonBinaryToText(std::string_view bytes, std::string& out) {
  out.clear();
  if (bytes.empty()) {
    out = "null";
    return Status::Ok();
  }
  auto type = static_cast<uint8_t>(bytes[0]);
  return AppendValue(type, bytes.substr(1), 0, 0, out);
}

}  // namespace switchyard::endpoints::mysql::binlog
