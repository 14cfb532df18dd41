// PostgreSQL endpoint against the throwaway server: catalog, snapshot reads, bulk loads, the raw
// PG -> PG pass-through and error classification. Values are asserted byte for byte.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/endpoints/endpoint.h"
#include "engine/endpoints/postgres/pg_bulk_loader.h"
#include "engine/endpoints/postgres/pg_catalog_reader.h"
#include "engine/endpoints/postgres/pg_snapshot_reader.h"
#include "tests/support/servers.h"

namespace switchyard::endpoints {
namespace {

using switchyard::testing::ExecOrDie;
using switchyard::testing::FreshPostgresDatabase;
using Value = std::optional<std::string>;
using Rows = std::vector<std::vector<Value>>;

// Keeps every row it is given, and how many batches carried them.
class CollectingSink : public RowSink {
 public:
  Status Consume(const RowBatch& batch) override {
    ++batches;
    for (size_t r = 0; r < batch.rows(); ++r) {
      std::vector<Value> row;
      for (size_t c = 0; c < batch.columns(); ++c) {
        auto field = batch.MaybeField(r, c);
        row.push_back(field ? Value(std::string(*field)) : std::nullopt);
      }
      rows.push_back(std::move(row));
    }
    return Status::Ok();
  }
  Rows rows;
  int batches = 0;
};

ReadSpec Spec(const std::string& schema, const std::string& table, std::vector<std::string> exprs,
              const std::string& where = "") {
  ReadSpec spec;
  spec.schema = schema;
  spec.table = table;
  spec.select_exprs = std::move(exprs);
  spec.where = where;
  return spec;
}

// Reads the whole table under a fresh snapshot; rows keyed by their first field.
std::map<std::string, std::vector<Value>> ReadByKey(const ConnectionParams& params,
                                                    const ReadSpec& spec,
                                                    const std::string& snapshot = "") {
  std::map<std::string, std::vector<Value>> out;
  auto reader = OpenSnapshotReader(params);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return out;
  Status begun = (*reader)->BeginSnapshot(snapshot);
  EXPECT_TRUE(begun.ok()) << begun.ToString();
  CollectingSink sink;
  Status read = (*reader)->Read(spec, sink, {});
  EXPECT_TRUE(read.ok()) << read.ToString();
  EXPECT_TRUE((*reader)->EndSnapshot().ok());
  for (auto& row : sink.rows) out[row[0].value_or("<null>")] = row;
  return out;
}

const catalog::Table* FindTable(const std::vector<catalog::Table>& tables,
                                const std::string& name) {
  for (const auto& t : tables) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

// --- Connection and session ---------------------------------------------------------------

TEST(PostgresEndpoint, SessionSettingsQuotingAndNulls) {
  auto params = FreshPostgresDatabase("sy_pg_ep_session");
  auto session = Connect(params);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  auto rows = (*session)->Query(
      "SELECT current_setting('TimeZone'), current_setting('DateStyle'), "
      "current_setting('IntervalStyle'), current_setting('extra_float_digits'), "
      "current_setting('bytea_output'), current_setting('standard_conforming_strings'), "
      "current_setting('client_encoding'), current_setting('application_name'), "
      "'2024-01-02 03:04:05+02'::timestamptz::text, NULL, '', 0.1::float8::text");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1u);
  const SqlRow& row = (*rows)[0];
  EXPECT_EQ(row[0], "UTC");
  EXPECT_EQ(row[1], "ISO, YMD");
  EXPECT_EQ(row[2], "postgres");
  EXPECT_EQ(row[3], "1");
  EXPECT_EQ(row[4], "hex");
  EXPECT_EQ(row[5], "on");
  EXPECT_EQ(row[6], "UTF8");
  EXPECT_EQ(row[7], "switchyard");
  EXPECT_EQ(row[8], "2024-01-02 01:04:05+00");
  EXPECT_EQ(row[9], std::nullopt);
  EXPECT_EQ(row[10], std::optional<std::string>(""));
  EXPECT_EQ(row[11], "0.1");

  const std::string tricky = "it's a \\ \"test\" 😀";
  auto echoed = (*session)->Query("SELECT " + (*session)->QuoteLiteral(tricky) + " AS " +
                                  (*session)->QuoteIdentifier("we\"ird name"));
  ASSERT_TRUE(echoed.ok()) << echoed.status().ToString();
  EXPECT_EQ((*echoed)[0][0], tricky);
  EXPECT_EQ((*session)->QuoteIdentifier("Mixed\"Case"), "\"Mixed\"\"Case\"");
  EXPECT_EQ((*session)->ServerVersion().substr(0, 3), "15.");
}

TEST(PostgresEndpoint, StatementErrorsCarryServerMessageAndCode) {
  auto params = FreshPostgresDatabase("sy_pg_ep_errors");
  auto session = Connect(params);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  Status missing = (*session)->Execute("SELECT * FROM no_such_table");
  EXPECT_EQ(missing.code(), StatusCode::kDatabaseError);
  EXPECT_NE(missing.message().find("relation \"no_such_table\" does not exist"), std::string::npos)
      << missing.message();
  EXPECT_NE(missing.message().find("42P01"), std::string::npos) << missing.message();
  EXPECT_NE(missing.message().find(params.Describe()), std::string::npos) << missing.message();

  Status bad_value = (*session)->Execute("SELECT 'abc'::integer");
  EXPECT_EQ(bad_value.code(), StatusCode::kDataError) << bad_value.ToString();
  EXPECT_NE(bad_value.message().find("22P02"), std::string::npos) << bad_value.message();

  ExecOrDie(params, "CREATE TABLE nn (a int NOT NULL)");
  Status not_null = (*session)->Execute("INSERT INTO nn VALUES (NULL)");
  EXPECT_EQ(not_null.code(), StatusCode::kDataError) << not_null.ToString();
}

TEST(PostgresEndpoint, WrongPortIsConnectionErrorWithoutPassword) {
  const auto& servers = switchyard::testing::Servers();
  ConnectionParams params = servers.postgres;
  params.port = 1;  // nothing listens there
  auto session = Connect(params);
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.status().code(), StatusCode::kConnectionError);
  EXPECT_NE(session.status().message().find(params.Describe()), std::string::npos)
      << session.status().message();
  EXPECT_EQ(session.status().message().find(servers.pg_password), std::string::npos);

