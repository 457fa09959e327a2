// line_allocator.h: an allocator whose blocks start on a cache line (64 bytes).
//
// Contract: LineAllocator<T> is a stateless standard allocator (any two compare equal) that
// allocates through the aligned operator new, so an array it holds starts on a cache-line
// boundary. With an element whose size is a whole number of lines, every element then starts a
// line, and fields placed in an element's first 64 bytes share one line. Used for the World's
// per-process records (sim/world.h ProcessRuntime), read once per event by clusters of tens of
// thousands of processes, where a record straddling lines costs a cache miss more.
// Assumes: the element's own alignment is at most 64. Leaves out: inline storage (a small
// vector's inline buffer keeps its container's alignment; only heap blocks are aligned).
#pragma once

#include <cstddef>
#include <new>

namespace leasesim {

inline constexpr size_t kCacheLine = 64;

template <class T>
struct LineAllocator {
  using value_type = T;

  LineAllocator() = default;
  template <class U>
  LineAllocator(const LineAllocator<U>&) noexcept {}

  T* allocate(size_t n) {
    return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(kCacheLine)));
  }
  void deallocate(T* p, size_t n) noexcept {
    ::operator delete(p, n * sizeof(T), std::align_val_t(kCacheLine));
  }

  template <class U>
  bool operator==(const LineAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace leasesim
