#include "engine/pipeline/cdc/pg_snapshot_xids.h"

#include <charconv>
#include <string>
#include <vector>

namespace switchyard::pipeline::cdc {
namespace {

Status Malformed(std::string_view snapshot) {
  return Status::InvalidArgument("not a PostgreSQL snapshot (xmin:xmax:xip,...): \"" +
                                 std::string(snapshot) + "\"");
}

bool ParseXid(std::string_view text, uint64_t* out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

// The 64-bit xid whose low 32 bits are `xid`, in the epoch that puts it nearest `near`.
uint64_t Widen(uint32_t xid, uint64_t near) {
  const int64_t delta = static_cast<int32_t>(xid - static_cast<uint32_t>(near));
  const int64_t wide = static_cast<int64_t>(near) + delta;
  return wide < 0 ? xid : static_cast<uint64_t>(wide);  // there is no epoch before the first
}

}  // namespace

Result<bool> PgSnapshotSees(std::string_view snapshot, uint32_t xid) {
  const size_t first = snapshot.find(':');
  const size_t second = first == std::string_view::npos ? first : snapshot.find(':', first + 1);
  if (second == std::string_view::npos) return Malformed(snapshot);
  uint64_t xmin = 0;
  uint64_t xmax = 0;
  if (!ParseXid(snapshot.substr(0, first), &xmin) ||
      !ParseXid(snapshot.substr(first + 1, second - first - 1), &xmax) || xmin > xmax) {
    return Malformed(snapshot);
  }
  std::vector<uint64_t> in_progress;
  for (std::string_view rest = snapshot.substr(second + 1); !rest.empty();) {
    const size_t comma = rest.find(',');
    uint64_t x = 0;
    if (!ParseXid(rest.substr(0, comma), &x)) return Malformed(snapshot);
    in_progress.push_back(x);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  const uint64_t wide = Widen(xid, xmin);
  if (wide < xmin) return true;
  if (wide >= xmax) return false;
  for (uint64_t x : in_progress) {
    if (x == wide) return false;
  }
  return true;
}

}  // namespace switchyard::pipeline::cdc
