package dev.gitlabmcp.gateway.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.limit.MemoryRateLimiter;
import dev.gitlabmcp.gateway.limit.RateLimiter;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SessionStore} must do, whatever holds the sessions. An implementation's test
 * extends this class and says how to build a store with a TTL and a clock.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
public abstract class SessionStoreContract {

  protected static final long TTL = 60_000;
  protected final AtomicLong now = new AtomicLong(1_000_000);
  protected SessionStore store;

  /** A new, empty store whose sessions expire after ttlMillis of inactivity by the given clock. */
  protected abstract SessionStore newStore(long ttlMillis, LongSupplier clock);

  /** Lets the store's notion of time move forward (a shared store may also need its own TTLs to pass). */
  protected void advance(long millis) {
    now.addAndGet(millis);
  }

  @BeforeEach
  void setUp() {
    store = newStore(TTL, now::get);
  }

  protected static <T> T await(Future<T> f) {
    return awaitResult(f);
  }

  static <T> T awaitResult(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private SessionState session(String id, String owner) {
    return SessionState.create(id, ProtocolVersions.LATEST, "client", owner, "default", now.get());
  }

  @Test
  void should_return_a_created_session_by_its_id() {
    await(store.create(session("s1", "user:1"), 10, 10));
    SessionState got = await(store.get("s1"));
    assertNotNull(got);
    assertEquals("user:1", got.owner());
    assertEquals("default", got.instance());
    assertEquals(ProtocolVersions.LATEST, got.protocolVersion());
  }

  @Test
  void should_answer_null_for_an_unknown_or_missing_id() {
    assertNull(await(store.get("nope")));
    assertNull(await(store.get(null)));
    assertFalse(await(store.remove("nope")));
    assertNull(await(store.update("nope", s -> s.withLogLevel(LogLevel.DEBUG))));
  }

  @Test
  void should_refuse_a_session_beyond_the_gateway_capacity() {
    await(store.create(session("a", null), 2, 10));
    await(store.create(session("b", null), 2, 10));
    SessionStore.Full full = assertThrows(SessionStore.Full.class, () -> await(store.create(session("c", null), 2, 10)));
    assertFalse(full.perOwner());
    assertEquals(2, await(store.count()));
    assertNull(await(store.get("c")));
  }

  @Test
  void should_refuse_an_owner_beyond_its_quota_while_other_owners_still_get_sessions() {
    await(store.create(session("a1", "user:a"), 100, 2));
    await(store.create(session("a2", "user:a"), 100, 2));
    SessionStore.Full full = assertThrows(SessionStore.Full.class,
        () -> await(store.create(session("a3", "user:a"), 100, 2)));
    assertTrue(full.perOwner());
    assertEquals(2, full.limit());
    assertNotNull(await(store.create(session("b1", "user:b"), 100, 2)));
    assertNotNull(await(store.create(session("x", null), 100, 2)), "sessions without an owner count only in the total");
  }

  @Test
  void should_give_an_owner_its_slot_back_when_a_session_ends() {
    await(store.create(session("a1", "user:a"), 100, 1));
    assertTrue(await(store.remove("a1")));
    assertFalse(await(store.remove("a1")), "a session ends once");
    assertNotNull(await(store.create(session("a2", "user:a"), 100, 1)));
  }

  @Test
  void should_apply_changes_and_keep_the_rest_of_the_session() {
    await(store.create(session("s", "user:1"), 10, 10));
    SessionState changed = await(store.update("s", s -> s.withToolsets(Set.of("wiki")).withInstance("corp")));
    assertEquals(Set.of("wiki"), changed.toolsets());
    SessionState got = await(store.get("s"));
    assertEquals(Set.of("wiki"), got.toolsets());
    assertEquals("corp", got.instance());
    assertEquals("user:1", got.owner());
  }

  @Test
  void should_never_let_a_change_alter_the_id_or_the_owner() {
    await(store.create(session("s", "user:1"), 10, 10));
    assertThrows(IllegalArgumentException.class, () -> await(store.update("s",
        s -> new SessionState(s.id(), s.protocolVersion(), s.clientName(), "user:2", s.instance(), s.toolsets(),
            s.logLevel(), s.createdAtMillis(), s.lastSeenMillis()))));
    assertEquals("user:1", await(store.get("s")).owner());
  }

  @Test
  void should_lose_no_change_when_many_are_made_at_once() throws Exception {
    await(store.create(session("s", null), 10, 10));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<SessionState>> all = new ArrayList<>();
    List<java.util.concurrent.Future<Future<SessionState>>> submitted = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      String toolset = "t" + i;
      submitted.add(pool.submit(() -> store.update("s", s -> s.withToolsets(union(s.toolsets(), toolset)))));
    }
    for (var f : submitted) {
      all.add(f.get(10, TimeUnit.SECONDS));
    }
    pool.shutdown();
    all.forEach(SessionStoreContract::await);
    assertEquals(64, await(store.get("s")).toolsets().size());
  }

  private static Set<String> union(Set<String> a, String b) {
    Set<String> out = new java.util.HashSet<>(a);
    out.add(b);
    return out;
  }