  ConnectionParams wrong_password = servers.postgres;
  const std::string secret = "Wr0ng-Passw0rd-Never-Shown";
  wrong_password.password = Secret(secret);
  auto refused = Connect(wrong_password);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kConnectionError);
  EXPECT_NE(refused.status().message().find("password authentication failed"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ(refused.status().message().find(secret), std::string::npos);
}

TEST(PostgresEndpoint, EmptyPasswordLetsLibpqUsePasswordFile) {
  const auto& servers = switchyard::testing::Servers();
  char path[] = "/tmp/sy_pg_ep_pgpassXXXXXX";
  int fd = mkstemp(path);  // created with mode 0600, as libpq requires
  ASSERT_GE(fd, 0);
  std::string line = "*:" + std::to_string(servers.postgres.port) + ":*:" + servers.postgres.user +
                     ":" + servers.pg_password + "\n";
  ASSERT_EQ(write(fd, line.data(), line.size()), static_cast<ssize_t>(line.size()));
  close(fd);
  setenv("PGPASSFILE", path, 1);
  ConnectionParams params = servers.postgres;
  params.password = Secret();
  auto session = Connect(params);
  unsetenv("PGPASSFILE");
  unlink(path);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  auto one = (*session)->Query("SELECT 1");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ((*one)[0][0], "1");
}

TEST(PostgresEndpoint, TerminatedBackendIsConnectionError) {
  auto params = FreshPostgresDatabase("sy_pg_ep_terminate");
  auto victim = Connect(params);
  auto admin = Connect(params);
  ASSERT_TRUE(victim.ok() && admin.ok());
  auto pid = (*victim)->Query("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok());
  ASSERT_TRUE((*admin)->Execute("SELECT pg_terminate_backend(" + *(*pid)[0][0] + ")").ok());
  Status status = (*victim)->Execute("SELECT 1");
  EXPECT_EQ(status.code(), StatusCode::kConnectionError) << status.ToString();
}

// --- Catalog ------------------------------------------------------------------------------

TEST(PostgresEndpoint, CatalogDescribesTypesKeysIndexesAndOddNames) {
  auto params = FreshPostgresDatabase("sy_pg_ep_catalog");
  ExecOrDie(params, R"sql(
CREATE SCHEMA "SalesData";
CREATE TYPE "SalesData".mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE "SalesData"."bücher" (
  "order" integer NOT NULL,
  "MixedCase" bigint NOT NULL,
  "with space" text DEFAULT 'n/a',
  PRIMARY KEY ("order", "MixedCase"));
CREATE TABLE "SalesData".types (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ser serial,
  c_smallint smallint, c_integer integer NOT NULL DEFAULT 42, c_bigint bigint,
  c_num numeric(38,10), c_num_free numeric, c_real real, c_double double precision,
  c_bool boolean DEFAULT true, c_char char(3), c_varchar varchar(20), c_text text, c_bytea bytea,
  c_date date, c_time time(3), c_timetz timetz, c_ts timestamp(6), c_tstz timestamptz(3),
  c_interval interval, c_json json, c_jsonb jsonb, c_uuid uuid, c_bit bit(10), c_varbit varbit,
  c_int_arr integer[], c_text_arr text[], c_mood "SalesData".mood, c_inet inet, c_money money,
  c_gen bigint GENERATED ALWAYS AS (c_bigint * 2) STORED,
  book_order integer, book_mixed bigint,
  FOREIGN KEY (book_order, book_mixed) REFERENCES "SalesData"."bücher" ("order", "MixedCase")
    ON DELETE CASCADE);
CREATE UNIQUE INDEX types_uuid_key ON "SalesData".types (c_uuid);
CREATE INDEX types_date_text ON "SalesData".types (c_date, c_text);
CREATE INDEX types_lower_text ON "SalesData".types (lower(c_text));
COMMENT ON TABLE "SalesData".types IS 'all the types';
COMMENT ON COLUMN "SalesData".types.c_text IS 'free text';
COMMENT ON COLUMN "SalesData"."bücher"."with space" IS 'spaced out';
CREATE TABLE public.other (x int);
INSERT INTO "SalesData"."bücher" VALUES (1, 2, 'x');
ANALYZE "SalesData"."bücher")sql");

  auto reader = OpenCatalogReader(params);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto tables = (*reader)->ReadTables(
      [](const std::string& schema, const std::string&) { return schema == "SalesData"; });
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  ASSERT_EQ(tables->size(), 2u);

  const catalog::Table* books = FindTable(*tables, "bücher");
  ASSERT_NE(books, nullptr);
  EXPECT_EQ(books->schema, "SalesData");
  ASSERT_EQ(books->columns.size(), 3u);
  EXPECT_EQ(books->columns[0].name, "order");
  EXPECT_EQ(books->columns[1].name, "MixedCase");
  EXPECT_EQ(books->columns[2].name, "with space");
  EXPECT_EQ(books->columns[2].default_expr, "'n/a'::text");
  EXPECT_EQ(books->columns[2].comment, "spaced out");
  EXPECT_FALSE(books->columns[0].nullable);
  ASSERT_TRUE(books->primary_key.has_value());
  EXPECT_TRUE(books->primary_key->primary);
  EXPECT_EQ(books->primary_key->columns, (std::vector<std::string>{"order", "MixedCase"}));
  EXPECT_EQ(books->estimated_rows, 1);
  EXPECT_GT(books->estimated_bytes, 0);

  const catalog::Table* types = FindTable(*tables, "types");
  ASSERT_NE(types, nullptr);
  EXPECT_EQ(types->comment, "all the types");
  ASSERT_EQ(types->columns.size(), 33u);
  struct Expect {
    std::string column, name, full;
    std::optional<int64_t> length;
    std::optional<int> precision, scale;
  };
  const std::vector<Expect> expected = {
      {"c_smallint", "smallint", "smallint", {}, {}, {}},
      {"c_integer", "integer", "integer", {}, {}, {}},
      {"c_bigint", "bigint", "bigint", {}, {}, {}},
      {"c_num", "numeric", "numeric(38,10)", {}, 38, 10},
      {"c_num_free", "numeric", "numeric", {}, {}, {}},
      {"c_real", "real", "real", {}, {}, {}},
      {"c_double", "double precision", "double precision", {}, {}, {}},
      {"c_bool", "boolean", "boolean", {}, {}, {}},
      {"c_char", "character", "character(3)", 3, {}, {}},
      {"c_varchar", "character varying", "character varying(20)", 20, {}, {}},
      {"c_text", "text", "text", {}, {}, {}},
      {"c_bytea", "bytea", "bytea", {}, {}, {}},
      {"c_date", "date", "date", {}, {}, {}},
      {"c_time", "time without time zone", "time(3) without time zone", {}, 3, {}},
      {"c_timetz", "time with time zone", "time with time zone", {}, {}, {}},
      {"c_ts", "timestamp without time zone", "timestamp(6) without time zone", {}, 6, {}},
      {"c_tstz", "timestamp with time zone", "timestamp(3) with time zone", {}, 3, {}},
      {"c_interval", "interval", "interval", {}, {}, {}},
      {"c_json", "json", "json", {}, {}, {}},
      {"c_jsonb", "jsonb", "jsonb", {}, {}, {}},
      {"c_uuid", "uuid", "uuid", {}, {}, {}},
      {"c_bit", "bit", "bit(10)", 10, {}, {}},
      {"c_varbit", "bit varying", "bit varying", {}, {}, {}},
      {"c_int_arr", "integer[]", "integer[]", {}, {}, {}},
      {"c_text_arr", "text[]", "text[]", {}, {}, {}},
      {"c_mood", "mood", "\"SalesData\".mood", {}, {}, {}},
      {"c_inet", "inet", "inet", {}, {}, {}},
      {"c_money", "money", "money", {}, {}, {}},
  };
  for (const Expect& e : expected) {
    const catalog::Column* column = types->FindColumn(e.column);
    ASSERT_NE(column, nullptr) << e.column;
    EXPECT_EQ(column->type.name, e.name) << e.column;
    EXPECT_EQ(column->type.full, e.full) << e.column;
    EXPECT_EQ(column->type.length, e.length) << e.column;
    EXPECT_EQ(column->type.precision, e.precision) << e.column;
    EXPECT_EQ(column->type.scale, e.scale) << e.column;
    EXPECT_EQ(column->type.is_array, e.column == "c_int_arr" || e.column == "c_text_arr")
        << e.column;
  }
  EXPECT_EQ(types->columns[0].name, "id");
  EXPECT_EQ(types->columns[32].name, "book_mixed");
  EXPECT_EQ(types->FindColumn("c_int_arr")->type.element_name, "integer");
  EXPECT_EQ(types->FindColumn("c_text_arr")->type.element_name, "text");
  EXPECT_EQ(types->FindColumn("c_mood")->type.enum_values,
            (std::vector<std::string>{"sad", "ok", "happy"}));

  const catalog::Column* id = types->FindColumn("id");
  EXPECT_TRUE(id->auto_increment);
  EXPECT_FALSE(id->nullable);
  EXPECT_FALSE(id->default_expr.has_value());
  const catalog::Column* ser = types->FindColumn("ser");
  EXPECT_TRUE(ser->auto_increment);
  EXPECT_EQ(ser->default_expr, "nextval('\"SalesData\".types_ser_seq'::regclass)");
  const catalog::Column* c_integer = types->FindColumn("c_integer");
  EXPECT_FALSE(c_integer->nullable);
  EXPECT_FALSE(c_integer->auto_increment);
  EXPECT_EQ(c_integer->default_expr, "42");
  EXPECT_EQ(types->FindColumn("c_bool")->default_expr, "true");
  EXPECT_TRUE(types->FindColumn("c_gen")->generated);
  EXPECT_FALSE(types->FindColumn("c_bigint")->generated);
  EXPECT_EQ(types->FindColumn("c_text")->comment, "free text");
  EXPECT_TRUE(types->FindColumn("c_text")->nullable);

  ASSERT_TRUE(types->primary_key.has_value());
  EXPECT_EQ(types->primary_key->columns, std::vector<std::string>{"id"});
  ASSERT_EQ(types->indexes.size(), 2u);
  EXPECT_EQ(types->indexes[0].name, "types_date_text");
  EXPECT_FALSE(types->indexes[0].unique);
  EXPECT_EQ(types->indexes[0].columns, (std::vector<std::string>{"c_date", "c_text"}));
  EXPECT_EQ(types->indexes[1].name, "types_uuid_key");
  EXPECT_TRUE(types->indexes[1].unique);
  EXPECT_EQ(types->indexes[1].columns, std::vector<std::string>{"c_uuid"});

  auto* pg_reader = dynamic_cast<postgres::PgCatalogReader*>(reader->get());
  ASSERT_NE(pg_reader, nullptr);
  ASSERT_EQ(pg_reader->special_indexes().size(), 1u);
  EXPECT_EQ(pg_reader->special_indexes()[0].name, "types_lower_text");
  EXPECT_EQ(pg_reader->special_indexes()[0].table, "types");
  EXPECT_NE(pg_reader->special_indexes()[0].definition.find("lower(c_text)"), std::string::npos)
      << pg_reader->special_indexes()[0].definition;

  ASSERT_EQ(types->foreign_keys.size(), 1u);
  const catalog::ForeignKey& fk = types->foreign_keys[0];
  EXPECT_EQ(fk.columns, (std::vector<std::string>{"book_order", "book_mixed"}));
  EXPECT_EQ(fk.ref_schema, "SalesData");
  EXPECT_EQ(fk.ref_table, "bücher");
  EXPECT_EQ(fk.ref_columns, (std::vector<std::string>{"order", "MixedCase"}));
  EXPECT_EQ(fk.on_delete, "CASCADE");
  EXPECT_EQ(fk.on_update, "NO ACTION");

  // Without a filter: the public table too, and never a system schema.
  auto all = (*reader)->ReadTables(nullptr);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_NE(FindTable(*all, "other"), nullptr);
}

TEST(PostgresEndpoint, CatalogListsPartitionedParentOnly) {
  auto params = FreshPostgresDatabase("sy_pg_ep_partitions");
  ExecOrDie(params, R"sql(
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, PRIMARY KEY (id, at))
  PARTITION BY RANGE (at);
CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO events SELECT g, '2023-06-01'::date + (g % 400) FROM generate_series(1, 1000) g;
ANALYZE events)sql");
  auto reader = OpenCatalogReader(params);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto tables = (*reader)->ReadTables(nullptr);
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  ASSERT_EQ(tables->size(), 1u);
  EXPECT_EQ((*tables)[0].name, "events");
  EXPECT_EQ((*tables)[0].estimated_rows, 1000);
  EXPECT_GT((*tables)[0].estimated_bytes, 0);
  ASSERT_TRUE((*tables)[0].primary_key.has_value());
  EXPECT_EQ((*tables)[0].primary_key->columns, (std::vector<std::string>{"id", "at"}));
}

// --- Snapshot reads -----------------------------------------------------------------------

TEST(PostgresEndpoint, SnapshotReadReturnsExactBytes) {
  auto params = FreshPostgresDatabase("sy_pg_ep_read");
  ExecOrDie(params, R"sql(
CREATE SCHEMA "Odd Schema";
CREATE TABLE "Odd Schema"."MixedCase" (id int PRIMARY KEY, "with space" text, b bytea,
                                       ts timestamptz, f float8);
INSERT INTO "Odd Schema"."MixedCase" VALUES
  (1, NULL, NULL, '2024-01-02 03:04:05.123456+02', 0.1),
  (2, '', '\x', NULL, 1e300),
  (3, E'back\\slash \\N', '\x00ff5c0a', NULL, '-0'),
  (4, E'tab\there', NULL, NULL, NULL),
  (5, E'new\nline\r\nend', NULL, NULL, NULL),
  (6, '😀 bücher ß', NULL, NULL, NULL),
  (7, repeat('x', 10 * 1024 * 1024), NULL, NULL, NULL),
  (8, E'\\N', NULL, NULL, NULL),
  (9, E'\\.', NULL, NULL, NULL))sql");

  auto reader = OpenSnapshotReader(params);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_TRUE((*reader)->BeginSnapshot("").ok());
  ReadSpec spec = Spec("Odd Schema", "MixedCase", {"id", "\"with space\"", "b", "ts", "f"});
  spec.batch_rows = 4;
  CollectingSink sink;
  Status read = (*reader)->Read(spec, sink, {});
  ASSERT_TRUE(read.ok()) << read.ToString();
  ASSERT_TRUE((*reader)->EndSnapshot().ok());
  EXPECT_GE(sink.batches, 3);

  std::map<std::string, std::vector<Value>> rows;
  for (auto& row : sink.rows) rows[*row[0]] = row;
  ASSERT_EQ(rows.size(), 9u);
  EXPECT_EQ(rows["1"][1], std::nullopt);
  EXPECT_EQ(rows["1"][2], std::nullopt);
  EXPECT_EQ(rows["1"][3], "2024-01-02 01:04:05.123456+00");
  EXPECT_EQ(rows["1"][4], "0.1");
  EXPECT_EQ(rows["2"][1], "");
  EXPECT_EQ(rows["2"][2], "\\x");
  EXPECT_EQ(rows["2"][4], "1e+300");
  EXPECT_EQ(rows["3"][1], "back\\slash \\N");
  EXPECT_EQ(rows["3"][2], "\\x00ff5c0a");
  EXPECT_EQ(rows["3"][4], "-0");
  EXPECT_EQ(rows["4"][1], "tab\there");
  EXPECT_EQ(rows["5"][1], "new\nline\r\nend");
  EXPECT_EQ(rows["6"][1], "😀 bücher ß");
  EXPECT_EQ(rows["7"][1], std::string(10 * 1024 * 1024, 'x'));
  EXPECT_EQ(rows["8"][1], "\\N");
  EXPECT_EQ(rows["9"][1], "\\.");

  // A WHERE clause and expressions are passed through.
  auto filtered = ReadByKey(
      params, Spec("Odd Schema", "MixedCase", {"id", "length(\"with space\")"}, "id IN (2, 6)"));
  ASSERT_EQ(filtered.size(), 2u);
  EXPECT_EQ(filtered["2"][1], "0");
  EXPECT_EQ(filtered["6"][1], "10");  // characters, not bytes
}

TEST(PostgresEndpoint, ImportedSnapshotSeesDataAsOfExport) {
  auto params = FreshPostgresDatabase("sy_pg_ep_snapshot");
  ExecOrDie(params,
            "CREATE TABLE t (id int, v text);\nINSERT INTO t VALUES (1, 'old'), (2, 'old')");
  auto exporter = Connect(params);
  ASSERT_TRUE(exporter.ok()) << exporter.status().ToString();
  ASSERT_TRUE((*exporter)->Execute("BEGIN ISOLATION LEVEL REPEATABLE READ").ok());
  auto exported = (*exporter)->Query("SELECT pg_export_snapshot()");
  ASSERT_TRUE(exported.ok()) << exported.status().ToString();
  std::string snapshot = *(*exported)[0][0];

  ExecOrDie(params, "INSERT INTO t VALUES (3, 'new');\nUPDATE t SET v = 'changed' WHERE id = 1");

  auto as_of_export = ReadByKey(params, Spec("public", "t", {"id", "v"}), snapshot);
  ASSERT_EQ(as_of_export.size(), 2u);
  EXPECT_EQ(as_of_export["1"][1], "old");
  EXPECT_EQ(as_of_export["2"][1], "old");

  auto now = ReadByKey(params, Spec("public", "t", {"id", "v"}));
  ASSERT_EQ(now.size(), 3u);
  EXPECT_EQ(now["1"][1], "changed");
  EXPECT_EQ(now["3"][1], "new");
  ASSERT_TRUE((*exporter)->Execute("COMMIT").ok());

  auto reader = OpenSnapshotReader(params);
  ASSERT_TRUE(reader.ok());
  Status gone = (*reader)->BeginSnapshot(snapshot);
  EXPECT_FALSE(gone.ok()) << "a snapshot whose exporter committed cannot be imported";
}

TEST(PostgresEndpoint, StopRequestCancelsReadAndKeepsConnectionUsable) {
  auto params = FreshPostgresDatabase("sy_pg_ep_cancel");
  ExecOrDie(params,
            "CREATE TABLE big AS SELECT g AS id, md5(g::text) AS v "
            "FROM generate_series(1, 200000) g");
  auto reader = OpenSnapshotReader(params);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->BeginSnapshot("").ok());
  std::stop_source stop;
  struct StoppingSink : RowSink {
    std::stop_source* stop;
    int batches = 0;
    Status Consume(const RowBatch&) override {
      ++batches;
      stop->request_stop();
      return Status::Ok();
    }
  } sink;
  sink.stop = &stop;
  ReadSpec spec = Spec("public", "big", {"id", "v"});
  spec.batch_rows = 1000;
  Status read = (*reader)->Read(spec, sink, stop.get_token());
  EXPECT_EQ(read.code(), StatusCode::kCancelled) << read.ToString();
  EXPECT_EQ(sink.batches, 1);
  EXPECT_TRUE((*reader)->EndSnapshot().ok());
  auto* pg_reader = dynamic_cast<postgres::PgSnapshotReader*>(reader->get());
  ASSERT_NE(pg_reader, nullptr);
  auto alive = pg_reader->session().Query("SELECT count(*) FROM big");
  ASSERT_TRUE(alive.ok()) << alive.status().ToString();
  EXPECT_EQ((*alive)[0][0], "200000");
}

// --- Bulk loads ---------------------------------------------------------------------------

const std::vector<Value>& TrickyTexts() {
  static const std::vector<Value> values = {
      std::nullopt,
      "",
      "\\N",
      "\\.",
      "back\\slash\\\\double",
      "tab\tinside",
      "line\nbreak\r\n",
      "😀 emoji and bücher",
      std::string(300000, 'y'),
      "trailing\\",
  };
  return values;
}

TEST(PostgresEndpoint, BulkLoadRoundTripsTrickyValues) {
  auto params = FreshPostgresDatabase("sy_pg_ep_load");
  ExecOrDie(params,
            "CREATE SCHEMA \"Load Here\";\n"
            "CREATE TABLE \"Load Here\".\"Target\" (id int PRIMARY KEY, \"the text\" text, "
            "n numeric, b bytea, ts timestamptz)");
  auto loader = OpenBulkLoader(params);
  ASSERT_TRUE(loader.ok()) << loader.status().ToString();
  LoadSpec spec{"Load Here", "Target", {"id", "the text", "n", "b", "ts"}, {}};
  ASSERT_TRUE((*loader)->Begin(spec).ok());
  const auto& texts = TrickyTexts();
  for (size_t half = 0; half < 2; ++half) {  // two batches in one COPY
    RowBatch batch(5);
    for (size_t i = half; i < texts.size(); i += 2) {
      batch.AppendField(std::to_string(i));
      if (texts[i])
        batch.AppendField(*texts[i]);
      else
        batch.AppendNull();
      batch.AppendField(i == 0 ? "12345678901234567890.0123456789" : "-1.5");
      batch.AppendField(i == 1 ? "\\x00ff5c" : "\\x");
      batch.AppendField("2024-05-06 07:08:09.5+03");
    }
    Status written = (*loader)->Write(batch);
    ASSERT_TRUE(written.ok()) << written.ToString();
  }
  Status committed = (*loader)->Commit();
  ASSERT_TRUE(committed.ok()) << committed.ToString();

  auto rows =
      ReadByKey(params, Spec("Load Here", "Target", {"id", "\"the text\"", "n", "b", "ts"}));
  ASSERT_EQ(rows.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(rows[std::to_string(i)][1], texts[i]) << "row " << i;
  }
  EXPECT_EQ(rows["0"][2], "12345678901234567890.0123456789");
  EXPECT_EQ(rows["1"][3], "\\x00ff5c");
  EXPECT_EQ(rows["2"][3], "\\x");
  EXPECT_EQ(rows["3"][4], "2024-05-06 04:08:09.5+00");

  // The loader is reusable, and its session runs DDL.
  ASSERT_TRUE((*loader)->session().Execute("TRUNCATE \"Load Here\".\"Target\"").ok());
  ASSERT_TRUE((*loader)->Begin(spec).ok());
  RowBatch one(5);
  for (const char* v : {"42", "again", "1", "\\x01", "2000-01-01 00:00:00+00"}) one.AppendField(v);
  ASSERT_TRUE((*loader)->Write(one).ok());
  ASSERT_TRUE((*loader)->Commit().ok());
  auto again = ReadByKey(params, Spec("Load Here", "Target", {"id", "\"the text\""}));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again["42"][1], "again");
}

