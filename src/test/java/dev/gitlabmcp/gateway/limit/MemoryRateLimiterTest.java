package dev.gitlabmcp.gateway.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MemoryRateLimiterTest {

  private final AtomicLong now = new AtomicLong(5_000_000);

  @Test
  void should_charge_a_cost_whole_or_not_at_all() {
    MemoryRateLimiter l = new MemoryRateLimiter(10, now::get);
    assertTrue(l.acquireNow("s:1", 5, 3).allowed());
    RateLimiter.Decision refused = l.acquireNow("s:1", 5, 3);
    assertFalse(refused.allowed(), "3 more do not fit in the 2 left");
    assertEquals(2, refused.remaining());
    assertTrue(l.acquireNow("s:1", 5, 2).allowed(), "the refused batch took nothing");
  }

  @Test
  void should_start_a_new_window_after_a_minute() {
    MemoryRateLimiter l = new MemoryRateLimiter(10, now::get);
    assertTrue(l.acquireNow("k", 1, 1).allowed());
    assertFalse(l.acquireNow("k", 1, 1).allowed());
    now.addAndGet(WindowLimiter.WINDOW_MS);
    assertTrue(l.acquireNow("k", 1, 1).allowed());
  }

  @Test
  void should_stay_bounded_under_key_churn_and_still_limit_the_overflow() {
    MemoryRateLimiter l = new MemoryRateLimiter(100, now::get);
    int refused = 0;
    for (int i = 0; i < 10_000; i++) {
      if (!l.acquireNow("a:10.0." + (i / 256) + "." + (i % 256), 50, 1).allowed()) {
        refused++;
      }
    }
    assertTrue(l.size() <= 101, "map size " + l.size());
    assertEquals(10_000 - 100 - 50, refused, "new keys past the cap share one window of 50");
    assertEquals(9_900, l.overflowed());
  }

  @Test
  void should_drop_finished_windows_on_sweep() {
    MemoryRateLimiter l = new MemoryRateLimiter(100, now::get);
    l.acquireNow("a", 5, 1);
    now.addAndGet(30_000);
    l.acquireNow("b", 5, 1);
    now.addAndGet(30_000);
    l.sweep();
    assertEquals(1, l.size(), "a's window is over, b's is not");
  }
}
