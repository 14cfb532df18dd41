#include "engine/endpoints/mysql/binlog/table_map.h"

#include "engine/endpoints/mysql/binlog/byte_reader.h"

namespace switchyard::endpoints::mysql::binlog {
namespace {

// Optional metadata field types (MySQL rows_event.h, MariaDB log_event.h).
enum OptionalField : uint8_t {
  kSignedness = 1,
  kDefaultCharset = 2,
  kColumnCharset = 3,
  kColumnName = 4,
  kSetStrValue = 5,
  kEnumStrValue = 6,
  kGeometryType = 7,
  kSimplePrimaryKey = 8,
  kPrimaryKeyWithPrefix = 9,
  kEnumAndSetDefaultCharset = 10,
  kEnumAndSetColumnCharset = 11,
  kColumnVisibility = 12,  // MySQL 8.0.23+
};

Status Malformed(const std::string& what) {
  return Status::DataError("binlog TABLE_MAP event is malformed: " + what);
}

// How many bytes of per-column metadata each type has in the metadata block.
size_t MetaSize(uint8_t type) {
  using namespace column_type;
  switch (type) {
    case kFloat:
    case kDouble:
    case kTinyBlob:
    case kMediumBlob:
    case kLongBlob:
    case kBlob:
    case kGeometry:
    case kJson:
    case kTimestamp2:
    case kDateTime2:
    case kTime2:
      return 1;
    case kVarchar:
    case kVarString:
    case kBit:
    case kNewDecimal:
    case kString:
    case kEnum:
    case kSet:
      return 2;
    default:
      return 0;
  }
}

void DeriveFromMeta(ColumnDef& c) {
  using namespace column_type;
  c.real_type = c.type;
  switch (c.type) {
    case kFloat:
    case kDouble:
      break;
    case kTinyBlob:
    case kMediumBlob:
    case kLongBlob:
    case kBlob:
    case kGeometry:
    case kJson:
      c.length_bytes = static_cast<uint8_t>(c.meta);
      break;
    case kTimestamp2:
    case kDateTime2:
    case kTime2:
      c.fsp = static_cast<uint8_t>(c.meta);
      break;
    case kVarchar:
    case kVarString:
      c.max_length = c.meta;
      break;
    case kBit:
      // Low byte: bits % 8, high byte: bits / 8 (stored little-endian as two bytes).
      c.bits = static_cast<uint16_t>((c.meta >> 8) * 8 + (c.meta & 0xff));
      break;
    case kNewDecimal:
      c.precision = static_cast<uint8_t>(c.meta & 0xff);
      c.scale = static_cast<uint8_t>(c.meta >> 8);
      break;
    case kString:
    case kEnum:
    case kSet: {
      // Two bytes, first = real type, second = length. Lengths over 255 (CHAR(n) in a
      // multi-byte charset) borrow two bits of the real type byte: bits 4-5 are stored
      // inverted and become bits 8-9 of the length.
      auto byte0 = static_cast<uint8_t>(c.meta & 0xff);
      auto byte1 = static_cast<uint8_t>(c.meta >> 8);
      if ((byte0 & 0x30) != 0x30) {
        c.real_type = static_cast<uint8_t>(byte0 | 0x30);
        c.max_length = byte1 | (static_cast<uint32_t>((byte0 & 0x30) ^ 0x30) << 4);
      } else {
        c.real_type = byte0;
        c.max_length = byte1;
      }
      break;
    }
    default:
      break;
  }
}

// Reads a (DEFAULT_)CHARSET field into the collations of the columns `selected` picks.
template <typename Pred>
Status ReadCharsets(std::string_view value, bool is_default, TableMap& map, Pred selected) {
  std::vector<ColumnDef*> targets;
  for (auto& column : map.columns) {
    if (selected(column)) targets.push_back(&column);
  }
  ByteReader in(value);
  if (is_default) {
    // Default collation, then (index among the selected columns, collation) pairs for the
    // columns that differ.
    auto def = static_cast<uint32_t>(in.LengthEncoded());
    for (auto* column : targets) column->collation = def;
    while (!in.AtEnd()) {
      uint64_t index = in.LengthEncoded();
      auto collation = static_cast<uint32_t>(in.LengthEncoded());
      if (in.failed() || index >= targets.size()) return Malformed("charset column index");
      targets[index]->collation = collation;
    }
  } else {
    for (auto* column : targets) column->collation = static_cast<uint32_t>(in.LengthEncoded());
    if (!in.AtEnd()) return Malformed("more column charsets than character columns");
  }
  if (in.failed()) return Malformed("charset field");
  return Status::Ok();
}

Status ReadMembers(std::string_view value, TableMap& map, uint8_t real_type) {
  ByteReader in(value);
  for (auto& column : map.columns) {
    if (column.real_type != real_type) continue;
    uint64_t count = in.LengthEncoded();
    for (uint64_t i = 0; i < count && !in.failed(); ++i) {
      column.members.emplace_back(in.Bytes(in.LengthEncoded()));
    }
  }
  if (in.failed() || !in.AtEnd()) return Malformed("ENUM/SET string values");
  return Status::Ok();
}

Status ParseOptionalField(uint8_t field, std::string_view value, ServerFlavor flavor,
                          TableMap& map) {
  ByteReader in(value);
  switch (field) {
    case kSignedness: {
      // One bit per numeric column, most significant bit first; set = UNSIGNED.
      size_t index = 0;
      for (auto& column : map.columns) {
        if (!IsNumericColumn(column)) continue;
        if (index / 8 >= value.size()) return Malformed("signedness bitmap too short");
        auto byte = static_cast<uint8_t>(value[index / 8]);
        column.is_unsigned = (byte & (0x80 >> (index % 8))) != 0;
        ++index;
      }
      return Status::Ok();
    }
    case kDefaultCharset:
    case kColumnCharset:
      return ReadCharsets(value, field == kDefaultCharset, map,
                          [flavor](const ColumnDef& c) { return IsCharacterColumn(c, flavor); });
    case kEnumAndSetDefaultCharset:
    case kEnumAndSetColumnCharset:
      return ReadCharsets(value, field == kEnumAndSetDefaultCharset, map, IsEnumOrSetColumn);
    case kColumnName:
      for (auto& column : map.columns) column.name = std::string(in.Bytes(in.LengthEncoded()));
      if (in.failed()) return Malformed("column names");
      return Status::Ok();
    case kSetStrValue:
      return ReadMembers(value, map, column_type::kSet);
    case kEnumStrValue:
      return ReadMembers(value, map, column_type::kEnum);
    case kGeometryType:
      for (auto& column : map.columns) {
        if (column.type == column_type::kGeometry) {
          column.geometry_type = static_cast<uint32_t>(in.LengthEncoded());
        }
      }
      if (in.failed()) return Malformed("geometry types");
      return Status::Ok();
    case kSimplePrimaryKey:
    case kPrimaryKeyWithPrefix:
      while (!in.AtEnd()) {
        TableMap::KeyPart part;
        part.column = static_cast<uint32_t>(in.LengthEncoded());
        if (field == kPrimaryKeyWithPrefix) part.prefix = static_cast<uint32_t>(in.LengthEncoded());
        if (in.failed() || part.column >= map.columns.size()) return Malformed("primary key");
        map.primary_key.push_back(part);
      }
      return Status::Ok();
    default:
      return Status::Ok();  // unknown fields are skipped: the format is type-length-value
  }
}

}  // namespace

bool IsNumericColumn(const ColumnDef& column) {
  using namespace column_type;
  switch (column.type) {
    case kTiny:
    case kShort:
    case kInt24:
    case kLong:
    case kLongLong:
    case kFloat:
    case kDouble:
    case kNewDecimal:
    case kDecimal:
      return true;
    default:
      return false;
  }
}

bool IsCharacterColumn(const ColumnDef& column, ServerFlavor flavor) {
  using namespace column_type;
  switch (column.type) {
    case kGeometry:
      return flavor == ServerFlavor::kMariaDb;
    case kString:
      return column.real_type == kString;
    case kVarchar:
    case kVarString:
    case kTinyBlob:
    case kMediumBlob:
    case kLongBlob:
    case kBlob:
      return true;
    default:
      return false;
  }
}

bool IsEnumOrSetColumn(const ColumnDef& column) {
  return column.real_type == column_type::kEnum || column.real_type == column_type::kSet;
}

Result<TableMap> ParseTableMap(std::string_view body, ServerFlavor flavor,
                               uint8_t post_header_length) {
  ByteReader in(body);
  TableMap map;
  map.table_id = post_header_length == 6 ? in.U32() : in.Uint(6);
  map.flags = in.U16();
  map.schema = std::string(in.Bytes(in.U8()));
  in.Skip(1);
  map.table = std::string(in.Bytes(in.U8()));
  in.Skip(1);
  uint64_t count = in.LengthEncoded();
  if (in.failed() || count > in.remaining()) return Malformed("header");
  map.columns.resize(count);
  for (auto& column : map.columns) column.type = in.U8();

  uint64_t meta_length = in.LengthEncoded();
  ByteReader meta(in.Bytes(meta_length));
  for (auto& column : map.columns) {
    size_t size = MetaSize(column.type);
    // VARCHAR/BIT metadata is little-endian; STRING/ENUM/SET/NEWDECIMAL keep byte order
    // (first byte = real type / precision): reading both as little-endian keeps that order
    // in the low/high bytes, which DeriveFromMeta expects.
    column.meta = static_cast<uint16_t>(meta.Uint(size));
    DeriveFromMeta(column);
  }
  if (meta.failed() || !meta.AtEnd()) return Malformed("column metadata block");

  std::string_view nulls = in.Bytes((count + 7) / 8);
  if (in.failed()) return Malformed("NULL bitmap");
  for (size_t i = 0; i < count; ++i) {
    map.columns[i].nullable = (static_cast<uint8_t>(nulls[i / 8]) >> (i % 8) & 1) != 0;
  }

  while (!in.AtEnd()) {
    uint8_t field = in.U8();
    std::string_view value = in.Bytes(in.LengthEncoded());
    if (in.failed()) return Malformed("optional metadata framing");
    map.has_optional_metadata = true;
    SY_RETURN_IF_ERROR(ParseOptionalField(field, value, flavor, map));
  }
  return map;
}

}  // namespace switchyard::endpoints::mysql::binlog
