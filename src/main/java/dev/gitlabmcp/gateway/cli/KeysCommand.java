package dev.gitlabmcp.gateway.cli;

import dev.gitlabmcp.gateway.app.OAuthStores;
import dev.gitlabmcp.gateway.app.SharedState;
import dev.gitlabmcp.gateway.config.ConfigException;
import dev.gitlabmcp.gateway.config.EncryptionKeys;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.crypto.KeyRing;
import dev.gitlabmcp.gateway.mcp.InFlightCalls;
import dev.gitlabmcp.gateway.state.GrantStore;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code keys generate} and {@code keys status}: the encryption keys that seal GitLab tokens at rest
 * (docs/keys.md). Exit codes: 0 ok, 1 a record is sealed under a key the configuration no longer holds (or
 * the stores cannot be read), 78 invalid configuration.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "Encryption keys: generate one, or report which keys the stored records are sealed under.",
    subcommands = {KeysCommand.Generate.class, KeysCommand.Status.class})
public final class KeysCommand implements Callable<Integer> {

  static final int OK = 0;
  static final int FAILED = 1;

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return OK;
  }

  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Print a new random key (base64 of 32 bytes) for GATEWAY_ENCRYPTION_KEY; its key id goes to stderr.")
  static final class Generate implements Callable<Integer> {
    @Override
    public Integer call() {
      byte[] key = KeyRing.generate();
      // stdout holds the key alone, so GATEWAY_ENCRYPTION_KEY=$(... keys generate) works.
      System.out.println(Base64.getEncoder().encodeToString(key));
      System.err.println("key id " + KeyRing.idOf(key) + ": set the line above as GATEWAY_ENCRYPTION_KEY (the same "
          + "on every replica) and keep it secret; to rotate, move the current key to GATEWAY_ENCRYPTION_OLD_KEYS.");
      return OK;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Connect to the configured stores and print, per key id, how many records it seals; exit 1 when "
          + "a record needs a key that is no longer configured.")
  static final class Status implements Callable<Integer> {
    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Override
    public Integer call() {
      GatewayConfig cfg = options.loadOrReport(GatewayConfig.Mode.HTTP, System.err);
      if (cfg == null) {
        return ConfigOptions.EXIT_CONFIG;
      }
      KeyRing ring;
      try {
        ring = EncryptionKeys.ring(cfg);
      } catch (ConfigException e) {
        e.problems().forEach(p -> System.err.println("gitlab-mcp-gateway: " + p));
        return ConfigOptions.EXIT_CONFIG;
      }
      Vertx vertx = Vertx.vertx();
      try {
        // The stores the gateway would use; no call runs here, so nothing is ever in flight.
        SharedState shared = SharedState.create(vertx, cfg, new InFlightCalls(null));
        GrantStore grants = OAuthStores.create(vertx, cfg, shared).grants();
        return status(grants, ring, System.out, System.err);
      } finally {
        vertx.close(); // closes the Redis client and the database pool with it
      }
    }
  }

  /**
   * Prints one row per key id (records sealed under it, whether the ring holds it) and returns the exit code:
   * {@link #FAILED} when a record is sealed under a key the ring does not hold.
   */
  static int status(GrantStore grants, KeyRing ring, PrintStream out, PrintStream err) {
    Map<String, Long> counts;
    try {
      counts = new TreeMap<>(grants.countByKeyId().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    } catch (Exception e) {
      err.println("gitlab-mcp-gateway: cannot read the stores: " + rootMessage(e));
      return FAILED;
    }
    if (ring.isEphemeral()) {
      out.println("No GATEWAY_ENCRYPTION_KEY: this configuration keeps sealed state in memory only, under a key "
          + "each process makes for itself.");
    }
    for (String id : ring.keyIds()) {
      counts.putIfAbsent(id, 0L);
    }
    out.printf("%-12s %10s  %s%n", "key id", "grants", "configured");
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      String id = e.getKey().isEmpty() ? "(none)" : e.getKey();
      String held = id.equals(ring.newestKeyId()) ? "yes, seals new records"
          : ring.holds(id) ? (e.getValue() == 0 ? "yes, no record needs it: it can be removed" : "yes, opens only")
          : "NO";
      out.printf("%-12s %10d  %s%n", id, e.getValue(), held);
      if (!ring.holds(e.getKey()) && e.getValue() > 0) {
        missing.add("removing key " + id + " while " + e.getValue() + " records need it");
      }
    }
    if (missing.isEmpty()) {
      out.println("Every sealed record opens with the configured keys.");
      return OK;
    }
    for (String m : missing) {
      err.println("gitlab-mcp-gateway: " + m + ": those records cannot be opened (their users must sign in again). "
          + "Put the key back in GATEWAY_ENCRYPTION_OLD_KEYS until they are written again under the current key or "
          + "expire (docs/keys.md).");
    }
    return FAILED;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
