package dev.gitlabmcp.gateway.oauth;

import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.config.OAuthConfig;
import dev.gitlabmcp.gateway.crypto.KeyRing;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory;
import dev.gitlabmcp.gateway.state.OAuthState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the authorization server's endpoints share: configuration, the GitLab instances, the stores, the
 * key ring, the grants, and the decisions every endpoint makes the same way (which resource, which scopes).
 *
 * @param readOnly the permission mode is readonly: only {@code read_api} is offered and asked of GitLab
 * @param health each instance's status by name (healthy, degraded, down) for the instance picker
 */
record OAuthServer(OAuthConfig config, InstanceDirectory instances, boolean readOnly, OAuthState state, KeyRing keys,
                   GrantService grants, FlowCookies cookies, GitLabSignIn gitlab, ClientRegistry clients,
                   LongSupplier clock, Supplier<Future<JsonObject>> health) {

  static final long TRANSACTION_MS = 10 * 60_000L;
  static final long CODE_MS = 5 * 60_000L;

  String issuer() {
    return config.issuer();
  }

  String endpoint(String path) {
    return config.issuer() + path;
  }

  String callbackUrl() {
    return endpoint("/oauth/callback");
  }

  /** The scopes clients may hold: {@code api} includes {@code read_api}. */
  List<String> scopesSupported() {
    return readOnly ? List.of("read_api") : List.of("api", "read_api");
  }

  /** The scope a 401 challenge asks for. */
  String defaultScope() {
    return readOnly ? "read_api" : "api";
  }

  /**
   * The scopes to grant for a requested {@code scope} parameter: the known ones (unknown ones are left out,
   * as RFC 6749 §3.3 allows), {@code api} lowered to {@code read_api} in readonly mode; the default when none.
   */
  List<String> grantedScopes(String requested) {
    List<String> out = new ArrayList<>();
    for (String s : requested == null ? new String[0] : requested.trim().split("\\s+")) {
      String t = readOnly && s.equals("api") ? "read_api" : s;
      if (scopesSupported().contains(t) && !out.contains(t)) {
        out.add(t);
      }
    }
    return out.isEmpty() ? List.of(defaultScope()) : List.copyOf(out);
  }

  /** What the gateway asks GitLab for: api when the grant may write, else read_api. */
  static String gitlabScope(List<String> scopes) {
    return scopes.contains("api") ? "api" : "read_api";
  }

  /**
   * The instance a {@code resource} names: the default for {@code <issuer>/mcp} (or no resource at all),
   * the named one for {@code <issuer>/mcp/<name>}; null when it names nothing this gateway serves. Scheme and
   * host compare without case, and one trailing slash is ignored.
   */
  GitLabConfig instanceOf(String resource) {
    if (resource == null || resource.isEmpty()) {
      return instances.defaultInstance();
    }
    String r = canonical(resource);
    String base = canonical(config.issuer()) + "/mcp";
    if (r == null) {
      return null;
    }
    if (r.equals(base)) {
      return instances.defaultInstance();
    }
    if (r.startsWith(base + "/")) {
      String name = r.substring(base.length() + 1);
      return name.contains("/") ? null : instances.get(name);
    }
    return null;
  }

  /**
   * The resource a token is bound to: the URL the client named, in the gateway's own spelling ({@code /mcp}, or
   * {@code /mcp/<name>} even for the default instance, so a client that asked for {@code /mcp/a} gets back
   * {@code /mcp/a}); {@code /mcp} when it named none.
   *
   * @param instance what {@link #instanceOf} found for {@code requested}
   */
  String resourceFor(String requested, GitLabConfig instance) {
    boolean named = requested != null && !requested.isEmpty()
        && !(canonical(config.issuer()) + "/mcp").equals(canonical(requested));
    return config.resource(named ? instance.name() : null);
  }

  static String canonical(String uri) {
    try {
      URI u = new URI(uri.trim());
      if (u.getScheme() == null || u.getHost() == null || u.getRawFragment() != null) {
        return null;
      }
      String path = u.getRawPath() == null ? "" : u.getRawPath();
      if (path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      return u.getScheme().toLowerCase(Locale.ROOT) + "://" + u.getHost().toLowerCase(Locale.ROOT)
          + (u.getPort() > 0 ? ":" + u.getPort() : "") + path + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    } catch (Exception e) {
      return null;
    }
  }
}