  @Test
  void should_expire_a_session_idle_for_the_ttl_and_free_its_capacity() {
    await(store.create(session("s", "user:1"), 1, 1));
    advance(TTL - 1);
    assertNotNull(await(store.get("s")), "still alive just before the TTL");
    advance(1);
    assertNull(await(store.get("s")), "gone once idle for the whole TTL");
    assertNotNull(await(store.create(session("t", "user:1"), 1, 1)), "an expired session holds no capacity or quota");
  }

  @Test
  void should_keep_a_touched_session_alive() {
    await(store.create(session("s", null), 10, 10));
    for (int i = 0; i < 5; i++) {
      advance(TTL / 2);
      await(store.touch(await(store.get("s"))));
    }
    assertNotNull(await(store.get("s")), "touched every half TTL: never idle for a whole TTL");
  }

  @Test
  void should_charge_the_session_window_and_keep_the_session_alive() {
    SessionState s = session("s", "user:1");
    await(store.create(s, 10, 10));
    RateLimiter window = new MemoryRateLimiter(100, now::get); // a shared store keeps its own window
    advance(TTL / 2);
    assertTrue(await(store.chargeAndTouch(s, window, 2, 1)).allowed());
    advance(TTL / 2);
    assertNotNull(await(store.get("s")), "the charge marked it active");
    RateLimiter.Decision second = await(store.chargeAndTouch(s, window, 2, 1));
    assertTrue(second.allowed());
    assertEquals(0, second.remaining());
    RateLimiter.Decision third = await(store.chargeAndTouch(s, window, 2, 1));
    assertFalse(third.allowed(), "two a minute");
    assertTrue(third.resetSeconds() >= 1 && third.resetSeconds() <= 60, "reset " + third.resetSeconds());
  }

  @Test
  void should_read_a_session_with_its_charge_and_take_back_what_is_refunded() {
    SessionState s = session("s", "user:1");
    await(store.create(s, 10, 10));
    RateLimiter window = new MemoryRateLimiter(100, now::get);
    assertNull(await(store.getAndCharge("missing", window, 2, 1)).session());
    advance(TTL / 2);
    SessionStore.Charged first = await(store.getAndCharge("s", window, 2, 1));
    assertEquals("s", first.session().id());
    assertEquals("user:1", first.session().owner());
    if (first.decision() == null) {
      return; // this store charges apart from the read (chargeAndTouch)
    }
    assertTrue(first.decision().allowed());
    assertEquals(1, first.decision().remaining());
    advance(TTL / 2 + 1);
    assertNotNull(await(store.get("s")), "the charge marked it active");
    assertThrows(SessionStore.Full.class, () -> await(store.create(session("t", "user:1"), 10, 1)),
        "the charge marked it active for its owner's quota too");
    await(store.refund("s", 1));
    assertEquals(1, await(store.getAndCharge("s", window, 2, 1)).decision().remaining(), "the refunded unit is back");
    assertEquals(0, await(store.getAndCharge("s", window, 2, 1)).decision().remaining());
    SessionStore.Charged refused = await(store.getAndCharge("s", window, 2, 1));
    assertFalse(refused.decision().allowed(), "two a minute");
    assertEquals("s", refused.session().id(), "a refused charge still reads the session");
    advance(TTL);
    SessionStore.Charged expired = await(store.getAndCharge("s", window, 2, 1));
    assertNull(expired.session(), "idle for the TTL: refused requests did not mark it active");
    assertNull(expired.decision(), "nothing charged for a session that is gone");
  }

  @Test
  void should_not_revive_an_expired_session_by_touching_it() {
    SessionState s = session("s", "user:1");
    await(store.create(s, 10, 10));
    advance(TTL);
    await(store.touch(s));
    assertNull(await(store.get("s")), "a touch after the TTL does not bring the session back");
  }

  @Test
  void should_report_expired_sessions_once_so_their_streams_can_close() {
    await(store.create(session("old", null), 10, 10));
    advance(TTL / 2);
    await(store.create(session("new", null), 10, 10));
    advance(TTL / 2);
    List<String> expired = await(store.expire());
    assertTrue(expired.isEmpty() || expired.equals(List.of("old")), "only the idle one: " + expired);
    assertNull(await(store.get("old")));
    assertNotNull(await(store.get("new")));
    assertEquals(1, await(store.count()));
  }

  @Test
  void should_count_live_sessions() {
    assertEquals(0, await(store.count()));
    await(store.create(session("a", null), 10, 10));
    await(store.create(session("b", "user:1"), 10, 10));
    assertEquals(2, await(store.count()));
    await(store.remove("a"));
    assertEquals(1, await(store.count()));
  }

  @Test
  void should_keep_no_gitlab_token_in_a_session() {
    for (var c : SessionState.class.getRecordComponents()) {
      assertFalse(c.getName().toLowerCase().contains("token") || c.getName().toLowerCase().contains("credential"),
          "a session must not hold credentials: " + c.getName());
    }
    assertInstanceOf(Set.class, session("s", null).toolsets());
  }
}
