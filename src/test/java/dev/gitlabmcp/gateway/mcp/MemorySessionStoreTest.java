package dev.gitlabmcp.gateway.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MemorySessionStoreTest {

  private static McpSession session(String id, long seen) {
    return new McpSession(id, ProtocolVersions.LATEST, "test", seen);
  }

  @Test
  void should_expire_only_sessions_idle_past_the_cutoff() {
    MemorySessionStore store = new MemorySessionStore();
    store.create(session("old", 1_000), 10);
    store.create(session("fresh", 5_000), 10);
    List<McpSession> gone = store.expire(2_000);
    assertEquals(List.of("old"), gone.stream().map(McpSession::id).toList());
    assertNull(store.get("old").result());
    assertEquals("fresh", store.get("fresh").result().id());
    assertEquals(1, store.size());
  }

  @Test
  void should_keep_a_touched_session_alive() {
    MemorySessionStore store = new MemorySessionStore();
    McpSession s = session("s", 1_000);
    store.create(s, 10);
    s.touch(9_000);
    assertTrue(store.expire(2_000).isEmpty());
    assertEquals(1, store.size());
  }

  @Test
  void should_never_exceed_the_limit_under_concurrent_creation() throws Exception {
    MemorySessionStore store = new MemorySessionStore();
    AtomicInteger admitted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int i = 0; i < 2_000; i++) {
      String id = "s" + i;
      pool.execute(() -> {
        if (store.create(session(id, 0), 100).result()) {
          admitted.incrementAndGet();
        }
      });
    }
    pool.shutdown();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    assertEquals(100, admitted.get());
    assertEquals(100, store.size());
  }

  @Test
  void should_count_a_session_once_when_delete_and_expiry_race() throws Exception {
    for (int round = 0; round < 200; round++) {
      MemorySessionStore store = new MemorySessionStore();
      store.create(session("x", 0), 10);
      Thread deleter = new Thread(() -> store.remove("x"));
      deleter.start();
      store.expire(1);
      deleter.join();
      assertEquals(0, store.size());
      assertFalse(store.remove("x").result());
    }
  }
}
