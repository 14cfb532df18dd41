#include "engine/control/command.h"

namespace switchyard::control {
namespace {

struct KindName {
  Command::Kind kind;
  const char* name;
};
constexpr KindName kKindNames[] = {
    {Command::Kind::kStopTask, "stop"},
    {Command::Kind::kReloadTable, "reload"},
    {Command::Kind::kSuspendTable, "suspend"},
    {Command::Kind::kResumeTable, "resume"},
    {Command::Kind::kRetryApplyException, "retry"},
    {Command::Kind::kResolveApplyException, "resolve"},
};

}  // namespace

const char* CommandKindName(Command::Kind kind) {
  for (const auto& k : kKindNames) {
    if (k.kind == kind) return k.name;
  }
  return "?";
}

Result<Command::Kind> ParseCommandKind(const std::string& text) {
  for (const auto& k : kKindNames) {
    if (text == k.name) return k.kind;
  }
  return Status::InvalidArgument("unknown command \"" + text +
                                 "\" (stop, reload, suspend, resume, retry, resolve)");
}

}  // namespace switchyard::control
