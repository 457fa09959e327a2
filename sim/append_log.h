// append_log.h: an append-only sequence whose copies share their elements.
//
// Contract:
// - AppendLog<T> reads like a const std::vector<T> (size, empty, [], back, begin/end with
//   random-access iterators, ==) and grows only at the end (push_back). Elements live in chunks
//   of kChunk (8, or 4 for elements over 256 bytes, such as a LeaseWrite). Copies of a log share
//   every chunk, and a chunk is copied (at most kChunk elements) only when a log that shares it
//   changes it: push_back into a shared last chunk, or write access to an element (mut(i), or []
//   and back() on a non-const log, as Qt's implicitly shared containers detach). Copying a log
//   therefore costs a reference count per chunk, whatever the elements hold. pop_back exists
//   for tests that build a History by hand.
// - One thread at a time, as in core/cow.h (whose counted node it uses): a log and every
//   copy that shares its chunks are used by one thread at a time.
// - Iteration order is index order; nothing depends on addresses.
// Used by the History, which a World copies per successor in the explorer and only appends to.
#pragma once

#include <boost/container/small_vector.hpp>
#include <boost/container/static_vector.hpp>
#include <compare>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <utility>

#include "core/check.h"
#include "core/cow.h"
#include "core/pool.h"

namespace leasesim {

template <class T>
class AppendLog {
 public:
  static constexpr size_t kChunk = sizeof(T) > 256 ? 4 : 8;

  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;

    const_iterator() = default;
    const_iterator(const AppendLog* log, size_t i) : log_(log), i_(i) {}
    reference operator*() const { return (*log_)[i_]; }
    pointer operator->() const { return &(*log_)[i_]; }
    reference operator[](difference_type n) const { return (*log_)[static_cast<size_t>(static_cast<difference_type>(i_) + n)]; }
    const_iterator& operator++() { ++i_; return *this; }
    const_iterator operator++(int) { const_iterator old = *this; ++i_; return old; }
    const_iterator& operator--() { --i_; return *this; }
    const_iterator operator--(int) { const_iterator old = *this; --i_; return old; }
    const_iterator& operator+=(difference_type n) { i_ = static_cast<size_t>(static_cast<difference_type>(i_) + n); return *this; }
    const_iterator& operator-=(difference_type n) { return *this += -n; }
    friend const_iterator operator+(const_iterator it, difference_type n) { return it += n; }
    friend const_iterator operator+(difference_type n, const_iterator it) { return it += n; }
    friend const_iterator operator-(const_iterator it, difference_type n) { return it -= n; }
    friend difference_type operator-(const const_iterator& a, const const_iterator& b) {
      return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) { return a.i_ == b.i_; }
    friend auto operator<=>(const const_iterator& a, const const_iterator& b) { return a.i_ <=> b.i_; }

   private:
    const AppendLog* log_ = nullptr;
    size_t i_ = 0;
  };
  using iterator = const_iterator;
  using value_type = T;
  using size_type = size_t;

  AppendLog() = default;
  AppendLog(std::initializer_list<T> items) { assign(items.begin(), items.end()); }
  // From any range of T, such as a std::vector (tests build a History from vectors).
  template <class Range, class = decltype(std::begin(std::declval<const Range&>()))>
  explicit AppendLog(const Range& range) {
    assign(std::begin(range), std::end(range));
  }
  AppendLog& operator=(std::initializer_list<T> items) {
    assign(items.begin(), items.end());
    return *this;
  }
  template <class Range, class = decltype(std::begin(std::declval<const Range&>()))>
  AppendLog& operator=(const Range& range) {
    assign(std::begin(range), std::end(range));
    return *this;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T& operator[](size_t i) const { return chunks_[i / kChunk]->items[i % kChunk]; }
  const T& at(size_t i) const {
    LS_CHECK(i < size_, "AppendLog index out of range");
    return (*this)[i];
  }
  const T& front() const { return at(0); }
  const T& back() const { return at(size_ - 1); }
  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, size_); }

  void push_back(T value) {
    if (size_ % kChunk == 0) {
      chunks_.push_back(cow_detail::Ref<Chunk>::make());
    } else if (chunks_.back().use_count() != 1) {
      chunks_.back() = cow_detail::Ref<Chunk>::make(*chunks_.back());
    }
    chunks_.back()->items.push_back(std::move(value));
    ++size_;
  }
  // Write access to element i; a chunk shared with another log is copied first. Read through a
  // const log to avoid the copy.
  T& operator[](size_t i) { return mut(i); }
  T& back() { return mut(size_ - 1); }
  T& mut(size_t i) {
    LS_CHECK(i < size_, "AppendLog index out of range");
    cow_detail::Ref<Chunk>& chunk = chunks_[i / kChunk];
    if (chunk.use_count() != 1) chunk = cow_detail::Ref<Chunk>::make(*chunk);
    return chunk->items[i % kChunk];
  }
  void pop_back() {
    LS_CHECK(size_ > 0, "pop_back of an empty AppendLog");
    --size_;
    if (size_ % kChunk == 0) {
      chunks_.pop_back();
    } else {
      cow_detail::Ref<Chunk>& chunk = chunks_.back();
      if (chunk.use_count() != 1) chunk = cow_detail::Ref<Chunk>::make(*chunk);
      chunk->items.pop_back();
    }
  }
  void clear() {
    chunks_.clear();
    size_ = 0;
  }
  template <class It>
  void assign(It first, It last) {
    clear();
    for (; first != last; ++first) push_back(*first);
  }

  bool operator==(const AppendLog& o) const {
    if (size_ != o.size_) return false;
    for (size_t c = 0; c < chunks_.size(); ++c)
      if (chunks_[c] != o.chunks_[c] && !(chunks_[c]->items == o.chunks_[c]->items)) return false;
    return true;
  }

 private:
  struct Chunk {
    boost::container::static_vector<T, kChunk> items;
  };
  // Up to 4 chunks (32 elements) inline; a longer log keeps its chunk list on the heap.
  boost::container::small_vector<cow_detail::Ref<Chunk>, 4> chunks_;
  size_t size_ = 0;
};

}  // namespace leasesim
