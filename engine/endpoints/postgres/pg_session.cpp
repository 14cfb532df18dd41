#include "engine/endpoints/postgres/pg_session.h"

namespace switchyard::endpoints::postgres {

const char* SslModeKeyword(SslMode mode) {
  switch (mode) {
    case SslMode::kNone:
      return "disable";
    case SslMode::kRequire:
      return "require";
    case SslMode::kVerifyCa:
      return "verify-ca";
    case SslMode::kVerifyFull:
      return "verify-full";
  }
  return "disable";
}

void IgnoreNotice(void*, const char*) {}

std::string Redact(std::string text, const std::string& secret) {
  if (secret.size() < 4) return text;
  for (size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos)) {
    text.replace(pos, secret.size(), "********");
  }
  return text;
}

}  // namespace switchyard::endpoints::postgres
