#include "engine/endpoints/mysql/binlog/value_decoder.h"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "engine/endpoints/mysql/binlog/json_binary.h"

namespace switchyard::endpoints::mysql::binlog {
namespace {

using namespace column_type;

Status Short(const ColumnDef& column) {
  return Status::DataError("binlog row image is truncated in column `" + column.name + "`");
}

// Shortest decimal digits (no dot, no leading zeros) and decimal exponent `decpt` such that
// value = 0.DIGITS * 10^decpt reads back exactly. `single` picks float round-tripping.
void ShortestDigits(double value, bool single, std::string& digits, int& decpt) {
  char buf[64];
  for (int precision = 0; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*e", precision, value);
    bool exact = single ? std::strtof(buf, nullptr) == static_cast<float>(value)
                        : std::strtod(buf, nullptr) == value;
    if (exact) break;
  }
  // buf is "-d.ddde[+-]x"
  const char* p = buf;
  if (*p == '-') ++p;
  digits.clear();
  while (*p != 'e') {
    if (*p != '.') digits.push_back(*p);
    ++p;
  }
  int exponent = std::atoi(p + 1);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  decpt = exponent + 1;
}

// MariaDB's layout for a double (my_gcvt as used by Field_double::val_str): plain notation when
// the decimal point sits within [-14, 15] digits of the first digit, else "d.ddde<exp>".
std::string LayoutReal(double value, bool single) {
  if (value == 0) return "0";  // also -0: SELECT prints 0
  std::string digits;
  int decpt = 0;
  ShortestDigits(value, single, digits, decpt);
  std::string out = value < 0 ? "-" : "";
  int len = static_cast<int>(digits.size());
  if (decpt >= -14 && decpt <= 15) {
    if (decpt <= 0) {
      out += "0.";
      out.append(static_cast<size_t>(-decpt), '0');
      out += digits;
    } else if (decpt >= len) {
      out += digits;
      out.append(static_cast<size_t>(decpt - len), '0');
    } else {
      out += digits.substr(0, static_cast<size_t>(decpt));
      out += '.';
      out += digits.substr(static_cast<size_t>(decpt));
    }
  } else {
    out += digits[0];
    if (len > 1) {
      out += '.';
      out += digits.substr(1);
    }
    out += 'e';
    out += std::to_string(decpt - 1);
  }
  return out;
}

constexpr int kDigitsToBytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
constexpr int kDigitsPerGroup = 9;

void AppendPadded(std::string& out, uint64_t value, int width) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%0*" PRIu64, width, value);
  out += buf;
}

// Appends ".ffffff" cut to `fsp` digits (nothing for fsp 0).
void AppendFraction(std::string& out, uint32_t micros, int fsp) {
  if (fsp <= 0) return;
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%06u", micros % 1000000);
  out += '.';
  out.append(buf, static_cast<size_t>(fsp));
}

// Microseconds from the big-endian fraction bytes of TIME2/DATETIME2/TIMESTAMP2.
uint32_t ReadFraction(ByteReader& in, int fsp) {
  switch ((fsp + 1) / 2) {
    case 1:
      return static_cast<uint32_t>(in.BigEndian(1)) * 10000;
    case 2:
      return static_cast<uint32_t>(in.BigEndian(2)) * 100;
    case 3:
      return static_cast<uint32_t>(in.BigEndian(3));
    default:
      return 0;
  }
}

std::string FormatDateTime(unsigned year, unsigned month, unsigned day, unsigned hour,
                           unsigned minute, unsigned second, uint32_t micros, int fsp) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%04u-%02u-%02u %02u:%02u:%02u", year, month, day, hour, minute,
                second);
  std::string out = buf;
  AppendFraction(out, micros, fsp);
  return out;
}

std::string FormatTime(bool negative, uint64_t hour, unsigned minute, unsigned second,
                       uint32_t micros, int fsp) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%s%02" PRIu64 ":%02u:%02u", negative ? "-" : "", hour, minute,
                second);
  std::string out = buf;
  AppendFraction(out, micros, fsp);
  return out;
}

