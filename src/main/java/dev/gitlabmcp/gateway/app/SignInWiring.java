package dev.gitlabmcp.gateway.app;

import dev.gitlabmcp.gateway.auth.Authenticators;
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

/**
 * Sign in with GitLab, built once per process when GITLAB_MCP_OAUTH is on (docs/oauth.md): the stores, the
 * resource server (grants, GitLab tokens, the authenticator of gateway tokens) and the authorization server's
 * routes over the same grants. Off: no grant credentials and no routes (the probe answers of NoOAuthRoutes).
 */
record SignInWiring(GrantCredentials credentials, ResourceServer resourceServer, Consumer<Router> routes) {

  static final SignInWiring OFF = new SignInWiring(GrantCredentials.NONE, null, null);

  /**
   * @param state the process's one set of OAuth stores (the daily grant purge runs on the same)
   * @param keys the process's key ring (GATEWAY_ENCRYPTION_KEY, or a process-only key without a shared store)
   */
  static SignInWiring create(Vertx vertx, GatewayConfig cfg, InstanceDirectory directory, OAuthState state,
                             KeyRing keys, RateLimiter registrations) {
    if (!cfg.oauth().enabled()) {
      return OFF;
    }
    String callback = cfg.oauth().issuer() + "/oauth/callback";
    ResourceServer rs = ResourceServer.create(vertx, directory, state, keys, cfg.oauthTokens(), cfg.oauth().issuer(),
        name -> {
          GitLabConfig instance = directory.get(name);
          OAuthClientConfig app = instance == null ? OAuthClientConfig.NONE : cfg.oauth().appFor(instance);
          return app.configured() ? new GitLabRefresh.App(app.clientId(), app.clientSecret(), callback) : null;
        }, "api", System::currentTimeMillis);
    OAuthRoutes routes = OAuthRoutes.create(vertx, cfg, directory, state, keys, rs.grants(), registrations,
        System::currentTimeMillis);
    return new SignInWiring(rs.tokens(), rs, routes::mount);
  }

  /** Requests then carry the gateway's access tokens. */
  Authenticators apply(Authenticators auth) {
    return resourceServer == null ? auth : auth.signingIn(resourceServer.authenticator());
  }
}
