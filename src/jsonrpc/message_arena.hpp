// The memory a parsed message's tree lives in: a bump allocator whose first block is inline, so
// that the arena and the tree of a typical message are one allocation small enough for malloc's
// per-thread cache. Boost.JSON's monotonic_resource takes a first block of at least 1 KiB (plus
// its header) from the heap: always the allocator's slow path, which first consolidates whatever
// small chunks were freed. Larger messages grow into heap blocks, each twice the last.
#pragma once

#include <boost/json/memory_resource.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <new>

namespace lumen::jsonrpc::detail {

class message_arena final : public boost::json::memory_resource {
 public:
  message_arena() noexcept = default;
  message_arena(const message_arena&) = delete;
  message_arena& operator=(const message_arena&) = delete;
  ~message_arena() override {
    while (blocks_) {
      block* next = blocks_->next;
      ::operator delete(blocks_);
      blocks_ = next;
    }
  }

  /// Bytes of the inline first block (with the shared resource's count, under 1 KiB in all).
  static constexpr std::size_t inline_size = 768;

 private:
  struct block {
    block* next;
    std::size_t size;  // usable bytes after the header
  };

  void* do_allocate(std::size_t n, std::size_t align) override {
    if (void* p = bump(n, align)) return p;
    // A new block: twice the last, and room for this request at any alignment.
    next_size_ = std::max(next_size_ * 2, n + align);
    auto* b = static_cast<block*>(::operator new(sizeof(block) + next_size_));
    b->next = blocks_;
    b->size = next_size_;
    blocks_ = b;
    cursor_ = reinterpret_cast<unsigned char*>(b + 1);
    end_ = cursor_ + next_size_;
    return bump(n, align);  // fits by construction
  }

  void do_deallocate(void*, std::size_t, std::size_t) override {}  // all at once, at the end

  bool do_is_equal(const memory_resource& other) const noexcept override { return this == &other; }

  void* bump(std::size_t n, std::size_t align) noexcept {
    const auto at = reinterpret_cast<std::uintptr_t>(cursor_);
    const std::uintptr_t aligned = (at + align - 1) & ~(static_cast<std::uintptr_t>(align) - 1);
    if (aligned + n > reinterpret_cast<std::uintptr_t>(end_)) return nullptr;
    cursor_ = reinterpret_cast<unsigned char*>(aligned + n);
    return reinterpret_cast<void*>(aligned);
  }

  alignas(std::max_align_t) unsigned char inline_[inline_size];
  unsigned char* cursor_ = inline_;
  unsigned char* end_ = inline_ + inline_size;
  block* blocks_ = nullptr;
  std::size_t next_size_ = inline_size;
};

}  // namespace lumen::jsonrpc::detail

namespace boost::json {
// Freeing is a no-op: containers in the arena skip it.
template <>
struct is_deallocate_trivial<lumen::jsonrpc::detail::message_arena> {
  static constexpr bool value = true;
};
}  // namespace boost::json
