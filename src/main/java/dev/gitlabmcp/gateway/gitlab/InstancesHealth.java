package dev.gitlabmcp.gateway.gitlab;

import dev.gitlabmcp.gateway.core.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * The per-instance part of {@code /health?detail=true}: the registry's status of each configured
 * instance (healthy, degraded or down, its limiter) with its label, URL, default flag, and the
 * version and edition learnt so far. It names internal URLs: ops shows it only with the detail token.
 */
public final class InstancesHealth {

  private static final DeliveryOptions STATUS_TIMEOUT = new DeliveryOptions().setSendTimeout(2_000);

  private InstancesHealth() {
  }

  private static final DeliveryOptions PAGE_TIMEOUT = new DeliveryOptions().setSendTimeout(500);

  /**
   * Each instance's status alone (healthy, degraded, down) by name, for pages a person waits on: empty when
   * the registry does not answer within half a second.
   */
  public static Future<JsonObject> statuses(Vertx vertx) {
    return vertx.eventBus().<JsonObject>request(Addresses.INSTANCES_STATUS, new JsonObject(), PAGE_TIMEOUT)
        .map(reply -> {
          JsonObject out = new JsonObject();
          reply.body().forEach(e -> {
            if (e.getValue() instanceof JsonObject o && o.getValue("status") instanceof String s) {
              out.put(e.getKey(), s);
            }
          });
          return out;
        })
        .otherwise(e -> new JsonObject());
  }

  /** One entry per configured instance; "unknown" status when the registry does not answer. */
  public static Future<JsonObject> detail(Vertx vertx, InstanceDirectory instances) {
    return vertx.eventBus().<JsonObject>request(Addresses.INSTANCES_STATUS, new JsonObject(), STATUS_TIMEOUT)
        .map(reply -> reply.body().copy())
        .otherwise(e -> new JsonObject())
        .map(status -> describe(status, instances));
  }

  private static JsonObject describe(JsonObject status, InstanceDirectory instances) {
    JsonObject out = new JsonObject();
    for (var c : instances.all()) {
      JsonObject one = status.getJsonObject(c.name(), new JsonObject().put("status", "unknown"));
      InstanceDirectory.Info info = instances.info(c.name());
      one.put("label", c.label()).put("url", c.baseUrl().toString()).put("default", c.isDefault());
      if (info.version() != null) {
        one.put("version", info.version());
      }
      if (info.enterprise() != null) {
        one.put("edition", info.enterprise() ? "enterprise" : "community");
      }
      out.put(c.name(), one);
    }
    return out;
  }
}
