// TableMappings::Parse and the include/exclude evaluation. Apply lives in transformations.cpp.
#include "engine/config/table_mappings.h"

#include <algorithm>
#include <map>

#include "engine/config/json_reader.h"

namespace switchyard::config {
namespace {

enum class RuleType { kSelection, kTransformation, kTableSettings, kValidation };
const EnumNames<RuleType> kRuleTypes = {
    {"selection", RuleType::kSelection},
    {"transformation", RuleType::kTransformation},
    {"table-settings", RuleType::kTableSettings},
    {"validation", RuleType::kValidation},
};

const EnumNames<SelectionRule::Action> kSelectionActions = {
    {"include", SelectionRule::Action::kInclude},
    {"exclude", SelectionRule::Action::kExclude},
    {"explicit", SelectionRule::Action::kExplicit},
};
const EnumNames<SelectionRule::TableType> kTableTypes = {
    {"table", SelectionRule::TableType::kTable},
    {"view", SelectionRule::TableType::kView},
    {"all", SelectionRule::TableType::kAll},
};

using Op = FilterCondition::Operator;
const EnumNames<Op> kOperators = {
    {"lte", Op::kLte},
    {"ste", Op::kLte},
    {"gte", Op::kGte},
    {"eq", Op::kEq},
    {"noteq", Op::kNotEq},
    {"between", Op::kBetween},
    {"notbetween", Op::kNotBetween},
    {"null", Op::kNull},
    {"notnull", Op::kNotNull},
};

// nullopt: a DMS action we recognise but do not implement (the rule is skipped with a warning).
const EnumNames<std::optional<TransformAction>> kTransformActions = {
    {"rename", TransformAction::kRename},
    {"remove-column", TransformAction::kRemoveColumn},
    {"convert-lowercase", TransformAction::kConvertLowercase},
    {"convert-uppercase", TransformAction::kConvertUppercase},
    {"add-prefix", TransformAction::kAddPrefix},
    {"remove-prefix", TransformAction::kRemovePrefix},
    {"replace-prefix", TransformAction::kReplacePrefix},
    {"add-suffix", TransformAction::kAddSuffix},
    {"remove-suffix", TransformAction::kRemoveSuffix},
    {"replace-suffix", TransformAction::kReplaceSuffix},
    {"define-primary-key", TransformAction::kDefinePrimaryKey},
    {"change-data-type", TransformAction::kChangeDataType},
    {"add-column", TransformAction::kAddColumn},
    {"include-column", TransformAction::kIncludeColumn},
    {"add-before-image-columns", std::nullopt},
    {"data-masking-digits-mask", std::nullopt},
    {"data-masking-digits-randomize", std::nullopt},
    {"data-masking-hash-mask", std::nullopt},
};

// nullopt: Oracle tablespace targets, recognised but not implemented.
const EnumNames<std::optional<RuleTarget>> kRuleTargets = {
    {"schema", RuleTarget::kSchema},    {"table", RuleTarget::kTable},
    {"column", RuleTarget::kColumn},    {"table-tablespace", std::nullopt},
    {"index-tablespace", std::nullopt},
};

const EnumNames<ParallelLoad::Type> kParallelLoadTypes = {
    {"ranges", ParallelLoad::Type::kRanges},
    {"partitions-auto", ParallelLoad::Type::kPartitionsAuto},
    {"partitions-list", ParallelLoad::Type::kPartitionsList},
    {"none", ParallelLoad::Type::kNone},
};

std::string_view TargetName(RuleTarget t) {
  switch (t) {
    case RuleTarget::kSchema:
      return "schema";
    case RuleTarget::kTable:
      return "table";
    case RuleTarget::kColumn:
      return "column";
  }
  return "?";
}

// A rule-id or rule-name may be a string or a number.
Result<std::string> StringOrNumber(const nlohmann::json& v, const std::string& path,
                                   std::string_view expected) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return v.dump();
  return NotA(path, v, expected);
}

// A filter value or range boundary: string or number, as text.
Result<std::string> ValueText(const nlohmann::json* v, const std::string& path) {
  if (v == nullptr) return Missing(path, "a string or number");
  return StringOrNumber(*v, path, "a string or number");
}

Result<std::vector<std::string>> StringArray(const nlohmann::json* v, const std::string& path,
                                             std::string_view expected_items, bool non_empty) {
  const std::string expected = "an array of " + std::string(expected_items);
  if (v == nullptr) return Missing(path, expected);
  if (!v->is_array() || (non_empty && v->empty())) {
    return NotA(path, *v, non_empty ? "a non-empty " + expected.substr(3) : expected);
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) return NotA(IndexPath(path, i), (*v)[i], "a string");
    out.push_back((*v)[i].get<std::string>());
  }
  return out;
}

