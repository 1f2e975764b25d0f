// Internal: a growable byte buffer for encoders that write through a raw pointer.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace lumen::exporter::detail {

/// Bytes with a size and a capacity. Unlike std::string and std::vector it does not zero-fill
/// what it grows by: an encoder that sizes ahead of its writes pays nothing for the bytes it is
/// about to overwrite.
class byte_buffer {
 public:
  char* data() noexcept { return data_.get(); }
  const char* data() const noexcept { return data_.get(); }
  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }
  std::string_view view() const noexcept { return {data_.get(), size_}; }

  /// Sets the size to n, keeping the first min(n, size()) bytes; bytes past them are unset.
  void resize(std::size_t n) {
    if (n > capacity_) reallocate(std::max(n, capacity_ * 2));
    size_ = n;
  }
  /// Frees the storage.
  void release() noexcept {
    data_.reset();
    size_ = capacity_ = 0;
  }

 private:
  void reallocate(std::size_t n) {
    std::unique_ptr<char[]> p(new char[n]);  // default-initialized: not zero-filled
    if (size_) std::memcpy(p.get(), data_.get(), size_);
    data_ = std::move(p);
    capacity_ = n;
  }

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace lumen::exporter::detail
