// The control socket: how `switchyard console --attach` (or any local tool) sends commands to an
// engine running in another `switchyard run` process.
//
// <state_dir>/control.sock is a Unix stream socket, mode 0600, inside the state directory that
// the state store creates owner-only (0700); the server also refuses peers whose uid is not its
// own (SO_PEERCRED). The protocol is one JSON object per line each way:
//   -> {"command":"reload","schema":"public","table":"orders"}
//   <- {"ok":true}
//   <- {"ok":false,"error":"unknown command \"relaod\" (stop, reload, ...)"}
// Commands are named as CommandKindName() names them; "exception_id" carries the apply
// exception for retry/resolve.
//
// Thread-safety: the server runs its own thread and calls the handler there, one command at a
// time; the client function may be called from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "engine/common/status.h"
#include "engine/control/command.h"

namespace switchyard::control {

// "<state_dir>/control.sock".
std::string ControlSocketPath(const std::string& state_dir);

// The wire form of a command (one line, no newline) and back. Errors name what is wrong.
std::string CommandToJson(const Command& command);
Result<Command> CommandFromJson(std::string_view line);

class ControlSocketServer {
 public:
  // Returns Ok when the command was accepted (queued), or an error sent back to the client.
  using Handler = std::function<Status(const Command&)>;

  // Binds <state_dir>/control.sock (a stale socket left by a crashed engine is replaced: the
  // caller holds the task's engine lock, so no live engine owns it) and starts serving.
  // IoError when the socket cannot be created (e.g. a path longer than sockaddr_un allows).
  static Result<std::unique_ptr<ControlSocketServer>> Start(const std::string& state_dir,
                                                            Handler handler);
  // Stops the thread and removes the socket file.
  ~ControlSocketServer();
  ControlSocketServer(const ControlSocketServer&) = delete;
  ControlSocketServer& operator=(const ControlSocketServer&) = delete;

  const std::string& path() const { return path_; }

 private:
  ControlSocketServer(std::string path, int fd, Handler handler);
  void Serve(std::stop_token stop);
  void ServeClient(int client);

  const std::string path_;
  const int listen_fd_;
  const Handler handler_;
  std::jthread thread_;
};

// Connects to the task's control socket, sends `command` and waits for the reply.
// ConnectionError when no engine listens; the engine's error message when it refused.
Status SendControlCommand(const std::string& state_dir, const Command& command,
                          std::chrono::milliseconds timeout = std::chrono::seconds(3));

}  // namespace switchyard::control
