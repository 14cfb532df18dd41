#include "engine/endpoints/mysql/mysql_client.h"

#include <mutex>

#include "engine/endpoints/mysql/mysql_error.h"

namespace switchyard::endpoints::mysql {
namespace {

constexpr unsigned int kConnectTimeoutSeconds = 30;
// Client-side packet limit; the server's max_allowed_packet still applies.
constexpr size_t kMaxAllowedPacket = size_t{1} << 30;

void InitLibraryOnce() {
  // mysql_library_init is not thread-safe; mysql_init would call it lazily on first use.
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

// libmariadb 3.3 does not verify the server certificate unless
// MYSQL_OPT_SSL_VERIFY_SERVER_CERT is set, so the verify modes set it explicitly.
void ApplySslOptions(MYSQL* mysql, const ConnectionParams& params) {
  if (params.ssl_mode == SslMode::kNone) return;
  my_bool on = 1;
  mysql_optionsv(mysql, MYSQL_OPT_SSL_ENFORCE, &on);
  if (!params.ssl_root_cert.empty()) {
    mysql_optionsv(mysql, MYSQL_OPT_SSL_CA, params.ssl_root_cert.c_str());
  }
  if (params.ssl_mode == SslMode::kVerifyCa || params.ssl_mode == SslMode::kVerifyFull) {
    mysql_optionsv(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
  }
}

const char* NullIfEmpty(const std::string& text) { return text.empty() ? nullptr : text.c_str(); }

}  // namespace

MYSQL* InitClient(const ConnectionParams& params, const ClientOptions& options) {
  InitLibraryOnce();
  MYSQL* mysql = mysql_init(nullptr);
  if (mysql == nullptr) return nullptr;
  mysql_optionsv(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  mysql_optionsv(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &kConnectTimeoutSeconds);
  if (options.read_timeout_seconds > 0) {
    mysql_optionsv(mysql, MYSQL_OPT_READ_TIMEOUT, &options.read_timeout_seconds);
  }
  if (options.local_infile) {
    unsigned int on = 1;
    mysql_optionsv(mysql, MYSQL_OPT_LOCAL_INFILE, &on);
  }
  size_t max_packet = kMaxAllowedPacket;
  mysql_optionsv(mysql, MYSQL_OPT_MAX_ALLOWED_PACKET, &max_packet);
  mysql_optionsv(mysql, MYSQL_OPT_CONNECT_ATTR_ADD, "program_name",
                 params.application_name.c_str());
  ApplySslOptions(mysql, params);
  if (params.password.empty()) {
    // Let the option files ([client] group) supply the password, as the mariadb client does.
    mysql_optionsv(mysql, MYSQL_READ_DEFAULT_GROUP, "client");
  }
  return mysql;
}

Status ConnectClient(MYSQL* mysql, const ConnectionParams& params, const ClientOptions& options,
                     const std::string& context, const std::string& where) {
  const char* password = params.password.empty() ? nullptr : params.password.Reveal().c_str();
  if (mysql_real_connect(mysql, NullIfEmpty(params.host), NullIfEmpty(params.user), password,
                         NullIfEmpty(params.database), static_cast<unsigned int>(params.port),
                         nullptr, options.client_flags) == nullptr) {
    return MySqlErrorStatus(context, mysql_errno(mysql), mysql_error(mysql), where);
  }
  if (params.ssl_mode != SslMode::kNone && mysql_get_ssl_cipher(mysql) == nullptr) {
    return Status::DatabaseError(context +
                                 ": TLS is required (ssl mode) but the server did not start TLS; "
                                 "refusing a plaintext connection (" +
                                 where + ")");
  }
  return Status::Ok();
}

}  // namespace switchyard::endpoints::mysql
