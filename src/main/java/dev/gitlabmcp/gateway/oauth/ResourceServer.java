package dev.gitlabmcp.gateway.oauth;

import dev.gitlabmcp.gateway.config.OAuthTokensConfig;
import dev.gitlabmcp.gateway.crypto.KeyRing;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory;
import dev.gitlabmcp.gateway.state.OAuthState;
import io.vertx.core.Vertx;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The resource-server side of sign in with GitLab, built once per process: the grants (shared with the
 * authorization server's endpoints, so a revocation there clears this replica's cache at once), the GitLab
 * tokens behind them ({@link GrantTokens}, plugged into {@code auth.CredentialSource}) and the authenticator
 * of the gateway's access tokens.
 */
public record ResourceServer(Grants grants, GrantTokens tokens, GrantAuthenticator authenticator) {

  /**
   * Shortest time a GitLab token refresh holds its lock; longer when an instance's request timeout is: a lock
   * that lapsed while GitLab still answered would let another replica spend the same refresh token.
   */
  static final long LOCK_MILLIS = 30_000L;
  static final long POLL_MILLIS = 100L;
  static final long PENDING_MILLIS = 600_000L;

  /**
   * @param issuer the public base URL (MCP_SERVER_URL); MCP resources are {@code <issuer>/mcp[/<instance>]}
   * @param apps the gateway's GitLab application on an instance (for refreshes), or null when it has none
   * @param writeScope the scope a 403 insufficient_scope asks for
   */
  public static ResourceServer create(Vertx vertx, InstanceDirectory instances, OAuthState state, KeyRing keys,
                                      OAuthTokensConfig cfg, String issuer, Function<String, GitLabRefresh.App> apps,
                                      String writeScope, LongSupplier clock) {
    Grants grants = new Grants(state.grants(), keys, clock, new Grants.Lifetimes(PENDING_MILLIS,
        cfg.grantDays() * 86_400_000L, cfg.accessTokenSeconds() * 1000L, cfg.grantCheckSeconds() * 1000L));
    String base = trimmed(issuer);
    String defaultInstance = instances.defaultInstance().name();
    Function<String, String> metadata = instance -> base + "/.well-known/oauth-protected-resource/mcp"
        + (instance == null || instance.equals(defaultInstance) ? "" : "/" + instance);
    GrantTokens tokens = new GrantTokens(vertx, grants, state.transients(),
        new GitLabRefresh(vertx, instances, apps, clock), new Challenges(metadata, writeScope),
        cfg.refreshMarginSeconds() * 1000L, lockMillis(instances), POLL_MILLIS);
    GrantAuthenticator authenticator = new GrantAuthenticator(grants,
        resource -> ours(base, resource, instances), defaultInstance, name -> instances.get(name) != null);
    return new ResourceServer(grants, tokens, authenticator);
  }

  static long lockMillis(InstanceDirectory instances) {
    long slowest = instances.all().stream().mapToLong(c -> c.requestTimeoutMs() + 10_000L).max().orElse(0);
    return Math.max(LOCK_MILLIS, slowest);
  }

  /** Whether {@code resource} is {@code <issuer>/mcp} or {@code <issuer>/mcp/<a configured instance>}. */
  static boolean ours(String issuer, String resource, InstanceDirectory instances) {
    if (resource == null) {
      return false;
    }
    String r = trimmed(resource);
    String mcp = issuer + "/mcp";
    if (r.length() < mcp.length() || !r.regionMatches(true, 0, mcp, 0, mcp.length())) {
      return false;
    }
    String rest = r.substring(mcp.length());
    return rest.isEmpty() || rest.startsWith("/") && instances.get(rest.substring(1).toLowerCase(Locale.ROOT)) != null;
  }

  private static String trimmed(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
