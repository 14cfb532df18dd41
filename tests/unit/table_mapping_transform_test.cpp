// Table mappings: transformation rules, define-primary-key, parallel-load, add-column
// expressions.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "engine/config/table_mappings.h"

namespace switchyard::config {
namespace {

using nlohmann::json;

catalog::Table MakeTable(std::string schema, std::string name, std::vector<std::string> columns) {
  catalog::Table t;
  t.schema = std::move(schema);
  t.name = std::move(name);
  for (auto& c : columns) {
    catalog::Column col;
    col.name = std::move(c);
    col.type.name = "varchar";
    t.columns.push_back(std::move(col));
  }
  return t;
}

json IncludeAll() {
  return {{"rule-type", "selection"},
          {"rule-id", "1"},
          {"rule-name", "include-all"},
          {"object-locator", {{"schema-name", "%"}, {"table-name", "%"}}},
          {"rule-action", "include"}};
}

json Transform(int id, const std::string& target, const std::string& action, json locator,
               json extra = json::object()) {
  json r = {{"rule-type", "transformation"},
            {"rule-id", std::to_string(id)},
            {"rule-name", "r" + std::to_string(id)},
            {"rule-target", target},
            {"rule-action", action},
            {"object-locator", std::move(locator)}};
  for (auto& [k, v] : extra.items()) r[k] = v;
  return r;
}

struct Applied {
  Status status;
  std::vector<MappedTable> tables;
  std::vector<std::string> warnings;
};

Applied ApplyRules(const std::vector<json>& rules, const std::vector<catalog::Table>& tables,
                   catalog::Engine engine = catalog::Engine::kMySql) {
  Applied out;
  auto m = TableMappings::Parse(json{{"rules", json(rules)}}, "TableMappings", &out.warnings);
  if (!m.ok()) {
    out.status = m.status();
    return out;
  }
  auto r = m->Apply(tables, engine, &out.warnings);
  if (!r.ok()) {
    out.status = r.status();
    return out;
  }
  out.tables = *r;
  return out;
}

std::vector<std::string> TargetColumns(const MappedTable& t) {
  std::vector<std::string> names;
  for (const auto& c : t.columns) names.push_back(c.target_name);
  return names;
}

TEST(Transformations, DmsSampleFileAppliesEveryRule) {
  std::ifstream in(std::string(SWITCHYARD_SOURCE_DIR) +
                   "/tests/data/dms/table-mappings-transformations.json");
  std::stringstream buf;
  buf << in.rdbuf();
  std::vector<std::string> warnings;
  auto m = TableMappings::Parse(json::parse(buf.str()), "TableMappings", &warnings);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_TRUE(warnings.empty()) << warnings[0];
  auto actor =
      MakeTable("Test", "Actor", {"ActorID", "FirstName", "LastName", "Salary", "col1", "colB"});
  auto r = m->Apply({actor}, catalog::Engine::kMySql, &warnings);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const MappedTable& t = (*r)[0];
  EXPECT_EQ(t.target_schema, "Test1");
  EXPECT_EQ(t.target_table, "DMS_Actor");
  EXPECT_EQ(TargetColumns(t),
            (std::vector<std::string>{"actorid", "firstname", "lastname", "salary", "full_name"}));
  ASSERT_TRUE(t.columns[3].data_type.has_value());
  EXPECT_EQ(t.columns[3].data_type->type, "numeric");
  EXPECT_EQ(t.columns[3].data_type->precision, 12);
  EXPECT_EQ(t.columns[3].data_type->scale, 2);
  EXPECT_EQ(t.columns[4].source_name, "");
  EXPECT_EQ(t.columns[4].expression_sql, "CONCAT(`FirstName`, '_', `LastName`)");
  EXPECT_EQ(t.columns[4].data_type->type, "string");
  EXPECT_EQ(t.columns[4].data_type->length, 50);
  EXPECT_EQ(t.primary_key, (std::vector<std::string>{"firstname", "lastname"}));
  EXPECT_EQ(t.primary_key_name, "actor_pk");
  ASSERT_TRUE(t.parallel_load.has_value());
  EXPECT_EQ(t.parallel_load->type, ParallelLoad::Type::kRanges);
  EXPECT_EQ(t.parallel_load->columns, (std::vector<std::string>{"ActorID", "LastName"}));
  EXPECT_EQ(t.parallel_load->boundaries,
            (std::vector<std::vector<std::string>>{{"1000", "M"}, {"2000", "Z"}}));
  EXPECT_TRUE(warnings.empty()) << warnings[0];
}

TEST(Transformations, EachNamingActionOnSchemaTableAndColumn) {
  struct Case {
    std::string action;
    json extra;
    std::string in, out;
  };
  const std::vector<Case> cases = {
      {"rename", {{"value", "New"}}, "Old_name", "New"},
      {"convert-lowercase", {}, "MiXed", "mixed"},
      {"convert-uppercase", {}, "MiXed", "MIXED"},
      {"add-prefix", {{"value", "p_"}}, "name", "p_name"},
      {"remove-prefix", {{"value", "tbl_"}}, "tbl_name", "name"},
      {"remove-prefix", {{"value", "tbl_"}}, "name_tbl_", "name_tbl_"},
      {"replace-prefix", {{"value", "new_"}, {"old-value", "old_"}}, "old_x", "new_x"},
      {"replace-prefix", {{"value", "new_"}, {"old-value", "old_"}}, "x_old_", "x_old_"},
      {"add-suffix", {{"value", "_v2"}}, "name", "name_v2"},
      {"remove-suffix", {{"value", "_bak"}}, "name_bak", "name"},
      {"replace-suffix", {{"value", "_new"}, {"old-value", "_old"}}, "x_old", "x_new"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.action + " " + c.in);
    auto schema = ApplyRules(
        {IncludeAll(), Transform(2, "schema", c.action, {{"schema-name", "%"}}, c.extra)},
        {MakeTable(c.in, "t", {"a"})});
    ASSERT_TRUE(schema.status.ok()) << schema.status.message();
    EXPECT_EQ(schema.tables[0].target_schema, c.out);
    EXPECT_EQ(schema.tables[0].target_table, "t");

    auto table = ApplyRules(
        {IncludeAll(),
         Transform(2, "table", c.action, {{"schema-name", "s"}, {"table-name", "%"}}, c.extra)},
        {MakeTable("s", c.in, {"a"})});
    ASSERT_TRUE(table.status.ok()) << table.status.message();
    EXPECT_EQ(table.tables[0].target_schema, "s");
    EXPECT_EQ(table.tables[0].target_table, c.out);

    auto column = ApplyRules(
        {IncludeAll(),
         Transform(2, "column", c.action,
                   {{"schema-name", "s"}, {"table-name", "t"}, {"column-name", "%"}}, c.extra)},
        {MakeTable("s", "t", {c.in})});
    ASSERT_TRUE(column.status.ok()) << column.status.message();
    EXPECT_EQ(column.tables[0].target_table, "t");
    EXPECT_EQ(column.tables[0].columns[0].source_name, c.in);
    EXPECT_EQ(column.tables[0].columns[0].target_name, c.out);
  }
}

TEST(Transformations, LocatorsMatchSourceNamesOnly) {
  auto r = ApplyRules(
      {IncludeAll(),
       Transform(2, "table", "rename", {{"schema-name", "app"}, {"table-name", "orders"}},
                 {{"value", "orders_v2"}}),
       Transform(3, "table", "rename", {{"schema-name", "other"}, {"table-name", "%"}},
                 {{"value", "x"}})},
      {MakeTable("app", "orders", {"id"}), MakeTable("app", "items", {"id"})});
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.tables[0].target_table, "items");
  EXPECT_EQ(r.tables[1].target_table, "orders_v2");
}

TEST(Transformations, LowerRuleIdWinsAndTheLoserIsReportedOnce) {
  // Rule 5 (listed first) loses to rule 3 on every table; one warning, not one per table.
  auto r = ApplyRules(
      {IncludeAll(),
       Transform(5, "table", "convert-uppercase", {{"schema-name", "app"}, {"table-name", "%"}}),
       Transform(3, "table", "add-prefix", {{"schema-name", "app"}, {"table-name", "%"}},
                 {{"value", "x_"}})},
      {MakeTable("app", "a", {"id"}), MakeTable("app", "b", {"id"})});
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.tables[0].target_table, "x_a");
  EXPECT_EQ(r.tables[1].target_table, "x_b");
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0],
            "TableMappings.rules[1] (rule-id 5): not applied to table app.a (and 1 more): rule-id "
            "3 already transforms it (DMS applies one action per object; the lower rule-id wins)");
}

