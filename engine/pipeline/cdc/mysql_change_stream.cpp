#include "engine/pipeline/cdc/mysql_change_stream.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>

#include "engine/catalog/identifier.h"
#include "engine/endpoints/mysql/binlog/fixed_binary_text.h"
#include "engine/endpoints/mysql/binlog/value_decoder.h"
#include "engine/pipeline/cdc/mysql_statement.h"

namespace switchyard::pipeline::cdc {

namespace binlog = endpoints::mysql::binlog;
using mysql_statement::Identifier;
using mysql_statement::Lower;
using mysql_statement::SkipSpaceAndComments;
using mysql_statement::Word;

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// How one target column's value is made from a binlog value.
enum class Conversion { kPlain, kFloatAsDouble, kBitDigits, kBitNumber, kFixedBinaryText };

struct ColumnSource {
  size_t binlog_index = 0;
  Conversion conversion = Conversion::kPlain;
  int bit_digits = 0;  // kBitDigits: n of LPAD(...,n,'0')
  // kFixedBinaryText: MariaDB UUID/INET4/INET6, binary in the binlog, text in a SELECT.
  binlog::FixedBinaryType fixed_binary = binlog::FixedBinaryType::kUuid;
  bool truth = false;  // wrapped in (... <> 0)
  // Not in this rows event's table map: the plan is ahead of the binlog (a reload planned the
  // table from a catalog altered after this event); decoded as ChangeValue::Unchanged, which
  // only events before the table's load position meet, and the apply leaves those out.
  bool missing = false;
};

// Parses the select_expr the type mapping gives a MySQL column (type_mapping.cpp).
// `source_data_type` is the column's DATA_TYPE in the source catalog.
Result<ColumnSource> ParseSelectExpr(const catalog::ColumnPlan& col, const binlog::ColumnDef& def,
                                     size_t index, std::string_view source_data_type) {
  ColumnSource s;
  s.binlog_index = index;
  std::string_view expr = col.select_expr;
  const std::string qcol = catalog::QuoteIdentifier(catalog::Engine::kMySql, col.source_name);
  auto unsupported = [&]() {
    return Status::Unsupported("MySQL change stream: column \"" + col.target_name +
                               "\" is read with select_expr \"" + col.select_expr +
                               "\", which the binlog reader cannot reproduce");
  };
  if (expr.size() > 7 && expr.front() == '(' && expr.substr(expr.size() - 6) == " <> 0)") {
    s.truth = true;
    expr = expr.substr(1, expr.size() - 7);
  }
  const std::string cast_prefix = "CAST(" + qcol + " AS DOUBLE)";
  const std::string lpad_prefix = "LPAD(BIN(" + qcol + "+0),";
  if (expr == qcol || expr == col.source_name) {
    s.conversion = Conversion::kPlain;
    if (auto fixed = binlog::FixedBinaryTypeOf(source_data_type)) {
      if (def.type != binlog::column_type::kString ||
          def.real_type != binlog::column_type::kString ||
          def.max_length != binlog::FixedBinaryLength(*fixed)) {
        return Status::DataError("MySQL change stream: column \"" + col.source_name + "\" is " +
                                 std::string(source_data_type) +
                                 " in the catalog but not a BINARY(" +
                                 std::to_string(binlog::FixedBinaryLength(*fixed)) +
                                 ") in the binlog; was the table altered?");
      }
      s.conversion = Conversion::kFixedBinaryText;
      s.fixed_binary = *fixed;
    }
  } else if (expr == cast_prefix) {
    s.conversion =
        def.type == binlog::column_type::kFloat ? Conversion::kFloatAsDouble : Conversion::kPlain;
  } else if (expr == "(" + qcol + "+0)" && def.type == binlog::column_type::kBit) {
    s.conversion = Conversion::kBitNumber;
  } else if (expr.starts_with(lpad_prefix) && expr.ends_with(",'0')") &&
             def.type == binlog::column_type::kBit) {
    std::string_view digits = expr.substr(lpad_prefix.size(), expr.size() - lpad_prefix.size() - 5);
    if (digits.empty() || digits.size() > 2 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return unsupported();
    }
    s.conversion = Conversion::kBitDigits;
    s.bit_digits = std::atoi(std::string(digits).c_str());
    if (s.bit_digits < 1 || s.bit_digits > 64) return unsupported();
  } else {
    return unsupported();
  }
  return s;
}

uint64_t BitValue(std::string_view raw) {
  uint64_t v = 0;
  for (char c : raw) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

// Non-zero in MySQL's sense for a decoded number ("0.000", "-0", "1e-5", "12").
bool NonZero(std::string_view number) {
  for (char c : number) {
    if (c == 'e' || c == 'E') break;
    if (c >= '1' && c <= '9') return true;
  }
  return false;
}

Result<std::string> Convert(const ColumnSource& s, const std::string& decoded,
                            const catalog::ColumnPlan& col) {
  std::string value;
  switch (s.conversion) {
    case Conversion::kPlain:
      value = decoded;
      break;
    case Conversion::kFloatAsDouble: {
      const char* begin = decoded.c_str();
      char* end = nullptr;
      float f = std::strtof(begin, &end);
      if (end == begin || *end != '\0') {
        return Status::DataError("MySQL change stream: column \"" + col.target_name +
                                 "\": FLOAT value \"" + decoded + "\" does not parse");
      }
      value = binlog::FormatDouble(static_cast<double>(f));
      break;
    }
    case Conversion::kBitDigits: {
      uint64_t v = BitValue(decoded);
      value.assign(static_cast<size_t>(s.bit_digits), '0');
      for (int i = 0; i < s.bit_digits; ++i) {
        if ((v >> i) & 1u) value[static_cast<size_t>(s.bit_digits - 1 - i)] = '1';
      }
      break;
    }
    case Conversion::kBitNumber:
      value = std::to_string(BitValue(decoded));
      break;
    case Conversion::kFixedBinaryText: {
      auto text = binlog::FixedBinaryToText(s.fixed_binary, decoded);
      if (!text.ok()) {
        return text.status().WithContext("MySQL change stream: column \"" + col.target_name + "\"");
      }
      value = std::move(text).value();
      break;
    }
  }
  if (s.truth) {
    bool nz = s.conversion == Conversion::kBitDigits ? value.find('1') != std::string::npos
                                                     : NonZero(value);
    value = nz ? "1" : "0";
  }
  return value;
}

// Mapping of one rows event's table to a plan's target columns.
Result<std::vector<ColumnSource>> MapColumns(const TablePlan& plan, const binlog::TableMap& map) {
  const auto& cols = map.columns;
  const bool have_names = map.has_optional_metadata &&
                          std::all_of(cols.begin(), cols.end(),
                                      [](const binlog::ColumnDef& c) { return !c.name.empty(); });
  if (!have_names && cols.size() != plan.source.columns.size()) {
    return Status::DataError("MySQL change stream: " + plan.SourceName() + " has " +
                             std::to_string(cols.size()) + " columns in the binlog but " +
                             std::to_string(plan.source.columns.size()) +
                             " in the plan, and the binlog carries no column names "
                             "(binlog_row_metadata=FULL); was the table altered?");
  }
  std::vector<ColumnSource> out;
  out.reserve(plan.target.columns.size());
  for (const catalog::ColumnPlan& col : plan.target.columns) {
    if (col.source_name.empty()) {
      return Status::Unsupported("MySQL change stream: column \"" + col.target_name + "\" of " +
                                 plan.TargetName() +
                                 " has no source column (added by a rule); its select_expr \"" +
                                 col.select_expr + "\" cannot be evaluated on binlog rows");
    }
    std::optional<size_t> index;
    for (size_t i = 0; i < cols.size(); ++i) {
      const std::string& name = have_names ? cols[i].name : plan.source.columns[i].name;
      if (EqualsIgnoreCase(name, col.source_name)) {
        index = i;
        break;
      }
    }
    if (!index) {
      ColumnSource missing;
      missing.missing = true;
      out.push_back(missing);
      continue;
    }
    std::string_view source_data_type;
    for (const catalog::Column& c : plan.source.columns) {
      if (EqualsIgnoreCase(c.name, col.source_name)) source_data_type = c.type.name;
    }
    SY_ASSIGN_OR_RETURN(ColumnSource s,
                        ParseSelectExpr(col, cols[*index], *index, source_data_type));
    out.push_back(s);
  }
  return out;
}

enum class ImageRole { kBefore, kAfterInsert, kAfterUpdate };

Result<std::vector<ChangeValue>> ConvertImage(const std::vector<ColumnSource>& sources,
                                              const TablePlan& plan, const binlog::RowImage& image,
                                              ImageRole role) {
  std::vector<ChangeValue> out;
  out.reserve(sources.size());
  for (size_t i = 0; i < sources.size(); ++i) {
    const ColumnSource& s = sources[i];
    const catalog::ColumnPlan& col = plan.target.columns[i];
    if (s.missing) {
      out.push_back(ChangeValue::Unchanged());
      continue;
    }
    const bool present = s.binlog_index < image.present.size() && image.present[s.binlog_index];
    if (!present) {
      if (role == ImageRole::kAfterInsert) {
        return Status::Unsupported("MySQL change stream: an insert into " + plan.SourceName() +
                                   " lacks column \"" + col.source_name +
                                   "\" (binlog_row_image must be FULL)");
      }
      out.push_back(role == ImageRole::kAfterUpdate ? ChangeValue::Unchanged()
                                                    : ChangeValue::Null());
      continue;
    }
    const auto& v = image.values[s.binlog_index];
    if (!v) {
      out.push_back(ChangeValue::Null());
      continue;
    }
    SY_ASSIGN_OR_RETURN(std::string converted, Convert(s, *v, col));
    out.push_back(ChangeValue::Value(std::move(converted)));
  }
  return out;
}

// "TRUNCATE [TABLE] [db.]t": the (schema, table) named, or nullopt for other statements.
std::optional<std::pair<std::string, std::string>> TruncateTarget(std::string_view statement,
                                                                  const std::string& default_db) {
  std::string_view s = statement;
  if (Word(s) != "truncate") return std::nullopt;
  std::string_view rest = s;
  if (Word(rest) == "table") s = rest;
  std::string first = Identifier(s);
  if (first.empty()) return std::nullopt;
  s = SkipSpaceAndComments(s);
  if (s.starts_with(".")) {
    s.remove_prefix(1);
    std::string second = Identifier(s);
    if (second.empty()) return std::nullopt;
    return std::make_pair(first, second);
  }
  return std::make_pair(default_db, first);
}

// Does `statement` contain `name` as a whole identifier (case-insensitively)?
bool MentionsIdentifier(const std::string& lower_statement, const std::string& name) {
  const std::string n = Lower(name);
  if (n.empty()) return false;
  auto ident_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
           static_cast<unsigned char>(c) >= 0x80;
  };
  for (size_t pos = lower_statement.find(n); pos != std::string::npos;
       pos = lower_statement.find(n, pos + 1)) {
    const bool left_ok = pos == 0 || !ident_char(lower_statement[pos - 1]);
    const size_t end = pos + n.size();
    const bool right_ok = end >= lower_statement.size() || !ident_char(lower_statement[end]);
    if (left_ok && right_ok) return true;
  }
  return false;
}

}  // namespace