TEST(PostgresEndpoint, NulByteIsRejectedBeforeTheBatchIsSent) {
  auto params = FreshPostgresDatabase("sy_pg_ep_nul");
  ExecOrDie(params, "CREATE TABLE t (id int, \"Note Text\" text)");
  auto loader = OpenBulkLoader(params);
  ASSERT_TRUE(loader.ok());
  ASSERT_TRUE((*loader)->Begin({"public", "t", {"id", "Note Text"}, {}}).ok());
  RowBatch bad(2);
  bad.AppendField("1");
  bad.AppendField("fine");
  bad.AppendField("2");
  bad.AppendField(std::string("nul\0byte", 8));
  Status rejected = (*loader)->Write(bad);
  EXPECT_EQ(rejected.code(), StatusCode::kDataError);
  EXPECT_NE(rejected.message().find("\"Note Text\""), std::string::npos) << rejected.message();
  EXPECT_NE(rejected.message().find("row 1"), std::string::npos) << rejected.message();

  RowBatch good(2);
  good.AppendField("3");
  good.AppendField("kept");
  ASSERT_TRUE((*loader)->Write(good).ok());
  Status committed = (*loader)->Commit();
  ASSERT_TRUE(committed.ok()) << committed.ToString();
  auto rows = ReadByKey(params, Spec("public", "t", {"id", "\"Note Text\""}));
  ASSERT_EQ(rows.size(), 1u) << "nothing of the rejected batch reached the table";
  EXPECT_EQ(rows["3"][1], "kept");
}