Result<SourceFilter> ParseFilter(const nlohmann::json& v, const std::string& path,
                                 std::vector<std::string>* warnings) {
  SY_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(v, path));
  SourceFilter f;
  const EnumNames<int> kFilterTypes = {{"source", 0}};
  int filter_type = 0;
  SY_RETURN_IF_ERROR(r.GetEnum("filter-type", kFilterTypes, &filter_type, Need::kRequired));
  SY_RETURN_IF_ERROR(r.GetString("column-name", &f.column_name, Need::kRequired, "a column name"));
  const nlohmann::json* conditions = r.Get("filter-conditions");
  const std::string cpath = r.PathOf("filter-conditions");
  if (conditions == nullptr) return Missing(cpath, "an array of filter conditions");
  if (!conditions->is_array() || conditions->empty()) {
    return NotA(cpath, *conditions, "a non-empty array of filter conditions");
  }
  for (size_t i = 0; i < conditions->size(); ++i) {
    SY_ASSIGN_OR_RETURN(ObjectReader c, ObjectReader::Open((*conditions)[i], IndexPath(cpath, i)));
    FilterCondition cond;
    SY_RETURN_IF_ERROR(c.GetEnum("filter-operator", kOperators, &cond.op, Need::kRequired));
    switch (cond.op) {
      case Op::kLte:
      case Op::kGte:
      case Op::kEq:
      case Op::kNotEq: {
        SY_ASSIGN_OR_RETURN(cond.value, ValueText(c.Get("value"), c.PathOf("value")));
        break;
      }
      case Op::kBetween:
      case Op::kNotBetween: {
        SY_ASSIGN_OR_RETURN(cond.start_value,
                            ValueText(c.Get("start-value"), c.PathOf("start-value")));
        SY_ASSIGN_OR_RETURN(cond.end_value, ValueText(c.Get("end-value"), c.PathOf("end-value")));
        break;
      }
      case Op::kNull:
      case Op::kNotNull:
        break;
    }
    const bool negative =
        cond.op == Op::kNotEq || cond.op == Op::kNotBetween || cond.op == Op::kNotNull;
    if (negative && conditions->size() > 1) {
      return PathError(c.PathOf("filter-operator"),
                       DescribeJson((*conditions)[i]["filter-operator"]) +
                           " must be the only condition of its filter (DMS allows noteq, "
                           "notbetween and notnull only alone)");
    }
    c.WarnUnknownKeys(warnings);
    f.conditions.push_back(std::move(cond));
  }
  r.WarnUnknownKeys(warnings);
  return f;
}