TEST(Transformations, DifferentKindsOfActionOnOneColumnAllApply) {
  auto r = ApplyRules({IncludeAll(),
                       Transform(2, "column", "rename",
                                 {{"schema-name", "s"}, {"table-name", "t"}, {"column-name", "a"}},
                                 {{"value", "b"}}),
                       Transform(3, "column", "change-data-type",
                                 {{"schema-name", "s"}, {"table-name", "t"}, {"column-name", "a"}},
                                 {{"data-type", {{"type", "int8"}}}})},
                      {MakeTable("s", "t", {"a"})});
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.tables[0].columns[0].target_name, "b");
  EXPECT_EQ(r.tables[0].columns[0].data_type->type, "int8");
  EXPECT_TRUE(r.warnings.empty());
}

TEST(Transformations, RemoveColumnAndIncludeColumn) {
  auto removed = ApplyRules(
      {IncludeAll(),
       Transform(2, "column", "remove-column",
                 {{"schema-name", "s"}, {"table-name", "t"}, {"column-name", "secret%"}})},
      {MakeTable("s", "t", {"id", "secret_a", "name", "secret_b"})});
  ASSERT_TRUE(removed.status.ok());
  EXPECT_EQ(TargetColumns(removed.tables[0]), (std::vector<std::string>{"id", "name"}));

  auto included = ApplyRules(
      {IncludeAll(),
       Transform(2, "column", "include-column",
                 {{"schema-name", "s"}, {"table-name", "t"}, {"column-name", "id"}}),
       Transform(3, "column", "include-column",
                 {{"schema-name", "s"}, {"table-name", "t"}, {"column-name", "name"}})},
      {MakeTable("s", "t", {"id", "secret", "name"}), MakeTable("s", "u", {"id", "secret"})});
  ASSERT_TRUE(included.status.ok());
  EXPECT_EQ(TargetColumns(included.tables[0]), (std::vector<std::string>{"id", "name"}));
  EXPECT_EQ(TargetColumns(included.tables[1]), (std::vector<std::string>{"id", "secret"}));
}

