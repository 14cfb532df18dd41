#include "engine/endpoints/mysql/binlog/row_decoder.h"

#include "engine/endpoints/mysql/binlog/binlog_event.h"
#include "engine/endpoints/mysql/binlog/byte_reader.h"
#include "engine/endpoints/mysql/binlog/value_decoder.h"

namespace switchyard::endpoints::mysql::binlog {
namespace {

bool BitSet(std::string_view bitmap, size_t index) {
  return (static_cast<uint8_t>(bitmap[index / 8]) >> (index % 8) & 1) != 0;
}

Status Malformed(const TableMap& table, const std::string& what) {
  return Status::DataError("binlog rows event for `" + table.schema + "`.`" + table.table +
                           "` is malformed: " + what);
}

Status ReadImage(ByteReader& in, const TableMap& table, std::string_view present_bitmap,
                 CharsetConverter& charsets, RowImage& image) {
  size_t columns = table.columns.size();
  image.values.assign(columns, std::nullopt);
  image.present.assign(columns, false);
  size_t present_count = 0;
  for (size_t i = 0; i < columns; ++i) {
    if (BitSet(present_bitmap, i)) {
      image.present[i] = true;
      ++present_count;
    }
  }
  // The NULL bitmap has one bit per present column, in column order.
  std::string_view nulls = in.Bytes((present_count + 7) / 8);
  if (in.failed()) return Malformed(table, "NULL bitmap past the end of the event");
  size_t present_index = 0;
  std::string text;
  for (size_t i = 0; i < columns; ++i) {
    if (!image.present[i]) continue;
    bool is_null = BitSet(nulls, present_index++);
    if (is_null) continue;
    Status status = DecodeValue(table.columns[i], in, charsets, text);
    if (!status.ok()) {
      return status.WithContext("decoding `" + table.schema + "`.`" + table.table + "` column " +
                                std::to_string(i + 1));
    }
    image.values[i] = std::move(text);
    text = std::string();
  }
  return Status::Ok();
}

}  // namespace

Result<uint64_t> PeekRowsTableId(std::string_view body, uint8_t post_header_length) {
  ByteReader in(body);
  uint64_t id = post_header_length == 6 ? in.U32() : in.Uint(6);
  if (in.failed()) return Status::DataError("binlog rows event is truncated");
  return id;
}

Result<RowsEvent> DecodeRowsEvent(uint8_t type, std::string_view body, uint8_t post_header_length,
                                  std::shared_ptr<const TableMap> table,
                                  CharsetConverter& charsets) {
  if (!IsRowsEvent(type)) {
    return Status::Internal("DecodeRowsEvent called for event type " + std::to_string(type));
  }
  if (table == nullptr) return Status::Internal("DecodeRowsEvent called without a table map");
  RowsEvent event;
  event.v2 = type >= event_type::kWriteRowsV2;
  uint8_t base = event.v2 ? event_type::kWriteRowsV2 : event_type::kWriteRowsV1;
  event.kind = static_cast<RowsKind>(type - base);
  event.table = table;

  ByteReader in(body);
  event.table_id = post_header_length == 6 ? in.U32() : in.Uint(6);
  event.flags = in.U16();
  if (event.v2) {
    // v2 post-header is 10 bytes: the extra-data length is its last field.
    uint16_t extra_length = in.U16();
    if (extra_length < 2) return Malformed(*table, "extra data length");
    in.Skip(extra_length - 2u);
  }
  uint64_t width = in.LengthEncoded();
  if (in.failed()) return Malformed(*table, "header");
  if (event.table_id != table->table_id) {
    return Status::Internal("rows event for table id " + std::to_string(event.table_id) +
                            " decoded with the map of table id " + std::to_string(table->table_id));
  }
  if (width != table->columns.size()) {
    return Malformed(*table, "it has " + std::to_string(width) + " columns, the TABLE_MAP " +
                                 std::to_string(table->columns.size()));
  }
  std::string_view before_bitmap = in.Bytes((width + 7) / 8);
  std::string_view after_bitmap = before_bitmap;
  if (event.kind == RowsKind::kUpdate) after_bitmap = in.Bytes((width + 7) / 8);
  if (in.failed()) return Malformed(*table, "column bitmaps");

  while (!in.AtEnd()) {
    RowChange change;
    RowImage first;
    SY_RETURN_IF_ERROR(ReadImage(in, *table, before_bitmap, charsets, first));
    switch (event.kind) {
      case RowsKind::kWrite:
        change.after = std::move(first);
        break;
      case RowsKind::kDelete:
        change.before = std::move(first);
        break;
      case RowsKind::kUpdate: {
        RowImage second;
        SY_RETURN_IF_ERROR(ReadImage(in, *table, after_bitmap, charsets, second));
        change.before = std::move(first);
        change.after = std::move(second);
        break;
      }
    }
    event.rows.push_back(std::move(change));
  }
  return event;
}

}  // namespace switchyard::endpoints::mysql::binlog
