// Client-side value transforms (see type_mapping.h). These run once per value on the load
// path, so they avoid allocation beyond the output string the caller reuses.
#include <cstring>

#include "engine/catalog/type_mapping.h"

namespace switchyard::catalog {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// MySQL dates and datetimes start with YYYY-MM-DD; any zero part is a "zero date".
bool IsMySqlZeroDate(std::string_view v) {
  if (v.size() < 10) return false;
  auto all_zero = [&](size_t pos, size_t len) {
    for (size_t i = pos; i < pos + len; ++i) {
      if (v[i] != '0') return false;
    }
    return true;
  };
  return all_zero(0, 4) || all_zero(5, 2) || all_zero(8, 2);
}

}  // namespace

const char* ValueTransformName(ValueTransform t) {
  switch (t) {
    case ValueTransform::kNone:
      return "none";
    case ValueTransform::kMySqlZeroDateToNull:
      return "mysql-zero-date-to-null";
    case ValueTransform::kMySqlZeroTimestampToUtc:
      return "mysql-timestamp-to-utc";
    case ValueTransform::kBinaryToPgBytea:
      return "binary-to-bytea";
    case ValueTransform::kPgByteaToBinary:
      return "bytea-to-binary";
    case ValueTransform::kRejectNul:
      return "reject-nul";
    case ValueTransform::kRejectNonFinite:
      return "reject-non-finite";
    case ValueTransform::kRejectPgSpecialDate:
      return "reject-special-date";
  }
  return "unknown";
}

Status ApplyValueTransform(ValueTransform t, std::string_view in, std::string* out, bool* is_null) {
  *is_null = false;
  out->clear();
  switch (t) {
    case ValueTransform::kNone:
      out->assign(in);
      return Status::Ok();
    case ValueTransform::kMySqlZeroDateToNull:
      if (IsMySqlZeroDate(in)) {
        *is_null = true;
      } else {
        out->assign(in);
      }
      return Status::Ok();
    case ValueTransform::kMySqlZeroTimestampToUtc:
      if (IsMySqlZeroDate(in)) {
        *is_null = true;
      } else {
        out->assign(in);
        out->append("+00");
      }
      return Status::Ok();
    case ValueTransform::kBinaryToPgBytea: {
      out->resize(2 + in.size() * 2);
      char* p = out->data();
      *p++ = '\\';
      *p++ = 'x';
      for (unsigned char c : in) {
        *p++ = kHexDigits[c >> 4];
        *p++ = kHexDigits[c & 0xf];
      }
      return Status::Ok();
    }
    case ValueTransform::kPgByteaToBinary: {
      if (in.size() < 2 || in[0] != '\\' || in[1] != 'x' || in.size() % 2 != 0) {
        return Status::DataError("bytea value is not in hex format");
      }
      out->resize((in.size() - 2) / 2);
      for (size_t i = 2, o = 0; i < in.size(); i += 2, ++o) {
        int hi = HexValue(in[i]), lo = HexValue(in[i + 1]);
        if (hi < 0 || lo < 0) return Status::DataError("bytea value has a non-hex digit");
        (*out)[o] = static_cast<char>(hi << 4 | lo);
      }
      return Status::Ok();
    }
    case ValueTransform::kRejectNul:
      if (std::memchr(in.data(), 0, in.size()) != nullptr) {
        return Status::DataError(
            "value contains a NUL (0x00) character, which PostgreSQL text cannot store; map the "
            "column to bytes with change-data-type or fix the source row");
      }
      out->assign(in);
      return Status::Ok();
    case ValueTransform::kRejectNonFinite:
      if (in == "NaN" || in == "Infinity" || in == "-Infinity") {
        return Status::DataError("value " + std::string(in) +
                                 " has no MySQL equivalent (MySQL numbers are finite)");
      }
      out->assign(in);
      return Status::Ok();
    case ValueTransform::kRejectPgSpecialDate:
      if (in == "infinity" || in == "-infinity" ||
          (in.size() >= 3 && in.substr(in.size() - 3) == " BC") ||
          (in.size() > 4 && in[4] != '-')) {  // a year with more than four digits
        return Status::DataError("date/time value " + std::string(in) +
                                 " is outside MySQL's range (years 0001-9999)");
      }
      out->assign(in);
      return Status::Ok();
  }
  return Status::Internal("unknown value transform");
}

}  // namespace switchyard::catalog
