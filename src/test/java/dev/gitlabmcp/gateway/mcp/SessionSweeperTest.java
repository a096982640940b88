package dev.gitlabmcp.gateway.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.core.LocalCodec;
import dev.gitlabmcp.gateway.gitlab.RegistryClient;
import dev.gitlabmcp.gateway.limit.MemoryRateLimiter;
import dev.gitlabmcp.gateway.ops.GatewayMetrics;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** SESSION_TIMEOUT_SECONDS: an idle session ends, its streams close, and limiter windows are dropped. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SessionSweeperTest {

  private final Vertx vertx = Vertx.vertx();
  private final AtomicLong now = new AtomicLong(1_000_000);

  @AfterEach
  void close() {
    vertx.close();
  }

  @Test
  void should_end_an_idle_session_close_its_streams_and_count_it() throws Exception {
    LocalCodec.register(vertx, SessionEvent.class);
    MemorySessionStore store = new MemorySessionStore(60_000, now::get);
    SessionEvents events = new LocalSessionEvents(vertx, new InFlightCalls(new RegistryClient(vertx, 1000)));
    SessionStoreContract.awaitResult(store.create(SessionState.create("idle", ProtocolVersions.LATEST, "c", null,
        null, now.get()), 10, 10));
    SessionState busy = SessionState.create("busy", ProtocolVersions.LATEST, "c", null, null, now.get());
    SessionStoreContract.awaitResult(store.create(busy, 10, 10));
    List<SessionEvent> seen = new CopyOnWriteArrayList<>();
    java.util.concurrent.CountDownLatch subscribed = new java.util.concurrent.CountDownLatch(1);
    vertx.runOnContext(v -> {
      events.subscribe("idle", seen::add);
      subscribed.countDown();
    });
    assertTrue(subscribed.await(10, TimeUnit.SECONDS), "the stream subscribed before the sweep");
    GatewayMetrics metrics = GatewayMetrics.create();
    AtomicInteger swept = new AtomicInteger();
    MemoryRateLimiter limiter = new MemoryRateLimiter(100, now::get);
    limiter.acquireNow("s:idle", 10, 1);
    SessionSweeper sweeper = new SessionSweeper(vertx, store, events, 60, List.of(limiter),
        List.of(swept::incrementAndGet), metrics);

    now.addAndGet(30_000);
    store.touch(busy);
    assertEquals(0, SessionStoreContract.awaitResult(sweeper.sweep()));
    now.addAndGet(30_000);
    assertEquals(1, SessionStoreContract.awaitResult(sweeper.sweep()));

    assertNull(SessionStoreContract.awaitResult(store.get("idle")));
    assertNotNull(SessionStoreContract.awaitResult(store.get("busy")));
    assertEquals(1, sweeper.active());
    assertEquals(0, limiter.size(), "a window that is over is dropped");
    assertEquals(2, swept.get(), "the extra chores run on every pass");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (seen.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(List.of(SessionEvent.close("idle")), seen);
    assertTrue(metrics.scrape().contains("mcp_sessions_expired_total 1.0"), "the expiry is counted");
  }
}
