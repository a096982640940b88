package dev.gitlabmcp.gateway.oauth;

import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sends the browser back to the client's (validated) redirect URI: the code or the error, always with
 * {@code state} and {@code iss} (RFC 9207), so the client can tell which authorization server answered.
 */
final class ClientRedirects {

  private ClientRedirects() {
  }

  static void code(RoutingContext ctx, String issuer, AuthorizationRequest req, String code) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("code", code);
    send(ctx, issuer, req, p);
  }

  static void error(RoutingContext ctx, String issuer, AuthorizationRequest req, String error, String description) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("error", error);
    p.put("error_description", description);
    send(ctx, issuer, req, p);
  }

  private static void send(RoutingContext ctx, String issuer, AuthorizationRequest req, Map<String, String> params) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    if (req.state() != null && !req.state().isEmpty()) {
      params.put("state", req.state());
    }
    params.put("iss", issuer);
    StringBuilder url = new StringBuilder(req.redirectUri());
    char sep = req.redirectUri().contains("?") ? '&' : '?';
    for (Map.Entry<String, String> e : params.entrySet()) {
      url.append(sep).append(e.getKey()).append('=').append(GitLabSignIn.enc(e.getValue()));
      sep = '&';
    }
    ctx.response().setStatusCode(302).putHeader("Location", url.toString()).putHeader("Cache-Control", "no-store")
        .putHeader("Referrer-Policy", "no-referrer").end();
  }
}
