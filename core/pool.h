// pool.h: per-thread free lists of fixed-size blocks, for the small objects a World copy makes.
//
// Contract:
// - BlockPool<Size>::allocate() returns a block of Size bytes (aligned for any object of that
//   size), reusing one freed earlier in this thread when it can; release() keeps a block for
//   reuse in this thread, up to kMaxBlocks, and hands the rest back to ::operator delete.
//   Blocks come from ::operator new, so a block may be released in another thread than the one
//   that allocated it (it simply joins that thread's list).
// - At thread exit the list is freed; a block released after that (an object destroyed during
//   thread exit) goes straight back to ::operator delete.
// - PoolAllocator<T> is a std allocator over BlockPool<sizeof(T)> for one object at a time (as
//   std::allocate_shared uses it); arrays fall back to ::operator new.
// Why: the explorer copies a World per successor and frees thousands of them at once at the end
// of a search level; glibc's allocator spends a large share of the search time consolidating
// those chunks, while a free list of equal-sized blocks costs a few instructions.
// Leaves out: alignments above alignof(std::max_align_t).
#pragma once

#include <cstddef>
#include <new>

namespace leasesim {

template <size_t Size>
class BlockPool {
 public:
  static constexpr size_t kMaxBlocks = 8192;

  static void* allocate() {
    if (!gone()) {
      List& list = local();
      if (list.head != nullptr) {
        Free* block = list.head;
        list.head = block->next;
        --list.count;
        return block;
      }
    }
    return ::operator new(kBlock);
  }

  static void release(void* p) noexcept {
    if (p == nullptr) return;
    if (!gone()) {
      List& list = local();
      if (list.count < kMaxBlocks) {
        list.head = new (p) Free{list.head};
        ++list.count;
        return;
      }
    }
    ::operator delete(p);
  }

 private:
  struct Free {
    Free* next;
  };
  static constexpr size_t kBlock = Size < sizeof(Free) ? sizeof(Free) : Size;

  struct List {
    Free* head = nullptr;
    size_t count = 0;
    ~List() {
      while (head != nullptr) {
        Free* next = head->next;
        ::operator delete(static_cast<void*>(head));
        head = next;
      }
      count = 0;
      gone() = true;
    }
  };
  static List& local() {
    thread_local List list;
    return list;
  }
  // Trivially destructible, so it stays readable while the thread's other objects are destroyed.
  static bool& gone() {
    thread_local bool flag = false;
    return flag;
  }
};

template <class T>
class PoolAllocator {
 public:
  static_assert(alignof(T) <= alignof(std::max_align_t), "BlockPool blocks have the default alignment");
  using value_type = T;

  PoolAllocator() = default;
  template <class U>
  PoolAllocator(const PoolAllocator<U>&) noexcept {}

  T* allocate(size_t n) {
    if (n == 1) return static_cast<T*>(BlockPool<sizeof(T)>::allocate());
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }
  void deallocate(T* p, size_t n) noexcept {
    if (n == 1) BlockPool<sizeof(T)>::release(p);
    else ::operator delete(p);
  }

  template <class U>
  bool operator==(const PoolAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace leasesim
