// cow.h: a copy-on-write holder, so that copies of a value share it until one of them changes.
//
// Contract:
// - Cow<T> holds a T. Copying a Cow shares the T (a reference count, no copy of T); reading is
//   through * and ->; mut() gives write access and first copies the T when another Cow shares
//   it, so a change is never seen through any other copy. Equality compares the values.
// - One thread at a time: the reference count and the digest cache are plain integers, not
//   atomics, so a value and every Cow that shares it must be used by one thread at a time. (The
//   explorer copies a World per successor, and locked increments and decrements of shared
//   counts cost it about a tenth of its time.) A World is built, copied and dropped in the
//   thread that runs it (`run`, `campaign` and `fuzz` workers, the explorer); handing a World
//   to another thread is fine once no copy of it is left behind.
// - A moved-from Cow holds nothing; it may only be assigned to or destroyed.
// - CowSlot<T> is the same for a value that may be absent (it reads as an optional<T>), and
//   caches a 64-bit digest of the value that a caller computes (for World fingerprints): mut()
//   and emplace drop it, a copy of the value starts without one.
// Values live in blocks of core/pool.h. Used by the World for parts that the explorer
// copies per successor but a step rarely changes (the History, the network's graph, the
// configuration of processes, each model and each request in flight).
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

#include "core/pool.h"

namespace leasesim {

namespace cow_detail {

struct FromMake {};  // tells Node to build its value from what a function returns

// A value with its reference count and digest cache, in one pool block.
template <class T>
struct Node {
  template <class... A>
  explicit Node(A&&... args) : value(std::forward<A>(args)...) {}
  // The value is what make() returns, built in place (guaranteed copy elision, no move).
  template <class F>
  Node(FromMake, F&& make) : value(make()) {}
  uint64_t refs = 1;
  uint64_t digest = 0;  // 0 = not computed yet (CowSlot only)
  T value;
};

// An owning, counted pointer to a Node: the part Cow and CowSlot share.
template <class T>
class Ref {
 public:
  Ref() = default;
  explicit Ref(Node<T>* n) : n_(n) {}
  Ref(const Ref& o) : n_(o.n_) {
    if (n_) ++n_->refs;
  }
  Ref(Ref&& o) noexcept : n_(std::exchange(o.n_, nullptr)) {}
  Ref& operator=(const Ref& o) {
    // Already sharing the node (self-assignment, or the explorer copying a World over a sibling
    // successor, which shares most parts with it): nothing changes, so neither count is touched.
    if (n_ == o.n_) return *this;
    if (o.n_) ++o.n_->refs;
    drop();
    n_ = o.n_;
    return *this;
  }
  Ref& operator=(Ref&& o) noexcept {
    if (this != &o) {
      drop();
      n_ = std::exchange(o.n_, nullptr);
    }
    return *this;
  }
  ~Ref() { drop(); }

  template <class... A>
  static Ref make(A&&... args) {
    void* block = BlockPool<sizeof(Node<T>)>::allocate();
    try {
      return Ref(new (block) Node<T>(std::forward<A>(args)...));
    } catch (...) {
      BlockPool<sizeof(Node<T>)>::release(block);
      throw;
    }
  }

  Node<T>* get() const { return n_; }
  T& operator*() const { return n_->value; }
  T* operator->() const { return &n_->value; }
  bool operator==(const Ref& o) const { return n_ == o.n_; }
  uint64_t use_count() const { return n_ ? n_->refs : 0; }
  void reset() {
    drop();
    n_ = nullptr;
  }

 private:
  void drop() {
    if (n_ && --n_->refs == 0) {
      n_->~Node<T>();
      BlockPool<sizeof(Node<T>)>::release(n_);
    }
  }
  Node<T>* n_ = nullptr;
};

}  // namespace cow_detail

template <class T>
class Cow {
 public:
  Cow() : p_(Ref::make()) {}
  explicit Cow(T value) : p_(Ref::make(std::move(value))) {}

  const T& operator*() const { return p_.get()->value; }
  const T* operator->() const { return &p_.get()->value; }
  T& mut() {
    if (p_.use_count() != 1) p_ = Ref::make(p_.get()->value);
    return p_.get()->value;
  }

  bool operator==(const Cow& o) const { return p_.get() == o.p_.get() || **this == *o; }

 private:
  using Ref = cow_detail::Ref<T>;
  Ref p_;
};

template <class T>
class CowSlot {
 public:
  static constexpr size_t kCacheLine = 64;

  bool has_value() const { return node_.get() != nullptr; }
  explicit operator bool() const { return has_value(); }
  const T& operator*() const { return node_.get()->value; }
  const T* operator->() const { return &node_.get()->value; }

  T& mut() {
    if (node_.use_count() != 1) node_ = Ref::make(node_.get()->value);
    node_.get()->digest = 0;
    return node_.get()->value;
  }
  void reset() { node_.reset(); }
  // Whether another CowSlot holds the same value (then mut() would copy it).
  bool shared() const { return node_.use_count() > 1; }
  // Asks the CPU to start loading the value's block (its count, digest and value) into the cache,
  // for a caller that knows it will use it soon (the World, one event ahead). Changes nothing.
  void prefetch() const {
    const char* block = reinterpret_cast<const char*>(node_.get());
    if (block == nullptr) return;
    for (size_t offset = 0; offset < sizeof(cow_detail::Node<T>); offset += kCacheLine) __builtin_prefetch(block + offset);
  }
  // A new value, built in place as make() returns it (no move of the T).
  template <class F>
  void emplace_from(F&& make) {
    node_ = Ref::make(cow_detail::FromMake{}, std::forward<F>(make));
  }

  // hash(value), computed once per change of the value; hash must be a pure function of the
  // value. (A digest of 0 is not cached: it is computed again at each call.)
  template <class F>
  uint64_t digest(F&& hash) const {
    cow_detail::Node<T>* n = node_.get();
    if (n->digest == 0) n->digest = hash(n->value);
    return n->digest;
  }

  bool operator==(const CowSlot& o) const {
    return node_.get() == o.node_.get() || (has_value() && o.has_value() && **this == *o);
  }

 private:
  using Ref = cow_detail::Ref<T>;
  Ref node_;
};

}  // namespace leasesim