MySqlChangeStream::MySqlChangeStream(std::unique_ptr<binlog::BinlogStream> stream,
                                     const std::vector<TablePlan>* plans)
    : stream_(std::move(stream)), plans_(plans) {}

Result<std::unique_ptr<MySqlChangeStream>> MySqlChangeStream::Start(
    const endpoints::ConnectionParams& params, uint32_t server_id, const std::string& file,
    uint64_t position, const std::vector<TablePlan>& plans,
    const MySqlChangeStreamOptions& options) {
  binlog::BinlogStreamOptions o;
  o.connection = params;
  o.server_id = server_id;
  o.start_file = file;
  o.start_position = position;
  o.heartbeat_period = options.heartbeat_period;
  o.non_blocking = options.non_blocking;
  SY_ASSIGN_OR_RETURN(std::unique_ptr<binlog::BinlogStream> stream, binlog::BinlogStream::Open(o));
  return std::unique_ptr<MySqlChangeStream>(new MySqlChangeStream(std::move(stream), &plans));
}

void MySqlChangeStream::Reset() {
  in_transaction_ = false;
  gtid_.clear();
  changes_ = ChangeList(spill_, SpillSpace::Stage::kSource);
}

SourceTransaction MySqlChangeStream::Finish(const binlog::BinlogEvent& end) {
  SourceTransaction t;
  t.commit_position.text = end.file + ":" + std::to_string(end.next_position);
  if (!gtid_.empty()) t.commit_position.text += " " + gtid_;
  // The binlog's timestamp is whole seconds (when the closing statement started): the commit
  // came in that second or later, and no later than now, when it reached us. The latest of
  // those is taken, so CDCLatency* do not read up to a second high on a caught-up stream (the
  // commit's second would make a change read a moment after its commit look 0-1 s old); behind
  // a backlog they may read up to a second low.
  const auto second = std::chrono::system_clock::time_point(std::chrono::seconds(end.timestamp));
  t.commit_time = std::min(second + std::chrono::seconds(1) - std::chrono::microseconds(1),
                           std::max(second, std::chrono::system_clock::now()));
  changes_.MarkComplete();
  t.changes = std::move(changes_);
  Reset();
  return t;
}

