// CharsetConverter: turns string bytes from the binlog (stored in the column's charset) into the
// UTF-8 text a utf8mb4 client connection would receive for the same value.
//
// The binlog carries CHAR/VARCHAR/TEXT/ENUM/SET bytes in the column's own charset, while the
// snapshot reader gets them converted to utf8mb4 by the server. To hand the pipeline the same
// strings from both paths we convert here. Collation ids map to charsets through a table read
// from the server (information_schema.COLLATIONS) by the stream; BuiltIn() covers the common
// ids for tests and for when that query is not possible.
//
// Conversions: utf8mb4/utf8mb3/ascii/binary unchanged; latin1 through MySQL's own table (it is
// cp1252 with the five undefined bytes mapped to U+0081...); everything else through iconv by
// the equivalent name. A byte sequence that cannot be converted is a kDataError (never a
// silent '?'), an unknown charset is kUnsupported.
//
// Not thread-safe: it caches iconv handles. One per stream / decoding thread.
#pragma once

#include <iconv.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/common/status.h"

namespace switchyard::endpoints::mysql::binlog {

inline constexpr uint32_t kBinaryCollation = 63;

class CharsetConverter {
 public:
  CharsetConverter() = default;
  CharsetConverter(const CharsetConverter&) = delete;
  CharsetConverter& operator=(const CharsetConverter&) = delete;
  ~CharsetConverter();

  // The common collations of MySQL 8 and MariaDB 10.x (latin1, utf8mb3, utf8mb4, binary...).
  static void AddBuiltIn(CharsetConverter& converter);

  void AddCollation(uint32_t id, std::string charset) { charsets_[id] = std::move(charset); }
  // The charset name of `collation` ("latin1", "utf8mb4"...), or "" when unknown.
  std::string_view CharsetOf(uint32_t collation) const;
  bool IsBinary(uint32_t collation) const { return collation == kBinaryCollation; }

  // Appends the UTF-8 form of `bytes` (in `collation`'s charset) to `out`.
  Status AppendUtf8(uint32_t collation, std::string_view bytes, std::string& out);

 private:
  Status Iconv(const std::string& from, std::string_view bytes, std::string& out);

  std::unordered_map<uint32_t, std::string> charsets_;
  std::map<std::string, iconv_t> iconvs_;  // owned: iconv_close() in the destructor
};

}  // namespace switchyard::endpoints::mysql::binlog
