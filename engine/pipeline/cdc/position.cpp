#include "engine/pipeline/cdc/position.h"

#include <charconv>

namespace switchyard::pipeline::cdc {
namespace {

bool ParseUnsigned(std::string_view s, int base, uint64_t* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, base);
  return ec == std::errc() && ptr == s.data() + s.size();
}

Status Bad(std::string_view text, const char* why) {
  return Status::InvalidArgument("source position '" + std::string(text) + "': " + why);
}

}  // namespace

Result<ParsedPosition> ParsePosition(std::string_view text) {
  ParsedPosition p;
  const size_t slash = text.find('/');
  if (slash != std::string_view::npos && text.find(':') == std::string_view::npos) {
    uint64_t hi = 0, lo = 0;
    if (!ParseUnsigned(text.substr(0, slash), 16, &hi) ||
        !ParseUnsigned(text.substr(slash + 1), 16, &lo) || hi > 0xFFFFFFFFu || lo > 0xFFFFFFFFu) {
      return Bad(text, "not a PostgreSQL LSN (X/Y in hexadecimal)");
    }
    p.kind = ParsedPosition::Kind::kPgLsn;
    p.lsn = (hi << 32) | lo;
    return p;
  }
  std::string_view pos = text;
  const size_t space = text.find(' ');
  if (space != std::string_view::npos) {
    pos = text.substr(0, space);
    p.gtid = std::string(text.substr(space + 1));
  }
  const size_t colon = pos.rfind(':');
  if (colon == std::string_view::npos) return Bad(text, "expected file:offset or an LSN");
  const std::string_view file = pos.substr(0, colon);
  const size_t dot = file.rfind('.');
  if (dot == std::string_view::npos || dot == 0 ||
      !ParseUnsigned(file.substr(dot + 1), 10, &p.file_number)) {
    return Bad(text, "binlog file name is not base.NNNNNN");
  }
  if (!ParseUnsigned(pos.substr(colon + 1), 10, &p.offset)) {
    return Bad(text, "binlog offset is not a number");
  }
  p.kind = ParsedPosition::Kind::kBinlog;
  p.binlog_base = std::string(file.substr(0, dot));
  return p;
}

Result<int> ComparePositions(std::string_view a, std::string_view b) {
  SY_ASSIGN_OR_RETURN(ParsedPosition pa, ParsePosition(a));
  SY_ASSIGN_OR_RETURN(ParsedPosition pb, ParsePosition(b));
  auto cmp = [](uint64_t x, uint64_t y) { return x < y ? -1 : (x > y ? 1 : 0); };
  if (pa.kind != pb.kind) {
    return Status::InvalidArgument("cannot compare source positions '" + std::string(a) +
                                   "' and '" + std::string(b) + "' (different kinds)");
  }
  if (pa.kind == ParsedPosition::Kind::kPgLsn) return cmp(pa.lsn, pb.lsn);
  if (pa.binlog_base != pb.binlog_base) {
    return Status::InvalidArgument("cannot compare binlog positions '" + std::string(a) +
                                   "' and '" + std::string(b) + "' (different binlog names)");
  }
  if (pa.file_number != pb.file_number) return cmp(pa.file_number, pb.file_number);
  return cmp(pa.offset, pb.offset);
}

}  // namespace switchyard::pipeline::cdc
