package dev.gitlabmcp.gateway.app;

import static dev.gitlabmcp.gateway.state.StoreAwait.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.gitlabmcp.gateway.config.ConfigLoader;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.state.ClientRecord;
import dev.gitlabmcp.gateway.state.OAuthState;
import dev.gitlabmcp.gateway.testing.TestRedis;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Where OAuth state lives: with REDIS_URL two replicas see each other's codes and clients, without it neither does. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class OAuthStoresTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close();
  }

  private OAuthState replica(Map<String, String> env) {
    GatewayConfig cfg = ConfigLoader.withoutDefaultFile(Map.of(), env).load(GatewayConfig.Mode.HTTP).config();
    return OAuthStores.create(vertx, cfg, SharedState.create(vertx, cfg, null));
  }

  @Test
  void should_share_codes_and_clients_between_replicas_through_redis() {
    Map<String, String> env = Map.of("REDIS_URL", TestRedis.get().url(), "REDIS_KEY_PREFIX", TestRedis.freshPrefix());
    OAuthState a = replica(env);
    OAuthState b = replica(env);
    await(a.transients().put("oauth:code:h1", "grant-1", 60_000));
    await(a.clients().put(new ClientRecord("c1", "Claude", List.of("http://127.0.0.1/cb"), "none", "", "native", 1)));
    assertEquals("grant-1", await(b.transients().take("oauth:code:h1")));
    assertNull(await(a.transients().take("oauth:code:h1")), "a code is taken once across replicas");
    assertEquals("Claude", await(b.clients().get("c1")).clientName());
  }

  @Test
  void should_keep_state_in_each_process_without_redis() {
    OAuthState a = replica(Map.of());
    OAuthState b = replica(Map.of());
    await(a.transients().put("oauth:code:h1", "grant-1", 60_000));
    assertNull(await(b.transients().get("oauth:code:h1")));
    assertEquals("grant-1", await(a.transients().get("oauth:code:h1")));
  }
}
