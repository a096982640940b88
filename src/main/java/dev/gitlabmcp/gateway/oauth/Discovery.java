package dev.gitlabmcp.gateway.oauth;

import dev.gitlabmcp.gateway.config.GitLabConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * RFC 9728 protected-resource metadata (for {@code /mcp} and {@code /mcp/{instance}}) and RFC 8414
 * authorization-server metadata. Every URL in them is built from MCP_SERVER_URL, never from the address
 * the request arrived at, so a gateway behind a reverse proxy describes itself as clients reach it.
 */
final class Discovery {

  private final OAuthServer s;

  Discovery(OAuthServer server) {
    this.s = server;
  }

  /** {@code /.well-known/oauth-protected-resource[/mcp[/{instance}]]}. */
  void protectedResource(RoutingContext ctx) {
    String instance = ctx.pathParam("instance");
    GitLabConfig target = instance == null ? s.instances().defaultInstance() : s.instances().get(instance);
    if (target == null) {
      TokenHandler.fail(ctx, new OAuthError(404, "invalid_request", "no MCP resource at /mcp/" + instance));
      return;
    }
    // The resource is the URL the client asked about (RFC 9728 §3.3: it must match what the client uses).
    JsonObject prm = new JsonObject().put("resource", s.config().resource(instance == null ? null : target.name()))
        .put("authorization_servers", new JsonArray().add(s.issuer()))
        .put("scopes_supported", new JsonArray(s.scopesSupported()))
        .put("bearer_methods_supported", new JsonArray().add("header"))
        .put("resource_name", "GitLab MCP gateway (" + target.label() + ")")
        .put("resource_documentation", "https://github.com/gitlab-mcp-gateway/gitlab-mcp-gateway/blob/main/docs/oauth.md");
    send(ctx, prm);
  }

  /** {@code /.well-known/oauth-authorization-server} and {@code /.well-known/openid-configuration}. */
  void authorizationServer(RoutingContext ctx) {
    JsonArray authMethods = new JsonArray().add("none").add("client_secret_basic").add("client_secret_post");
    JsonObject as = new JsonObject().put("issuer", s.issuer())
        .put("authorization_endpoint", s.endpoint("/oauth/authorize"))
        .put("token_endpoint", s.endpoint("/oauth/token"))
        .put("registration_endpoint", s.endpoint("/oauth/register"))
        .put("revocation_endpoint", s.endpoint("/oauth/revoke"))
        .put("scopes_supported", new JsonArray(s.scopesSupported()))
        .put("response_types_supported", new JsonArray().add("code"))
        .put("response_modes_supported", new JsonArray().add("query"))
        .put("grant_types_supported", new JsonArray().add("authorization_code").add("refresh_token"))
        .put("token_endpoint_auth_methods_supported", authMethods)
        .put("revocation_endpoint_auth_methods_supported", authMethods.copy())
        .put("code_challenge_methods_supported", new JsonArray().add("S256"))
        .put("authorization_response_iss_parameter_supported", true)
        .put("client_id_metadata_document_supported", true);
    send(ctx, as);
  }

  private static void send(RoutingContext ctx, JsonObject body) {
    ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "public, max-age=300").end(body.toBuffer());
  }
}