Status DecodeTime2(const ColumnDef& c, ByteReader& in, std::string& out) {
  // MySQL 5.6 packed TIME: 3 bytes big-endian offset by 0x800000 hold sign, hours (10 bits),
  // minutes (6), seconds (6); then 0-3 fraction bytes. Negative values with a fraction borrow
  // one second (the fraction is stored as its complement).
  constexpr int64_t kIntOffset = 0x800000;
  int64_t packed;  // value * 2^24 + microseconds, signed
  int fsp = c.fsp;
  if (fsp >= 5) {
    packed = static_cast<int64_t>(in.BigEndian(6)) - (int64_t{kIntOffset} << 24);
  } else {
    int64_t intpart = static_cast<int64_t>(in.BigEndian(3)) - kIntOffset;
    int64_t frac = 0;
    if (fsp >= 1) {
      int bytes = (fsp + 1) / 2;
      frac = static_cast<int64_t>(in.BigEndian(static_cast<size_t>(bytes)));
      if (intpart < 0 && frac != 0) {
        intpart++;
        frac -= int64_t{1} << (8 * bytes);
      }
      frac *= bytes == 1 ? 10000 : 100;
    }
    packed = intpart * (int64_t{1} << 24) + frac;
  }
  if (in.failed()) return Short(c);
  bool negative = packed < 0;
  uint64_t magnitude = negative ? static_cast<uint64_t>(-packed) : static_cast<uint64_t>(packed);
  uint64_t hms = magnitude >> 24;
  auto micros = static_cast<uint32_t>(magnitude & 0xffffff);
  out = FormatTime(negative, (hms >> 12) & 0x3ff, static_cast<unsigned>((hms >> 6) & 0x3f),
                   static_cast<unsigned>(hms & 0x3f), micros, fsp);
  return Status::Ok();
}

Status DecodeDateTime2(const ColumnDef& c, ByteReader& in, std::string& out) {
  // 5 bytes big-endian offset by 0x8000000000: sign, year*13+month (17 bits), day (5),
  // hour (5), minute (6), second (6); then the fraction bytes.
  constexpr int64_t kIntOffset = 0x8000000000;
  int64_t intpart = static_cast<int64_t>(in.BigEndian(5)) - kIntOffset;
  uint32_t micros = ReadFraction(in, c.fsp);
  if (in.failed()) return Short(c);
  if (intpart < 0) return Status::DataError("negative DATETIME in column `" + c.name + "`");
  auto v = static_cast<uint64_t>(intpart);
  uint64_t ymd = v >> 17;
  uint64_t ym = ymd >> 5;
  uint64_t hms = v & 0x1ffff;
  out = FormatDateTime(static_cast<unsigned>(ym / 13), static_cast<unsigned>(ym % 13),
                       static_cast<unsigned>(ymd & 0x1f), static_cast<unsigned>(hms >> 12),
                       static_cast<unsigned>((hms >> 6) & 0x3f), static_cast<unsigned>(hms & 0x3f),
                       micros, c.fsp);
  return Status::Ok();
}

std::string FormatUtcSeconds(uint64_t seconds, uint32_t micros, int fsp) {
  if (seconds == 0 && micros == 0) return FormatDateTime(0, 0, 0, 0, 0, 0, 0, fsp);
  time_t t = static_cast<time_t>(seconds);
  struct tm tm_utc {};
  gmtime_r(&t, &tm_utc);
  return FormatDateTime(
      static_cast<unsigned>(tm_utc.tm_year + 1900), static_cast<unsigned>(tm_utc.tm_mon + 1),
      static_cast<unsigned>(tm_utc.tm_mday), static_cast<unsigned>(tm_utc.tm_hour),
      static_cast<unsigned>(tm_utc.tm_min), static_cast<unsigned>(tm_utc.tm_sec), micros, fsp);
}

Status DecodeInteger(const ColumnDef& c, ByteReader& in, size_t bytes, std::string& out) {
  uint64_t raw = in.Uint(bytes);
  if (in.failed()) return Short(c);
  if (c.is_unsigned.value_or(false)) {
    out = std::to_string(raw);
  } else {
    unsigned shift = static_cast<unsigned>(64 - 8 * bytes);
    auto value = static_cast<int64_t>(raw << shift) >> shift;  // sign-extend
    out = std::to_string(value);
  }
  return Status::Ok();
}

Status DecodeString(const ColumnDef& c, std::string_view bytes, CharsetConverter& charsets,
                    std::string& out) {
  out.clear();
  // Without charset metadata we cannot know the encoding; pass the bytes through unchanged.
  if (!c.collation.has_value()) {
    out.assign(bytes);
    return Status::Ok();
  }
  Status status = charsets.AppendUtf8(*c.collation, bytes, out);
  if (!status.ok()) return status.WithContext("column `" + c.name + "`");
  return Status::Ok();
}

