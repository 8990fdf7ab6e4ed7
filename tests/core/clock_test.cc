#include "core/clock.h"

#include <gtest/gtest.h>

namespace alertgate {
namespace {

const Timestamp kStart = FromUnixMillis(1'760'000'000'000);

TEST(FakeClockTest, AdvanceMovesWallAndMonotonicTimeTogether) {
  FakeClock clock(kStart);
  const auto m0 = clock.Monotonic();
  clock.Advance(std::chrono::seconds(90));
  EXPECT_EQ(clock.Now(), kStart + std::chrono::seconds(90));
  EXPECT_EQ(clock.Monotonic() - m0, std::chrono::seconds(90));
}

TEST(FakeClockTest, ForwardStepMovesMonotonicTimeByTheStep) {
  FakeClock clock(kStart);
  const auto m0 = clock.Monotonic();
  clock.Set(kStart + std::chrono::minutes(5));
  EXPECT_EQ(clock.Now(), kStart + std::chrono::minutes(5));
  EXPECT_EQ(clock.Monotonic() - m0, std::chrono::minutes(5));
}

// A wall clock stepped back (NTP correcting a fast clock) must not move the
// monotonic clock back: intervals measured across the step stay >= 0.
TEST(FakeClockTest, BackwardStepMovesWallTimeButNeverMonotonicTime) {
  FakeClock clock(kStart);
  clock.Advance(std::chrono::seconds(10));
  const auto before = clock.Monotonic();
  clock.Set(kStart - std::chrono::hours(1));
  EXPECT_EQ(clock.Now(), kStart - std::chrono::hours(1));
  EXPECT_EQ(clock.Monotonic(), before);
  clock.Advance(std::chrono::seconds(1));
  EXPECT_EQ(clock.Monotonic() - before, std::chrono::seconds(1));
}

}  // namespace
}  // namespace alertgate
