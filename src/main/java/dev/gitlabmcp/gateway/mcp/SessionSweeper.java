package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.Addresses;
import dev.gitlabmcp.gateway.auth.IdentityVerifier;
import dev.gitlabmcp.gateway.ops.GatewayMetrics;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the session timeout of inactivity a session's token is wiped; after twice that the
 * session is removed and its streams closed, so capacity never leaks. Also drops stale limiter
 * and token-cache entries.
 */
public final class SessionSweeper {

  private static final Logger LOG = LoggerFactory.getLogger(SessionSweeper.class);

  private final Vertx vertx;
  private final SessionStore sessions;
  private final long timeoutMs;
  private final IdentityVerifier verifier;
  private final IpLimiter ipLimiter;

  private final GatewayMetrics metrics;

  public SessionSweeper(Vertx vertx, SessionStore sessions, int timeoutSeconds, IdentityVerifier verifier,
                        IpLimiter ipLimiter, GatewayMetrics metrics) {
    this.metrics = metrics;
    this.vertx = vertx;
    this.sessions = sessions;
    this.timeoutMs = timeoutSeconds * 1000L;
    this.verifier = verifier;
    this.ipLimiter = ipLimiter;
  }

  public long start() {
    long period = Math.max(1000L, Math.min(30_000L, timeoutMs / 4));
    return vertx.setPeriodic(period, t -> sweep(System.currentTimeMillis()));
  }

  /** One pass at the given time; returns how many sessions were removed. */
  public int sweep(long now) {
    for (McpSession s : sessions.idle(now - timeoutMs)) {
      if (s.authenticated()) {
        s.forgetCredential();
        LOG.info("session_token_forgotten session={} idleSeconds={}", s.shortId(), (now - s.lastSeenMillis()) / 1000);
      }
    }
    int removed = 0;
    for (McpSession s : sessions.expire(now - 2 * timeoutMs)) {
      s.forgetCredential();
      vertx.eventBus().publish(Addresses.sessionOut(s.id()), McpHttpVerticle.CLOSE_STREAMS);
      LOG.info("session_expired session={} idleSeconds={}", s.shortId(), (now - s.lastSeenMillis()) / 1000);
      removed++;
      if (metrics != null) {
        metrics.sessionExpired();
      }
    }
    if (ipLimiter != null) {
      ipLimiter.sweep(now);
    }
    if (verifier != null) {
      verifier.evictExpired();
    }
    return removed;
  }
}
