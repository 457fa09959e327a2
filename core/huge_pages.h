// huge_pages.h: a std allocator that asks the kernel to back large arrays with huge pages.
//
// Contract:
// - HugePageAllocator<T> allocates arrays of kHugeFrom bytes or more aligned to 2 MiB and
//   advises the kernel (madvise MADV_HUGEPAGE) that the range may use transparent huge pages;
//   smaller arrays come from ::operator new as usual. deallocate() matches either.
// - The advice changes only where the memory sits, never a value: the program's output is the
//   same with it, without it, and on a kernel that ignores it (transparent huge pages off, or
//   not Linux: the call is then left out).
// Why: the explorer's state index is one array of up to hundreds of megabytes probed at random
// places (a hash table). With 4 KiB pages nearly every probe also misses the TLB, whose entries
// cover a few megabytes; with 2 MiB pages the whole index fits in the TLB's reach. On the
// two-candidate crash minute cut at 40 s (10 million states) the median of paired runs was about
// a tenth lower; single pairs on a loaded machine are within the noise (docs/benchmarks.md). Debian's kernels default to transparent huge pages in `madvise` mode,
// so without the advice the index would get none.
// Leaves out: explicit hugetlbfs pages (they need set-up by the administrator).
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace leasesim {

template <class T>
struct HugePageAllocator {
  using value_type = T;
  static constexpr size_t kHugePage = size_t{2} << 20;
  static constexpr size_t kHugeFrom = size_t{4} << 20;  // below this, huge pages buy little

  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) {}

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugeFrom) return static_cast<T*>(::operator new(bytes));
    const size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* p = std::aligned_alloc(kHugePage, rounded);
    if (p == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    ::madvise(p, rounded, MADV_HUGEPAGE);  // advice only: a refusal changes nothing
#endif
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) {
    if (n * sizeof(T) < kHugeFrom) ::operator delete(p);
    else std::free(p);
  }

  template <class U>
  bool operator==(const HugePageAllocator<U>&) const { return true; }
};

}  // namespace leasesim
