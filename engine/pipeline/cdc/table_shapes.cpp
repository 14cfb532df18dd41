#include "engine/pipeline/cdc/table_shapes.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "engine/catalog/type_mapping.h"
#include "engine/pipeline/cdc/position.h"

namespace switchyard::pipeline::cdc {
namespace {

using nlohmann::json;

template <typename T>
void PutOptional(json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}

template <typename T>
std::optional<T> GetOptional(const json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return j.at(key).get<T>();
}

json TypeJson(const catalog::ColumnType& t) {
  json j = {{"name", t.name},
            {"full", t.full},
            {"unsigned", t.is_unsigned},
            {"enum_values", t.enum_values},
            {"charset", t.charset},
            {"array", t.is_array},
            {"element", t.element_name},
            {"json", t.is_json}};
  PutOptional(j, "length", t.length);
  PutOptional(j, "precision", t.precision);
  PutOptional(j, "scale", t.scale);
  return j;
}

catalog::ColumnType TypeFrom(const json& j) {
  catalog::ColumnType t;
  t.name = j.at("name").get<std::string>();
  t.full = j.at("full").get<std::string>();
  t.length = GetOptional<int64_t>(j, "length");
  t.precision = GetOptional<int>(j, "precision");
  t.scale = GetOptional<int>(j, "scale");
  t.is_unsigned = j.at("unsigned").get<bool>();
  t.enum_values = j.at("enum_values").get<std::vector<std::string>>();
  t.charset = j.at("charset").get<std::string>();
  t.is_array = j.at("array").get<bool>();
  t.element_name = j.at("element").get<std::string>();
  t.is_json = j.at("json").get<bool>();
  return t;
}

json SourceColumnJson(const catalog::Column& c) {
  json j = {{"name", c.name},           {"type", TypeJson(c.type)},
            {"nullable", c.nullable},   {"auto_increment", c.auto_increment},
            {"generated", c.generated}, {"comment", c.comment}};
  PutOptional(j, "default", c.default_expr);
  return j;
}

catalog::Column SourceColumnFrom(const json& j) {
  catalog::Column c;
  c.name = j.at("name").get<std::string>();
  c.type = TypeFrom(j.at("type"));
  c.nullable = j.at("nullable").get<bool>();
  c.default_expr = GetOptional<std::string>(j, "default");
  c.auto_increment = j.at("auto_increment").get<bool>();
  c.generated = j.at("generated").get<bool>();
  c.comment = j.at("comment").get<std::string>();
  return c;
}

json TargetColumnJson(const catalog::ColumnPlan& c) {
  json j = {{"source", c.source_name}, {"target", c.target_name},
            {"select", c.select_expr}, {"type", c.target_type},
            {"nullable", c.nullable},  {"identity", c.identity},
            {"load", c.load_expr},     {"transform", catalog::ValueTransformName(c.transform)},
            {"comment", c.comment},    {"notes", c.notes}};
  PutOptional(j, "default", c.default_expr);
  return j;
}

Result<catalog::ValueTransform> TransformNamed(const std::string& name) {
  for (int i = 0; i <= static_cast<int>(catalog::ValueTransform::kRejectTimeOutsideDay); ++i) {
    const auto t = static_cast<catalog::ValueTransform>(i);
    if (name == catalog::ValueTransformName(t)) return t;
  }
  return Status::InvalidArgument("unknown value transform \"" + name + "\"");
}

Result<catalog::ColumnPlan> TargetColumnFrom(const json& j) {
  catalog::ColumnPlan c;
  c.source_name = j.at("source").get<std::string>();
  c.target_name = j.at("target").get<std::string>();
  c.select_expr = j.at("select").get<std::string>();
  c.target_type = j.at("type").get<std::string>();
  c.nullable = j.at("nullable").get<bool>();
  c.identity = j.at("identity").get<bool>();
  c.default_expr = GetOptional<std::string>(j, "default");
  c.load_expr = j.at("load").get<std::string>();
  SY_ASSIGN_OR_RETURN(c.transform, TransformNamed(j.at("transform").get<std::string>()));
  c.comment = j.at("comment").get<std::string>();
  c.notes = j.at("notes").get<std::vector<std::string>>();
  return c;
}

// Row order: "" (the base, and changes before anything was applied) first, then by position;
// equal positions in the order recorded.
Result<bool> Before(const state::TableShapeRecord& a, const state::TableShapeRecord& b) {
  if (a.after_position.empty() != b.after_position.empty()) return a.after_position.empty();
  if (!a.after_position.empty()) {
    SY_ASSIGN_OR_RETURN(int cmp, ComparePositions(a.after_position, b.after_position));
    if (cmp != 0) return cmp < 0;
  }
  return a.id < b.id;
}

// The row in force after all of `rows`.
Result<std::optional<state::TableShapeRecord>> Latest(
    const std::vector<state::TableShapeRecord>& rows) {
  std::optional<state::TableShapeRecord> last;
  for (const auto& row : rows) {
    bool later = !last;
    if (last) {
      SY_ASSIGN_OR_RETURN(later, Before(*last, row));
    }
    if (later) last = row;
  }
  return last;
}

}  // namespace

std::string ShapeJson(const TablePlan& plan) {
  json source = json::array(), target = json::array();
  for (const auto& c : plan.source.columns) source.push_back(SourceColumnJson(c));
  for (const auto& c : plan.target.columns) target.push_back(TargetColumnJson(c));
  return json{{"source", source}, {"target", target}, {"target_key", plan.target.primary_key}}
      .dump();
}

Status ApplyShapeJson(const std::string& text, TablePlan* plan) {
  try {
    const json j = json::parse(text);
    std::vector<catalog::Column> source;
    std::vector<catalog::ColumnPlan> target;
    for (const auto& c : j.at("source")) source.push_back(SourceColumnFrom(c));
    for (const auto& c : j.at("target")) {
      SY_ASSIGN_OR_RETURN(auto column, TargetColumnFrom(c));
      target.push_back(std::move(column));
    }
    plan->source.columns = std::move(source);
    plan->target.columns = std::move(target);
    if (j.contains("target_key"))
      plan->target.primary_key = j.at("target_key").get<std::vector<std::string>>();
    return Status::Ok();
  } catch (const json::exception& e) {
    return Status::InvalidArgument("the recorded columns of " + plan->SourceName() +
                                   " in the state store cannot be read: " + e.what());
  }
}

Status RestoreShapeAt(state::StateStore& store, const std::string& resume_after, TablePlan* plan,
                      bool* changed) {
  *changed = false;
  const std::string& schema = plan->source.schema;
  const std::string& name = plan->source.name;
  SY_ASSIGN_OR_RETURN(auto rows, store.ListTableShapes(schema, name));
  std::vector<state::TableShapeRecord> kept;
  for (auto& row : rows) {
    if (!row.after_position.empty() && !resume_after.empty()) {
      SY_ASSIGN_OR_RETURN(int cmp, ComparePositions(row.after_position, resume_after));
      if (cmp >= 0) {
        // A change the stream meets again after the checkpoint: recorded again then.
        SY_RETURN_IF_ERROR(store.DeleteTableShape(row.id));
        continue;
      }
    }
    kept.push_back(std::move(row));
  }
  SY_ASSIGN_OR_RETURN(auto last, Latest(kept));
  const std::string now = ShapeJson(*plan);
  if (!last) return store.AddTableShape(schema, name, "", now);
  if (last->shape_json == now) return Status::Ok();
  SY_RETURN_IF_ERROR(ApplyShapeJson(last->shape_json, plan));
  *changed = true;
  return Status::Ok();
}

Result<std::optional<TablePlan>> PlanFromLastShape(state::StateStore& store,
                                                   const state::TableRecord& table,
                                                   catalog::Engine target_engine) {
  SY_ASSIGN_OR_RETURN(auto rows, store.ListTableShapes(table.schema_name, table.table_name));
  SY_ASSIGN_OR_RETURN(auto last, Latest(rows));
  if (!last || table.target_table.empty()) return std::optional<TablePlan>();
  TablePlan plan;
  plan.source.schema = table.schema_name;
  plan.source.name = table.table_name;
  plan.target.engine = target_engine;
  plan.target.schema = table.target_schema;
  plan.target.name = table.target_table;
  plan.segments.emplace_back();  // never loaded from this plan: a reload plans anew
  SY_RETURN_IF_ERROR(ApplyShapeJson(last->shape_json, &plan));
  return std::optional<TablePlan>(std::move(plan));
}

Status RecordShape(state::StateStore& store, const std::string& after_position,
                   const TablePlan& plan) {
  return store.AddTableShape(plan.source.schema, plan.source.name, after_position, ShapeJson(plan));
}

}  // namespace switchyard::pipeline::cdc