TEST(Transformations, DataTypeLocatorMatchesDmsTypes) {
  catalog::Table t = MakeTable("s", "t", {"id", "note"});
  t.columns[0].type.name = "int";
  t.columns[1].type.name = "text";
  json locator = {
      {"schema-name", "s"}, {"table-name", "t"}, {"column-name", "%"}, {"data-type", "int4"}};
  auto r = ApplyRules(
      {IncludeAll(), Transform(2, "column", "add-suffix", locator, {{"value", "_n"}})}, {t});
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(TargetColumns(r.tables[0]), (std::vector<std::string>{"id_n", "note"}));
}

TEST(Transformations, TwoSourceTablesIntoOneTargetIsAnError) {
  auto r = ApplyRules({IncludeAll(), Transform(2, "table", "convert-lowercase",
                                               {{"schema-name", "s"}, {"table-name", "%"}})},
                      {MakeTable("s", "Orders", {"id"}), MakeTable("s", "orders", {"id"})});
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.message(),
            "TableMappings: source tables s.Orders and s.orders are both mapped to target table "
            "s.orders (DMS cannot map two source tables into one target table)");
}

TEST(Transformations, TwoColumnsIntoOneTargetColumnIsAnError) {
  auto r = ApplyRules(
      {IncludeAll(), Transform(2, "column", "convert-lowercase",
                               {{"schema-name", "s"}, {"table-name", "t"}, {"column-name", "%"}})},
      {MakeTable("s", "t", {"ID", "id"})});
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.message(),
            "TableMappings: columns ID and id of s.t are both mapped to target column id");
}

TEST(Transformations, BadTransformationRulesAreRejectedAtParse) {
  auto wrong_target = ApplyRules(
      {IncludeAll(),
       Transform(2, "table", "remove-column", {{"schema-name", "s"}, {"table-name", "t"}})},
      {});
  EXPECT_EQ(wrong_target.status.message(),
            "TableMappings.rules[1].rule-target: \"table\" is not \"column\" (required by "
            "rule-action \"remove-column\")");
  auto no_value = ApplyRules(
      {IncludeAll(), Transform(2, "table", "rename", {{"schema-name", "s"}, {"table-name", "t"}})},
      {});
  EXPECT_EQ(no_value.status.message(), "TableMappings.rules[1].value: missing (expected a string)");
  auto bad_type = ApplyRules(
      {IncludeAll(), Transform(2, "column", "change-data-type",
                               {{"schema-name", "s"}, {"table-name", "t"}, {"column-name", "c"}},
                               {{"data-type", {{"type", "varchar"}}}})},
      {});
  EXPECT_EQ(bad_type.status.message().rfind(
                "TableMappings.rules[1].data-type.type: \"varchar\" is not a DMS data type", 0),
            0u);
}

