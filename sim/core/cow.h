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
// Used by the World for parts that the explorer copies per successor but a step rarely
// changes (the History, the network's graph, the configuration of processes).
#pragma once

#include <memory>
#include <utility>

namespace leasesim {

template <class T>
class Cow {
 public:
  Cow() : p_(std::make_shared<T>()) {}
  explicit Cow(T value) : p_(std::make_shared<T>(std::move(value))) {}

  const T& operator*() const { return *p_; }
  const T* operator->() const { return p_.get(); }
  T& mut() {
    if (p_.use_count() != 1) p_ = std::make_shared<T>(*p_);
    return *p_;
  }

  bool operator==(const Cow& o) const { return p_ == o.p_ || *p_ == *o.p_; }

 private:
  std::shared_ptr<T> p_;
};

}  // namespace leasesim
