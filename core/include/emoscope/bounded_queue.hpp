// BoundedQueue: a closable FIFO between two pipeline threads with an explicit
// overflow policy:
//  - kBlock: push() waits until there is room (back-pressure; nothing is lost);
//  - kDropOldest: push() never waits; when full the oldest item is discarded
//    and counted (live preview: only the newest frames matter).
// close() wakes everyone: pushes then fail, pops drain what is left and then
// return nothing. Thread-safe for any number of producers and consumers.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

namespace emoscope {

enum class OverflowPolicy { kBlock, kDropOldest };

template <typename T>
class BoundedQueue {
 public:
  BoundedQueue(std::size_t capacity, OverflowPolicy policy)
      : capacity_(capacity > 0 ? capacity : 1), policy_(policy) {}

  // False when the queue was closed (the item is not queued).
  bool push(T item) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (policy_ == OverflowPolicy::kBlock) {
      not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    }
    if (closed_) return false;
    while (items_.size() >= capacity_) {
      items_.pop_front();
      ++dropped_;
    }
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  // Waits for an item; nothing once the queue is closed and drained.
  std::optional<T> pop() {
    std::unique_lock<std::mutex> lock(mutex_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  // An item if one is queued now; never waits.
  std::optional<T> try_pop() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  void close() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  // Discards everything queued (used when stopping immediately).
  void clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    items_.clear();
    not_full_.notify_all();
  }

  std::uint64_t dropped() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return dropped_;
  }

  std::size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return items_.size();
  }

 private:
  const std::size_t capacity_;
  const OverflowPolicy policy_;
  mutable std::mutex mutex_;
  std::condition_variable not_empty_, not_full_;
  std::deque<T> items_;
  std::uint64_t dropped_ = 0;
  bool closed_ = false;
};

}  // namespace emoscope