Status ParseSelection(ObjectReader& r, SelectionRule* rule, std::vector<std::string>* warnings) {
  SY_RETURN_IF_ERROR(r.GetEnum("rule-action", kSelectionActions, &rule->action, Need::kRequired));
  const nlohmann::json* loc_json = r.Get("object-locator");
  if (loc_json == nullptr) {
    return Missing(r.PathOf("object-locator"), "an object with schema-name and table-name");
  }
  SY_ASSIGN_OR_RETURN(ObjectReader loc, ObjectReader::Open(*loc_json, r.PathOf("object-locator")));
  SY_RETURN_IF_ERROR(loc.GetString("schema-name", &rule->schema_name, Need::kRequired,
                                   "a schema name or pattern"));
  SY_RETURN_IF_ERROR(
      loc.GetString("table-name", &rule->table_name, Need::kRequired, "a table name or pattern"));
  SY_RETURN_IF_ERROR(loc.GetEnum("table-type", kTableTypes, &rule->table_type));
  if (rule->table_type != SelectionRule::TableType::kTable) {
    warnings->push_back(loc.PathOf("table-type") +
                        ": views are not implemented yet; this rule selects tables only");
  }
  loc.WarnUnknownKeys(warnings);
  if (rule->action == SelectionRule::Action::kExplicit) {
    // Explicit names are exact: no wildcard interpretation, so "order_items" is literal.
    for (const auto& [key, name] :
         {std::pair<const char*, std::string*>{"schema-name", &rule->schema_name},
          {"table-name", &rule->table_name}}) {
      if (name->find('%') != std::string::npos) {
        return NotA(loc.PathOf(key), *name, "an exact name (explicit rules take no wildcards)");
      }
    }
  }
  rule->schema = NamePattern(rule->schema_name);
  rule->table = NamePattern(rule->table_name);

  const nlohmann::json* load_order = r.Get("load-order");
  if (load_order != nullptr) {
    SY_ASSIGN_OR_RETURN(
        int64_t n, IntFromJson(*load_order, r.PathOf("load-order"), -2147483648LL, 2147483647LL));
    rule->load_order = static_cast<int>(n);
  }

  const nlohmann::json* filters = r.Get("filters");
  if (filters != nullptr) {
    const std::string fpath = r.PathOf("filters");
    if (!filters->is_array()) return NotA(fpath, *filters, "an array of filters");
    if (!filters->empty() && rule->action == SelectionRule::Action::kExclude) {
      return PathError(fpath, "filters are only allowed in include and explicit rules");
    }
    if (!filters->empty() && (rule->schema_name.find('%') != std::string::npos ||
                              rule->table_name.find('%') != std::string::npos)) {
      return PathError(fpath, "filters need an exact schema-name and table-name (no %)");
    }
    for (size_t i = 0; i < filters->size(); ++i) {
      SY_ASSIGN_OR_RETURN(SourceFilter f,
                          ParseFilter((*filters)[i], IndexPath(fpath, i), warnings));
      rule->filters.push_back(std::move(f));
    }
  }
  return Status::Ok();
}

Result<DataTypeOverride> ParseDataType(const nlohmann::json& v, const std::string& path,
                                       std::vector<std::string>* warnings) {
  SY_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(v, path));
  DataTypeOverride t;
  SY_RETURN_IF_ERROR(r.GetString("type", &t.type, Need::kRequired, "a DMS data type"));
  if (!IsDmsTypeName(t.type)) {
    return NotA(r.PathOf("type"), t.type,
                "a DMS data type (bytes, date, time, datetime, int1, int2, int4, int8, uint1, "
                "uint2, uint4, uint8, numeric, real4, real8, string, wstring, blob, clob, nclob, "
                "boolean, set, list, map, tuple)");
  }
  if (const nlohmann::json* n = r.Get("length")) {
    SY_ASSIGN_OR_RETURN(t.length, IntFromJson(*n, r.PathOf("length"), 0, INT64_MAX));
  }
  if (const nlohmann::json* n = r.Get("precision")) {
    SY_ASSIGN_OR_RETURN(int64_t p, IntFromJson(*n, r.PathOf("precision"), 0, 1000));
    t.precision = static_cast<int>(p);
  }
  if (const nlohmann::json* n = r.Get("scale")) {
    SY_ASSIGN_OR_RETURN(int64_t s, IntFromJson(*n, r.PathOf("scale"), 0, 1000));
    t.scale = static_cast<int>(s);
  }
  r.WarnUnknownKeys(warnings);
  return t;
}

