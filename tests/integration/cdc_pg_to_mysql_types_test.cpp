// MigrationType "full-load-and-cdc" from PostgreSQL into MariaDB with columns whose full-load
// select_expr is not the plain column (boolean::int, real::float8, timestamptz AT TIME ZONE
// 'UTC', array_to_json of integer/numeric/text/boolean arrays, xml::text): the change stream
// used to refuse such tables at start. Rows are inserted, updated and deleted during CDC; the
// target must then hold, value by value, what the source's select_expr gives for each row.
#include <gtest/gtest.h>

#include <string>

#include "engine/pipeline/cdc/pg_slot.h"
#include "tests/integration/full_load_test_util.h"
#include "tests/support/pg_slots.h"

namespace switchyard::testing {
namespace {

using catalog::Engine;

constexpr const char kTable[] =
    "CREATE TABLE typed (id int PRIMARY KEY, b boolean, r real, ts timestamptz, ai int[], "
    "an numeric[], at text[], ab boolean[], x xml)";

// Row `id` with values chosen by `variant`; all within what MariaDB can store (finite floats,
// time stamps in years 1000..9999).
std::string Row(int id, int variant) {
  static const char* const kRows[] = {
      "true, '1.1', '2024-01-02 03:04:05.123456+05:30', '{1,2,NULL}', '{1.10,-2,0.000}', "
      "ARRAY['a\"b', E'c\\\\d', E'x\\ny\\t', 'NULL', NULL, '', '{},', 'é'], '{t,f,NULL}', "
      "'<a b=\"1\">t&amp;</a>'",
      "false, '3.4028235e+38', '1970-01-01 00:00:00+00', '[2:3]={7,8}', '{}', "
      "'{{a,b},{c,NULL}}', '{{t},{f}}', '<empty/>'",
      "NULL, '0.1', '9999-12-31 23:59:59.999999+00', '{{1,2},{3,4}}', "
      "'{12345678901234567890.000000001}', '{\" sp \",\"\\\\\"}', '{}', NULL",
      "true, '16777217', '1000-01-01 00:00:00.5+00', '{}', NULL, '{}', NULL, '<b/>'",
      "false, '-2.5', '2038-01-19 03:14:08-08', NULL, '{NULL}', ARRAY[E'\\u2028', E'\\x01'], "
      "'{f}', NULL",
  };
  return "(" + std::to_string(id) + ", " + kRows[variant % 5] + ")";
}

TEST(CdcPgToMySqlTypes, ConvertedColumnsReplicateAndEndEqualToTheSelectExprText) {
  const std::string id = "cdc-pgmy-types";
  const std::string source_schema = "public", target_schema = "sy_cdc_pgmy_types_dst";
  endpoints::ConnectionParams source = FreshDatabaseWithoutSlots("sy_cdc_pgmy_types_src");
  SlotGuard slot(source, pipeline::cdc::ReplicationObjectName(id));
  endpoints::ConnectionParams target = FreshMySqlDatabase(target_schema);
  std::string seed = std::string(kTable) + ";\nINSERT INTO typed VALUES ";
  for (int i = 1; i <= 10; ++i) seed += (i > 1 ? ", " : "") + Row(i, i);
  ExecOrDie(source, seed);

  nlohmann::json rules = nlohmann::json::array({IncludeSchemaRule(source_schema)});
  rules.push_back({{"rule-type", "transformation"},
                   {"rule-id", "2"},
                   {"rule-name", "rename-schema"},
                   {"rule-target", "schema"},
                   {"object-locator", {{"schema-name", source_schema}}},
                   {"rule-action", "rename"},
                   {"value", target_schema}});
  nlohmann::json task = FullLoadTask(id, source, target, rules);
  task["MigrationType"] = "full-load-and-cdc";

  const std::string work = MakeTempDir("sy-" + id);
  BackgroundRun run(task, work);
  ASSERT_TRUE(
      WaitUntil([&] { return run.Output().find("change capture running") != std::string::npos; },
                std::chrono::seconds(120)))
      << run.Output();

  // During CDC: inserts of every variant, updates to other variants (and to NULLs), deletes.
  std::string changes = "BEGIN;\nINSERT INTO typed VALUES ";
  for (int i = 11; i <= 20; ++i) changes += (i > 11 ? ", " : "") + Row(i, i);
  changes +=
      ";\nUPDATE typed SET (b, r, ts, ai, an, at, ab, x) = "
      "(SELECT b, r, ts, ai, an, at, ab, x FROM typed t2 WHERE t2.id = typed.id + 1) "
      "WHERE id IN (2, 13, 16);\n"
      "UPDATE typed SET b = NULL, r = NULL, ts = NULL, ai = NULL, an = NULL, at = NULL, "
      "ab = NULL, x = NULL WHERE id = 4;\n"
      "UPDATE typed SET r = '1e-5', ai = '{-2147483648,2147483647}' WHERE id = 5;\n"
      "DELETE FROM typed WHERE id IN (3, 14);\n"
      "COMMIT";
  ExecOrDie(source, changes);
  ExecOrDie(source, "UPDATE typed SET at = ARRAY['late \"one\"'] WHERE id = 20");

  TableCompare spec;
  spec.source_from = catalog::QuoteQualified(Engine::kPostgres, source_schema, "typed");
  spec.target_from = catalog::QuoteQualified(Engine::kMySql, target_schema, "typed");
  // Source: the full load's select_expr (as text); target: the stored value as text.
  spec.columns = {
      {"id", "id::text", "CAST(id AS CHAR)", CompareKind::kText},
      {"b", "b::int::text", "CAST(b AS CHAR)", CompareKind::kText},
      {"r", "r::float8::text", "CAST(r AS DOUBLE)", CompareKind::kFloat32},
      // PostgreSQL drops trailing fractional zeros, DATETIME(6) prints all six digits.
      {"ts", "to_char((ts AT TIME ZONE 'UTC'), 'YYYY-MM-DD HH24:MI:SS.US')",
       "DATE_FORMAT(ts, '%Y-%m-%d %H:%i:%s.%f')", CompareKind::kText},
      {"ai", "array_to_json(ai)::text", "CAST(ai AS CHAR)", CompareKind::kText},
      {"an", "array_to_json(an)::text", "CAST(an AS CHAR)", CompareKind::kText},
      {"at", "array_to_json(at)::text", "CAST(at AS CHAR)", CompareKind::kText},
      {"ab", "array_to_json(ab)::text", "CAST(ab AS CHAR)", CompareKind::kText},
      {"x", "x::text", "CAST(x AS CHAR)", CompareKind::kText},
  };
  // Qualified: a bare "id" would sort by the text column named id (PostgreSQL).
  spec.source_order_by = "typed.id";
  spec.target_order_by = "id";
  std::string differences;
  EXPECT_TRUE(WaitUntil(
      [&] {
        differences = CompareTables(source, target, spec);
        return differences.empty();
      },
      std::chrono::seconds(120)))
      << differences << run.Output();
  EXPECT_EQ(QueryValue(target, "SELECT COUNT(*) FROM " + spec.target_from), "18");
  EXPECT_EQ(
      QueryValue(target, "SELECT CAST(at AS CHAR) FROM " + spec.target_from + " WHERE id = 20"),
      "[\"late \\\"one\\\"\"]");
  EXPECT_EQ(run.Output().find("Unsupported"), std::string::npos) << run.Output();
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << run.Output();
}

}  // namespace
}  // namespace switchyard::testing