TEST(DefinePrimaryKey, AcceptsSourceOrTargetNamesAndRejectsUnknownColumns) {
  json pk =
      Transform(3, "table", "define-primary-key", {{"schema-name", "s"}, {"table-name", "t_1"}},
                {{"primary-key-def",
                  {{"name", "pk_t"}, {"origin", "unique-index"}, {"columns", {"A", "b"}}}}});
  json lower = Transform(2, "column", "convert-lowercase",
                         {{"schema-name", "s"}, {"table-name", "%"}, {"column-name", "%"}});
  auto r = ApplyRules({IncludeAll(), lower, pk},
                      {MakeTable("s", "t_1", {"A", "B", "C"}), MakeTable("s", "tX1", {"A"})});
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  // Sorted by name: "tX1" < "t_1".
  EXPECT_EQ(r.tables[1].primary_key, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.tables[1].primary_key_name, "pk_t");
  EXPECT_TRUE(r.tables[1].primary_key_is_unique_index);
  EXPECT_TRUE(r.tables[0].primary_key.empty());  // `_` is literal in define-primary-key

  json missing =
      Transform(2, "table", "define-primary-key", {{"schema-name", "s"}, {"table-name", "t"}},
                {{"primary-key-def", {{"name", "pk"}, {"columns", {"id", "nope"}}}}});
  auto bad = ApplyRules({IncludeAll(), missing}, {MakeTable("s", "t", {"id"})});
  EXPECT_EQ(bad.status.message(),
            "TableMappings.rules[1].primary-key-def.columns[1]: \"nope\" is not a column of s.t");

  json wildcard =
      Transform(2, "table", "define-primary-key", {{"schema-name", "s"}, {"table-name", "%"}},
                {{"primary-key-def", {{"name", "pk"}, {"columns", {"id"}}}}});
  EXPECT_EQ(ApplyRules({IncludeAll(), wildcard}, {}).status.message(),
            "TableMappings.rules[1].object-locator.table-name: \"%\" is not an exact name "
            "(define-primary-key takes no wildcards)");
}

json ParallelLoadRule(const std::string& table, json parallel_load) {
  return {{"rule-type", "table-settings"},
          {"rule-id", "9"},
          {"rule-name", "pl"},
          {"object-locator", {{"schema-name", "s"}, {"table-name", table}}},
          {"parallel-load", std::move(parallel_load)}};
}

