#include "engine/config/expression.h"

#include <algorithm>
#include <cctype>

#include "engine/catalog/identifier.h"

namespace switchyard::config {

struct Expression::Node {
  enum class Kind {
    kString,  // text: the unquoted value
    kNumber,  // text: as written
    kNull,
    kColumn,      // text: source column name
    kMetaSchema,  // $AR_M_SOURCE_SCHEMA
    kMetaTable,   // $AR_M_SOURCE_TABLE_NAME
    kUnary,       // text: "-", "+", "NOT"; kids[0]
    kBinary,      // text: SQL operator; kids[0], kids[1]
    kConcat,      // kids: operands of a || chain
    kFunction,    // text: lower-case SQLite name; kids: arguments
    kIsNull,      // negated: IS NOT NULL; kids[0]
    kLike,        // negated: NOT LIKE; kids[0] LIKE kids[1]
    kCase,        // has_base: kids[0] is the CASE operand; then WHEN/THEN pairs; has_else: last
  };
  Kind kind = Kind::kNull;
  std::string text;
  std::vector<std::shared_ptr<const Node>> kids;
  bool negated = false;
  bool has_base = false;
  bool has_else = false;
};

namespace {

using Node = Expression::Node;
using NodePtr = std::shared_ptr<const Node>;

struct Token {
  enum class Kind { kEnd, kString, kNumber, kVariable, kWord, kSymbol };
  Kind kind = Kind::kEnd;
  std::string text;   // kString: unquoted value; kWord: as written; kVariable: without '$'
  std::string shown;  // as written, for messages
};

struct FunctionSpec {
  std::string_view name;
  size_t min_args, max_args;
};
constexpr FunctionSpec kFunctions[] = {
    {"upper", 1, 1},  {"lower", 1, 1},  {"length", 1, 1},  {"trim", 1, 2},      {"ltrim", 1, 2},
    {"rtrim", 1, 2},  {"substr", 2, 3}, {"replace", 3, 3}, {"coalesce", 2, 99}, {"ifnull", 2, 2},
    {"nullif", 2, 2}, {"abs", 1, 1},    {"round", 1, 2},   {"max", 2, 99},      {"min", 2, 99},
};

std::string SupportedFunctions() {
  std::string out;
  for (const auto& f : kFunctions) {
    if (!out.empty()) out += ", ";
    out += f.name;
  }
  return out;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& path, std::vector<std::string>* warnings)
      : text_(text), path_(path), warnings_(warnings) {}

  Result<NodePtr> Run() {
    SY_RETURN_IF_ERROR(Tokenize());
    SY_ASSIGN_OR_RETURN(NodePtr root, ParseOr());
    if (Peek().kind != Token::Kind::kEnd) return Unexpected(Peek());
    return root;
  }

 private:
  Status Error(const std::string& message) const {
    return Status::InvalidArgument(path_ + ": " + message + " in \"" + std::string(text_) + "\"");
  }
  Status Unexpected(const Token& t) const {
    if (t.kind == Token::Kind::kEnd) return Error("unexpected end of expression");
    return Error("unsupported token \"" + t.shown + "\"");
  }

