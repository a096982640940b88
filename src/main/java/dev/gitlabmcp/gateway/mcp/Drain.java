package dev.gitlabmcp.gateway.mcp;

import dev.gitlabmcp.gateway.core.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A graceful stop (SIGTERM): new MCP requests are refused with 503 and Retry-After (another replica
 * takes them), readiness turns false, the calls already running get up to the drain time to finish,
 * then the event streams close with a reconnect hint. A client loses nothing: its session lives on in
 * the shared store, and its next request lands on another replica.
 */
public final class Drain {

  private static final Logger LOG = LoggerFactory.getLogger(Drain.class);
  static final long POLL_MS = 50;

  private final Vertx vertx;
  private final InFlightCalls inFlight;
  private volatile boolean draining;

  public Drain(Vertx vertx, InFlightCalls inFlight) {
    this.vertx = vertx;
    this.inFlight = inFlight;
  }

  public boolean draining() {
    return draining;
  }

  /** Starts draining; completes once no call runs (or the time is up) and the streams were told to close. */
  public Future<Void> drain(long maxMillis) {
    draining = true;
    long t0 = System.nanoTime();
    LOG.info("drain_started calls_running={} max_ms={}", inFlight.size(), maxMillis);
    Promise<Void> done = Promise.promise();
    awaitCalls(t0, maxMillis, done);
    return done.future().onComplete(v -> {
      vertx.eventBus().publish(Addresses.DRAIN, "close");
      LOG.info("drain_finished calls_left={} ms={}", inFlight.size(), (System.nanoTime() - t0) / 1_000_000);
    });
  }

  private void awaitCalls(long t0, long maxMillis, Promise<Void> done) {
    if (inFlight.size() == 0 || (System.nanoTime() - t0) / 1_000_000 >= maxMillis) {
      done.tryComplete();
      return;
    }
    vertx.setTimer(POLL_MS, t -> awaitCalls(t0, maxMillis, done));
  }
}
