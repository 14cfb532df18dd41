#include "engine/control/control_socket.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "engine/common/unique_fd.h"

namespace switchyard::control {
namespace {

constexpr size_t kMaxLine = 64 * 1024;

using Fd = UniqueFd;

Result<sockaddr_un> SocketAddress(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path)) {
    return Status::IoError("control socket path too long for a Unix socket (" +
                           std::to_string(path.size()) + " bytes, at most " +
                           std::to_string(sizeof(address.sun_path) - 1) + "): " + path);
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return address;
}

// Reads until '\n' (excluded) or EOF, waiting at most `timeout` for each chunk.
Result<std::string> ReadLine(int fd, std::chrono::milliseconds timeout) {
  std::string line;
  char buffer[4096];
  while (line.size() < kMaxLine) {
    pollfd pfd{fd, POLLIN, 0};
    const int ready = poll(&pfd, 1, static_cast<int>(timeout.count()));
    if (ready == 0) return Status::ConnectionError("control socket: no reply in time");
    if (ready < 0) {
      if (errno == EINTR) continue;
      return Status::ConnectionError(std::string("control socket: ") + std::strerror(errno));
    }
    const ssize_t got = read(fd, buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      return Status::ConnectionError(std::string("control socket: ") + std::strerror(errno));
    }
    if (got == 0) break;
    line.append(buffer, static_cast<size_t>(got));
    const size_t newline = line.find('\n');
    if (newline != std::string::npos) {
      line.resize(newline);
      return line;
    }
  }
  return line;
}

bool WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t wrote = send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (wrote < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(wrote);
  }
  return true;
}

std::string Reply(const Status& status) {
  nlohmann::json reply;
  reply["ok"] = status.ok();
  if (!status.ok()) reply["error"] = status.message();
  return reply.dump() + "\n";
}

}  // namespace

std::string ControlSocketPath(const std::string& state_dir) { return state_dir + "/control.sock"; }

std::string CommandToJson(const Command& command) {
  nlohmann::json json;
  json["command"] = CommandKindName(command.kind);
  if (!command.schema.empty()) json["schema"] = command.schema;
  if (!command.table.empty()) json["table"] = command.table;
  if (command.exception_id != 0) json["exception_id"] = command.exception_id;
  return json.dump();
}

Result<Command> CommandFromJson(std::string_view line) {
  const nlohmann::json json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return Status::InvalidArgument("expected one JSON object per line");
  auto it = json.find("command");
  if (it == json.end() || !it->is_string()) {
    return Status::InvalidArgument("\"command\": expected a string");
  }
  Command command;
  SY_ASSIGN_OR_RETURN(command.kind, ParseCommandKind(it->get<std::string>()));
  for (const char* key : {"schema", "table"}) {
    auto field = json.find(key);
    if (field == json.end()) continue;
    if (!field->is_string()) {
      return Status::InvalidArgument(std::string("\"") + key + "\": expected a string");
    }
    (std::string_view(key) == "schema" ? command.schema : command.table) =
        field->get<std::string>();
  }
  if (auto id = json.find("exception_id"); id != json.end()) {
    if (!id->is_number_integer()) {
      return Status::InvalidArgument("\"exception_id\": expected an integer");
    }
    command.exception_id = id->get<int64_t>();
  }
  const bool needs_table = command.kind == Command::Kind::kReloadTable ||
                           command.kind == Command::Kind::kSuspendTable ||
                           command.kind == Command::Kind::kResumeTable;
  if (needs_table && (command.schema.empty() || command.table.empty())) {
    return Status::InvalidArgument(std::string(CommandKindName(command.kind)) +
                                   ": \"schema\" and \"table\" are required");
  }
  const bool needs_id = command.kind == Command::Kind::kRetryApplyException ||
                        command.kind == Command::Kind::kResolveApplyException;
  if (needs_id && command.exception_id <= 0) {
    return Status::InvalidArgument(std::string(CommandKindName(command.kind)) +
                                   ": \"exception_id\" is required");
  }
  return command;
}

