// Creating the directories that hold task state and logs: they may contain row values from
// failed loads, so they are private to the user (mode 0700) when we create them.
#pragma once

#include <string>

#include "engine/common/status.h"

namespace switchyard::logging {

// Like `mkdir -p -m 0700 path`: every missing component is created with mode 0700; existing
// directories keep their mode. IoError names the path and errno text on failure.
Status CreatePrivateDirectories(const std::string& path);

}  // namespace switchyard::logging
