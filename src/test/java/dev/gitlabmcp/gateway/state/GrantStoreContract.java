package dev.gitlabmcp.gateway.state;

import static dev.gitlabmcp.gateway.state.StoreAwait.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** What every {@link GrantStore} must do. An implementation's test says how to build one. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
public abstract class GrantStoreContract {

  protected static final long DAY = 86_400_000L;
  protected final AtomicLong now = new AtomicLong(1_700_000_000_000L);
  protected GrantStore store;

  /** A store whose idea of "now" is the given clock (expiry is judged by it). */
  protected abstract GrantStore newStore(LongSupplier clock);

  @BeforeEach
  void setUp() {
    store = newStore(now::get);
  }

  protected GrantRecord grant(String keyId) {
    return new GrantRecord("g-" + UUID.randomUUID(), "gitlab:42", "alice", "client-1", List.of("api"),
        "https://mcp.example.com/mcp", List.of("gitlab"), keyId, "sealed-blob-" + keyId, "rhash-1", List.of(), 1,
        now.get(), now.get() + 30 * DAY);
  }

  @Test
  void should_read_back_a_created_grant_with_every_field() {
    GrantRecord g = grant("k1");
    await(store.create(g));
    assertEquals(g, await(store.get(g.id())));
    assertNull(await(store.get("unknown")));
  }

  @Test
  void should_refuse_to_create_the_same_id_twice() {
    GrantRecord g = grant("k1");
    await(store.create(g));
    assertThrows(RuntimeException.class, () -> await(store.create(g)));
  }

  @Test
  void should_replace_only_from_the_version_it_was_read_at() {
    GrantRecord g = grant("k1");
    await(store.create(g));
    GrantRecord a = g.next("k1", "blob-a", "rhash-a", List.of("rhash-1"), g.instances(), g.expiresAt());
    GrantRecord b = g.next("k1", "blob-b", "rhash-b", List.of("rhash-1"), g.instances(), g.expiresAt());
    assertTrue(await(store.replace(a)));
    assertFalse(await(store.replace(b)), "a writer that read version 1 loses once version 2 is stored");
    GrantRecord stored = await(store.get(g.id()));
    assertEquals(2, stored.version());
    assertEquals("blob-a", stored.sealedTokens());
    assertEquals(List.of("rhash-1"), stored.spentRefreshHashes());
  }

  @Test
  void should_let_exactly_one_of_concurrent_writers_win() {
    GrantRecord g = grant("k1");
    await(store.create(g));
    List<Future<Boolean>> writes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      writes.add(store.replace(g.next("k1", "blob-" + i, "r" + i, List.of(), g.instances(), g.expiresAt())));
    }
    assertEquals(1, writes.stream().map(StoreAwait::await).filter(Boolean::booleanValue).count());
  }

  @Test
  void should_forget_a_removed_grant_and_refuse_to_replace_it() {
    GrantRecord g = grant("k1");
    await(store.create(g));
    assertTrue(await(store.remove(g.id())));
    assertFalse(await(store.remove(g.id())));
    assertNull(await(store.get(g.id())));
    assertFalse(await(store.replace(g.next("k1", "x", "y", List.of(), g.instances(), g.expiresAt()))));
  }

  @Test
  void should_count_grants_by_the_key_that_seals_them() {
    await(store.create(grant("k1")));
    await(store.create(grant("k1")));
    GrantRecord moved = grant("k1");
    await(store.create(moved));
    await(store.replace(moved.next("k2", "resealed", "r", List.of(), moved.instances(), moved.expiresAt())));
    Map<String, Long> counts = await(store.countByKeyId());
    assertEquals(2L, counts.get("k1"));
    assertEquals(1L, counts.get("k2"));
  }

  @Test
  void should_not_answer_an_expired_grant() {
    GrantRecord g = grant("k1");
    GrantRecord shortLived = new GrantRecord(g.id(), g.subject(), g.username(), g.clientId(), g.scopes(),
        g.resource(), g.instances(), g.keyId(), g.sealedTokens(), g.refreshHash(), g.spentRefreshHashes(), 1,
        now.get(), now.get() + 1_000);
    await(store.create(shortLived));
    assertNotNull(await(store.get(g.id())));
    now.addAndGet(2_000);
    assertNull(await(store.get(g.id())));
    await(store.purgeExpired(now.get()));
    assertNull(await(store.get(g.id())));
  }
}
