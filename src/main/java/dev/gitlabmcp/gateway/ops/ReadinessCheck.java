package dev.gitlabmcp.gateway.ops;

import io.vertx.core.Future;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One thing {@code /health/ready} asks before it says the replica can take sessions, e.g. "redis"
 * answering a PING. The check's future fails (or does not complete within the handler's timeout)
 * when the thing is unreachable. Its failure message is logged, never sent: it may name an address.
 */
public record ReadinessCheck(String name, Supplier<Future<Void>> check) {

  public ReadinessCheck {
    Objects.requireNonNull(check, "check");
    if (name == null || !name.matches("[a-z][a-z0-9_-]{0,31}")) {
      throw new IllegalArgumentException("a readiness check name is a short lower-case word, not '" + name + "'");
    }
  }
}