bool NeedsValue(TransformAction a) {
  switch (a) {
    case TransformAction::kRename:
    case TransformAction::kAddPrefix:
    case TransformAction::kRemovePrefix:
    case TransformAction::kReplacePrefix:
    case TransformAction::kAddSuffix:
    case TransformAction::kRemoveSuffix:
    case TransformAction::kReplaceSuffix:
    case TransformAction::kAddColumn:
      return true;
    default:
      return false;
  }
}

bool IsNaming(TransformAction a) {
  return a <= TransformAction::kReplaceSuffix;  // rename .. replace-suffix come first
}

// Where each action may point.
bool TargetAllowed(TransformAction a, RuleTarget t) {
  if (IsNaming(a)) return true;
  if (a == TransformAction::kDefinePrimaryKey) return t == RuleTarget::kTable;
  return t == RuleTarget::kColumn;
}

// Returns false (after a warning) when the rule is recognised but not implemented.
Result<bool> ParseTransformation(ObjectReader& r, TransformationRule* rule,
                                 std::vector<std::string>* warnings) {
  std::optional<TransformAction> action;
  std::optional<RuleTarget> target;
  SY_RETURN_IF_ERROR(r.GetEnum("rule-action", kTransformActions, &action, Need::kRequired));
  if (!action) {
    warnings->push_back(r.PathOf("rule-action") + ": " + DescribeJson(*r.Get("rule-action")) +
                        " not implemented yet, rule ignored");
    return false;
  }
  SY_RETURN_IF_ERROR(r.GetEnum("rule-target", kRuleTargets, &target, Need::kRequired));
  if (!target) {
    warnings->push_back(r.PathOf("rule-target") + ": " + DescribeJson(*r.Get("rule-target")) +
                        " not implemented yet (Oracle only), rule ignored");
    return false;
  }
  rule->action = *action;
  rule->target = *target;
  if (!TargetAllowed(rule->action, rule->target)) {
    const bool pk = rule->action == TransformAction::kDefinePrimaryKey;
    return NotA(r.PathOf("rule-target"), std::string(TargetName(rule->target)),
                std::string(pk ? "\"table\"" : "\"column\"") + " (required by rule-action " +
                    r.json().at("rule-action").dump() + ")");
  }

  const nlohmann::json* loc_json = r.Get("object-locator");
  const std::string lpath = r.PathOf("object-locator");
  if (loc_json == nullptr) return Missing(lpath, "an object with schema-name");
  SY_ASSIGN_OR_RETURN(ObjectReader loc, ObjectReader::Open(*loc_json, lpath));
  std::string schema, table, column;
  SY_RETURN_IF_ERROR(
      loc.GetString("schema-name", &schema, Need::kRequired, "a schema name or pattern"));
  const bool needs_table = rule->target != RuleTarget::kSchema;
  SY_RETURN_IF_ERROR(loc.GetString("table-name", &table,
                                   needs_table ? Need::kRequired : Need::kOptional,
                                   "a table name or pattern"));
  const bool needs_column =
      rule->target == RuleTarget::kColumn && rule->action != TransformAction::kAddColumn;
  if (needs_column) {
    SY_RETURN_IF_ERROR(
        loc.GetString("data-type", &rule->data_type_match, Need::kOptional, "a DMS data type"));
    // DMS allows data-type matching with column-name "%"; accept a missing column-name then.
    SY_RETURN_IF_ERROR(loc.GetString(
        "column-name", &column, rule->data_type_match.empty() ? Need::kRequired : Need::kOptional,
        "a column name or pattern"));
    if (column.empty()) column = "%";
    if (!rule->data_type_match.empty() && !IsDmsTypeName(rule->data_type_match)) {
      return NotA(loc.PathOf("data-type"), rule->data_type_match, "a DMS data type name");
    }
  }
  for (const auto& key : loc.UnreadKeys()) {
    const bool known = key == "table-name" || key == "column-name" || key == "data-type";
    warnings->push_back(loc.PathOf(key) + (known ? ": ignored for rule-target " +
                                                       std::string(TargetName(rule->target))
                                                 : std::string(": unknown key, ignored")));
  }
  rule->schema = NamePattern(schema);
  rule->table = NamePattern(needs_table ? table : "%");
  rule->column = NamePattern(needs_column ? column : "%");

  if (NeedsValue(rule->action)) {
    SY_RETURN_IF_ERROR(
        r.GetString("value", &rule->value, Need::kRequired,
                    rule->action == TransformAction::kAddColumn ? "a column name" : "a string"));
    const bool must_be_non_empty =
        rule->action == TransformAction::kRename || rule->action == TransformAction::kAddColumn;
    if (must_be_non_empty && rule->value.empty()) {
      return NotA(r.PathOf("value"), rule->value, "a non-empty name");
    }
  }
  if (rule->action == TransformAction::kReplacePrefix ||
      rule->action == TransformAction::kReplaceSuffix) {
    SY_RETURN_IF_ERROR(r.GetString("old-value", &rule->old_value, Need::kRequired, "a string"));
  }

  if (rule->action == TransformAction::kChangeDataType ||
      rule->action == TransformAction::kAddColumn) {
    const nlohmann::json* dt = r.Get("data-type");
    if (dt == nullptr) {
      return Missing(r.PathOf("data-type"), "an object with type, length, precision, scale");
    }
    SY_ASSIGN_OR_RETURN(rule->data_type, ParseDataType(*dt, r.PathOf("data-type"), warnings));
  }
  if (rule->action == TransformAction::kAddColumn) {
    std::string expression;
    SY_RETURN_IF_ERROR(r.GetString("expression", &expression, Need::kOptional, "an expression"));
    if (r.Has("expression")) {
      SY_ASSIGN_OR_RETURN(rule->expression,
                          Expression::Parse(expression, r.PathOf("expression"), warnings));
    }
  }

  if (rule->action == TransformAction::kDefinePrimaryKey) {
    for (const auto& [key, name] :
         {std::pair<const char*, const std::string*>{"schema-name", &schema},
          {"table-name", &table}}) {
      if (name->find('%') != std::string::npos) {
        return NotA(loc.PathOf(key), *name,
                    "an exact name (define-primary-key takes no wildcards)");
      }
    }
    // Exact names: `_` is literal here.
    rule->schema = NamePattern(EscapeWildcards(schema));
    rule->table = NamePattern(EscapeWildcards(table));
    const nlohmann::json* def = r.Get("primary-key-def");
    const std::string dpath = r.PathOf("primary-key-def");
    if (def == nullptr) return Missing(dpath, "an object with name and columns");
    SY_ASSIGN_OR_RETURN(ObjectReader d, ObjectReader::Open(*def, dpath));
    SY_RETURN_IF_ERROR(d.GetString("name", &rule->primary_key.name, Need::kRequired, "a key name"));
    const EnumNames<bool> kOrigins = {{"primary-key", false}, {"unique-index", true}};
    SY_RETURN_IF_ERROR(d.GetEnum("origin", kOrigins, &rule->primary_key.unique_index));
    SY_ASSIGN_OR_RETURN(rule->primary_key.columns,
                        StringArray(d.Get("columns"), d.PathOf("columns"), "column names", true));
    d.WarnUnknownKeys(warnings);
  }
  return true;
}

