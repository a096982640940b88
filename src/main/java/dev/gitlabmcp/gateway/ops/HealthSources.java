package dev.gitlabmcp.gateway.ops;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the health routes read, as functions the composition root supplies, so that ops imports no
 * other gateway package.
 *
 * @param activeSessions  the number of open MCP sessions (the session store's count)
 * @param maxSessions     the capacity; at it the gateway takes no new session
 * @param startedAtMillis when the gateway started, on {@code clock}
 * @param clock           milliseconds now (System::currentTimeMillis in production)
 * @param instanceDetail  one JSON entry per GitLab instance for {@code /health?detail=true}; it holds
 *                        internal URLs, so it is only shown with the detail token
 * @param readiness       the stores' reachability checks (none with the in-memory stores)
 */
public record HealthSources(Supplier<Future<Integer>> activeSessions, int maxSessions, long startedAtMillis,
                            LongSupplier clock, Supplier<Future<JsonObject>> instanceDetail,
                            List<ReadinessCheck> readiness) {

  /** The name /health/ready gives its capacity check. */
  public static final String SESSIONS_CHECK = "sessions";

  public HealthSources {
    Objects.requireNonNull(activeSessions, "activeSessions");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(instanceDetail, "instanceDetail");
    readiness = List.copyOf(readiness);
    if (maxSessions < 1) {
      throw new IllegalArgumentException("maxSessions must be at least 1, not " + maxSessions);
    }
    if (readiness.stream().map(ReadinessCheck::name).distinct().count() != readiness.size()) {
      throw new IllegalArgumentException("readiness check names must be unique");
    }
    if (readiness.stream().anyMatch(c -> c.name().equals(SESSIONS_CHECK))) {
      throw new IllegalArgumentException("'" + SESSIONS_CHECK + "' is the capacity check's name; choose another");
    }
  }

  /** Seconds since the start. */
  long uptimeSeconds() {
    return Math.max(0, clock.getAsLong() - startedAtMillis) / 1000;
  }
}
