#include "engine/endpoints/postgres/copy_text_codec.h"

#include <cstdint>
#include <cstring>

namespace switchyard::endpoints::postgres {
namespace {

bool IsOctal(char c) { return c >= '0' && c <= '7'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Undoes the escapes of one field [p, end) into `out`. Returns false on a trailing backslash.
bool Unescape(const char* p, const char* end, std::string& out) {
  while (p < end) {
    const char* bs = static_cast<const char*>(std::memchr(p, '\\', static_cast<size_t>(end - p)));
    if (bs == nullptr) {
      out.append(p, static_cast<size_t>(end - p));
      return true;
    }
    out.append(p, static_cast<size_t>(bs - p));
    if (bs + 1 == end) return false;
    char e = bs[1];
    p = bs + 2;
    switch (e) {
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'v':
        out.push_back('\v');
        break;
      case 'x':
        if (p < end && HexValue(*p) >= 0) {
          int value = HexValue(*p++);
          if (p < end && HexValue(*p) >= 0) value = value * 16 + HexValue(*p++);
          out.push_back(static_cast<char>(value));
        } else {
          out.push_back('x');
        }
        break;
      default:
        if (IsOctal(e)) {
          int value = e - '0';
          for (int i = 0; i < 2 && p < end && IsOctal(*p); ++i) value = value * 8 + (*p++ - '0');
          out.push_back(static_cast<char>(value & 0xff));
        } else {
          out.push_back(e);  // "\\" and any other escaped byte stand for themselves
        }
    }
  }
  return true;
}

constexpr bool NeedsEscape(unsigned char b) {
  return b == '\\' || b == '\t' || b == '\n' || b == '\r' || b == '\0';
}

// The first byte in [p, end) that NeedsEscape(), or `end`. Eight bytes at a time: a word is
// skipped when it holds no backslash and no byte below 0x0E (tab, LF, CR and NUL all are).
const char* FindSpecial(const char* p, const char* end) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  while (true) {
    while (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, 8);
      uint64_t backslash = word ^ (kOnes * '\\');
      uint64_t has_backslash = (backslash - kOnes) & ~backslash & kHighs;
      uint64_t has_low = (word - kOnes * 0x0E) & ~word & kHighs;
      if ((has_backslash | has_low) != 0) break;
      p += 8;
    }
    const char* stop = end - p >= 8 ? p + 8 : end;
    for (; p < stop; ++p) {
      if (NeedsEscape(static_cast<unsigned char>(*p))) return p;
    }
    if (p == end) return end;
  }
}

}  // namespace

Status DecodeCopyTextLine(std::string_view line, RowBatch* batch) {
  const char* p = line.data();
  const char* end = p + line.size();
  const size_t columns = batch->columns();
  for (size_t c = 0; c < columns; ++c) {
    if (p > end) {
      return Status::Internal("COPY row has " + std::to_string(c) + " fields, expected " +
                              std::to_string(columns));
    }
    const char* tab = static_cast<const char*>(std::memchr(p, '\t', static_cast<size_t>(end - p)));
    const char* field_end = tab != nullptr ? tab : end;
    if (field_end - p == 2 && p[0] == '\\' && p[1] == 'N') {
      batch->AppendNull();
    } else {
      std::string& out = batch->BeginField();
      bool ok = Unescape(p, field_end, out);
      batch->FinishField();
      if (!ok) return Status::Internal("COPY field ends with a lone backslash");
    }
    p = field_end + 1;
  }
  if (p <= end) {
    return Status::Internal("COPY row has more than " + std::to_string(columns) + " fields");
  }
  return Status::Ok();
}

void CopyTextEncoder::Reserve(size_t capacity) {
  if (capacity <= capacity_) return;
  size_t grown = capacity_ * 2 > capacity ? capacity_ * 2 : capacity;
  std::unique_ptr<char[]> bigger(new char[grown]);
  if (size_ > 0) std::memcpy(bigger.get(), buffer_.get(), size_);
  buffer_ = std::move(bigger);
  capacity_ = grown;
}

Status CopyTextEncoder::Append(const RowBatch& batch,
                               const std::vector<std::string>& column_names) {
  const size_t rows = batch.rows();
  const size_t columns = batch.columns();
  // Worst case: every byte escaped, every field NULL ("\N") plus its separator.
  Reserve(size_ + 2 * batch.byte_size() + 3 * rows * columns + 1);
  const size_t start = size_;
  char* out = buffer_.get() + size_;
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < columns; ++c) {
      if (batch.IsNull(r, c)) {
        out[0] = '\\';
        out[1] = 'N';
        out += 2;
      } else {
        std::string_view field = batch.Field(r, c);
        const char* p = field.data();
        const char* end = p + field.size();
        while (true) {
          const char* special = FindSpecial(p, end);
          size_t span = static_cast<size_t>(special - p);
          std::memcpy(out, p, span);
          out += span;
          if (special == end) break;
          char escaped;
          switch (*special) {
            case '\\':
              escaped = '\\';
              break;
            case '\t':
              escaped = 't';
              break;
            case '\n':
              escaped = 'n';
              break;
            case '\r':
              escaped = 'r';
              break;
            default: {
              size_ = start;
              std::string name =
                  c < column_names.size() ? column_names[c] : "#" + std::to_string(c + 1);
              return Status::DataError("column \"" + name + "\", row " + std::to_string(r) +
                                       " of the batch: value contains a NUL byte (0x00), which "
                                       "PostgreSQL text cannot store");
            }
          }
          out[0] = '\\';
          out[1] = escaped;
          out += 2;
          p = special + 1;
        }
      }
      *out++ = c + 1 == columns ? '\n' : '\t';
    }
  }
  size_ = static_cast<size_t>(out - buffer_.get());
  return Status::Ok();
}

}  // namespace switchyard::endpoints::postgres