TEST(PostgresEndpoint, TypeErrorInLoadIsDataErrorWithServerMessage) {
  auto params = FreshPostgresDatabase("sy_pg_ep_typeerr");
  ExecOrDie(params, "CREATE TABLE t (id int, n integer)");
  auto loader = OpenBulkLoader(params);
  ASSERT_TRUE(loader.ok());
  ASSERT_TRUE((*loader)->Begin({"public", "t", {"id", "n"}, {}}).ok());
  RowBatch batch(2);
  batch.AppendField("1");
  batch.AppendField("7");
  batch.AppendField("2");
  batch.AppendField("abc");
  Status status = (*loader)->Write(batch);
  // Keep streaming after the bad row: libpq reports the error when the COPY ends at the latest.
  RowBatch more(2);
  for (int i = 0; i < 20000; ++i) {
    more.AppendField(std::to_string(i));
    more.AppendField("1");
  }
  for (int i = 0; i < 50 && status.ok(); ++i) status = (*loader)->Write(more);
  if (status.ok()) status = (*loader)->Commit();
  EXPECT_EQ(status.code(), StatusCode::kDataError) << status.ToString();
  EXPECT_NE(status.message().find("invalid input syntax for type integer: \"abc\""),
            std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("CONTEXT: COPY t, line 2, column n"), std::string::npos)
      << status.message();
  EXPECT_TRUE((*loader)->Abort().ok());

  // After Abort the loader starts over cleanly and nothing of the failed load is left.
  ASSERT_TRUE((*loader)->Begin({"public", "t", {"id", "n"}, {}}).ok());
  RowBatch fixed(2);
  fixed.AppendField("3");
  fixed.AppendField("9");
  ASSERT_TRUE((*loader)->Write(fixed).ok());
  ASSERT_TRUE((*loader)->Commit().ok());
  auto rows = ReadByKey(params, Spec("public", "t", {"id", "n"}));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows["3"][1], "9");
}

