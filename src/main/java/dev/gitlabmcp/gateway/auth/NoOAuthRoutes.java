package dev.gitlabmcp.gateway.auth;

import dev.gitlabmcp.gateway.http.Replies;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * While OAuth sign-in is not configured, the endpoints an MCP client probes after a 401 (RFC 9728 and
 * RFC 8414 discovery, dynamic registration, authorize, token) answer in OAuth's own error shape with
 * the real way to authenticate. Clients then show "send your GitLab token in the Authorization header"
 * instead of a bare "registration rejected (HTTP 404)".
 */
public final class NoOAuthRoutes {

  private final String howToAuthenticate;

  /**
   * @param callerTokens remote authorization: each caller sends a GitLab token; else MCP_AUTH_TOKEN (or none)
   */
  public NoOAuthRoutes(boolean callerTokens) {
    this.howToAuthenticate = callerTokens
        ? "This gateway has no OAuth sign-in. Send your GitLab personal access token with every request, in the "
            + "Authorization header ('Authorization: Bearer glpat-...') or the Private-Token header."
        : "This gateway has no OAuth sign-in. Send 'Authorization: Bearer <token>' with the token its operator "
            + "configured (MCP_AUTH_TOKEN).";
  }

  public String howToAuthenticate() {
    return howToAuthenticate;
  }

  public void mount(Router router) {
    for (String discovery : new String[] {"/.well-known/oauth-protected-resource",
        "/.well-known/oauth-protected-resource/*", "/.well-known/oauth-authorization-server",
        "/.well-known/oauth-authorization-server/*", "/.well-known/openid-configuration"}) {
      router.get(discovery).handler(ctx -> answer(ctx, 404, "invalid_request"));
    }
    router.route("/register").handler(ctx -> answer(ctx, 400, "invalid_client_metadata"));
    router.route("/authorize").handler(ctx -> answer(ctx, 400, "unsupported_response_type"));
    router.route("/token").handler(ctx -> answer(ctx, 400, "unsupported_grant_type"));
  }

  private void answer(RoutingContext ctx, int status, String error) {
    ctx.response().putHeader("Cache-Control", "no-store");
    Replies.json(ctx, status, new JsonObject().put("error", error).put("error_description", howToAuthenticate));
  }
}
