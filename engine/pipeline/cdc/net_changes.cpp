#include "engine/pipeline/cdc/net_changes.h"

#include <utility>

namespace switchyard::pipeline::cdc {
namespace {

Status NotNettable(const TablePlan& plan, const std::string& why) {
  return Status::Unsupported("changes of " + plan.SourceName() + " cannot be netted: " + why);
}

// `base` with every value `over` wrote laid on top.
std::vector<ChangeValue> Merge(std::vector<ChangeValue> base,
                               const std::vector<ChangeValue>& over) {
  for (size_t i = 0; i < base.size() && i < over.size(); ++i) {
    if (over[i].kind != ChangeValue::kUnchanged) base[i] = over[i];
  }
  return base;
}

bool Complete(const std::vector<ChangeValue>& row) {
  for (const auto& v : row) {
    if (v.kind == ChangeValue::kUnchanged) return false;
  }
  return true;
}

}  // namespace

NetChanges::TableState& NetChanges::StateOf(size_t table) {
  auto [it, inserted] = tables_.try_emplace(table);
  TableState& s = it->second;
  if (inserted) {
    order_.push_back(table);
    s.net.table = table;
    const auto& t = (*plans_)[table].target;
    for (const std::string& k : t.primary_key) {
      for (size_t i = 0; i < t.columns.size(); ++i) {
        if (t.columns[i].target_name == k) s.key_columns.push_back(i);
      }
    }
    if (s.key_columns.size() != t.primary_key.size()) s.key_columns.clear();  // keep order
  }
  return s;
}

std::string NetChanges::KeyOf(const TableState& s, const std::vector<ChangeValue>& image,
                              const std::vector<ChangeValue>* fallback) const {
  std::string key;
  for (size_t i : s.key_columns) {
    const ChangeValue* v = i < image.size() ? &image[i] : nullptr;
    if ((v == nullptr || v->kind == ChangeValue::kUnchanged) && fallback != nullptr &&
        i < fallback->size()) {
      v = &(*fallback)[i];
    }
    if (v == nullptr) {
      key += '?';
      continue;
    }
    key += static_cast<char>('0' + static_cast<int>(v->kind));
    key += std::to_string(v->bytes.size());
    key += ':';
    key += v->bytes;
  }
  return key;
}

Status NetChanges::Add(const RowChange& change) {
  if (change.table >= plans_->size()) {
    return Status::Internal("change for table #" + std::to_string(change.table));
  }
  TableState& s = StateOf(change.table);
  const TablePlan& plan = (*plans_)[change.table];
  switch (change.op) {
    case ChangeOp::kInsert:
      ++inserts_;
      break;
    case ChangeOp::kUpdate:
      ++updates_;
      break;
    case ChangeOp::kDelete:
      ++deletes_;
      break;
    case ChangeOp::kTruncate:
      ++truncates_;
      s.net.truncate_first = true;
      s.net.rows.clear();
      s.net.ordered.clear();
      s.by_key.clear();
      s.erased.clear();
      return Status::Ok();
  }
  if (s.key_columns.empty()) {
    s.net.ordered.push_back(change);
    return Status::Ok();
  }
  switch (change.op) {
    case ChangeOp::kInsert:
      if (!Complete(change.after)) return NotNettable(plan, "an insert without every value");
      return Insert(s, KeyOf(s, change.after), change.after);
    case ChangeOp::kDelete:
      return Delete(s, KeyOf(s, change.before), change.before);
    default:
      break;
  }
  const std::string new_key = KeyOf(s, change.after, &change.before);
  if (change.before.empty()) return Update(s, new_key, change);
  const std::string old_key = KeyOf(s, change.before);
  if (old_key == new_key) return Update(s, new_key, change);
  // The key changed: the row moves. Net, that is a delete of the old key and an insert of the
  // whole new row, which must therefore be known.
  std::vector<ChangeValue> row = change.after;
  if (auto it = s.by_key.find(old_key); it != s.by_key.end() && !s.erased[it->second]) {
    const NetRow& held = s.net.rows[it->second];
    if (held.op != NetRow::Op::kDelete) row = Merge(held.row, change.after);
  }
  if (!Complete(row)) {
    return NotNettable(plan, "a key change whose new row has unchanged (TOAST) values");
  }
  SY_RETURN_IF_ERROR(Delete(s, old_key, change.before));
  return Insert(s, new_key, std::move(row));
}

Status NetChanges::Insert(TableState& s, const std::string& key, std::vector<ChangeValue> row) {
  auto it = s.by_key.find(key);
  if (it == s.by_key.end()) {
    s.by_key.emplace(key, s.net.rows.size());
    s.net.rows.push_back({NetRow::Op::kInsert, {}, std::move(row)});
    s.erased.push_back(false);
    return Status::Ok();
  }
  NetRow& held = s.net.rows[it->second];
  if (s.erased[it->second]) {
    // Inserted and deleted earlier in the run: the target never had it.
    s.erased[it->second] = false;
    held = {NetRow::Op::kInsert, {}, std::move(row)};
    return Status::Ok();
  }
  if (held.op != NetRow::Op::kDelete) {
    return NotNettable((*plans_)[s.net.table], "an insert of a key the run already holds");
  }
  held.op = NetRow::Op::kReplace;
  held.row = std::move(row);
  return Status::Ok();
}

Status NetChanges::Delete(TableState& s, const std::string& key,
                          const std::vector<ChangeValue>& image) {
  auto it = s.by_key.find(key);
  if (it == s.by_key.end()) {
    s.by_key.emplace(key, s.net.rows.size());
    s.net.rows.push_back({NetRow::Op::kDelete, image, {}});
    s.erased.push_back(false);
    return Status::Ok();
  }
  NetRow& held = s.net.rows[it->second];
  if (s.erased[it->second] || held.op == NetRow::Op::kDelete) {
    return NotNettable((*plans_)[s.net.table], "a delete of a key the run already deleted");
  }
  if (held.op == NetRow::Op::kInsert) {
    s.erased[it->second] = true;  // inserted in this run: nothing reaches the target
    held.row.clear();
    return Status::Ok();
  }
  // An update or a replace of a row the target has: it goes.
  if (held.op == NetRow::Op::kUpdate) held.key_image = image;
  held.op = NetRow::Op::kDelete;
  held.row.clear();
  return Status::Ok();
}

Status NetChanges::Update(TableState& s, const std::string& key, const RowChange& change) {
  auto it = s.by_key.find(key);
  if (it == s.by_key.end()) {
    // The key columns must hold the key even where the new image left them unchanged.
    std::vector<ChangeValue> row = change.after;
    for (size_t i : s.key_columns) {
      if (i < row.size() && row[i].kind == ChangeValue::kUnchanged && i < change.before.size())
        row[i] = change.before[i];
    }
    s.by_key.emplace(key, s.net.rows.size());
    s.net.rows.push_back({NetRow::Op::kUpdate, {}, std::move(row)});
    s.erased.push_back(false);
    return Status::Ok();
  }
  NetRow& held = s.net.rows[it->second];
  if (s.erased[it->second] || held.op == NetRow::Op::kDelete) {
    return NotNettable((*plans_)[s.net.table], "an update of a key the run deleted");
  }
  held.row = Merge(std::move(held.row), change.after);
  return Status::Ok();
}

std::vector<NetTable> NetChanges::Take() {
  std::vector<NetTable> out;
  for (size_t table : order_) {
    TableState& s = tables_[table];
    NetTable t;
    t.table = table;
    t.truncate_first = s.net.truncate_first;
    t.ordered = std::move(s.net.ordered);
    for (size_t i = 0; i < s.net.rows.size(); ++i) {
      if (!s.erased[i]) t.rows.push_back(std::move(s.net.rows[i]));
    }
    out.push_back(std::move(t));
  }
  tables_.clear();
  order_.clear();
  return out;
}

}  // namespace switchyard::pipeline::cdc
