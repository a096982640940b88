package dev.gitlabmcp.gateway.testing;

import dev.gitlabmcp.gateway.app.GatewayApp;
import dev.gitlabmcp.gateway.config.ConfigLoader;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A gateway started in-process on a free loopback port, talking to a fake GitLab (WireMock) at
 * the given URL. Configured through the same loader as production: settings by yaml key.
 */
public final class TestGateway implements AutoCloseable {

  public static final String GITLAB_TOKEN = "glpat-test-token-0123456789";
  /** The key a gateway with a shared store gets unless the test sets store.encryptionKey (even to ""). */
  public static final String ENCRYPTION_KEY = "dGVzdC1lbmNyeXB0aW9uLWtleS0zMi1ieXRlcy1sb24=";

  private final GatewayApp.Running running;

  private TestGateway(GatewayApp.Running running) {
    this.running = running;
  }

  /** Starts with a server-side token and the given settings on top. */
  public static TestGateway start(String gitlabUrl, Map<String, String> settings) {
    return start(gitlabUrl, settings, Map.of());
  }

  /** With an environment too: per-instance tokens and OAuth secrets come from there. */
  public static TestGateway start(String gitlabUrl, Map<String, String> settings, Map<String, String> env) {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("server.port", "0");
    flags.put("server.httpVerticles", "2"); // two event loops: sessions must work across them
    flags.put("gitlab.url", gitlabUrl);
    flags.put("gitlab.token", GITLAB_TOKEN);
    flags.put("gitlab.requestTimeoutMs", "5000");
    // No background GitLab traffic unless a test asks for it: tests count the requests GitLab sees.
    flags.put("gitlab.backgroundChecks", "false");
    flags.putAll(settings);
    boolean shared = flags.containsKey("store.redisUrl") || flags.containsKey("store.databaseUrl")
        || env.containsKey("REDIS_URL") || env.containsKey("DATABASE_URL");
    if (shared && !flags.containsKey("store.encryptionKey") && !env.containsKey("GATEWAY_ENCRYPTION_KEY")) {
      flags.put("store.encryptionKey", ENCRYPTION_KEY); // a shared store needs a key (EncryptionKeys)
    }
    GatewayConfig cfg = ConfigLoader.withoutDefaultFile(flags, env).load(GatewayConfig.Mode.HTTP).config();
    try {
      return new TestGateway(GatewayApp.startHttp(cfg).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new IllegalStateException("gateway did not start", e);
    }
  }

  public static TestGateway start(String gitlabUrl) {
    return start(gitlabUrl, Map.of());
  }

  public int port() {
    return running.port();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public String mcpUrl() {
    return baseUrl() + "/mcp";
  }

  public GatewayApp.Running running() {
    return running;
  }

  @Override
  public void close() {
    try {
      running.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("gateway did not stop", e);
    }
  }
}
