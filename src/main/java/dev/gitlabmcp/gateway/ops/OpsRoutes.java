package dev.gitlabmcp.gateway.ops;

import io.vertx.ext.web.Router;

/**
 * Mounts the operations routes: /health, /health/live, /health/ready, /metrics and /metrics.json.
 * The router's own guards (Host/Origin) apply to them as to every route; the detail views check
 * their token here.
 */
public final class OpsRoutes {

  private OpsRoutes() {
  }

  /** Adds every ops route to {@code router}; call before any catch-all route. */
  public static void mount(Router router, HealthHandler health, MetricsHandler metrics) {
    health.mount(router);
    metrics.mount(router);
  }
}
