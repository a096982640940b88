package dev.gitlabmcp.gateway.redis;

import static dev.gitlabmcp.gateway.state.StoreAwait.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.state.ClientRecord;
import dev.gitlabmcp.gateway.state.ClientStore;
import dev.gitlabmcp.gateway.state.ClientStoreContract;
import dev.gitlabmcp.gateway.state.ConsentRecord;
import dev.gitlabmcp.gateway.state.ConsentStore;
import dev.gitlabmcp.gateway.state.GrantRecord;
import dev.gitlabmcp.gateway.state.GrantStore;
import dev.gitlabmcp.gateway.state.GrantStoreContract;
import dev.gitlabmcp.gateway.state.TransientStore;
import dev.gitlabmcp.gateway.state.TransientStoreContract;
import dev.gitlabmcp.gateway.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The Redis OAuth stores pass the contracts the memory stores pass, against a real Redis, each test under
 * a fresh key prefix. Time in Redis is moved by shortening every key's TTL under that prefix, so expiry is
 * tested without waiting.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RedisOAuthStoresTest {

  private static final Vertx VERTX = Vertx.vertx();
  private static final Redis REDIS = Redis.createClient(VERTX, new RedisOptions()
      .setConnectionString(TestRedis.get().url()).setMaxPoolWaiting(1024));

  @AfterAll
  static void close() {
    REDIS.close();
    VERTX.close();
  }

  /** Every key under the prefix, by SCAN. */
  static List<String> keys(String prefix) {
    List<String> keys = new ArrayList<>();
    String cursor = "0";
    do {
      Response page = await(REDIS.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(prefix + "*")
          .arg("COUNT").arg(1000)));
      cursor = page.get(0).toString();
      page.get(1).forEach(k -> keys.add(k.toString()));
    } while (!"0".equals(cursor));
    return keys;
  }

  /** Lets {@code millis} pass for Redis: every key under the prefix expires that much sooner. */
  static void advanceRedis(String prefix, long millis) {
    for (String key : keys(prefix)) {
      long ttl = await(REDIS.send(Request.cmd(Command.PTTL).arg(key))).toLong();
      if (ttl > 0) {
        await(REDIS.send(ttl - millis > 0 ? Request.cmd(Command.PEXPIRE).arg(key).arg(ttl - millis)
            : Request.cmd(Command.DEL).arg(key)));
      }
    }
  }

  @Nested
  class Transient extends TransientStoreContract {
    private final String prefix = TestRedis.freshPrefix();

    @Override
    protected TransientStore newStore(LongSupplier clock) {
      return new RedisTransientStore(REDIS, prefix);
    }

    @Override
    protected void advance(long millis) {
      super.advance(millis);
      advanceRedis(prefix, millis);
    }
  }

  @Nested
  class Grants extends GrantStoreContract {
    private final String prefix = TestRedis.freshPrefix();

    @Override
    protected GrantStore newStore(LongSupplier clock) {
      return new RedisGrantStore(REDIS, prefix, clock);
    }

    @Test
    void should_keep_counts_right_when_redis_expires_a_grant_by_itself() {
      GrantRecord lasting = grant("k1");
      GrantRecord g = grant("k1");
      GrantRecord brief = new GrantRecord(g.id(), g.subject(), g.username(), g.clientId(), g.scopes(), g.resource(),
          g.instances(), "k2", g.sealedTokens(), g.refreshHash(), g.spentRefreshHashes(), 1, now.get(),
          now.get() + 60_000);
      await(store.create(lasting));
      await(store.create(brief));
      assertEquals(Map.of("k1", 1L, "k2", 1L), await(store.countByKeyId()));
      now.addAndGet(61_000);
      advanceRedis(prefix, 61_000);
      assertFalse(keys(prefix).contains(prefix + "{grants}:g:" + brief.id()), "Redis dropped the grant itself");
      assertEquals(Map.of("k1", 1L), await(store.countByKeyId()));
      assertEquals(0L, await(store.purgeExpired(now.get())));
    }

    @Test
    void should_let_a_new_grant_take_the_id_of_an_expired_one() {
      GrantRecord g = grant("k1");
      GrantRecord brief = new GrantRecord(g.id(), g.subject(), g.username(), g.clientId(), g.scopes(), g.resource(),
          g.instances(), "k1", g.sealedTokens(), g.refreshHash(), g.spentRefreshHashes(), 1, now.get(),
          now.get() + 1_000);
      await(store.create(brief));
      now.addAndGet(2_000);
      await(store.create(new GrantRecord(g.id(), g.subject(), g.username(), g.clientId(), g.scopes(), g.resource(),
          g.instances(), "k2", g.sealedTokens(), g.refreshHash(), g.spentRefreshHashes(), 1, now.get(),
          now.get() + DAY)));
      assertEquals("k2", await(store.get(g.id())).keyId());
      assertEquals(Map.of("k2", 1L), await(store.countByKeyId()));
    }
  }

  @Nested
  class Clients extends ClientStoreContract {
    private final String prefix = TestRedis.freshPrefix();
    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);

    @Override
    protected ClientStore newClientStore() {
      return new RedisClientStore(REDIS, prefix, 10_000, now::get);
    }

    @Override
    protected ConsentStore newConsentStore() {
      return new RedisConsentStore(REDIS, prefix, 10_000);
    }

    @Test
    void should_keep_a_client_in_use_and_forget_an_abandoned_one() {
      ClientRecord used = new ClientRecord("used", "A", List.of("http://127.0.0.1/cb"), "none", "", "native", 1);
      ClientRecord abandoned = new ClientRecord("gone", "B", List.of("http://127.0.0.1/cb"), "none", "", "native", 1);
      await(clients.put(used));
      await(clients.put(abandoned));
      for (int i = 0; i < 3; i++) {
        now.addAndGet(6_000);
        advanceRedis(prefix, 6_000);
        assertNotNull(await(clients.get("used")), "a lookup keeps it");
      }
      assertNull(await(clients.get("gone")));
      assertEquals(1L, await(clients.count()));
    }

    @Test
    void should_let_an_unused_consent_lapse() {
      ConsentRecord c = new ConsentRecord("gitlab:7", "client-a", "https://a.example/cb", List.of("api"),
          List.of("gitlab"), 1L);
      await(consents.put(c));
      advanceRedis(prefix, 6_000);
      assertEquals(c, await(consents.get("gitlab:7", "client-a")));
      advanceRedis(prefix, 6_000);
      assertNotNull(await(consents.get("gitlab:7", "client-a")), "a read renewed it");
      advanceRedis(prefix, 11_000);
      assertNull(await(consents.get("gitlab:7", "client-a")));
    }
  }

  @Test
  void should_give_every_key_the_prefix_and_a_ttl_and_hold_no_secret() {
    String prefix = TestRedis.freshPrefix();
    long now = System.currentTimeMillis();
    GrantStore grants = new RedisGrantStore(REDIS, prefix, System::currentTimeMillis);
    await(grants.create(new GrantRecord("g1", "gitlab:42", "alice", "client-1", List.of("api"), "", List.of("gitlab"),
        "k1", "v1.k1.c2VhbGVk", "hmac-of-refresh", List.of(), 1, now, now + 86_400_000L)));
    await(grants.countByKeyId());
    await(new RedisClientStore(REDIS, prefix).put(new ClientRecord("c1", "Claude", List.of("http://127.0.0.1/cb"),
        "client_secret_post", "hmac-of-secret", "native", now)));
    await(new RedisConsentStore(REDIS, prefix).put(new ConsentRecord("gitlab:42", "c1", "", List.of("api"),
        List.of("gitlab"), now)));
    TransientStore transients = new RedisTransientStore(REDIS, prefix);
    await(transients.put("oauth:code:hmac-of-code", "g1", 60_000));
    assertTrue(await(transients.putIfAbsent("oauth:lock:g1", "holder", 10_000)));

    List<String> keys = keys(prefix);
    assertTrue(keys.size() >= 8, "grant, its two indexes, client, its index, consent, code, lock: " + keys);
    for (String key : keys) {
      assertTrue(await(REDIS.send(Request.cmd(Command.PTTL).arg(key))).toLong() > 0, key + " has a TTL");
      String value = String.valueOf(await(REDIS.send(Request.cmd(Command.DUMP).arg(key))));
      assertFalse(value.contains("glpat") || key.contains("glpat"), key);
    }
    long tagged = keys.stream().filter(k -> k.startsWith(prefix + "{grants}:") || k.startsWith(prefix + "{clients}:"))
        .count();
    assertEquals(5, tagged, "multi-key scripts keep their keys on one Cluster slot: " + keys);
  }
}