Result<TableSettingsRule> ParseTableSettings(ObjectReader& r, TableSettingsRule rule,
                                             std::vector<std::string>* warnings) {
  const nlohmann::json* loc_json = r.Get("object-locator");
  const std::string lpath = r.PathOf("object-locator");
  if (loc_json == nullptr) return Missing(lpath, "an object with schema-name and table-name");
  SY_ASSIGN_OR_RETURN(ObjectReader loc, ObjectReader::Open(*loc_json, lpath));
  SY_RETURN_IF_ERROR(
      loc.GetString("schema-name", &rule.schema_name, Need::kRequired, "an exact schema name"));
  SY_RETURN_IF_ERROR(
      loc.GetString("table-name", &rule.table_name, Need::kRequired, "an exact table name"));
  for (const auto& [key, name] :
       {std::pair<const char*, const std::string*>{"schema-name", &rule.schema_name},
        {"table-name", &rule.table_name}}) {
    if (name->find('%') != std::string::npos) {
      return NotA(loc.PathOf(key), *name,
                  "an exact name (Exact schema and table name required when using table "
                  "settings rule)");
    }
  }
  loc.WarnUnknownKeys(warnings);

  if (r.Has("lob-settings")) {
    r.Get("lob-settings");
    warnings->push_back(r.PathOf("lob-settings") + ": not implemented yet, ignored");
  }
  const nlohmann::json* pl_json = r.Get("parallel-load");
  if (pl_json == nullptr) return rule;
  SY_ASSIGN_OR_RETURN(ObjectReader pl, ObjectReader::Open(*pl_json, r.PathOf("parallel-load")));
  ParallelLoad p;
  SY_RETURN_IF_ERROR(pl.GetEnum("type", kParallelLoadTypes, &p.type, Need::kRequired));
  if (p.type == ParallelLoad::Type::kRanges) {
    SY_ASSIGN_OR_RETURN(p.columns,
                        StringArray(pl.Get("columns"), pl.PathOf("columns"), "column names", true));
    if (p.columns.size() > 10) {
      return NotA(pl.PathOf("columns"), *pl.Get("columns"), "an array of at most 10 columns");
    }
    const nlohmann::json* b = pl.Get("boundaries");
    const std::string bpath = pl.PathOf("boundaries");
    if (b == nullptr) return Missing(bpath, "an array of boundary tuples");
    if (!b->is_array() || b->empty())
      return NotA(bpath, *b, "a non-empty array of boundary tuples");
    for (size_t i = 0; i < b->size(); ++i) {
      const nlohmann::json& tuple = (*b)[i];
      const std::string tpath = IndexPath(bpath, i);
      if (!tuple.is_array() || tuple.size() != p.columns.size()) {
        return NotA(tpath, tuple,
                    "an array of " + std::to_string(p.columns.size()) +
                        " value(s), one per column in columns");
      }
      std::vector<std::string> values;
      for (size_t k = 0; k < tuple.size(); ++k) {
        SY_ASSIGN_OR_RETURN(std::string v, ValueText(&tuple[k], IndexPath(tpath, k)));
        values.push_back(std::move(v));
      }
      p.boundaries.push_back(std::move(values));
    }
  } else if (p.type == ParallelLoad::Type::kPartitionsList) {
    SY_ASSIGN_OR_RETURN(p.partitions, StringArray(pl.Get("partitions"), pl.PathOf("partitions"),
                                                  "partition names", true));
  }
  pl.WarnUnknownKeys(warnings);
  rule.parallel_load = std::move(p);
  return rule;
}

}  // namespace