TEST(ParallelLoad, RangesPartitionsAndErrors) {
  auto list = ApplyRules({IncludeAll(), ParallelLoadRule("t", {{"type", "partitions-list"},
                                                               {"partitions", {"p0", "p1"}}})},
                         {MakeTable("s", "t", {"id"})});
  ASSERT_TRUE(list.status.ok()) << list.status.message();
  EXPECT_EQ(list.tables[0].parallel_load->type, ParallelLoad::Type::kPartitionsList);
  EXPECT_EQ(list.tables[0].parallel_load->partitions, (std::vector<std::string>{"p0", "p1"}));

  auto pg = ApplyRules({IncludeAll(), ParallelLoadRule("t", {{"type", "partitions-auto"}})},
                       {MakeTable("s", "t", {"id"})}, catalog::Engine::kPostgres);
  EXPECT_EQ(pg.status.message(),
            "TableMappings.rules[1].parallel-load.type: PostgreSQL sources support only "
            "\"ranges\" and \"none\"");

  auto wildcard =
      ApplyRules({IncludeAll(), ParallelLoadRule("%", {{"type", "partitions-auto"}})}, {});
  EXPECT_EQ(wildcard.status.message(),
            "TableMappings.rules[1].object-locator.table-name: \"%\" is not an exact name (Exact "
            "schema and table name required when using table settings rule)");

  auto arity = ApplyRules(
      {IncludeAll(), ParallelLoadRule("t", {{"type", "ranges"},
                                            {"columns", {"a", "b"}},
                                            {"boundaries", json::array({json::array({1})})}})},
      {});
  EXPECT_EQ(arity.status.message(),
            "TableMappings.rules[1].parallel-load.boundaries[0]: an array is not an array of 2 "
            "value(s), one per column in columns");

  auto missing_col = ApplyRules(
      {IncludeAll(), ParallelLoadRule("t", {{"type", "ranges"},
                                            {"columns", {"nope"}},
                                            {"boundaries", json::array({json::array({1})})}})},
      {MakeTable("s", "t", {"id"})});
  EXPECT_EQ(missing_col.status.message(),
            "TableMappings.rules[1].parallel-load.columns[0]: \"nope\" is not a column of s.t");

  auto missing_table = ApplyRules({IncludeAll(), ParallelLoadRule("gone", {{"type", "none"}})},
                                  {MakeTable("s", "t", {"id"})});
  EXPECT_EQ(missing_table.status.message(),
            "TableMappings.rules[1] (rule-id 9): parallel-load table s.gone does not exist on "
            "the source");

  auto bad_type =
      ApplyRules({IncludeAll(), ParallelLoadRule("t", {{"type", "subpartitions-auto"}})}, {});
  EXPECT_EQ(bad_type.status.message(),
            "TableMappings.rules[1].parallel-load.type: \"subpartitions-auto\" is not one of "
            "ranges, partitions-auto, partitions-list, none");
}

// add-column with an expression, translated for a table (a, b, "we`ird").
std::string AddColumnSql(const std::string& expression, catalog::Engine engine,
                         Status* status = nullptr, std::vector<std::string>* warnings = nullptr) {
  json rule = Transform(2, "column", "add-column", {{"schema-name", "s"}, {"table-name", "t"}},
                        {{"value", "c"},
                         {"expression", expression},
                         {"data-type", {{"type", "string"}, {"length", 20}}}});
  auto r = ApplyRules({IncludeAll(), rule}, {MakeTable("s", "t", {"a", "b", "we`ird"})}, engine);
  if (status != nullptr) *status = r.status;
  if (warnings != nullptr) *warnings = r.warnings;
  if (!r.status.ok()) return "";
  return r.tables[0].columns.back().expression_sql.value_or("<none>");
}

TEST(AddColumnExpression, ConcatenationAndColumnsPerDialect) {
  using catalog::Engine;
  EXPECT_EQ(AddColumnSql("$a||'_'||$b", Engine::kMySql), "CONCAT(`a`, '_', `b`)");
  EXPECT_EQ(AddColumnSql("$a||'_'||$b", Engine::kPostgres), "\"a\" || '_' || \"b\"");
  EXPECT_EQ(AddColumnSql("upper($a) || 'it''s'", Engine::kMySql), "CONCAT(UPPER(`a`), 'it\\'s')");
  EXPECT_EQ(AddColumnSql("upper($a) || 'it''s'", Engine::kPostgres), "UPPER(\"a\") || 'it''s'");
  EXPECT_EQ(AddColumnSql("($a + 1) * 2 - -$b / 4", Engine::kPostgres),
            "((\"a\" + 1) * 2) - ((-\"b\") / 4)");
}

TEST(AddColumnExpression, FunctionsTranslate) {
  using catalog::Engine;
  EXPECT_EQ(AddColumnSql("ifnull($a, 'none')", Engine::kMySql), "IFNULL(`a`, 'none')");
  EXPECT_EQ(AddColumnSql("ifnull($a, 'none')", Engine::kPostgres), "COALESCE(\"a\", 'none')");
  EXPECT_EQ(AddColumnSql("length(trim($a))", Engine::kMySql), "CHAR_LENGTH(TRIM(`a`))");
  EXPECT_EQ(AddColumnSql("substr(replace($a, '-', ''), 1, 3)", Engine::kPostgres),
            "SUBSTR(REPLACE(\"a\", '-', ''), 1, 3)");
  EXPECT_EQ(AddColumnSql("max($a, $b)", Engine::kMySql), "GREATEST(`a`, `b`)");
  EXPECT_EQ(AddColumnSql("trim($a, 'x')", Engine::kPostgres), "BTRIM(\"a\", 'x')");
}

