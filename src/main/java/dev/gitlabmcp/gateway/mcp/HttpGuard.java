package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.http.HttpProblem;
import dev.gitlabmcp.gateway.http.Replies;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The first handler of every route: DNS-rebinding protection (Host and Origin) and CORS. Health and
 * metrics also accept a Host that is an IP address literal, which is what Kubernetes probes and
 * Prometheus scrapes send (a rebinding attack always carries the attacker's host name, never a literal).
 */
final class HttpGuard implements Handler<RoutingContext> {

  static final String ALLOW = "GET, POST, DELETE";
  private static final String EXPOSED = McpHttpVerticle.SESSION_HEADER + ", " + McpHttpVerticle.VERSION_HEADER;
  private static final String ALLOWED_HEADERS = "Content-Type, Accept, Authorization, Private-Token, Job-Token, "
      + InstanceSelector.INSTANCE_HEADER + ", " + McpHttpVerticle.SESSION_HEADER + ", "
      + McpHttpVerticle.VERSION_HEADER + ", Last-Event-ID, " + StatelessHandler.METHOD_HEADER + ", "
      + StatelessHandler.NAME_HEADER;

  private final OriginGuard origins;

  HttpGuard(OriginGuard origins) {
    this.origins = origins;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String host = req.authority() == null ? req.getHeader("Host") : req.authority().toString();
    String problem = operational(req.path()) && ipLiteral(host) ? null : origins.checkHost(host);
    String origin = req.getHeader("Origin");
    if (problem == null) {
      problem = origins.checkOrigin(origin);
    }
    if (problem != null) {
      Replies.problem(ctx, HttpProblem.rpc(403, JsonRpc.SERVER_ERROR, "Forbidden: " + problem));
      return;
    }
    if (origin != null) {
      ctx.response().putHeader("Access-Control-Allow-Origin", origin).putHeader("Vary", "Origin")
          .putHeader("Access-Control-Expose-Headers", EXPOSED);
      if (req.method() == HttpMethod.OPTIONS) {
        ctx.response().setStatusCode(204)
            .putHeader("Access-Control-Allow-Methods", ALLOW)
            .putHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS)
            .putHeader("Access-Control-Max-Age", "600")
            .end();
        return;
      }
    }
    ctx.next();
  }

  private static boolean operational(String path) {
    return path != null && (path.equals("/health") || path.startsWith("/health/") || path.startsWith("/metrics"));
  }

  /** "10.1.2.3:3002" or "[fd00::1]:3002": an address, not a name. */
  static boolean ipLiteral(String hostHeader) {
    if (hostHeader == null || hostHeader.isEmpty()) {
      return false;
    }
    String h = hostHeader.trim();
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end > 1 && h.substring(1, end).chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
    }
    int colon = h.lastIndexOf(':');
    String name = colon < 0 ? h : h.substring(0, colon);
    String[] parts = name.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }
}