std::string RuleHeader::Describe() const {
  return json_path + " (rule-id " + std::to_string(rule_id) + ")";
}

bool SelectionRule::Matches(const std::string& schema_name_in,
                            const std::string& table_name_in) const {
  if (action == Action::kExplicit) {
    return schema_name == schema_name_in && table_name == table_name_in;
  }
  return schema.Matches(schema_name_in) && table.Matches(table_name_in);
}

Result<TableMappings> TableMappings::Parse(const nlohmann::json& rules_doc,
                                           const std::string& json_path,
                                           std::vector<std::string>* warnings) {
  SY_ASSIGN_OR_RETURN(ObjectReader root, ObjectReader::Open(rules_doc, json_path));
  const nlohmann::json* rules = root.Get("rules");
  const std::string rpath = root.PathOf("rules");
  if (rules == nullptr) return Missing(rpath, "an array of rules");
  if (!rules->is_array()) return NotA(rpath, *rules, "an array of rules");
  root.WarnUnknownKeys(warnings);

  TableMappings out;
  std::map<int64_t, std::string> ids;
  std::map<std::string, std::string> names;
  for (size_t i = 0; i < rules->size(); ++i) {
    SY_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open((*rules)[i], IndexPath(rpath, i)));
    RuleType type{};
    SY_RETURN_IF_ERROR(r.GetEnum("rule-type", kRuleTypes, &type, Need::kRequired));
    RuleHeader header;
    header.json_path = r.path();
    const nlohmann::json* id = r.Get("rule-id");
    if (id == nullptr) return Missing(r.PathOf("rule-id"), "a rule number");
    SY_ASSIGN_OR_RETURN(header.rule_id, IntFromJson(*id, r.PathOf("rule-id"), 0, INT64_MAX));
    const nlohmann::json* name = r.Get("rule-name");
    if (name == nullptr) return Missing(r.PathOf("rule-name"), "a rule name");
    SY_ASSIGN_OR_RETURN(header.rule_name,
                        StringOrNumber(*name, r.PathOf("rule-name"), "a string or number"));
    if (auto [it, fresh] = ids.emplace(header.rule_id, r.path()); !fresh) {
      return PathError(r.PathOf("rule-id"), DescribeJson(*id) + " is already used by " +
                                                it->second + " (expected a unique rule-id)");
    }
    if (auto [it, fresh] = names.emplace(header.rule_name, r.path()); !fresh) {
      return PathError(r.PathOf("rule-name"), DescribeJson(*name) + " is already used by " +
                                                  it->second + " (expected a unique rule-name)");
    }

    switch (type) {
      case RuleType::kSelection: {
        SelectionRule rule;
        rule.header = header;
        SY_RETURN_IF_ERROR(ParseSelection(r, &rule, warnings));
        r.WarnUnknownKeys(warnings);
        out.selection_.push_back(std::move(rule));
        break;
      }
      case RuleType::kTransformation: {
        TransformationRule rule;
        rule.header = header;
        SY_ASSIGN_OR_RETURN(bool implemented, ParseTransformation(r, &rule, warnings));
        if (!implemented) break;  // one warning for the whole rule
        r.WarnUnknownKeys(warnings);
        out.transformations_.push_back(std::move(rule));
        break;
      }
      case RuleType::kTableSettings: {
        TableSettingsRule rule;
        rule.header = header;
        SY_ASSIGN_OR_RETURN(rule, ParseTableSettings(r, std::move(rule), warnings));
        r.WarnUnknownKeys(warnings);
        out.table_settings_.push_back(std::move(rule));
        break;
      }
      case RuleType::kValidation:
        warnings->push_back(r.PathOf("rule-type") +
                            ": \"validation\" not implemented yet, rule ignored");
        break;
    }
  }
  auto by_id = [](const auto& a, const auto& b) { return a.header.rule_id < b.header.rule_id; };
  std::sort(out.selection_.begin(), out.selection_.end(), by_id);
  std::sort(out.transformations_.begin(), out.transformations_.end(), by_id);
  std::sort(out.table_settings_.begin(), out.table_settings_.end(), by_id);
  out.json_path_ = json_path;
  return out;
}

bool TableMappings::SelectsTable(const std::string& schema, const std::string& table) const {
  bool included = false;
  for (const auto& rule : selection_) {
    if (rule.table_type == SelectionRule::TableType::kView) continue;
    if (!rule.Matches(schema, table)) continue;
    switch (rule.action) {
      case SelectionRule::Action::kExplicit:
        return true;  // an exact name wins over exclusions
      case SelectionRule::Action::kInclude:
        included = true;
        break;
      case SelectionRule::Action::kExclude:
        break;
    }
  }
  if (!included) return false;
  for (const auto& rule : selection_) {
    if (rule.action == SelectionRule::Action::kExclude &&
        rule.table_type != SelectionRule::TableType::kView && rule.Matches(schema, table)) {
      return false;
    }
  }
  return true;
}

}  // namespace switchyard::config
