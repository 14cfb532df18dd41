// The connect sequence every libmariadb connection of ours shares (ordinary sessions and the
// binlog dump connection): library init, client options, TLS, password source, connect, and
// the check that a TLS mode really got TLS.
#pragma once

#include <mysql.h>

#include <string>

#include "engine/common/status.h"
#include "engine/endpoints/endpoint.h"

namespace switchyard::endpoints::mysql {

struct ClientOptions {
  unsigned int read_timeout_seconds = 0;  // 0: none (the binlog stream sets one)
  bool local_infile = false;              // only sessions that run LOAD DATA LOCAL
  unsigned long client_flags = 0;
};

// mysql_init with our options applied; nullptr only when out of memory.
MYSQL* InitClient(const ConnectionParams& params, const ClientOptions& options);

// mysql_real_connect with the password from `params` (or the [client] option files when it
// is empty), then refuses a plaintext connection when a TLS mode was asked for: libmariadb
// 3.3 honours MYSQL_OPT_SSL_ENFORCE only together with certificate verification. Errors carry
// `context` and `where`, never the password.
Status ConnectClient(MYSQL* mysql, const ConnectionParams& params, const ClientOptions& options,
                     const std::string& context, const std::string& where);

}  // namespace switchyard::endpoints::mysql
