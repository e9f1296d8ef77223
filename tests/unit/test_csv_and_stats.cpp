#include <catch2/catch.hpp>

#include "emoscope/recorder.hpp"
#include "emoscope/stats.hpp"

using emoscope::csv_escape;

TEST_CASE("CSV fields are quoted only when needed (RFC 4180)") {
  CHECK(csv_escape("happy") == "happy");
  CHECK(csv_escape("") == "");
  CHECK(csv_escape("a,b") == "\"a,b\"");
  CHECK(csv_escape("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_escape("two\nlines") == "\"two\nlines\"");
  CHECK(csv_escape("cr\r") == "\"cr\r\"");
}

TEST_CASE("latency percentiles use nearest rank") {
  emoscope::LatencyStats s;
  CHECK(s.percentile(50) == 0.0);
  for (int i = 1; i <= 100; ++i) s.add(i);
  CHECK(s.percentile(50) == 50.0);
  CHECK(s.percentile(95) == 95.0);
  CHECK(s.percentile(100) == 100.0);
  CHECK(s.percentile(0) == 1.0);
  CHECK(s.mean() == Approx(50.5));
}
