// The engine's model of a database schema, as read from a source catalog and as planned for a
// target. Plain values: no connection, no engine-specific behaviour. Readers in
// endpoints/<engine>/ fill these; catalog/type_mapping turns a source Table into a target one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace switchyard::catalog {

// The two server families we speak. MariaDB and MySQL share one endpoint (EngineName
// "mysql" or "mariadb"); `flavor` strings in Endpoint config keep them apart where it matters.
enum class Engine { kPostgres, kMySql };

const char* EngineName(Engine engine);

// A column type as the source engine describes it.
struct ColumnType {
  // Base type name in lower case as the engine names it: "int", "varchar", "decimal",
  // "enum" for MySQL (DATA_TYPE); "integer", "character varying", "numeric",
  // "timestamp with time zone", "USER-DEFINED" resolved to the type name for PostgreSQL.
  std::string name;
  // The full type text as the engine prints it, used verbatim for same-engine copies:
  // "int(10) unsigned", "enum('a','b')" (MySQL COLUMN_TYPE); "numeric(10,2)",
  // "character varying(20)", "integer[]" (PostgreSQL format_type()).
  std::string full;
  std::optional<int64_t> length;  // characters for strings, bytes for binary, bits for bit
  std::optional<int> precision;   // numeric precision, or fractional seconds for temporals
  std::optional<int> scale;
  bool is_unsigned = false;              // MySQL only
  std::vector<std::string> enum_values;  // MySQL ENUM/SET members, PostgreSQL enum labels
  std::string charset;                   // MySQL column charset ("utf8mb4", "latin1", "binary")
  bool is_array = false;                 // PostgreSQL array
  std::string element_name;              // PostgreSQL array element base type name
  bool is_json = false;                  // MariaDB JSON is LONGTEXT with a json_valid() check
};

struct Column {
  std::string name;
  ColumnType type;
  bool nullable = true;
  std::optional<std::string>
      default_expr;             // as the source prints it; not translated across engines
  bool auto_increment = false;  // MySQL AUTO_INCREMENT, PostgreSQL identity or serial
  bool generated = false;       // computed column: read but never written
  std::string comment;
};

struct Index {
  std::string name;
  std::vector<std::string> columns;
  bool unique = false;
  bool primary = false;
};

struct ForeignKey {
  std::string name;
  std::vector<std::string> columns;
  std::string ref_schema;
  std::string ref_table;
  std::vector<std::string> ref_columns;
  std::string on_update = "NO ACTION";  // SQL keywords, same spelling on both engines
  std::string on_delete = "NO ACTION";
};

struct Table {
  std::string schema;  // PostgreSQL schema; MySQL database
  std::string name;
  std::vector<Column> columns;
  std::optional<Index> primary_key;
  std::vector<Index> indexes;  // secondary indexes (unique or not), without the primary key
  std::vector<ForeignKey> foreign_keys;
  // Indexes `Index` cannot describe (PostgreSQL expression, partial, GIN/GiST...), as the
  // source's own CREATE INDEX statement: replayable on the same engine only.
  struct NativeIndex {
    std::string name;
    std::string definition;
  };
  std::vector<NativeIndex> native_indexes;
  std::vector<std::string> partitions;  // MySQL partition names in order; empty: not partitioned
  std::string comment;
  int64_t estimated_rows = 0;  // from the engine's statistics; may be 0 or stale
  int64_t estimated_bytes = 0;

  const Column* FindColumn(const std::string& column_name) const;
  std::string QualifiedName() const { return schema + "." + name; }
};

// A standalone sequence (PostgreSQL sequences not owned by an identity or serial column).
struct Sequence {
  std::string schema;
  std::string name;
  std::string data_type = "bigint";
  int64_t start = 1;
  int64_t increment = 1;
  int64_t min_value = 1;
  int64_t max_value = 0;
  bool cycle = false;
  std::optional<int64_t> last_value;  // nullopt: nextval() was never called
};

}  // namespace switchyard::catalog
