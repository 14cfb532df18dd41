// The control socket: commands round-trip as JSON lines, the engine side's answer reaches the
// client, the socket is owner-only, and bad input is refused with a message.
#include "engine/control/control_socket.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <vector>

namespace switchyard::control {
namespace {

std::string TempDir() {
  char pattern[] = "/tmp/sy-ctl-XXXXXX";
  return mkdtemp(pattern);
}

TEST(ControlSocket, CommandJsonRoundTrips) {
  Command command;
  command.kind = Command::Kind::kReloadTable;
  command.schema = "public";
  command.table = "orders";
  EXPECT_EQ(CommandToJson(command), R"({"command":"reload","schema":"public","table":"orders"})");
  auto back = CommandFromJson(CommandToJson(command));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->kind, Command::Kind::kReloadTable);
  EXPECT_EQ(back->table, "orders");
  EXPECT_EQ(CommandFromJson(R"({"command":"reload"})").status().message(),
            "reload: \"schema\" and \"table\" are required");
  EXPECT_EQ(CommandFromJson(R"({"command":"retry"})").status().message(),
            "retry: \"exception_id\" is required");
  EXPECT_EQ(CommandFromJson("not json").status().message(), "expected one JSON object per line");
}

TEST(ControlSocket, ServerHandsCommandsToTheHandlerAndRepliesOk) {
  const std::string dir = TempDir();
  std::mutex mu;
  std::vector<Command> received;
  auto server = ControlSocketServer::Start(dir, [&](const Command& command) {
    std::lock_guard lock(mu);
    received.push_back(command);
    return command.kind == Command::Kind::kSuspendTable
               ? Status::InvalidArgument("suspend is not supported yet")
               : Status::Ok();
  });
  ASSERT_TRUE(server.ok()) << server.status().message();
  struct stat st {};
  ASSERT_EQ(stat(ControlSocketPath(dir).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  Command stop;
  stop.kind = Command::Kind::kStopTask;
  EXPECT_TRUE(SendControlCommand(dir, stop).ok());
  Command suspend;
  suspend.kind = Command::Kind::kSuspendTable;
  suspend.schema = "s";
  suspend.table = "t";
  const Status refused = SendControlCommand(dir, suspend);
  EXPECT_EQ(refused.message(), "suspend is not supported yet");
  {
    std::lock_guard lock(mu);
    ASSERT_EQ(received.size(), 2u);
    EXPECT_EQ(received[0].kind, Command::Kind::kStopTask);
    EXPECT_EQ(received[1].table, "t");
  }
  server->reset();
  EXPECT_FALSE(std::filesystem::exists(ControlSocketPath(dir)));
  const Status none = SendControlCommand(dir, stop);
  EXPECT_EQ(none.code(), StatusCode::kConnectionError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace switchyard::control
