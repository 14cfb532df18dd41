#include "engine/pipeline/cdc/source_table_end.h"

#include "engine/catalog/identifier.h"
#include "engine/logging/log.h"

namespace switchyard::pipeline::cdc {

Result<std::string> EndTableCapture(const config::TaskConfig& task, TablePlan& plan,
                                    const SourceTableEnd& end, endpoints::SqlSession& target) {
  const auto& t = plan.target;
  std::string message;
  if (end.kind == SourceTableEnd::Kind::kRenamed) {
    message = "renamed on the source to " + end.renamed_to + " at " + end.position +
              "; its changes are no longer captured and " + plan.TargetName() +
              " is left as it is: change the task's table mappings and reload the table";
  } else if (end.kind == SourceTableEnd::Kind::kGone) {
    message = "no longer on the source under this name at " + end.position +
              " (dropped or renamed); its changes are no longer captured and " + plan.TargetName() +
              " is left as it is: reload the table or change the mappings";
  } else if (task.settings.ddl_handling.handle_source_table_dropped) {
    SY_RETURN_IF_ERROR(target.Execute("DROP TABLE IF EXISTS " +
                                      catalog::QuoteQualified(t.engine, t.schema, t.name)));
    message = "dropped on the source at " + end.position + "; " + plan.TargetName() +
              " dropped on the target (HandleSourceTableDropped)";
  } else {
    message = "dropped on the source at " + end.position + "; " + plan.TargetName() +
              " left as it is (HandleSourceTableDropped false)";
  }
  plan.capture_ended = true;
  return message;
}

}  // namespace switchyard::pipeline::cdc