Status MySqlChangeStream::OnRows(const binlog::RowsEvent& rows) {
  const binlog::TableMap& map = *rows.table;
  for (size_t p = 0; p < plans_->size(); ++p) {
    const TablePlan& plan = (*plans_)[p];
    if (plan.capture_ended) continue;  // another table under a captured table's old name
    if (plan.source.schema != map.schema || plan.source.name != map.table) continue;
    SY_ASSIGN_OR_RETURN(std::vector<ColumnSource> sources, MapColumns(plan, map));
    for (const binlog::RowChange& row : rows.rows) {
      RowChange change;
      change.table = p;
      switch (rows.kind) {
        case binlog::RowsKind::kWrite:
          change.op = ChangeOp::kInsert;
          break;
        case binlog::RowsKind::kUpdate:
          change.op = ChangeOp::kUpdate;
          break;
        case binlog::RowsKind::kDelete:
          change.op = ChangeOp::kDelete;
          break;
      }
      if (change.op != ChangeOp::kInsert) {
        if (!row.before) return Status::DataError("MySQL change stream: rows event lacks before");
        SY_ASSIGN_OR_RETURN(change.before,
                            ConvertImage(sources, plan, *row.before, ImageRole::kBefore));
      }
      if (change.op != ChangeOp::kDelete) {
        if (!row.after) return Status::DataError("MySQL change stream: rows event lacks after");
        SY_ASSIGN_OR_RETURN(change.after,
                            ConvertImage(sources, plan, *row.after,
                                         change.op == ChangeOp::kInsert ? ImageRole::kAfterInsert
                                                                        : ImageRole::kAfterUpdate));
      }
      SY_RETURN_IF_ERROR(changes_.Append(std::move(change)));
    }
  }
  return Status::Ok();
}

