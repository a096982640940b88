package dev.gitlabmcp.gateway.app;

import dev.gitlabmcp.gateway.auth.GrantCredentials;
import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.config.GitLabConfig;
import dev.gitlabmcp.gateway.config.OAuthClientConfig;
import dev.gitlabmcp.gateway.crypto.KeyRing;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory;
import dev.gitlabmcp.gateway.limit.RateLimiter;
import dev.gitlabmcp.gateway.oauth.GitLabRefresh;
import dev.gitlabmcp.gateway.oauth.OAuthRoutes;
import dev.gitlabmcp.gateway.oauth.ResourceServer;
import dev.gitlabmcp.gateway.state.OAuthState;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Sign in with GitLab, wired once per process (GITLAB_MCP_OAUTH): one set of stores, one key ring and one
 * {@code Grants} shared by the authorization server's endpoints and the resource server, so a revocation at
 * {@code /oauth/revoke} clears this replica's view of the grant at once.
 */
record SignIn(ResourceServer resource, Consumer<Router> routes) {

  /** Null when sign-in is off. */
  static SignIn create(Vertx vertx, GatewayConfig cfg, InstanceDirectory directory, SharedState shared,
                       RateLimiter addressBudget, KeyRing keys) {
    if (!cfg.oauth().enabled()) {
      return null;
    }
    LongSupplier clock = System::currentTimeMillis;
    OAuthState state = OAuthStores.create(vertx, cfg, shared);
    String callback = cfg.oauth().issuer() + "/oauth/callback";
    ResourceServer rs = ResourceServer.create(vertx, directory, state, keys, cfg.oauthTokens(), cfg.oauth().issuer(),
        instance -> app(cfg, directory.get(instance), callback), "api", clock);
    OAuthRoutes routes = OAuthRoutes.create(vertx, cfg, directory, state, keys, rs.grants(), addressBudget, clock);
    return new SignIn(rs, routes::mount);
  }

  /** The GitLab application a refresh repeats on an instance, or null when it has none (any more). */
  private static GitLabRefresh.App app(GatewayConfig cfg, GitLabConfig instance, String callback) {
    OAuthClientConfig app = instance == null ? OAuthClientConfig.NONE : cfg.oauth().appFor(instance);
    return app.configured() ? new GitLabRefresh.App(app.clientId(), app.clientSecret(), callback) : null;
  }

  static GrantCredentials credentials(SignIn s) {
    return s == null ? GrantCredentials.NONE : s.resource().tokens();
  }
}
