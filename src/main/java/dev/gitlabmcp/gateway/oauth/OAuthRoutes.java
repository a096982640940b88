package dev.gitlabmcp.gateway.oauth;

import dev.gitlabmcp.gateway.config.GatewayConfig;
import dev.gitlabmcp.gateway.crypto.KeyRing;
import dev.gitlabmcp.gateway.gitlab.InstanceDirectory;
import dev.gitlabmcp.gateway.gitlab.InstancesHealth;
import dev.gitlabmcp.gateway.limit.ClientAddress;
import dev.gitlabmcp.gateway.limit.RateLimiter;
import dev.gitlabmcp.gateway.state.OAuthState;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.InetAddress;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The authorization server's HTTP surface (docs/oauth.md): discovery, registration, authorize and consent,
 * the GitLab callback, token and revocation. The legacy paths {@code /authorize}, {@code /token},
 * {@code /register} and {@code /revoke} answer as aliases for clients that probe them.
 */
public final class OAuthRoutes {

  private static final long FORM_LIMIT = 64 * 1024;

  private final OAuthServer server;
  private final Registration registration;
  private final ClientAddress addresses;

  private final RateLimiter limiter;

  private OAuthRoutes(OAuthServer server, Registration registration, ClientAddress addresses, RateLimiter limiter) {
    this.limiter = limiter;
    this.server = server;
    this.registration = registration;
    this.addresses = addresses;
  }

  /** The production server: metadata documents fetched from public addresses only, with the JVM's trust store. */
  public static OAuthRoutes create(Vertx vertx, GatewayConfig cfg, InstanceDirectory instances, OAuthState state,
                                   KeyRing keys, GrantService grants, RateLimiter limiter, LongSupplier clock) {
    return create(vertx, cfg, instances, state, keys, grants, limiter, clock, new PublicAddresses(),
        new HttpClientOptions().setVerifyHost(true));
  }

  /** With the metadata-document fetch's address policy and TLS options chosen (tests serve documents on loopback). */
  static OAuthRoutes create(Vertx vertx, GatewayConfig cfg, InstanceDirectory instances, OAuthState state,
                            KeyRing keys, GrantService grants, RateLimiter limiter, LongSupplier clock,
                            Predicate<InetAddress> fetchable, HttpClientOptions fetchOptions) {
    String issuer = cfg.oauth().issuer();
    java.net.URI u = java.net.URI.create(issuer);
    boolean secure = "https".equalsIgnoreCase(u.getScheme()) || GatewayConfig.isLoopback(u.getHost());
    MetadataDocuments documents = new MetadataDocuments(vertx, state.transients(), fetchable, fetchOptions);
    OAuthServer server = new OAuthServer(cfg.oauth(), instances, "readonly".equals(cfg.permissionMode()), state, keys,
        grants, new FlowCookies(keys, secure), new GitLabSignIn(vertx, clock),
        new ClientRegistry(cfg.oauth().clients(), documents, state.clients()), clock,
        () -> InstancesHealth.statuses(vertx));
    return new OAuthRoutes(server, new Registration(state.clients(), keys, limiter, clock),
        new ClientAddress(cfg.effectiveProxyHops()), limiter);
  }

  public void mount(Router router) {
    Discovery discovery = new Discovery(server);
    AuthorizeHandler authorize = new AuthorizeHandler(server);
    CallbackHandler callback = new CallbackHandler(server, authorize);
    TokenHandler token = new TokenHandler(server, limiter, addresses);
    for (String path : new String[] {"/.well-known/oauth-protected-resource",
        "/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource/mcp/:instance"}) {
      router.get(path).handler(discovery::protectedResource);
    }
    for (String path : new String[] {"/.well-known/oauth-authorization-server",
        "/.well-known/oauth-authorization-server/*", "/.well-known/openid-configuration",
        "/.well-known/openid-configuration/*"}) {
      router.get(path).handler(discovery::authorizationServer);
    }
    for (String prefix : new String[] {"/oauth", ""}) {
      router.get(prefix + "/authorize").handler(authorize::authorize);
      router.post(prefix + "/register").handler(body()).handler(this::register);
      router.post(prefix + "/token").handler(body()).handler(token::token);
      router.post(prefix + "/revoke").handler(body()).handler(token::revoke);
    }
    router.post("/oauth/authorize/decision").handler(body()).handler(authorize::decision);
    router.get("/oauth/callback").handler(callback::callback);
    router.post("/oauth/authorize/partial").handler(body()).handler(callback::partial);
  }

  private static BodyHandler body() {
    return BodyHandler.create(false).setBodyLimit(FORM_LIMIT);
  }

  private void register(RoutingContext ctx) {
    JsonObject metadata;
    try {
      metadata = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      metadata = null;
    }
    if (metadata == null) {
      TokenHandler.fail(ctx, new OAuthError(400, "invalid_client_metadata", "the body must be a JSON object"));
      return;
    }
    registration.register(metadata, addresses.of(ctx.request()))
        .onSuccess(json -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store").end(json.toBuffer()))
        .onFailure(err -> TokenHandler.fail(ctx, err));
  }
}
