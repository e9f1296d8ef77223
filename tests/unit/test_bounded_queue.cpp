#include <thread>

#include <catch2/catch.hpp>

#include "emoscope/bounded_queue.hpp"

using emoscope::BoundedQueue;
using emoscope::OverflowPolicy;

TEST_CASE("drop-oldest queue keeps only the newest items and counts drops") {
  BoundedQueue<int> q(1, OverflowPolicy::kDropOldest);
  for (int i = 0; i < 5; ++i) REQUIRE(q.push(i));
  CHECK(q.dropped() == 4);
  CHECK(q.size() == 1);
  CHECK(q.pop().value() == 4);
}

TEST_CASE("blocking queue applies back-pressure and loses nothing") {
  BoundedQueue<int> q(2, OverflowPolicy::kBlock);
  std::thread producer([&] {
    for (int i = 0; i < 100; ++i) q.push(i);
    q.close();
  });
  int expected = 0;
  while (auto v = q.pop()) {
    CHECK(q.size() <= 2);
    CHECK(*v == expected++);
  }
  producer.join();
  CHECK(expected == 100);
  CHECK(q.dropped() == 0);
}

TEST_CASE("close wakes a blocked producer and a waiting consumer") {
  BoundedQueue<int> full(1, OverflowPolicy::kBlock);
  REQUIRE(full.push(1));
  bool pushed = true;
  std::thread producer([&] { pushed = full.push(2); });
  BoundedQueue<int> empty(1, OverflowPolicy::kBlock);
  bool got = true;
  std::thread consumer([&] { got = empty.pop().has_value(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  full.close();
  empty.close();
  producer.join();
  consumer.join();
  CHECK_FALSE(pushed);
  CHECK_FALSE(got);
  CHECK(full.pop().value() == 1);  // what was queued before close still drains
  CHECK_FALSE(full.pop().has_value());
}
