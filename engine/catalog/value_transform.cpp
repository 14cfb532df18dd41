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

bool IsDigits(std::string_view v, size_t pos, size_t len) {
  if (pos + len > v.size()) return false;
  for (size_t i = pos; i < pos + len; ++i) {
    if (v[i] < '0' || v[i] > '9') return false;
  }
  return true;
}

int Number(std::string_view v, size_t pos, size_t len) {
  int n = 0;
  for (size_t i = pos; i < pos + len; ++i) n = n * 10 + (v[i] - '0');
  return n;
}

enum class MySqlDate { kValid, kZero, kOffCalendar };

// MySQL dates and datetimes start with YYYY-MM-DD. Any zero part makes a "zero date"
// (NO_ZERO_DATE / NO_ZERO_IN_DATE off); a day past the month's end is possible only under
// ALLOW_INVALID_DATES. Text that does not look like a date is left to the target to judge.
MySqlDate ClassifyMySqlDate(std::string_view v) {
  if (v.size() < 10 || !IsDigits(v, 0, 4) || v[4] != '-' || !IsDigits(v, 5, 2) || v[7] != '-' ||
      !IsDigits(v, 8, 2)) {
    return MySqlDate::kValid;
  }
  const int year = Number(v, 0, 4), month = Number(v, 5, 2), day = Number(v, 8, 2);
  if (year == 0 || month == 0 || day == 0) return MySqlDate::kZero;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month > 12 || day > kDays[month - 1]) return MySqlDate::kOffCalendar;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return MySqlDate::kOffCalendar;
  return MySqlDate::kValid;
}

Status OffCalendar(std::string_view v) {
  return Status::DataError("date " + std::string(v) +
                           " is not a calendar date (MySQL stores it under ALLOW_INVALID_DATES); "
                           "PostgreSQL cannot hold it");
}

// jsonb cannot hold U+0000 ("unsupported Unicode escape sequence"). Backslashes occur only in
// JSON strings, so escapes are walked pairwise: an escaped backslash before "u0000" is no NUL.
bool JsonHasNul(std::string_view v) {
  if (std::memchr(v.data(), 0, v.size()) != nullptr) return true;
  for (size_t i = 0; i + 1 < v.size(); ++i) {
    if (v[i] != '\\') continue;
    if (v[i + 1] == 'u' && v.substr(i + 2, 4) == "0000") return true;
    ++i;  // skip the escaped character
  }
  return false;
}

bool IsNonFinite(std::string_view v) { return v == "NaN" || v == "Infinity" || v == "-Infinity"; }

// Whether DECIMAL(65,30) holds the PostgreSQL numeric text `v` exactly: at most 35 integer
// digits (leading zeros aside) and no non-zero digit after the 30th fractional one. Text in
// any other shape is left to MySQL to judge.
bool FitsMySqlDecimal6530(std::string_view v) {
  size_t i = (!v.empty() && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
  while (i < v.size() && v[i] == '0') ++i;
  size_t int_digits = 0;
  while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i, ++int_digits;
  if (int_digits > 35) return false;
  if (i < v.size() && v[i] == '.') {
    ++i;
    for (size_t frac = 1; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i, ++frac) {
      if (frac > 30 && v[i] != '0') return false;
    }
  }
  return true;
}

// MySQL prints TIME as [-]H+:MM:SS[.ffffff]; PostgreSQL time holds 00:00:00..24:00:00.
bool IsTimeOfDay(std::string_view v) {
  if (v.empty() || v[0] == '-') return v.find_first_not_of("-0:.") == std::string_view::npos;
  size_t colon = v.find(':');
  if (colon == std::string_view::npos || colon == 0 || !IsDigits(v, 0, colon)) return true;
  int hours = colon > 3 ? 100 : Number(v, 0, colon);
  if (hours < 24) return true;
  return hours == 24 && v.substr(colon).find_first_not_of(":0.") == std::string_view::npos;
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
    case ValueTransform::kRejectNulInJson:
      return "reject-nul-in-json";
    case ValueTransform::kRejectNonFinite:
      return "reject-non-finite";
    case ValueTransform::kRejectBeyondMySqlDecimal:
      return "reject-beyond-decimal-65-30";
    case ValueTransform::kRejectTimeOutsideDay:
      return "reject-time-outside-day";
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
    case ValueTransform::kMySqlZeroTimestampToUtc:
      switch (ClassifyMySqlDate(in)) {
        case MySqlDate::kZero:
          *is_null = true;
          return Status::Ok();
        case MySqlDate::kOffCalendar:
          return OffCalendar(in);
        case MySqlDate::kValid:
          break;
      }
      out->assign(in);
      if (t == ValueTransform::kMySqlZeroTimestampToUtc) out->append("+00");
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
    case ValueTransform::kRejectNulInJson:
      if (JsonHasNul(in)) {
        return Status::DataError(
            "JSON value contains a NUL character (0x00 or \\u0000), which PostgreSQL jsonb "
            "cannot store; fix the source row or exclude the column");
      }
      out->assign(in);
      return Status::Ok();
    case ValueTransform::kRejectNonFinite:
    case ValueTransform::kRejectBeyondMySqlDecimal:
      if (IsNonFinite(in)) {
        return Status::DataError("value " + std::string(in) +
                                 " has no MySQL equivalent (MySQL numbers are finite)");
      }
      if (t == ValueTransform::kRejectBeyondMySqlDecimal && !FitsMySqlDecimal6530(in)) {
        return Status::DataError("value " + std::string(in) +
                                 " does not fit MySQL DECIMAL(65,30) (at most 35 integer and 30 "
                                 "fractional digits); MySQL would round it");
      }
      out->assign(in);
      return Status::Ok();
    case ValueTransform::kRejectTimeOutsideDay:
      if (!IsTimeOfDay(in)) {
        return Status::DataError("TIME value " + std::string(in) +
                                 " is not a time of day (PostgreSQL time holds 00:00:00 to "
                                 "24:00:00); keep the default interval mapping to carry it");
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
