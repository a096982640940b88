package dev.gitlabmcp.gateway.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.limit.MemoryRateLimiter;
import dev.gitlabmcp.gateway.mcp.ProtocolVersions;
import dev.gitlabmcp.gateway.mcp.SessionState;
import dev.gitlabmcp.gateway.mcp.SessionStore;
import dev.gitlabmcp.gateway.mcp.SessionStoreContract;
import dev.gitlabmcp.gateway.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Redis store passes the same contract as the memory store, against a real Redis. */
class RedisSessionStoreTest extends SessionStoreContract {

  private final Vertx vertx = Vertx.vertx();
  private final Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(TestRedis.get().url())
      .setMaxPoolWaiting(1024).setMaxWaitingHandlers(4096));
  private final String prefix = TestRedis.freshPrefix();

  @Override
  protected SessionStore newStore(long ttlMillis, LongSupplier clock) {
    return new RedisSessionStore(redis, prefix, ttlMillis, clock);
  }

  @AfterEach
  void close() {
    redis.close();
    vertx.close();
  }

  @Test
  void should_give_every_key_the_prefix_one_hash_tag_and_a_ttl() {
    SessionState s1 = SessionState.create("s1", ProtocolVersions.LATEST, "c", "user:1", null, now.get());
    await(store.create(s1, 10, 10));
    await(store.touch(s1));
    Response keys = await(redis.send(Request.cmd(Command.SCAN).arg(0).arg("MATCH").arg(prefix + "*")
        .arg("COUNT").arg(1000)));
    int seen = 0;
    for (Response key : keys.get(1)) {
      String k = key.toString();
      assertTrue(k.startsWith(prefix + "{sessions}:"), k);
      long ttl = await(redis.send(Request.cmd(Command.PTTL).arg(k))).toLong();
      assertTrue(ttl > 0, k + " has no TTL: " + ttl);
      String value = await(redis.send(Request.cmd(Command.DUMP).arg(k))).toString();
      assertFalse(value.contains("glpat"), "no token in " + k);
      seen++;
    }
    assertTrue(seen >= 3, "session, live index and owner index: " + seen);
  }

  @Test
  void should_keep_a_session_written_before_the_owner_field_counted_for_its_owner() {
    SessionState s = SessionState.create("old", ProtocolVersions.LATEST, "c", "user:1", null, now.get());
    await(store.create(s, 10, 10));
    await(redis.send(Request.cmd(Command.HDEL).arg(prefix + "{sessions}:s:old").arg("owner")));
    advance(TTL / 2);
    SessionStore.Charged c = await(store.getAndCharge("old", new MemoryRateLimiter(100, now::get), 5, 1));
    assertEquals("user:1", c.session().owner());
    assertEquals(now.get() + TTL, await(redis.send(Request.cmd(Command.ZSCORE).arg(prefix + "{sessions}:owner:user:1")
        .arg("old"))).toLong(), "the owner index learns the new expiry from the state");
  }

  @Test
  void should_read_a_session_s_latest_activity_and_changes_though_its_decoding_is_reused() {
    await(store.create(SessionState.create("s", ProtocolVersions.LATEST, "c", null, null, now.get()), 10, 10));
    long created = now.get();
    assertEquals(created, await(store.get("s")).lastSeenMillis());
    advance(1000);
    await(store.touch(await(store.get("s"))));
    assertEquals(created + 1000, await(store.get("s")).lastSeenMillis(), "the same state, seen later");
    await(store.update("s", st -> st.withToolsets(java.util.Set.of("ci"))));
    assertEquals(java.util.Set.of("ci"), await(store.get("s")).toolsets());
    assertEquals(java.util.Set.of("ci"), await(store.getAndCharge("s", new MemoryRateLimiter(100, now::get), 5, 1))
        .session().toolsets());
  }

  @Test
  void should_mark_a_busy_session_active_at_most_once_a_touch_interval() {
    await(store.create(SessionState.create("s", ProtocolVersions.LATEST, "c", "user:1", null, now.get()), 10, 10));
    MemoryRateLimiter window = new MemoryRateLimiter(100, now::get);
    long every = Math.min(RedisSessionStore.TOUCH_EVERY_MS, TTL / 100);
    advance(TTL / 2);
    long marked = now.get();
    assertTrue(await(store.getAndCharge("s", window, 100, 1)).decision().allowed());
    advance(every - 1);
    assertTrue(await(store.getAndCharge("s", window, 100, 1)).decision().allowed(), "charged all the same");
    assertEquals(marked + TTL, expiresAt("s"), "marked active by the request before, not again");
    advance(1);
    assertEquals(marked, await(store.getAndCharge("s", window, 100, 1)).session().lastSeenMillis());
    assertEquals(marked + every + TTL, expiresAt("s"), "a request a touch interval later marks it again");
    now.set(marked + every + TTL - 1);
    assertEquals("s", await(store.get("s")).id());
    advance(1);
    assertNull(await(store.get("s")), "idle for the TTL since the last mark");
  }

  /** When the session leaves the live index and its owner's, unless marked active again. */
  private long expiresAt(String id) {
    long live = await(redis.send(Request.cmd(Command.ZSCORE).arg(prefix + "{sessions}:live").arg(id))).toLong();
    assertEquals(live, await(redis.send(Request.cmd(Command.ZSCORE).arg(prefix + "{sessions}:owner:user:1").arg(id)))
        .toLong(), "both indexes agree");
    return live;
  }
}