  Status Tokenize() {
    size_t i = 0;
    const size_t n = text_.size();
    auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    while (i < n) {
      const char c = text_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
        continue;
      }
      Token t;
      const size_t start = i;
      if (c == '\'') {
        t.kind = Token::Kind::kString;
        ++i;
        bool closed = false;
        while (i < n) {
          if (text_[i] == '\'') {
            if (i + 1 < n && text_[i + 1] == '\'') {
              t.text += '\'';
              i += 2;
              continue;
            }
            closed = true;
            ++i;
            break;
          }
          t.text += text_[i++];
        }
        if (!closed) return Error("unterminated string literal");
      } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                 (c == '.' && i + 1 < n &&
                  std::isdigit(static_cast<unsigned char>(text_[i + 1])))) {
        t.kind = Token::Kind::kNumber;
        while (i < n && std::isdigit(static_cast<unsigned char>(text_[i]))) ++i;
        if (i < n && text_[i] == '.') {
          ++i;
          while (i < n && std::isdigit(static_cast<unsigned char>(text_[i]))) ++i;
        }
        if (i < n && (text_[i] == 'e' || text_[i] == 'E')) {
          size_t j = i + 1;
          if (j < n && (text_[j] == '+' || text_[j] == '-')) ++j;
          if (j < n && std::isdigit(static_cast<unsigned char>(text_[j]))) {
            i = j;
            while (i < n && std::isdigit(static_cast<unsigned char>(text_[i]))) ++i;
          }
        }
        if (i < n && is_word(text_[i])) {
          while (i < n && is_word(text_[i])) ++i;
          t.shown = std::string(text_.substr(start, i - start));
          return Unexpected(t);
        }
        t.text = std::string(text_.substr(start, i - start));
      } else if (c == '$') {
        t.kind = Token::Kind::kVariable;
        ++i;
        while (i < n && is_word(text_[i])) ++i;
        t.text = std::string(text_.substr(start + 1, i - start - 1));
        if (t.text.empty()) {
          t.shown = "$";
          return Unexpected(t);
        }
      } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        t.kind = Token::Kind::kWord;
        while (i < n && is_word(text_[i])) ++i;
        t.text = std::string(text_.substr(start, i - start));
      } else {
        t.kind = Token::Kind::kSymbol;
        static constexpr std::string_view kTwo[] = {"||", "==", "!=", "<>", "<=", ">="};
        std::string_view two = text_.substr(i, 2);
        if (std::find(std::begin(kTwo), std::end(kTwo), two) != std::end(kTwo)) {
          t.text = std::string(two);
          i += 2;
        } else if (std::string_view("*/%+-=<>(),").find(c) != std::string_view::npos) {
          t.text = std::string(1, c);
          ++i;
        } else {
          // Take the whole UTF-8 sequence so the message shows a readable character.
          ++i;
          while (i < n && (static_cast<unsigned char>(text_[i]) & 0xC0) == 0x80) ++i;
          t.shown = std::string(text_.substr(start, i - start));
          return Unexpected(t);
        }
      }
      t.shown = std::string(text_.substr(start, i - start));
      tokens_.push_back(std::move(t));
    }
    tokens_.push_back(Token{Token::Kind::kEnd, "", ""});
    return Status::Ok();
  }

  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  bool IsWord(const Token& t, std::string_view upper) const {
    if (t.kind != Token::Kind::kWord || t.text.size() != upper.size()) return false;
    for (size_t i = 0; i < upper.size(); ++i) {
      if (std::toupper(static_cast<unsigned char>(t.text[i])) != upper[i]) return false;
    }
    return true;
  }
  bool IsSymbol(const Token& t, std::string_view s) const {
    return t.kind == Token::Kind::kSymbol && t.text == s;
  }
  bool AcceptWord(std::string_view upper) {
    if (!IsWord(Peek(), upper)) return false;
    ++pos_;
    return true;
  }
  bool AcceptSymbol(std::string_view s) {
    if (!IsSymbol(Peek(), s)) return false;
    ++pos_;
    return true;
  }
  Status ExpectWord(std::string_view upper) {
    if (AcceptWord(upper)) return Status::Ok();
    if (Peek().kind == Token::Kind::kEnd) {
      return Error("expected " + std::string(upper) + " before the end of the expression");
    }
    return Error("expected " + std::string(upper) + " instead of \"" + Peek().shown + "\"");
  }
  Status ExpectSymbol(std::string_view s) {
    if (AcceptSymbol(s)) return Status::Ok();
    if (Peek().kind == Token::Kind::kEnd) {
      return Error("expected \"" + std::string(s) + "\" before the end of the expression");
    }
    return Error("expected \"" + std::string(s) + "\" instead of \"" + Peek().shown + "\"");
  }

  static NodePtr Make(Node::Kind kind, std::string text, std::vector<NodePtr> kids = {}) {
    auto n = std::make_shared<Node>();
    n->kind = kind;
    n->text = std::move(text);
    n->kids = std::move(kids);
    return n;
  }

  Result<NodePtr> ParseOr() {
    SY_ASSIGN_OR_RETURN(NodePtr left, ParseAnd());
    while (AcceptWord("OR")) {
      SY_ASSIGN_OR_RETURN(NodePtr right, ParseAnd());
      left = Make(Node::Kind::kBinary, "OR", {left, right});
    }
    return left;
  }
  Result<NodePtr> ParseAnd() {
    SY_ASSIGN_OR_RETURN(NodePtr left, ParseNot());
    while (AcceptWord("AND")) {
      SY_ASSIGN_OR_RETURN(NodePtr right, ParseNot());
      left = Make(Node::Kind::kBinary, "AND", {left, right});
    }
    return left;
  }
  Result<NodePtr> ParseNot() {
    if (AcceptWord("NOT")) {
      SY_ASSIGN_OR_RETURN(NodePtr operand, ParseNot());
      return Make(Node::Kind::kUnary, "NOT", {operand});
    }
    return ParseEquality();
  }
  Result<NodePtr> ParseEquality() {
    SY_ASSIGN_OR_RETURN(NodePtr left, ParseRelational());
    while (true) {
      const Token& t = Peek();
      if (IsSymbol(t, "=") || IsSymbol(t, "==") || IsSymbol(t, "!=") || IsSymbol(t, "<>")) {
        const std::string op = (t.text == "=" || t.text == "==") ? "=" : "<>";
        ++pos_;
        SY_ASSIGN_OR_RETURN(NodePtr right, ParseRelational());
        left = Make(Node::Kind::kBinary, op, {left, right});
      } else if (AcceptWord("IS")) {
        const bool negated = AcceptWord("NOT");
        if (!AcceptWord("NULL")) {
          return Error("only IS NULL and IS NOT NULL are supported, not IS " +
                       std::string(negated ? "NOT " : "") + "\"" + Peek().shown + "\"");
        }
        auto n = std::make_shared<Node>();
        n->kind = Node::Kind::kIsNull;
        n->negated = negated;
        n->kids = {left};
        left = n;
      } else if (IsWord(t, "LIKE") || (IsWord(t, "NOT") && IsWord(Peek(1), "LIKE"))) {
        const bool negated = AcceptWord("NOT");
        ++pos_;  // LIKE
        SY_ASSIGN_OR_RETURN(NodePtr right, ParseRelational());
        auto n = std::make_shared<Node>();
        n->kind = Node::Kind::kLike;
        n->negated = negated;
        n->kids = {left, right};
        left = n;
      } else {
        return left;
      }
    }
  }
  Result<NodePtr> ParseRelational() {
    SY_ASSIGN_OR_RETURN(NodePtr left, ParseAdditive());
    while (IsSymbol(Peek(), "<") || IsSymbol(Peek(), "<=") || IsSymbol(Peek(), ">") ||
           IsSymbol(Peek(), ">=")) {
      const std::string op = tokens_[pos_++].text;
      SY_ASSIGN_OR_RETURN(NodePtr right, ParseAdditive());
      left = Make(Node::Kind::kBinary, op, {left, right});
    }
    return left;
  }
  Result<NodePtr> ParseAdditive() {
    SY_ASSIGN_OR_RETURN(NodePtr left, ParseMultiplicative());
    while (IsSymbol(Peek(), "+") || IsSymbol(Peek(), "-")) {
      const std::string op = tokens_[pos_++].text;
      SY_ASSIGN_OR_RETURN(NodePtr right, ParseMultiplicative());
      left = Make(Node::Kind::kBinary, op, {left, right});
    }
    return left;
  }
  Result<NodePtr> ParseMultiplicative() {
    SY_ASSIGN_OR_RETURN(NodePtr left, ParseConcat());
    while (IsSymbol(Peek(), "*") || IsSymbol(Peek(), "/") || IsSymbol(Peek(), "%")) {
      const std::string op = tokens_[pos_++].text;
      SY_ASSIGN_OR_RETURN(NodePtr right, ParseConcat());
      left = Make(Node::Kind::kBinary, op, {left, right});
    }
    return left;
  }
  Result<NodePtr> ParseConcat() {
    SY_ASSIGN_OR_RETURN(NodePtr first, ParseUnary());
    if (!IsSymbol(Peek(), "||")) return first;
    std::vector<NodePtr> parts = {first};
    while (AcceptSymbol("||")) {
      SY_ASSIGN_OR_RETURN(NodePtr next, ParseUnary());
      parts.push_back(next);
    }
    return Make(Node::Kind::kConcat, "", std::move(parts));
  }
  Result<NodePtr> ParseUnary() {
    if (IsSymbol(Peek(), "-") || IsSymbol(Peek(), "+")) {
      const std::string op = tokens_[pos_++].text;
      SY_ASSIGN_OR_RETURN(NodePtr operand, ParseUnary());
      return Make(Node::Kind::kUnary, op, {operand});
    }
    return ParsePrimary();
  }

  Result<NodePtr> ParseVariable(const Token& t) {
    if (t.text == "AR_M_SOURCE_SCHEMA") return Make(Node::Kind::kMetaSchema, "");
    if (t.text == "AR_M_SOURCE_TABLE_NAME") return Make(Node::Kind::kMetaTable, "");
    if (t.text.rfind("AR_H_", 0) == 0 || t.text.rfind("AR_M_", 0) == 0) {
      warnings_->push_back(path_ + ": $" + t.text + " not implemented yet, the column is NULL");
      return Make(Node::Kind::kNull, "");
    }
    return Make(Node::Kind::kColumn, t.text);
  }

  Result<NodePtr> ParseCase() {
    auto n = std::make_shared<Node>();
    n->kind = Node::Kind::kCase;
    if (!IsWord(Peek(), "WHEN")) {
      SY_ASSIGN_OR_RETURN(NodePtr base, ParseOr());
      n->kids.push_back(base);
      n->has_base = true;
    }
    if (!IsWord(Peek(), "WHEN")) return ExpectWord("WHEN");
    while (AcceptWord("WHEN")) {
      SY_ASSIGN_OR_RETURN(NodePtr when, ParseOr());
      SY_RETURN_IF_ERROR(ExpectWord("THEN"));
      SY_ASSIGN_OR_RETURN(NodePtr then, ParseOr());
      n->kids.push_back(when);
      n->kids.push_back(then);
    }
    if (AcceptWord("ELSE")) {
      SY_ASSIGN_OR_RETURN(NodePtr otherwise, ParseOr());
      n->kids.push_back(otherwise);
      n->has_else = true;
    }
    SY_RETURN_IF_ERROR(ExpectWord("END"));
    return NodePtr(n);
  }

  Result<NodePtr> ParsePrimary() {
    const Token t = Peek();
    switch (t.kind) {
      case Token::Kind::kString:
        ++pos_;
        return Make(Node::Kind::kString, t.text);
      case Token::Kind::kNumber:
        ++pos_;
        return Make(Node::Kind::kNumber, t.text);
      case Token::Kind::kVariable:
        ++pos_;
        return ParseVariable(t);
      case Token::Kind::kSymbol:
        if (AcceptSymbol("(")) {
          SY_ASSIGN_OR_RETURN(NodePtr inner, ParseOr());
          SY_RETURN_IF_ERROR(ExpectSymbol(")"));
          return inner;
        }
        return Unexpected(t);
      case Token::Kind::kEnd:
        return Unexpected(t);
      case Token::Kind::kWord:
        break;
    }
    if (AcceptWord("NULL")) return Make(Node::Kind::kNull, "");
    if (AcceptWord("CASE")) return ParseCase();
    if (!IsSymbol(Peek(1), "(")) return Unexpected(t);
    const std::string name = Lower(t.text);
    const FunctionSpec* spec = nullptr;
    for (const auto& f : kFunctions) {
      if (f.name == name) spec = &f;
    }
    if (spec == nullptr) {
      return Error("unsupported function \"" + t.text + "\" (supported: " + SupportedFunctions() +
                   ")");
    }
    pos_ += 2;  // name (
    std::vector<NodePtr> args;
    if (!IsSymbol(Peek(), ")")) {
      do {
        SY_ASSIGN_OR_RETURN(NodePtr arg, ParseOr());
        args.push_back(arg);
      } while (AcceptSymbol(","));
    }
    SY_RETURN_IF_ERROR(ExpectSymbol(")"));
    if (args.size() < spec->min_args || args.size() > spec->max_args) {
      std::string count = spec->min_args == spec->max_args
                              ? std::to_string(spec->min_args)
                              : std::to_string(spec->min_args) + " to " +
                                    (spec->max_args == 99 ? std::string("any number of")
                                                          : std::to_string(spec->max_args));
      return Error(name + "() takes " + count + " arguments, not " + std::to_string(args.size()));
    }
    return Make(Node::Kind::kFunction, name, std::move(args));
  }

  std::string_view text_;
  const std::string& path_;
  std::vector<std::string>* warnings_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