Status MySqlChangeStream::OnQuery(const binlog::BinlogEvent& event, bool* done) {
  *done = false;
  const binlog::QueryEvent& q = *event.query;
  std::string_view body = q.statement;
  std::string_view probe = body;
  const std::string first = Word(probe);
  if (first == "begin" || (first == "start" && Word(probe) == "transaction")) {
    in_transaction_ = true;
    return Status::Ok();
  }
  if (first == "commit" || (first == "rollback" && Word(probe) != "to")) {
    *done = true;  // caller finishes the transaction at this event
    return Status::Ok();
  }
  if (first == "savepoint" || first == "rollback" || first == "release") return Status::Ok();

  if (auto target = TruncateTarget(body, q.schema)) {
    for (size_t p = 0; p < plans_->size(); ++p) {
      const TablePlan& plan = (*plans_)[p];
      if (plan.capture_ended) continue;
      if (plan.source.schema == target->first && plan.source.name == target->second) {
        SY_RETURN_IF_ERROR(changes_.Append({ChangeOp::kTruncate, p, {}, {}}));
      }
    }
    if (!changes_.empty() && !in_transaction_) *done = true;
    if (changes_.empty() && !in_transaction_) Reset();
    return Status::Ok();
  }
  const auto ended = mysql_statement::TablesEndedBy(body, q.schema);
  if (ended && !ended->empty() && on_table_ended_ && !in_transaction_) {
    // Everything before this statement has been returned; the tables it takes away end here.
    // A chain (RENAME TABLE t TO t_old, t_new TO t) ends t once: t_new is not captured.
    SourceTableEnd end;
    end.position = event.file + ":" + std::to_string(event.next_position);
    if (!gtid_.empty()) end.position += " " + gtid_;
    for (const auto& e : *ended) {
      for (size_t p = 0; p < plans_->size(); ++p) {
        const TablePlan& plan = (*plans_)[p];
        if (plan.capture_ended || plan.source.schema != e.table.schema ||
            plan.source.name != e.table.name) {
          continue;
        }
        end.kind = e.renamed_to ? SourceTableEnd::Kind::kRenamed : SourceTableEnd::Kind::kDropped;
        end.renamed_to = e.renamed_to ? e.renamed_to->schema + "." + e.renamed_to->name : "";
        SY_RETURN_IF_ERROR(on_table_ended_(p, end));
      }
    }
    Reset();
    return Status::Ok();
  }
  const std::string lower = Lower(body);
  // Understood above when a handler is set; otherwise (or when not understood) such a
  // statement about a captured table stops the stream below.
  const bool drops_or_renames_table = !ended || !ended->empty();
  for (const TablePlan& plan : *plans_) {
    if (plan.capture_ended) continue;  // a table created again under its name, say
    // Unqualified names resolve in the event's default database: a statement run in another
    // database (a MySQL target on the same server, say) names another table.
    const bool in_schema =
        q.schema == plan.source.schema || MentionsIdentifier(lower, plan.source.schema);
    if (in_schema && MentionsIdentifier(lower, plan.source.name) && on_schema_change_ &&
        !drops_or_renames_table && !in_transaction_) {
      const size_t index = static_cast<size_t>(&plan - plans_->data());
      // The columns as of this statement (the catalog may already be further along).
      std::vector<std::string> before;
      for (const auto& c : plan.source.columns) before.push_back(c.name);
      auto after = MySqlColumnsAfterAlter(body, before);
      SY_ASSIGN_OR_RETURN(bool applied, on_schema_change_(index, after ? *after : before));
      (void)applied;  // a suspended table's rows are left out by the caller
      Reset();
      return Status::Ok();
    }
    if (in_schema && MentionsIdentifier(lower, plan.source.name)) {
      return Status::Unsupported(
          "MySQL change stream: statement at " + event.file + ":" + std::to_string(event.position) +
          " touches planned table " + plan.SourceName() +
          " and cannot be replicated (DDL and statement-based changes are not supported): " +
          std::string(body.substr(0, 500)));
    }
  }
  if (!in_transaction_) Reset();  // a DDL group of its own, about other tables
  return Status::Ok();
}

