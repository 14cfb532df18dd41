#include "engine/endpoints/mysql/binlog/fixed_binary_text.h"

#include <array>
#include <cctype>
#include <cstdint>

namespace switchyard::endpoints::mysql::binlog {
namespace {

constexpr char kHex[] = "0123456789abcdef";

bool EqualsLower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != lower[i]) return false;
  }
  return true;
}

void AppendDottedQuad(const uint8_t* b, std::string& out) {
  for (int i = 0; i < 4; ++i) {
    if (i > 0) out += '.';
    out += std::to_string(b[i]);
  }
}

std::string UuidText(const uint8_t* b) {
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 0xf];
  }
  return out;
}

void AppendHexWord(uint16_t word, std::string& out) {
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    const int digit = (word >> shift) & 0xf;
    if (digit != 0 || started || shift == 0) {
      out += kHex[digit];
      started = true;
    }
  }
}

std::string Inet6Text(const uint8_t* b) {
  std::array<uint16_t, 8> words{};
  for (size_t i = 0; i < words.size(); ++i) {
    words[i] = static_cast<uint16_t>((b[2 * i] << 8) | b[2 * i + 1]);
  }
  // The longest run of zero words; a later run must be strictly longer to win.
  int gap_pos = -1, gap_len = 0;
  for (int i = 0; i < 8;) {
    if (words[static_cast<size_t>(i)] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && words[static_cast<size_t>(j)] == 0) ++j;
    if (j - i > gap_len) {
      gap_pos = i;
      gap_len = j - i;
    }
    i = j;
  }
  const bool ipv4_tail = gap_pos == 0 && (gap_len == 6 || (gap_len == 5 && words[5] == 0xffff));
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == gap_pos) {
      out += i == 0 ? "::" : ":";
      i += gap_len - 1;
    } else if (i == 6 && ipv4_tail) {
      AppendDottedQuad(b + 12, out);
      break;
    } else {
      AppendHexWord(words[static_cast<size_t>(i)], out);
      if (i != 7) out += ':';
    }
  }
  return out;
}

}  // namespace

std::optional<FixedBinaryType> FixedBinaryTypeOf(std::string_view data_type) {
  if (EqualsLower(data_type, "uuid")) return FixedBinaryType::kUuid;
  if (EqualsLower(data_type, "inet4")) return FixedBinaryType::kInet4;
  if (EqualsLower(data_type, "inet6")) return FixedBinaryType::kInet6;
  return std::nullopt;
}

size_t FixedBinaryLength(FixedBinaryType type) { return type == FixedBinaryType::kInet4 ? 4 : 16; }

Result<std::string> FixedBinaryToText(FixedBinaryType type, std::string_view bytes) {
  const size_t length = FixedBinaryLength(type);
  if (bytes.size() > length) {
    return Status::DataError(std::string(type == FixedBinaryType::kUuid    ? "UUID"
                                         : type == FixedBinaryType::kInet4 ? "INET4"
                                                                           : "INET6") +
                             " value of " + std::to_string(bytes.size()) +
                             " bytes; the type holds " + std::to_string(length));
  }
  std::array<uint8_t, 16> b{};  // zero padding restores the dropped trailing 0x00 bytes
  for (size_t i = 0; i < bytes.size(); ++i) b[i] = static_cast<uint8_t>(bytes[i]);
  switch (type) {
    case FixedBinaryType::kUuid:
      return UuidText(b.data());
    case FixedBinaryType::kInet4: {
      std::string out;
      AppendDottedQuad(b.data(), out);
      return out;
    }
    case FixedBinaryType::kInet6:
      return Inet6Text(b.data());
  }
  return Status::Internal("unknown fixed-binary type");
}

}  // namespace switchyard::endpoints::mysql::binlog
