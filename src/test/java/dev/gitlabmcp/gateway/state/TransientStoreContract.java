package dev.gitlabmcp.gateway.state;

import static dev.gitlabmcp.gateway.state.StoreAwait.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** What every {@link TransientStore} must do. An implementation's test says how to build one. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
public abstract class TransientStoreContract {

  protected final AtomicLong now = new AtomicLong(1_000_000);
  protected TransientStore store;

  protected abstract TransientStore newStore(LongSupplier clock);

  /** Moves the store's time forward (a shared store may have to wait for its own TTLs). */
  protected void advance(long millis) {
    now.addAndGet(millis);
  }

  @BeforeEach
  void setUp() {
    store = newStore(now::get);
  }

  @Test
  void should_read_back_a_value_until_it_expires() {
    await(store.put("oauth:tx:a", "v1", 1_000));
    assertEquals("v1", await(store.get("oauth:tx:a")));
    advance(1_500);
    assertNull(await(store.get("oauth:tx:a")));
  }

  @Test
  void should_hand_a_taken_value_to_one_taker_only() {
    await(store.put("oauth:code:h", "grant-1", 60_000));
    List<Future<String>> takes = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      takes.add(store.take("oauth:code:h"));
    }
    long winners = takes.stream().map(StoreAwait::await).filter(v -> v != null).count();
    assertEquals(1, winners);
    assertNull(await(store.get("oauth:code:h")));
  }

  @Test
  void should_not_take_an_expired_value() {
    await(store.put("oauth:code:x", "g", 1_000));
    advance(1_500);
    assertNull(await(store.take("oauth:code:x")));
  }

  @Test
  void should_grant_a_lock_once_until_released_by_its_holder() {
    assertTrue(await(store.putIfAbsent("lock:g1", "holder-a", 10_000)));
    assertFalse(await(store.putIfAbsent("lock:g1", "holder-b", 10_000)));
    assertFalse(await(store.removeIf("lock:g1", "holder-b")), "only the holder releases");
    assertTrue(await(store.removeIf("lock:g1", "holder-a")));
    assertTrue(await(store.putIfAbsent("lock:g1", "holder-b", 10_000)));
  }

  @Test
  void should_free_a_lock_whose_holder_vanished_after_its_ttl() {
    assertTrue(await(store.putIfAbsent("lock:g2", "crashed", 1_000)));
    advance(1_500);
    assertTrue(await(store.putIfAbsent("lock:g2", "next", 1_000)));
    assertEquals("next", await(store.get("lock:g2")));
  }

  @Test
  void should_replace_a_value_put_again() {
    await(store.put("k", "one", 60_000));
    await(store.put("k", "two", 60_000));
    assertEquals("two", await(store.take("k")));
    assertNull(await(store.take("k")));
  }
}