std::optional<std::vector<std::string>> MySqlColumnsAfterAlter(
    std::string_view statement, const std::vector<std::string>& before) {
  std::string_view s = statement;
  if (Word(s) != "alter") return std::nullopt;
  std::string w = Word(s);
  while (w == "online" || w == "ignore") w = Word(s);
  if (w != "table") return std::nullopt;
  if (Identifier(s).empty()) return std::nullopt;
  s = SkipSpaceAndComments(s);
  if (s.starts_with(".")) {
    s.remove_prefix(1);
    if (Identifier(s).empty()) return std::nullopt;
  }
  const std::vector<std::string_view> clauses = mysql_statement::SplitClauses(s);
  std::vector<std::string> columns = before;
  auto erase = [&](const std::string& name) {
    auto it = std::find_if(columns.begin(), columns.end(),
                           [&](const std::string& c) { return Lower(c) == Lower(name); });
    if (it == columns.end()) return false;
    columns.erase(it);
    return true;
  };
  for (std::string_view clause : clauses) {
    std::string_view c = clause;
    const std::string verb = Word(c);
    std::string_view peek = c;
    std::string next = Word(peek);
    if (verb == "add" || verb == "drop") {
      static const char* kNotColumns[] = {"index",     "key",        "unique",   "primary",
                                          "foreign",   "constraint", "fulltext", "spatial",
                                          "partition", "check",      "period",   "system"};
      if (std::find_if(std::begin(kNotColumns), std::end(kNotColumns),
                       [&](const char* k) { return next == k; }) != std::end(kNotColumns)) {
        continue;
      }
      if (next == "column") c = peek;
      std::string_view probe = c;
      if (Word(probe) == "if") {  // IF [NOT] EXISTS
        c = probe;
        if (Word(c) == "not") Word(c);
      }
      c = SkipSpaceAndComments(c);
      if (c.starts_with("(")) return std::nullopt;  // ADD (a ..., b ...): not parsed
      const std::string name = Identifier(c);
      if (name.empty()) return std::nullopt;
      if (verb == "add") {
        // FIRST / AFTER only reorder; names decide. A name already there: ADD COLUMN IF NOT
        // EXISTS, which changed nothing (a plain ADD of it fails and is not logged).
        if (std::none_of(columns.begin(), columns.end(),
                         [&](const std::string& c) { return Lower(c) == Lower(name); }))
          columns.push_back(name);
      } else {
        erase(name);
      }
    } else if (verb == "change") {
      if (next == "column") c = peek;
      const std::string from = Identifier(c), to = Identifier(c);
      if (from.empty() || to.empty()) return std::nullopt;
      if (erase(from)) columns.push_back(to);
    } else if (verb == "rename" && next == "column") {
      c = peek;
      const std::string from = Identifier(c);
      Word(c);  // TO
      const std::string to = Identifier(c);
      if (from.empty() || to.empty()) return std::nullopt;
      if (erase(from)) columns.push_back(to);
    }
    // MODIFY, ALTER COLUMN ... DEFAULT, ENGINE=, COMMENT=, ...: the column names stay.
  }
  return columns;
}

