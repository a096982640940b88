package dev.gitlabmcp.gateway.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gitlabmcp.gateway.config.Secret;
import dev.gitlabmcp.gateway.gitlab.Credential;
import dev.gitlabmcp.gateway.ops.GatewayMetrics;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** SESSION_TIMEOUT_SECONDS: the token goes after one timeout of idleness, the session after two. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SessionSweeperTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close();
  }

  @Test
  void should_forget_the_token_after_one_timeout_and_remove_the_session_after_two() {
    MemorySessionStore store = new MemorySessionStore();
    Credential token = new Credential(Credential.Kind.BEARER, new Secret("glpat-aaaaaaaaaaaaaaaaaaaa"));
    McpSession s = new McpSession("s1", ProtocolVersions.LATEST, "t", 0, "user:1", token);
    store.create(s, 10);
    GatewayMetrics metrics = GatewayMetrics.create();
    SessionSweeper sweeper = new SessionSweeper(vertx, store, 60, null, null, metrics);

    assertEquals(0, sweeper.sweep(59_000));
    assertTrue(s.authenticated());

    assertEquals(0, sweeper.sweep(61_000));
    assertFalse(s.authenticated(), "token must be wiped after the timeout");
    assertEquals(s, store.get("s1").result(), "the session itself stays");
    assertEquals(0, store.authenticated());

    assertEquals(1, sweeper.sweep(121_000));
    assertNull(store.get("s1").result());
    assertEquals(0, store.size());
    assertTrue(metrics.scrape().contains("mcp_sessions_expired_total 1.0"), "expired counter must move");
    metrics.close();
  }

  @Test
  void should_leave_active_sessions_alone() {
    MemorySessionStore store = new MemorySessionStore();
    McpSession s = new McpSession("s1", ProtocolVersions.LATEST, "t", 0);
    store.create(s, 10);
    s.touch(100_000);
    assertEquals(0, new SessionSweeper(vertx, store, 60, null, null, null).sweep(150_000));
    assertEquals(1, store.size());
  }
}