TEST(AddColumnExpression, CaseWhenAndComparisons) {
  EXPECT_EQ(AddColumnSql("CASE WHEN $a IS NULL THEN 'n/a' WHEN $a == 'x' AND $b != 'y' THEN $b "
                         "ELSE lower($a) END",
                         catalog::Engine::kPostgres),
            "CASE WHEN \"a\" IS NULL THEN 'n/a' WHEN (\"a\" = 'x') AND (\"b\" <> 'y') THEN \"b\" "
            "ELSE LOWER(\"a\") END");
  EXPECT_EQ(AddColumnSql("case $a when 1 then 'one' end", catalog::Engine::kMySql),
            "CASE `a` WHEN 1 THEN 'one' END");
}

TEST(AddColumnExpression, MetadataVariablesBecomeLiteralsHeadersWarn) {
  std::vector<std::string> warnings;
  Status status;
  EXPECT_EQ(AddColumnSql("$AR_M_SOURCE_SCHEMA || '.' || $AR_M_SOURCE_TABLE_NAME",
                         catalog::Engine::kMySql),
            "CONCAT('s', '.', 't')");
  EXPECT_EQ(AddColumnSql("$AR_H_COMMIT_TIMESTAMP", catalog::Engine::kMySql, &status, &warnings),
            "NULL");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0],
            "TableMappings.rules[1].expression: $AR_H_COMMIT_TIMESTAMP not "
            "implemented yet, the column is NULL");
}

TEST(AddColumnExpression, ConstantsAndNoExpression) {
  EXPECT_EQ(AddColumnSql("'fixed'", catalog::Engine::kPostgres), "'fixed'");
  EXPECT_EQ(AddColumnSql("42", catalog::Engine::kMySql), "42");
  json rule = Transform(2, "column", "add-column", {{"schema-name", "s"}, {"table-name", "t"}},
                        {{"value", "c"}, {"data-type", {{"type", "int4"}}}});
  auto r = ApplyRules({IncludeAll(), rule}, {MakeTable("s", "t", {"a"})});
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.tables[0].columns.back().expression_sql, "NULL");
}

TEST(AddColumnExpression, UnsupportedInputNamesTheRuleAndTheToken) {
  Status s;
  AddColumnSql("hex($a)", catalog::Engine::kMySql, &s);
  EXPECT_EQ(s.message(),
            "TableMappings.rules[1].expression: unsupported function \"hex\" (supported: upper, "
            "lower, length, trim, ltrim, rtrim, substr, replace, coalesce, ifnull, nullif, abs, "
            "round, max, min) in \"hex($a)\"");
  AddColumnSql("$a & 1", catalog::Engine::kMySql, &s);
  EXPECT_EQ(s.message(),
            "TableMappings.rules[1].expression: unsupported token \"&\" in \"$a & 1\"");
  AddColumnSql("$a ||", catalog::Engine::kMySql, &s);
  EXPECT_EQ(s.message(),
            "TableMappings.rules[1].expression: unexpected end of expression in \"$a ||\"");
  AddColumnSql("'open", catalog::Engine::kMySql, &s);
  EXPECT_EQ(s.message(),
            "TableMappings.rules[1].expression: unterminated string literal in \"'open\"");
  AddColumnSql("$nope || 'x'", catalog::Engine::kMySql, &s);
  EXPECT_EQ(s.message(),
            "TableMappings.rules[1].expression: $nope is not a column of s.t in "
            "\"$nope || 'x'\"");
  AddColumnSql("trim($a, 'x')", catalog::Engine::kMySql, &s);
  EXPECT_EQ(s.message(),
            "TableMappings.rules[1].expression: trim() with 2 arguments is not "
            "supported for a MySQL source in \"trim($a, 'x')\"");
}

TEST(AddColumnExpression, DuplicateColumnNameIsAnError) {
  json rule = Transform(2, "column", "add-column", {{"schema-name", "s"}, {"table-name", "t"}},
                        {{"value", "a"}, {"data-type", {{"type", "int4"}}}});
  auto r = ApplyRules({IncludeAll(), rule}, {MakeTable("s", "t", {"a"})});
  EXPECT_EQ(r.status.message(),
            "TableMappings.rules[1].value: \"a\" is already a column of s.t (expected a new "
            "column name)");
}

}  // namespace
}  // namespace switchyard::config