class Emitter {
 public:
  Emitter(catalog::Engine engine, const catalog::Table& table, const std::string& path,
          const std::string& text)
      : engine_(engine), table_(table), path_(path), text_(text) {}

  Result<std::string> Emit(const Node& n, bool top = false) {
    const bool pg = engine_ == catalog::Engine::kPostgres;
    auto wrap = [&](std::string s) { return top ? s : "(" + s + ")"; };
    switch (n.kind) {
      case Node::Kind::kString:
        return catalog::QuoteLiteral(engine_, n.text);
      case Node::Kind::kNumber:
        return n.text;
      case Node::Kind::kNull:
        return std::string("NULL");
      case Node::Kind::kMetaSchema:
        return catalog::QuoteLiteral(engine_, table_.schema);
      case Node::Kind::kMetaTable:
        return catalog::QuoteLiteral(engine_, table_.name);
      case Node::Kind::kColumn:
        if (table_.FindColumn(n.text) == nullptr) {
          return Status::InvalidArgument(path_ + ": $" + n.text + " is not a column of " +
                                         table_.QualifiedName() + " in \"" + text_ + "\"");
        }
        return catalog::QuoteIdentifier(engine_, n.text);
      case Node::Kind::kUnary: {
        SY_ASSIGN_OR_RETURN(std::string operand, Emit(*n.kids[0]));
        return wrap(n.text == "NOT" ? "NOT " + operand : n.text + operand);
      }
      case Node::Kind::kBinary: {
        SY_ASSIGN_OR_RETURN(std::string a, Emit(*n.kids[0]));
        SY_ASSIGN_OR_RETURN(std::string b, Emit(*n.kids[1]));
        return wrap(a + " " + n.text + " " + b);
      }
      case Node::Kind::kConcat: {
        SY_ASSIGN_OR_RETURN(std::vector<std::string> parts, EmitAll(n.kids, 0));
        return pg ? wrap(Join(parts, " || ")) : "CONCAT(" + Join(parts, ", ") + ")";
      }
      case Node::Kind::kIsNull: {
        SY_ASSIGN_OR_RETURN(std::string a, Emit(*n.kids[0]));
        return wrap(a + (n.negated ? " IS NOT NULL" : " IS NULL"));
      }
      case Node::Kind::kLike: {
        SY_ASSIGN_OR_RETURN(std::string a, Emit(*n.kids[0]));
        SY_ASSIGN_OR_RETURN(std::string b, Emit(*n.kids[1]));
        // SQLite's LIKE ignores ASCII case; so do MySQL's default collations and ILIKE.
        const std::string op = std::string(n.negated ? "NOT " : "") + (pg ? "ILIKE" : "LIKE");
        return wrap(a + " " + op + " " + b);
      }
      case Node::Kind::kCase: {
        std::string out = "CASE";
        size_t i = 0;
        if (n.has_base) {
          SY_ASSIGN_OR_RETURN(std::string base, Emit(*n.kids[0], /*top=*/true));
          out += " " + base;
          i = 1;
        }
        const size_t pairs_end = n.kids.size() - (n.has_else ? 1 : 0);
        for (; i + 1 < n.kids.size() && i < pairs_end; i += 2) {
          SY_ASSIGN_OR_RETURN(std::string when, Emit(*n.kids[i], /*top=*/true));
          SY_ASSIGN_OR_RETURN(std::string then, Emit(*n.kids[i + 1], /*top=*/true));
          out += " WHEN " + when + " THEN " + then;
        }
        if (n.has_else) {
          SY_ASSIGN_OR_RETURN(std::string otherwise, Emit(*n.kids.back(), /*top=*/true));
          out += " ELSE " + otherwise;
        }
        return out + " END";
      }
      case Node::Kind::kFunction:
        return EmitFunction(n);
    }
    return Status::Internal(path_ + ": unknown expression node");
  }

