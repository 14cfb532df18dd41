// RowBatch: a block of rows travelling from a snapshot reader to a bulk loader.
//
// Rows are stored row-major in one byte buffer; each field is either bytes or NULL. Field
// bytes are the *unescaped* value exactly as the source SELECT expression produced it
// (UTF-8 text, raw binary, digits...): readers undo their wire escaping, loaders apply their
// own. A batch is filled by one thread and handed whole to another; it is not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard::endpoints {

class RowBatch {
 public:
  explicit RowBatch(size_t columns = 0) : columns_(columns) {}

  void Reset(size_t columns) {
    columns_ = columns;
    Clear();
  }
  void Clear() {
    data_.clear();
    offsets_.clear();
    lengths_.clear();
  }

  void AppendField(std::string_view bytes) {
    offsets_.push_back(data_.size());
    lengths_.push_back(static_cast<int64_t>(bytes.size()));
    data_.append(bytes);
  }
  void AppendNull() {
    offsets_.push_back(data_.size());
    lengths_.push_back(-1);
  }
  // Appends the field with the bytes written into the returned buffer position by the caller:
  // lets readers unescape straight into the batch. Call FinishField(n) with the byte count.
  std::string& BeginField() {
    offsets_.push_back(data_.size());
    lengths_.push_back(0);
    return data_;
  }
  void FinishField() { lengths_.back() = static_cast<int64_t>(data_.size() - offsets_.back()); }

  // Drops the fields of a row that was only partly appended (a reader that hit an error).
  void TruncateToRows(size_t rows) {
    size_t fields = rows * columns_;
    if (fields >= offsets_.size()) return;
    data_.resize(offsets_[fields]);
    offsets_.resize(fields);
    lengths_.resize(fields);
  }

  size_t columns() const { return columns_; }
  size_t rows() const { return columns_ == 0 ? 0 : offsets_.size() / columns_; }
  size_t byte_size() const { return data_.size(); }
  bool empty() const { return offsets_.empty(); }

  bool IsNull(size_t row, size_t col) const { return lengths_[row * columns_ + col] < 0; }
  // The field's bytes; empty view for NULL (check IsNull first).
  std::string_view Field(size_t row, size_t col) const {
    size_t i = row * columns_ + col;
    if (lengths_[i] < 0) return {};
    return std::string_view(data_).substr(offsets_[i], static_cast<size_t>(lengths_[i]));
  }
  std::optional<std::string_view> MaybeField(size_t row, size_t col) const {
    if (IsNull(row, col)) return std::nullopt;
    return Field(row, col);
  }

 private:
  size_t columns_;
  std::string data_;
  std::vector<uint64_t> offsets_;
  std::vector<int64_t> lengths_;  // -1 = NULL
};

}  // namespace switchyard::endpoints