Result<std::optional<SourceTransaction>> MySqlChangeStream::Next() { return Next(false); }

Result<std::optional<SourceTransaction>> MySqlChangeStream::Next(bool only_if_ready) {
  while (true) {
    if (only_if_ready && !stream_->HasData()) return std::optional<SourceTransaction>();
    SY_ASSIGN_OR_RETURN(std::optional<binlog::BinlogEvent> event, stream_->Fetch());
    if (!event) return std::optional<SourceTransaction>();  // non-blocking: end of binlog
    switch (event->type) {
      case binlog::event_type::kHeartbeat:
        if (!in_transaction_ && changes_.empty()) return std::optional<SourceTransaction>();
        continue;
      case binlog::event_type::kMariaDbGtid:
      case binlog::event_type::kMySqlGtid:
      case binlog::event_type::kMySqlAnonymousGtid:
        Reset();
        if (event->gtid && !event->gtid->anonymous) gtid_ = event->gtid->ToString();
        continue;
      case binlog::event_type::kXid: {
        if (changes_.empty()) {
          Reset();
          continue;
        }
        return std::optional<SourceTransaction>(Finish(*event));
      }
      default:
        break;
    }
    if (event->rows) {
      SY_RETURN_IF_ERROR(OnRows(*event->rows));
      continue;
    }
    if (event->query) {
      bool done = false;
      SY_RETURN_IF_ERROR(OnQuery(*event, &done));
      if (done) {
        if (changes_.empty()) {
          Reset();
          continue;
        }
        return std::optional<SourceTransaction>(Finish(*event));
      }
    }
  }
}

}  // namespace switchyard::pipeline::cdc
