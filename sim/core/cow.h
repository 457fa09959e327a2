// cow.h: a copy-on-write holder, so that copies of a value share it until one of them changes.
//
// Contract:
// - Cow<T> holds a T. Copying a Cow shares the T (a reference count, no copy of T); reading is
//   through * and ->; mut() gives write access and first copies the T when another Cow shares
//   it, so a change is never seen through any other copy. Equality compares the values.
// - Copies may live in different threads: a T shared by several Cows is never written, and a T
//   held by one Cow only is reachable through that Cow alone (use_count() == 1 cannot change
//   under us, since no other holder exists that could copy it).
// - A moved-from Cow holds nothing; it may only be assigned to or destroyed.
// - CowSlot<T> is the same for a value that may be absent (it reads as an optional<T>), and
//   caches a 64-bit digest of the value that a caller computes (for World fingerprints): mut()
//   and emplace drop it, a copy of the value starts without one. The cache is an atomic, so
//   readers in several threads fill it with the one value the T hashes to, without a race.
// Values live in blocks of sim/core/pool.h. Used by the World for parts that the explorer
// copies per successor but a step rarely changes (the History, the network's graph, the
// configuration of processes, each model and each request in flight).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <utility>

#include "sim/core/pool.h"

namespace leasesim {

template <class T>
class Cow {
 public:
  Cow() : p_(std::allocate_shared<T>(PoolAllocator<T>())) {}
  explicit Cow(T value) : p_(std::allocate_shared<T>(PoolAllocator<T>(), std::move(value))) {}

  const T& operator*() const { return *p_; }
  const T* operator->() const { return p_.get(); }
  T& mut() {
    if (p_.use_count() != 1) p_ = std::allocate_shared<T>(PoolAllocator<T>(), *p_);
    return *p_;
  }

  bool operator==(const Cow& o) const { return p_ == o.p_ || *p_ == *o.p_; }

 private:
  std::shared_ptr<T> p_;
};

template <class T>
class CowSlot {
 public:
  bool has_value() const { return node_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  const T& operator*() const { return node_->value; }
  const T* operator->() const { return &node_->value; }

  T& mut() {
    if (node_.use_count() != 1) node_ = std::allocate_shared<Node>(PoolAllocator<Node>(), *node_);
    node_->digest.store(0, std::memory_order_relaxed);
    return node_->value;
  }
  void reset() { node_.reset(); }
  // Whether another CowSlot holds the same value (then mut() would copy it).
  bool shared() const { return node_.use_count() > 1; }
  // A new value, built in place as make() returns it (no move of the T).
  template <class F>
  void emplace_from(F&& make) {
    node_ = std::allocate_shared<Node>(PoolAllocator<Node>(), Made{}, std::forward<F>(make));
  }

  // hash(value), computed once per change of the value; hash must be a pure function of the
  // value. (A digest of 0 is not cached: it is computed again at each call.)
  template <class F>
  uint64_t digest(F&& hash) const {
    uint64_t d = node_->digest.load(std::memory_order_relaxed);
    if (d == 0) {
      d = hash(node_->value);
      node_->digest.store(d, std::memory_order_relaxed);
    }
    return d;
  }

  bool operator==(const CowSlot& o) const {
    return node_ == o.node_ || (node_ && o.node_ && node_->value == o.node_->value);
  }

 private:
  struct Made {};  // tells the constructor from make() apart from the copy constructor
  struct Node {
    template <class F>
    Node(Made, F&& make) : value(make()) {}
    Node(const Node& o) : value(o.value) {}
    // First, so that it shares a cache line with the reference count that mut() reads.
    mutable std::atomic<uint64_t> digest{0};  // 0 = not computed yet
    T value;
  };
  std::shared_ptr<Node> node_;
};

}  // namespace leasesim
