#include "engine/endpoints/mysql/binlog/charset.h"

#include <cerrno>

namespace switchyard::endpoints::mysql::binlog {
namespace {

// MySQL's latin1 is Windows-1252 with 0x81, 0x8D, 0x8F, 0x90 and 0x9D mapped to the C1 control
// of the same number (strings/ctype-latin1.cc). Code points for 0x80..0x9F.
constexpr uint16_t kLatin1High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

void AppendCodePoint(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void AppendLatin1(std::string_view bytes, std::string& out) {
  for (char ch : bytes) {
    auto b = static_cast<uint8_t>(ch);
    uint32_t cp = b >= 0x80 && b < 0xA0 ? kLatin1High[b - 0x80] : b;
    AppendCodePoint(cp, out);
  }
}

// The iconv name of a MySQL charset, or nullptr when we have none.
const char* IconvName(std::string_view charset) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"ucs2", "UCS-2BE"},       {"utf16", "UTF-16BE"},
      {"utf16le", "UTF-16LE"},   {"utf32", "UTF-32BE"},
      {"cp1250", "CP1250"},      {"cp1251", "CP1251"},
      {"cp1256", "CP1256"},      {"cp1257", "CP1257"},
      {"latin2", "ISO-8859-2"},  {"latin5", "ISO-8859-9"},
      {"latin7", "ISO-8859-13"}, {"greek", "ISO-8859-7"},
      {"hebrew", "ISO-8859-8"},  {"koi8r", "KOI8-R"},
      {"koi8u", "KOI8-U"},       {"sjis", "SJIS"},
      {"cp932", "CP932"},        {"ujis", "EUC-JP"},
      {"eucjpms", "EUC-JP-MS"},  {"gbk", "GBK"},
      {"gb2312", "GB2312"},      {"gb18030", "GB18030"},
      {"big5", "BIG5"},          {"euckr", "EUC-KR"},
      {"tis620", "TIS-620"},     {"cp850", "CP850"},
      {"cp852", "CP852"},        {"cp866", "CP866"},
      {"macroman", "MACINTOSH"}, {"armscii8", "ARMSCII-8"},
      {"geostd8", "GEORGIAN-PS"}};
  for (const auto& [mysql_name, iconv_name] : kNames) {
    if (charset == mysql_name) return iconv_name;
  }
  return nullptr;
}

}  // namespace

CharsetConverter::~CharsetConverter() {
  for (auto& [name, handle] : iconvs_) iconv_close(handle);
}

void CharsetConverter::AddBuiltIn(CharsetConverter& converter) {
  for (uint32_t id : {5u, 8u, 15u, 31u, 47u, 48u, 49u, 94u}) converter.AddCollation(id, "latin1");
  for (uint32_t id : {33u, 83u}) converter.AddCollation(id, "utf8mb3");
  for (uint32_t id = 192; id <= 215; ++id) converter.AddCollation(id, "utf8mb3");
  for (uint32_t id : {45u, 46u}) converter.AddCollation(id, "utf8mb4");
  for (uint32_t id = 224; id <= 247; ++id) converter.AddCollation(id, "utf8mb4");
  for (uint32_t id = 255; id <= 323; ++id) converter.AddCollation(id, "utf8mb4");  // MySQL 8
  for (uint32_t id : {11u, 65u}) converter.AddCollation(id, "ascii");
  for (uint32_t id : {14u, 23u, 50u, 51u, 52u}) converter.AddCollation(id, "cp1251");
  for (uint32_t id : {9u, 21u, 27u, 77u}) converter.AddCollation(id, "latin2");
  for (uint32_t id : {35u, 90u}) converter.AddCollation(id, "ucs2");
  for (uint32_t id : {54u, 55u}) converter.AddCollation(id, "utf16");
  for (uint32_t id : {60u, 61u}) converter.AddCollation(id, "utf32");
  converter.AddCollation(kBinaryCollation, "binary");
}

std::string_view CharsetConverter::CharsetOf(uint32_t collation) const {
  auto it = charsets_.find(collation);
  return it == charsets_.end() ? std::string_view() : std::string_view(it->second);
}

Status CharsetConverter::AppendUtf8(uint32_t collation, std::string_view bytes, std::string& out) {
  std::string_view charset = CharsetOf(collation);
  if (charset == "utf8mb4" || charset == "utf8mb3" || charset == "utf8" || charset == "ascii" ||
      charset == "binary") {
    out.append(bytes);
    return Status::Ok();
  }
  if (charset == "latin1") {
    AppendLatin1(bytes, out);
    return Status::Ok();
  }
  if (charset.empty()) {
    return Status::Unsupported("binlog value in unknown collation id " + std::to_string(collation) +
                               ": cannot convert it to UTF-8");
  }
  return Iconv(std::string(charset), bytes, out);
}

Status CharsetConverter::Iconv(const std::string& from, std::string_view bytes, std::string& out) {
  auto it = iconvs_.find(from);
  if (it == iconvs_.end()) {
    const char* name = IconvName(from);
    iconv_t handle = name != nullptr ? iconv_open("UTF-8", name) : reinterpret_cast<iconv_t>(-1);
    if (handle == reinterpret_cast<iconv_t>(-1)) {
      return Status::Unsupported("binlog value in charset " + from +
                                 ": no conversion to UTF-8 is available");
    }
    it = iconvs_.emplace(from, handle).first;
  }
  iconv_t handle = it->second;
  iconv(handle, nullptr, nullptr, nullptr, nullptr);  // reset shift state
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  size_t start = out.size();
  size_t capacity = bytes.size() * 4 + 16;
  out.resize(start + capacity);
  char* dst = out.data() + start;
  size_t out_left = capacity;
  while (in_left > 0) {
    if (iconv(handle, &in, &in_left, &dst, &out_left) == static_cast<size_t>(-1)) {
      if (errno == E2BIG) {
        size_t used = static_cast<size_t>(dst - out.data());
        out.resize(out.size() + capacity);
        dst = out.data() + used;
        out_left += capacity;
        continue;
      }
      out.resize(start);
      return Status::DataError("binlog value is not valid " + from + " text (byte " +
                               std::to_string(bytes.size() - in_left) + ")");
    }
  }
  out.resize(static_cast<size_t>(dst - out.data()));
  return Status::Ok();
}

}  // namespace switchyard::endpoints::mysql::binlog