Result<std::unique_ptr<ControlSocketServer>> ControlSocketServer::Start(
    const std::string& state_dir, Handler handler) {
  const std::string path = ControlSocketPath(state_dir);
  SY_ASSIGN_OR_RETURN(sockaddr_un address, SocketAddress(path));
  Fd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) {
    return Status::IoError(std::string("control socket: ") + std::strerror(errno));
  }
  unlink(path.c_str());  // stale, from an engine that crashed (we hold the engine lock)
  // The umask makes the socket owner-only from the moment it exists; chmod confirms it.
  const mode_t old_mask = umask(077);
  const int bound = bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address);
  const int bind_errno = errno;
  umask(old_mask);
  if (bound != 0) {
    return Status::IoError("control socket " + path + ": " + std::strerror(bind_errno));
  }
  chmod(path.c_str(), 0600);
  if (listen(fd.get(), 8) != 0) {
    const int listen_errno = errno;
    unlink(path.c_str());
    return Status::IoError("control socket " + path + ": " + std::strerror(listen_errno));
  }
  return std::unique_ptr<ControlSocketServer>(
      new ControlSocketServer(path, fd.release(), std::move(handler)));
}

ControlSocketServer::ControlSocketServer(std::string path, int fd, Handler handler)
    : path_(std::move(path)), listen_fd_(fd), handler_(std::move(handler)) {
  thread_ = std::jthread([this](std::stop_token stop) { Serve(stop); });
}

ControlSocketServer::~ControlSocketServer() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
  close(listen_fd_);
  unlink(path_.c_str());
}

void ControlSocketServer::Serve(std::stop_token stop) {
  while (!stop.stop_requested()) {
    // A short poll timeout: the only cost of waking is a syscall, and Stop stays prompt.
    pollfd pfd{listen_fd_, POLLIN, 0};
    if (poll(&pfd, 1, 200) <= 0) continue;
    Fd client(accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC));
    if (client.get() < 0) continue;
    ServeClient(client.get());
  }
}

void ControlSocketServer::ServeClient(int client) {
  ucred peer{};
  socklen_t length = sizeof peer;
  if (getsockopt(client, SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0 || peer.uid != getuid()) {
    WriteAll(client, Reply(Status::InvalidArgument("control socket: not the engine's user")));
    return;
  }
  auto line = ReadLine(client, std::chrono::seconds(2));
  if (!line.ok()) return;
  auto command = CommandFromJson(*line);
  const Status result = command.ok() ? handler_(*command) : command.status();
  WriteAll(client, Reply(result));
}

Status SendControlCommand(const std::string& state_dir, const Command& command,
                          std::chrono::milliseconds timeout) {
  const std::string path = ControlSocketPath(state_dir);
  SY_ASSIGN_OR_RETURN(sockaddr_un address, SocketAddress(path));
  Fd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) {
    return Status::ConnectionError(std::string("control socket: ") + std::strerror(errno));
  }
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return Status::ConnectionError("no engine is listening on " + path + " (" +
                                   std::strerror(errno) + ")");
  }
  if (!WriteAll(fd.get(), CommandToJson(command) + "\n")) {
    return Status::ConnectionError("control socket: the engine closed the connection");
  }
  SY_ASSIGN_OR_RETURN(std::string line, ReadLine(fd.get(), timeout));
  const nlohmann::json reply = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!reply.is_object() || !reply.contains("ok")) {
    return Status::ConnectionError("control socket: unexpected reply \"" + line + "\"");
  }
  if (reply["ok"] == true) return Status::Ok();
  const auto error = reply.find("error");
  return Status::InvalidArgument(error != reply.end() && error->is_string()
                                     ? error->get<std::string>()
                                     : std::string("the engine refused the command"));
}

}  // namespace switchyard::control