 private:
  static std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) out += sep;
      out += parts[i];
    }
    return out;
  }

  Result<std::vector<std::string>> EmitAll(const std::vector<NodePtr>& kids, size_t from) {
    std::vector<std::string> out;
    for (size_t i = from; i < kids.size(); ++i) {
      SY_ASSIGN_OR_RETURN(std::string s, Emit(*kids[i], /*top=*/true));
      out.push_back(std::move(s));
    }
    return out;
  }

  Result<std::string> EmitFunction(const Node& n) {
    const bool pg = engine_ == catalog::Engine::kPostgres;
    SY_ASSIGN_OR_RETURN(std::vector<std::string> args, EmitAll(n.kids, 0));
    std::string name;
    const std::string& f = n.text;
    if (f == "ifnull") {
      name = pg ? "COALESCE" : "IFNULL";
    } else if (f == "length") {
      name = pg ? "LENGTH" : "CHAR_LENGTH";  // SQLite counts characters
    } else if (f == "max" || f == "min") {
      name = f == "max" ? "GREATEST" : "LEAST";  // the scalar, multi-argument forms
    } else if ((f == "trim" || f == "ltrim" || f == "rtrim") && args.size() == 2) {
      // SQLite trims any of the characters in the 2nd argument: PostgreSQL's btrim/ltrim/rtrim
      // do the same; MySQL's TRIM removes a whole string, which is something else.
      if (!pg) {
        return Status::InvalidArgument(path_ + ": " + f +
                                       "() with 2 arguments is not supported for a MySQL "
                                       "source in \"" +
                                       text_ + "\"");
      }
      name = f == "trim" ? "BTRIM" : f == "ltrim" ? "LTRIM" : "RTRIM";
    } else {
      for (char c : f) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return name + "(" + Join(args, ", ") + ")";
  }

  catalog::Engine engine_;
  const catalog::Table& table_;
  const std::string& path_;
  const std::string& text_;
};

void CollectColumns(const Node& n, std::vector<std::string>* out) {
  if (n.kind == Node::Kind::kColumn && std::find(out->begin(), out->end(), n.text) == out->end()) {
    out->push_back(n.text);
  }
  for (const auto& k : n.kids) CollectColumns(*k, out);
}

}  // namespace

Result<Expression> Expression::Parse(std::string_view text, const std::string& json_path,
                                     std::vector<std::string>* warnings) {
  Parser parser(text, json_path, warnings);
  SY_ASSIGN_OR_RETURN(NodePtr root, parser.Run());
  Expression e;
  e.root_ = std::move(root);
  e.text_ = std::string(text);
  e.json_path_ = json_path;
  return e;
}

Result<std::string> Expression::ToSql(catalog::Engine engine,
                                      const catalog::Table& source_table) const {
  Emitter emitter(engine, source_table, json_path_, text_);
  return emitter.Emit(*root_, /*top=*/true);
}

std::vector<std::string> Expression::ColumnReferences() const {
  std::vector<std::string> out;
  if (root_) CollectColumns(*root_, &out);
  return out;
}

}  // namespace switchyard::config