Status DecodeEnumOrSet(const ColumnDef& c, ByteReader& in, CharsetConverter& charsets,
                       std::string& out) {
  uint64_t raw = in.Uint(c.max_length);
  if (in.failed() || c.max_length == 0 || c.max_length > 8) return Short(c);
  if (c.members.empty()) {
    out = std::to_string(raw);  // no optional metadata: the index / bitmask
    return Status::Ok();
  }
  std::string text;
  if (c.real_type == kEnum) {
    if (raw > c.members.size()) {
      return Status::DataError("ENUM index " + std::to_string(raw) + " out of range in column `" +
                               c.name + "`");
    }
    if (raw > 0) text = c.members[raw - 1];
  } else {
    for (size_t i = 0; i < c.members.size() && i < 64; ++i) {
      if ((raw >> i & 1) == 0) continue;
      if (!text.empty()) text += ',';
      text += c.members[i];
    }
  }
  return DecodeString(c, text, charsets, out);
}

}  // namespace

std::string FormatFloat(float value) { return LayoutReal(value, true); }
std::string FormatDouble(double value) { return LayoutReal(value, false); }

size_t DecimalBinarySize(int precision, int scale) {
  int intg = precision - scale;
  return static_cast<size_t>((intg / kDigitsPerGroup) * 4 + kDigitsToBytes[intg % kDigitsPerGroup] +
                             (scale / kDigitsPerGroup) * 4 +
                             kDigitsToBytes[scale % kDigitsPerGroup]);
}

Result<std::string> FormatDecimal(std::string_view bytes, int precision, int scale) {
  // Groups of 9 digits in 4 big-endian bytes, the leftover digits of the integer part first
  // and of the fraction last in fewer bytes. The top bit of the first byte is set for
  // non-negative values; negative values are stored with every byte inverted.
  if (precision < 1 || precision > 65 || scale < 0 || scale > 38 || scale > precision) {
    return Status::DataError("DECIMAL(" + std::to_string(precision) + "," + std::to_string(scale) +
                             ") is not a valid binlog decimal");
  }
  size_t size = DecimalBinarySize(precision, scale);
  if (bytes.size() < size) return Status::DataError("binlog DECIMAL value is truncated");
  std::string buf(bytes.substr(0, size));
  bool negative = (static_cast<uint8_t>(buf[0]) & 0x80) == 0;
  buf[0] = static_cast<char>(buf[0] ^ 0x80);
  if (negative) {
    for (auto& ch : buf) ch = static_cast<char>(~ch);
  }
  ByteReader in(buf);
  int intg = precision - scale;
  std::string integer;
  if (intg % kDigitsPerGroup != 0) {
    integer = std::to_string(in.BigEndian(kDigitsToBytes[intg % kDigitsPerGroup]));
  }
  for (int i = 0; i < intg / kDigitsPerGroup; ++i) AppendPadded(integer, in.BigEndian(4), 9);
  size_t first = integer.find_first_not_of('0');
  integer = first == std::string::npos ? "0" : integer.substr(first);
  std::string fraction;
  for (int i = 0; i < scale / kDigitsPerGroup; ++i) AppendPadded(fraction, in.BigEndian(4), 9);
  if (scale % kDigitsPerGroup != 0) {
    AppendPadded(fraction, in.BigEndian(kDigitsToBytes[scale % kDigitsPerGroup]),
                 scale % kDigitsPerGroup);
  }
  std::string out;
  if (negative) out = "-";
  out += integer;
  if (scale > 0) {
    out += '.';
    out += fraction;
  }
  return out;
}

