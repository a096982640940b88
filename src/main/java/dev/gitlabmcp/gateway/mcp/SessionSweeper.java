package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.limit.RateLimiter;
import dev.gitlabmcp.gateway.ops.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic housekeeping, never on the request path: removes sessions idle past their TTL and closes
 * their streams, drops finished limiter windows, and refreshes the session count the metrics read.
 */
public final class SessionSweeper {

  private static final Logger LOG = LoggerFactory.getLogger(SessionSweeper.class);

  private final Vertx vertx;
  private final SessionStore sessions;
  private final SessionEvents events;
  private final List<RateLimiter> limiters;
  private final List<Runnable> chores;
  private final GatewayMetrics metrics;
  private final AtomicInteger active = new AtomicInteger();
  private final long periodMs;

  /**
   * @param chores further cleanups to run on each pass (the token-verification cache)
   */
  public SessionSweeper(Vertx vertx, SessionStore sessions, SessionEvents events, int timeoutSeconds,
                        List<RateLimiter> limiters, List<Runnable> chores, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.sessions = sessions;
    this.events = events;
    this.limiters = List.copyOf(limiters);
    this.chores = List.copyOf(chores);
    this.metrics = metrics;
    this.periodMs = Math.max(1000L, Math.min(30_000L, timeoutSeconds * 1000L / 4));
  }

  /** Sessions alive at the last pass, for the metrics gauge (which cannot wait for a store). */
  public int active() {
    return active.get();
  }

  public long start() {
    sweep();
    return vertx.setPeriodic(periodMs, t -> sweep());
  }

  /** One pass; the future holds how many sessions were removed. */
  public Future<Integer> sweep() {
    limiters.forEach(RateLimiter::sweep);
    chores.forEach(Runnable::run);
    return sessions.expire().compose(this::closeAll).compose(n -> sessions.count().map(c -> {
      active.set(c);
      return n;
    })).onFailure(err -> LOG.warn("session_sweep_failed error={}", err.getClass().getSimpleName()));
  }

  private Future<Integer> closeAll(List<String> expired) {
    for (String id : expired) {
      events.publish(SessionEvent.close(id));
      LOG.info("session_expired session={}", SessionState.shortId(id));
      if (metrics != null) {
        metrics.sessionExpired();
      }
    }
    return Future.succeededFuture(expired.size());
  }
}