TEST(PostgresEndpoint, AbortRollsBackRowsAlreadySent) {
  auto params = FreshPostgresDatabase("sy_pg_ep_abort");
  ExecOrDie(params, "CREATE TABLE t (id int)");
  auto loader = OpenBulkLoader(params);
  ASSERT_TRUE(loader.ok());
  ASSERT_TRUE((*loader)->Begin({"public", "t", {"id"}, {}}).ok());
  RowBatch batch(1);
  batch.AppendField("1");
  ASSERT_TRUE((*loader)->Write(batch).ok());
  ASSERT_TRUE((*loader)->Abort().ok());
  auto rows = ReadByKey(params, Spec("public", "t", {"id"}));
  EXPECT_TRUE(rows.empty());
}

// --- Raw pass-through ---------------------------------------------------------------------

TEST(PostgresEndpoint, RawCopyBetweenDatabasesKeepsEveryValue) {
  auto source = FreshPostgresDatabase("sy_pg_ep_raw_src");
  auto target = FreshPostgresDatabase("sy_pg_ep_raw_dst");
  const std::string ddl =
      "CREATE TABLE \"Raw\" (id int PRIMARY KEY, t text, b bytea, a int[], j jsonb, "
      "ts timestamptz, f float8)";
  ExecOrDie(source, ddl);
  ExecOrDie(target, ddl);
  ExecOrDie(source, R"sql(
INSERT INTO "Raw" VALUES
  (1, NULL, '\x00ff', '{1,NULL,3}', '{"k": "v\"q"}', '2024-01-01 00:00:00.000001+05', 0.1),
  (2, '', '\x', '{}', 'null', NULL, 'NaN'),
  (3, E'tab\there\nnew\\line', NULL, NULL, NULL, NULL, 1e-300),
  (4, '😀', NULL, NULL, NULL, NULL, NULL);
INSERT INTO "Raw" SELECT g, md5(g::text), NULL, NULL, NULL, NULL, g / 3.0
  FROM generate_series(5, 5000) g)sql");

  auto reader = OpenSnapshotReader(source);
  auto loader = OpenBulkLoader(target);
  ASSERT_TRUE(reader.ok() && loader.ok());
  // Through the interfaces: the PostgreSQL classes override ReadRaw / WriteRaw.
  SnapshotReader* raw_reader = reader->get();
  BulkLoader* raw_loader = loader->get();

  const std::vector<std::string> columns = {"id", "t", "b", "a", "j", "ts", "f"};
  ReadSpec spec = Spec("public", "Raw", {"id", "t", "b", "a", "j", "ts", "f"});
  spec.batch_rows = 700;
  ASSERT_TRUE(raw_reader->BeginSnapshot("").ok());
  ASSERT_TRUE(raw_loader->Begin({"public", "Raw", columns, {}}).ok());
  int chunks = 0;
  size_t lines = 0;
  Status read = raw_reader->ReadRaw(spec,
                                    [&](std::string_view chunk) {
                                      ++chunks;
                                      EXPECT_EQ(chunk.back(), '\n');
                                      for (char c : chunk) lines += c == '\n';
                                      return raw_loader->WriteRaw(chunk);
                                    },
                                    {});
  ASSERT_TRUE(read.ok()) << read.ToString();
  ASSERT_TRUE(raw_reader->EndSnapshot().ok());
  Status committed = raw_loader->Commit();
  ASSERT_TRUE(committed.ok()) << committed.ToString();
  EXPECT_EQ(chunks, 8);  // 5000 rows in chunks of 700
  EXPECT_EQ(lines, 5000u);

  auto before = ReadByKey(source, spec);
  auto after = ReadByKey(target, spec);
  ASSERT_EQ(before.size(), 5000u);
  EXPECT_TRUE(before == after);
  EXPECT_EQ(after["1"][1], std::nullopt);
  EXPECT_EQ(after["1"][2], "\\x00ff");
  EXPECT_EQ(after["1"][3], "{1,NULL,3}");
  EXPECT_EQ(after["1"][4], "{\"k\": \"v\\\"q\"}");
  EXPECT_EQ(after["1"][5], "2023-12-31 19:00:00.000001+00");
  EXPECT_EQ(after["2"][6], "NaN");
  EXPECT_EQ(after["3"][1], "tab\there\nnew\\line");
  EXPECT_EQ(after["3"][6], "1e-300");
  EXPECT_EQ(after["4"][1], "😀");
}

}  // namespace
}  // namespace switchyard::endpoints