Status DecodeValue(const ColumnDef& c, ByteReader& in, CharsetConverter& charsets,
                   std::string& out) {
  switch (c.type) {
    case kTiny:
      return DecodeInteger(c, in, 1, out);
    case kShort:
      return DecodeInteger(c, in, 2, out);
    case kInt24:
      return DecodeInteger(c, in, 3, out);
    case kLong:
      return DecodeInteger(c, in, 4, out);
    case kLongLong:
      return DecodeInteger(c, in, 8, out);
    case kFloat: {
      auto raw = static_cast<uint32_t>(in.U32());
      if (in.failed()) return Short(c);
      float value;
      std::memcpy(&value, &raw, sizeof(value));
      out = FormatFloat(value);
      return Status::Ok();
    }
    case kDouble: {
      uint64_t raw = in.U64();
      if (in.failed()) return Short(c);
      double value;
      std::memcpy(&value, &raw, sizeof(value));
      out = FormatDouble(value);
      return Status::Ok();
    }
    case kNewDecimal: {
      std::string_view bytes = in.Bytes(DecimalBinarySize(c.precision, c.scale));
      if (in.failed()) return Short(c);
      SY_ASSIGN_OR_RETURN(out, FormatDecimal(bytes, c.precision, c.scale));
      return Status::Ok();
    }
    case kYear: {
      uint8_t year = in.U8();
      if (in.failed()) return Short(c);
      out = year == 0 ? "0000" : std::to_string(1900 + year);
      return Status::Ok();
    }
    case kDate:
    case kNewDate: {
      auto v = static_cast<uint32_t>(in.Uint(3));
      if (in.failed()) return Short(c);
      char buf[16];
      std::snprintf(buf, sizeof(buf), "%04u-%02u-%02u", v >> 9, (v >> 5) & 15, v & 31);
      out = buf;
      return Status::Ok();
    }
    case kTime: {  // pre-5.6: HHMMSS as a signed 3-byte integer
      auto raw = static_cast<uint32_t>(in.Uint(3));
      if (in.failed()) return Short(c);
      int32_t v = static_cast<int32_t>(raw << 8) >> 8;
      bool negative = v < 0;
      uint32_t m = negative ? static_cast<uint32_t>(-v) : static_cast<uint32_t>(v);
      out = FormatTime(negative, m / 10000, m / 100 % 100, m % 100, 0, 0);
      return Status::Ok();
    }
    case kTime2:
      return DecodeTime2(c, in, out);
    case kDateTime: {  // pre-5.6: YYYYMMDDhhmmss as an 8-byte integer
      uint64_t v = in.U64();
      if (in.failed()) return Short(c);
      uint64_t date = v / 1000000, time = v % 1000000;
      out = FormatDateTime(
          static_cast<unsigned>(date / 10000), static_cast<unsigned>(date / 100 % 100),
          static_cast<unsigned>(date % 100), static_cast<unsigned>(time / 10000),
          static_cast<unsigned>(time / 100 % 100), static_cast<unsigned>(time % 100), 0, 0);
      return Status::Ok();
    }
    case kDateTime2:
      return DecodeDateTime2(c, in, out);
    case kTimestamp: {
      uint32_t seconds = in.U32();
      if (in.failed()) return Short(c);
      out = FormatUtcSeconds(seconds, 0, 0);
      return Status::Ok();
    }
    case kTimestamp2: {
      uint64_t seconds = in.BigEndian(4);
      uint32_t micros = ReadFraction(in, c.fsp);
      if (in.failed()) return Short(c);
      out = FormatUtcSeconds(seconds, micros, c.fsp);
      return Status::Ok();
    }
    case kBit: {
      out.assign(in.Bytes((c.bits + 7u) / 8u));
      if (in.failed()) return Short(c);
      return Status::Ok();
    }
    case kVarchar:
    case kVarString: {
      size_t length = in.Uint(c.max_length > 255 ? 2 : 1);
      std::string_view bytes = in.Bytes(length);
      if (in.failed()) return Short(c);
      return DecodeString(c, bytes, charsets, out);
    }
    case kString:
    case kEnum:
    case kSet: {
      if (c.real_type == kEnum || c.real_type == kSet) return DecodeEnumOrSet(c, in, charsets, out);
      size_t length = in.Uint(c.max_length > 255 ? 2 : 1);
      std::string_view bytes = in.Bytes(length);
      if (in.failed()) return Short(c);
      SY_RETURN_IF_ERROR(DecodeString(c, bytes, charsets, out));
      // The binlog drops trailing pad bytes. SELECT strips a CHAR's trailing spaces as well,
      // but returns BINARY(n) padded with NULs to its full length: restore that.
      if (c.collation == kBinaryCollation && out.size() < c.max_length) out.resize(c.max_length);
      return Status::Ok();
    }
    case kTinyBlob:
    case kMediumBlob:
    case kLongBlob:
    case kBlob:
    case kGeometry:
    case kJson: {
      if (c.length_bytes < 1 || c.length_bytes > 4) {
        return Status::DataError("bad BLOB length size in column `" + c.name + "`");
      }
      size_t length = in.Uint(c.length_bytes);
      std::string_view bytes = in.Bytes(length);
      if (in.failed()) return Short(c);
      if (c.type == kGeometry) {
        out.assign(bytes);
        return Status::Ok();
      }
      if (c.type == kJson) {
        Status status = JsonBinaryToText(bytes, out);
        return status.ok() ? status : status.WithContext("column `" + c.name + "`");
      }
      return DecodeString(c, bytes, charsets, out);
    }
    default:
      return Status::Unsupported("binlog column type " + std::to_string(c.type) + " in column `" +
                                 c.name + "` is not supported by the row decoder");
  }
}

}  // namespace switchyard::endpoints::mysql::binlog
